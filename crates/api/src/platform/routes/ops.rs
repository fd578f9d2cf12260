use crate::kernel::error::{ApiError, Problem};
use crate::kernel::state::AppState;
use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(healthz).service(readyz).service(metrics);
}

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// Always `ok` when the process answers.
    #[schema(example = "ok")]
    pub status: String,
}

#[derive(Serialize, ToSchema)]
pub struct Readiness {
    /// Always `ready`: an instance with an unreachable database or pending migrations answers 503.
    #[schema(example = "ready")]
    pub status: String,
    /// The database backend: `sqlite` or `postgres`.
    #[schema(example = "sqlite")]
    pub database: String,
    /// What an operator should see to while the instance serves: from December on, a missing
    /// holiday schedule for the next year (CAL-1). Empty when all is well.
    #[schema(max_items = 16, example = json!([]))]
    pub warnings: Vec<String>,
}

/// Liveness: the process answers.
///
/// Public: no credentials. Answers 200 while the process runs; it does not touch the database. Not
/// rate limited.
#[utoipa::path(
    tag = "ops",
    operation_id = "healthz",
    responses((status = 200, description = "Alive", body = Health)),
    security(())
)]
#[get("/healthz")]
async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok".to_owned(),
    })
}

/// Readiness: the database answers and every migration is applied.
///
/// Public: no credentials. 200 when the database answers and every migration is applied; 503
/// otherwise (a load balancer takes the instance out). `warnings` lists what does not stop
/// the instance from serving but needs an operator: from December on, a next year without
/// its official holiday schedule (CAL-1).
#[utoipa::path(
    tag = "ops",
    operation_id = "readyz",
    responses(
        (status = 200, description = "Ready", body = Readiness),
        (status = 503, description = "Database unreachable or migrations pending", body = Problem, content_type = "application/problem+json"),
    ),
    security(())
)]
#[get("/readyz")]
async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let today = state
        .clock
        .now()
        .with_timezone(&state.config.timezone)
        .date_naive();
    let (backend, pending, unscheduled) = state
        .db(move |conn| {
            let pending = kefu_store::pending_migrations(conn)?;
            // Before the migrations are in, the calendar's tables may not be there yet.
            let unscheduled = match pending.is_empty() {
                true => crate::calendar::schedules::missing_next_year(conn, today)?,
                false => None,
            };
            Ok((conn.backend(), pending, unscheduled))
        })
        .await?;
    if !pending.is_empty() {
        return Err(ApiError::Unavailable(format!(
            "pending migrations: {}",
            pending.join(", ")
        )));
    }
    Ok(HttpResponse::Ok().json(Readiness {
        status: "ready".to_owned(),
        database: backend.name().to_owned(),
        warnings: unscheduled
            .map(|year| {
                format!(
                    "no holiday schedule loaded for {year}: working-day deadlines in {year} \
                     count public holidays as working days until one is imported (CAL-1)"
                )
            })
            .into_iter()
            .collect(),
    }))
}

/// Prometheus metrics: request counts and latencies per route, database pool gauges.
///
/// Public: no credentials (keep it behind the internal network). Prometheus text format. Not rate
/// limited.
#[utoipa::path(
    tag = "ops",
    operation_id = "metrics",
    responses((status = 200, description = "Prometheus text format", body = String, content_type = "text/plain")),
    security(())
)]
#[get("/metrics")]
async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(state.metrics.render(Some(state.pool.state())))
}
