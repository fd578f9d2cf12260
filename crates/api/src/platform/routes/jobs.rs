use crate::kernel::access::Action;
use crate::kernel::auth::Caller;
use crate::kernel::command::Ctx;
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::extract::{IfMatch, StrictQuery};
use crate::kernel::page::{Page, decode_cursor, fetch_size, paginate};
use crate::kernel::respond::versioned;
use crate::kernel::state::AppState;
use crate::platform::dto::jobs::{JobOut, JobsQuery};
use crate::platform::service::jobs as svc;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use kefu_store::jobs::{self as store, JobFilter};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_jobs).service(get_job).service(rerun_job);
}

/// List jobs
///
/// Filtered by `status` and `kind`. Admins only (403 for others). Read-only.
#[utoipa::path(
    tag = "jobs",
    operation_id = "listJobs",
    params(JobsQuery),
    responses((status = 200, description = "One page of jobs, newest first", body = Page<JobOut>))
)]
#[get("/jobs")]
async fn list_jobs(
    state: web::Data<AppState>,
    caller: Caller,
    StrictQuery(query): StrictQuery<JobsQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::JobOperate)?;
    let (limit, fetch) = fetch_size(query.limit)?;
    let before = decode_cursor(query.cursor.as_deref())?;
    let filter = JobFilter {
        status: query.status.map(|s| s.as_str().to_owned()),
        kind: query
            .kind
            .map(|k| k.trim().to_owned())
            .filter(|k| !k.is_empty()),
    };
    let rows = state
        .db(move |conn| Ok(store::list(conn, &filter, before.as_deref(), fetch)?))
        .await?;
    let page = paginate(rows, limit, |r| r.id.clone(), |r| JobOut::from(&r));
    Ok(HttpResponse::Ok().json(page))
}

/// Get a job
///
/// Admins only (403 for others). Read-only.
#[utoipa::path(
    tag = "jobs",
    operation_id = "getJob",
    params(("id" = String, Path, description = "Job id")),
    responses((status = 200, description = "The job", body = JobOut, headers(("ETag" = String))))
)]
#[get("/jobs/{id}")]
async fn get_job(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::JobOperate)?;
    let id = id.into_inner();
    let out = state.db(move |conn| svc::get(conn, &id)).await?;
    Ok(versioned(StatusCode::OK, out.version, &out))
}

/// Re-run a job
///
/// Admins only (403 for others). Needs `If-Match`. 409 when the job is neither dead nor failed.
/// Triggers the audit entry `job.rerun`.
#[utoipa::path(
    tag = "jobs",
    operation_id = "rerunJob",
    params(("id" = String, Path, description = "Job id"), crate::kernel::openapi::IfMatchHeader),
    responses(
        (status = 200, description = "Queued again", body = JobOut, headers(("ETag" = String))),
        (status = 409, description = "The job is neither dead nor failed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/jobs/{id}/rerun")]
async fn rerun_job(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::JobOperate)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let id = id.into_inner();
    let out = state
        .tx(move |conn| svc::rerun(conn, &ctx, &id, version))
        .await?;
    Ok(versioned(StatusCode::OK, out.version, &out))
}
