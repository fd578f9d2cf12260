use crate::kernel::auth::Caller;
use crate::kernel::command::Ctx;
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::export::{self, Listed};
use crate::kernel::extract::{IfMatch, ValidJson, trimmed};
use crate::kernel::page::{Page, paginate, row_key, window};
use crate::kernel::respond::{created, versioned};
use crate::kernel::state::AppState;
use crate::scoring::dto::probations::{
    ApproveProbation, OpenProbation, PROBATIONS_EXPORT, ProbationOut, ProbationQuery,
};
use crate::scoring::service::privacy::{narrow, scope};
use crate::scoring::service::probations as svc;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use kefu_scoring::access::{self, Action};
use kefu_store::probations::{self as store, ProbationFilter};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(open_probation)
        .service(list_probations)
        .service(get_probation)
        .service(approve_probation);
}

/// Open a probation
///
/// HR-T1: a new hire's probation from `starts_on`; its last day follows from the
/// `training-rules` length in force then (2 calendar months; 50 working days of the work
/// calendar in the `technical_service` department) and is kept. One probation per person (409
/// on `user_id`). HR, managers and admins (403 otherwise); a person the caller does not
/// assess, themselves included, is 422 `HR-T1` on `user_id`; an unknown department 422
/// `HR-T1`. The confirmation follows (`approveProbation`). Triggers the audit entry and
/// webhook event `probation.open`; a person whose employee record is still in `training`
/// moves to `probation` from `starts_on` (ORG-2 history, `employee.change_status`).
#[utoipa::path(
    tag = "scorecards",
    operation_id = "openProbation",
    request_body = OpenProbation,
    responses(
        (status = 201, description = "Opened", body = ProbationOut,
            headers(("Location" = String), ("ETag" = String))),
        (status = 409, description = "The person has a probation already", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/probations")]
async fn open_probation(
    state: web::Data<AppState>,
    caller: Caller,
    ValidJson(input): ValidJson<OpenProbation>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::ProbationOpen, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let out = state
        .tx(move |conn| svc::open(conn, &ctx, &actor, input))
        .await?;
    Ok(created(
        format!("/api/v1/probations/{}", out.id),
        Some(out.version),
        &out,
    ))
}

/// List or delta-sync probations
///
/// HR-T1: probations by person and status, in id order; `updated_since` delta-syncs;
/// `/export` (CSV or XLSX) exports. Privacy: staff see their own; a supervisor also their teams'
/// members'; admins, managers, HR and executives everyone's. Customer contacts get 403.
/// Read-only.
#[utoipa::path(
    tag = "scorecards",
    operation_id = "listProbations",
    params(ProbationQuery),
    responses((status = 200, description = "One page of probations", body = Page<ProbationOut>))
)]
#[get("/probations")]
async fn list_probations(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<ProbationQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = state.clone();
    export::respond(&data, &PROBATIONS_EXPORT, listed, move |query| {
        probations_page(state.clone(), caller.clone(), query)
    })
    .await
}

async fn probations_page(
    state: web::Data<AppState>,
    caller: Caller,
    query: ProbationQuery,
) -> Result<Page<ProbationOut>, ApiError> {
    access::require(Action::ProbationRead, &caller.actor.roles)?;
    let (limit, fetch, mode) = window(
        query.limit,
        query.updated_since.as_deref(),
        query.cursor.as_deref(),
    )?;
    let actor = caller.actor.clone();
    let person = trimmed(query.user_id);
    let status = query.status;
    let (mode, rows) = state
        .db(move |conn| {
            let filter = ProbationFilter {
                user_ids: narrow(scope(conn, &actor)?, person),
                status: status.map(|s| s.as_str().to_owned()),
            };
            Ok((mode.clone(), store::list(conn, &filter, &mode, fetch)?))
        })
        .await?;
    Ok(paginate(
        rows,
        limit,
        |r| row_key(&mode, r.updated_at, &r.id),
        |r| ProbationOut::from(&r),
    ))
}

/// Read a probation
///
/// HR-T1: one probation, under the privacy of `listProbations` (404 for one the caller may
/// not see). Read-only.
#[utoipa::path(
    tag = "scorecards",
    operation_id = "getProbation",
    params(("id" = String, Path, description = "Probation id")),
    responses((status = 200, description = "The probation", body = ProbationOut, headers(("ETag" = String))))
)]
#[get("/probations/{id}")]
async fn get_probation(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::ProbationRead, &caller.actor.roles)?;
    let actor = caller.actor.clone();
    let id = id.into_inner();
    let row = state.db(move |conn| svc::get(conn, &actor, &id)).await?;
    Ok(versioned(
        StatusCode::OK,
        row.version,
        &ProbationOut::from(&row),
    ))
}

/// Approve a step of the confirmation
///
/// HR-T1: the confirmation's approvals come in order — `manager` (a manager), `executive`
/// (an executive), `gm` (the general manager: an executive other than the one who approved
/// the executive step); admins may give any. Another role is 403; a step out of order or a
/// confirmed probation is 409 `HR-T1`; without a passed new-hire exam (`recordExamResult` on a
/// `new_hire` session or its retake), by the new hire or by someone who approved an earlier
/// step: 422 `HR-T1`. Before the probation's last day (`ends_on`) only by special approval
/// (特批, seed 000): the manager's step states `early_reason` (stored on the probation) and the
/// later steps then approve it; an early step otherwise is 422 `HR-T1`, and an `early_reason`
/// on time or on another step is 422 naming the field. A probation the caller
/// may not see is 404. Needs `If-Match`. The `gm` step confirms it. Triggers the audit entry
/// and webhook event `probation.approve`; at confirmation, the notice `probation.confirmed` to
/// the new hire and, when their employee record is in `probation`, its move to `regular` from
/// that day (ORG-2 history, `employee.change_status`).
#[utoipa::path(
    tag = "scorecards",
    operation_id = "approveProbation",
    params(("id" = String, Path, description = "Probation id"), crate::kernel::openapi::IfMatchHeader),
    request_body = ApproveProbation,
    responses(
        (status = 200, description = "Approved (confirmed after the GM)", body = ProbationOut, headers(("ETag" = String))),
        (status = 409, description = "Out of order (HR-T1)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Too early without special approval, exam not passed, or the same approver (HR-T1)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/probations/{id}/approve")]
async fn approve_probation(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<ApproveProbation>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::ProbationApprove, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let today = state.today();
    let id = id.into_inner();
    let out = state
        .tx(move |conn| svc::approve(conn, &ctx, &actor, today, &id, version, input))
        .await?;
    Ok(versioned(StatusCode::OK, out.version, &out))
}
