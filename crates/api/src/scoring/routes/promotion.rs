use crate::kernel::auth::Caller;
use crate::kernel::command::Ctx;
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::export::{self, Listed};
use crate::kernel::extract::{ValidJson, trimmed};
use crate::kernel::page::{Page, paginate, row_key, window};
use crate::kernel::respond::{created, versioned};
use crate::kernel::state::AppState;
use crate::scoring::dto::promotion::{
    ASSESSMENTS_EXPORT, AssessmentOut, AssessmentQuery, EligibilityOut, RecordAssessment,
};
use crate::scoring::service::privacy::{narrow, scope};
use crate::scoring::service::promotion as svc;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use kefu_scoring::access::{self, Action};
use kefu_store::promotion::{self as store, AssessmentFilter};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(record_assessment)
        .service(list_assessments)
        .service(get_assessment)
        .service(get_eligibility);
}

/// Record a promotion assessment
///
/// HR-T3: a manager's assessment, dated today, of whether a candidate for team lead has the
/// listed abilities (seed 002: independent commissioning, repair, maintenance and callbacks;
/// solving customers' problems; training and technical guidance; allocating and managing
/// work). The latest one within the look-back of `training-rules` (12 months) counts in
/// `getPromotionEligibility`. Managers and admins (403 otherwise); a person the caller does
/// not assess, themselves included, is 422 `HR-T3` on `user_id`. Triggers the audit entry and
/// webhook event `promotion_assessment.record`.
#[utoipa::path(
    tag = "scorecards",
    operation_id = "recordPromotionAssessment",
    request_body = RecordAssessment,
    responses(
        (status = 201, description = "Recorded", body = AssessmentOut,
            headers(("Location" = String), ("ETag" = String))),
        (status = 422, description = "Not a person the caller assesses (HR-T3)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/promotion-assessments")]
async fn record_assessment(
    state: web::Data<AppState>,
    caller: Caller,
    ValidJson(input): ValidJson<RecordAssessment>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::PromotionAssess, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let today = state.today();
    let out = state
        .tx(move |conn| svc::record(conn, &ctx, &actor, today, input))
        .await?;
    Ok(created(
        format!("/api/v1/promotion-assessments/{}", out.id),
        Some(out.version),
        &out,
    ))
}

/// List or delta-sync promotion assessments
///
/// HR-T3: assessments by person, in id order; `updated_since` delta-syncs;
/// `/export` (CSV or XLSX) exports. Privacy: staff see their own; a supervisor also their teams'
/// members'; admins, managers, HR and executives everyone's. Customer contacts get 403.
/// Read-only.
#[utoipa::path(
    tag = "scorecards",
    operation_id = "listPromotionAssessments",
    params(AssessmentQuery),
    responses((status = 200, description = "One page of assessments", body = Page<AssessmentOut>))
)]
#[get("/promotion-assessments")]
async fn list_assessments(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<AssessmentQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = state.clone();
    export::respond(&data, &ASSESSMENTS_EXPORT, listed, move |query| {
        assessments_page(state.clone(), caller.clone(), query)
    })
    .await
}

async fn assessments_page(
    state: web::Data<AppState>,
    caller: Caller,
    query: AssessmentQuery,
) -> Result<Page<AssessmentOut>, ApiError> {
    access::require(Action::PromotionRead, &caller.actor.roles)?;
    let (limit, fetch, mode) = window(
        query.limit,
        query.updated_since.as_deref(),
        query.cursor.as_deref(),
    )?;
    let actor = caller.actor.clone();
    let person = trimmed(query.user_id);
    let (mode, rows) = state
        .db(move |conn| {
            let filter = AssessmentFilter {
                user_ids: narrow(scope(conn, &actor)?, person),
            };
            Ok((mode.clone(), store::list(conn, &filter, &mode, fetch)?))
        })
        .await?;
    Ok(paginate(
        rows,
        limit,
        |r| row_key(&mode, r.updated_at, &r.id),
        |r| AssessmentOut::from(&r),
    ))
}

/// Read a promotion assessment
///
/// HR-T3: one assessment, under the privacy of `listPromotionAssessments` (404 for one the
/// caller may not see). Read-only.
#[utoipa::path(
    tag = "scorecards",
    operation_id = "getPromotionAssessment",
    params(("id" = String, Path, description = "Assessment id")),
    responses((status = 200, description = "The assessment", body = AssessmentOut, headers(("ETag" = String))))
)]
#[get("/promotion-assessments/{id}")]
async fn get_assessment(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::PromotionRead, &caller.actor.roles)?;
    let actor = caller.actor.clone();
    let id = id.into_inner();
    let row = state.db(move |conn| svc::get(conn, &actor, &id)).await?;
    Ok(versioned(
        StatusCode::OK,
        row.version,
        &AssessmentOut::from(&row),
    ))
}

/// Compute promotion eligibility
///
/// HR-T3: whether the person may be promoted to team lead today, with one reason per
/// condition of `training-rules` `promotion`: `tenure` (2 years since the first employment
/// change of their employee record), `no_valid_complaint` and `no_penalty` (no valid
/// complaint, no confirmed or deducted fine over the look-back, 12 months), `annual_score`
/// (the average of the finalised cards of the look-back's months reaches 90) and
/// `manager_assessment` (the latest `recordPromotionAssessment` of the look-back is
/// favourable). Eligible when every reason is met; the promotion itself is a person's act.
/// Privacy as `listPromotionAssessments` (404 for a person the caller may not see).
/// Read-only.
#[utoipa::path(
    tag = "scorecards",
    operation_id = "getPromotionEligibility",
    params(("user_id" = String, Path, description = "The candidate's user id")),
    responses((status = 200, description = "Eligibility with its reasons", body = EligibilityOut))
)]
#[get("/promotion-eligibility/{user_id}")]
async fn get_eligibility(
    state: web::Data<AppState>,
    caller: Caller,
    user_id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::PromotionRead, &caller.actor.roles)?;
    let actor = caller.actor.clone();
    let tz = state.config.timezone;
    let today = state.today();
    let user_id = user_id.into_inner();
    let out = state
        .db(move |conn| svc::eligibility(conn, &actor, tz, today, &user_id))
        .await?;
    Ok(HttpResponse::Ok().json(out))
}
