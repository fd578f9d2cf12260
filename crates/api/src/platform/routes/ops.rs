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
    #[schema(example = "ok")]
    pub status: String,
}

#[derive(Serialize, ToSchema)]
pub struct Readiness {
    #[schema(example = "ready")]
    pub status: String,
    #[schema(example = "sqlite")]
    pub database: String,
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
/// otherwise (a load balancer takes the instance out).
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
    let (backend, pending) = state
        .db(|conn| Ok((conn.backend(), kefu_store::pending_migrations(conn)?)))
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
