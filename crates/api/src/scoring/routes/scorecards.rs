use crate::kernel::auth::Caller;
use crate::kernel::command::Ctx;
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::export::{self, Listed};
use crate::kernel::extract::{IfMatch, ValidJson, trimmed};
use crate::kernel::page::{Page, paginate, row_key, window};
use crate::kernel::respond::{created, versioned};
use crate::kernel::state::AppState;
use crate::scoring::dto::scorecards::{
    CARDS_EXPORT, CardInputsIn, CardInputsOut, FinaliseCard, ScorecardOut, ScorecardQuery,
    ScorecardRowOut,
};
use crate::scoring::service::privacy;
use crate::scoring::service::score_events::month_filter as svc_month;
use crate::scoring::service::scorecards as svc;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, put, web};
use kefu_scoring::access::{self, Action};
use kefu_store::scorecards::{self as store, CardFilter};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_scorecards)
        .service(get_scorecard)
        .service(get_scorecard_inputs)
        .service(create_scorecard_inputs)
        .service(replace_scorecard_inputs)
        .service(finalise_scorecard);
}

/// List or delta-sync finalised cards
///
/// HR-S3/HR-S4/HR-S5: finalised cards by `user_id`, `month` and `grade`, in id order, with
/// total (tenths), grade, rewards, stars and flags; `updated_since` delta-syncs;
/// `/export` (CSV or XLSX) exports. Privacy: one's own; a supervisor also their teams' members';
/// admins, managers, HR and executives everyone's. Customer contacts get 403. Read-only.
#[utoipa::path(
    tag = "scorecards",
    operation_id = "listScorecards",
    params(ScorecardQuery),
    responses((status = 200, description = "One page of finalised cards", body = Page<ScorecardRowOut>))
)]
#[get("/scorecards")]
async fn list_scorecards(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<ScorecardQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = state.clone();
    export::respond(&data, &CARDS_EXPORT, listed, move |query| {
        cards_page(state.clone(), caller.clone(), query)
    })
    .await
}

async fn cards_page(
    state: web::Data<AppState>,
    caller: Caller,
    query: ScorecardQuery,
) -> Result<Page<ScorecardRowOut>, ApiError> {
    access::require(Action::ScorecardRead, &caller.actor.roles)?;
    let (limit, fetch, mode) = window(
        query.limit,
        query.updated_since.as_deref(),
        query.cursor.as_deref(),
    )?;
    let actor = caller.actor.clone();
    let person = trimmed(query.user_id);
    let month = svc_month(query.month)?;
    let grade = trimmed(query.grade);
    let (mode, pairs) = state
        .db(move |conn| {
            let visible = privacy::scope(conn, &actor)?;
            let filter = CardFilter {
                user_ids: privacy::narrow(visible, person),
                month,
                status: grade,
            };
            let rows = store::list_cards(conn, &filter, &mode, fetch)?;
            let mut pairs = Vec::with_capacity(rows.len());
            for r in rows {
                let out = svc::row_out(&r)?;
                pairs.push((r, out));
            }
            Ok((mode.clone(), pairs))
        })
        .await?;
    Ok(paginate(
        pairs,
        limit,
        |(r, _)| row_key(&mode, r.updated_at, &r.id),
        |(_, out)| out,
    ))
}

/// Read a month's card
///
/// HR-S1..S5: `user_id`'s card for `month` (`YYYY-MM`, begun; 422 otherwise). Until it is
/// finalised, a live preview computed from the position's template and the rule sets in force
/// on the month's first day, the month's measured scores and its active events, with the grade,
/// rewards, stars (valid complaints of the month, TKT-10) and flags it would get, and the
/// finalisation window; `scored: false` for someone absent more than 2 months (HR-S3). Once
/// finalised, the stored snapshot, which later events, scores and rule changes leave alone.
/// Flags are recommendations for a person to act on, never automatic acts. Privacy as
/// `listScorecards` (404 for someone the caller may not see). Read-only.
#[utoipa::path(
    tag = "scorecards",
    operation_id = "getScorecard",
    params(
        ("user_id" = String, Path, description = "The person (login id)"),
        ("month" = String, Path, description = "YYYY-MM", pattern = r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])$"),
    ),
    responses(
        (status = 200, description = "The card", body = ScorecardOut),
        (status = 404, description = "A person the caller may not see", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A month that has not begun", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/scorecards/{user_id}/{month}")]
async fn get_scorecard(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::ScorecardRead, &caller.actor.roles)?;
    let (user_id, month) = path.into_inner();
    let actor = caller.actor.clone();
    let tz = state.config.timezone;
    let today = state.today();
    let out = state
        .db(move |conn| svc::view(conn, &actor, tz, today, &user_id, &month))
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Read a month's measured scores
///
/// HR-S1: the position and measured scores entered for `user_id`'s `month` (404 when none
/// were entered or the person is not visible to the caller). Read-only.
#[utoipa::path(
    tag = "scorecards",
    operation_id = "getScorecardInputs",
    params(
        ("user_id" = String, Path, description = "The person (login id)"),
        ("month" = String, Path, description = "YYYY-MM", pattern = r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])$"),
    ),
    responses((status = 200, description = "The scores", body = CardInputsOut, headers(("ETag" = String))))
)]
#[get("/scorecards/{user_id}/{month}/inputs")]
async fn get_scorecard_inputs(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::ScorecardRead, &caller.actor.roles)?;
    let (user_id, month) = path.into_inner();
    let actor = caller.actor.clone();
    let out = state
        .db(move |conn| {
            let row = svc::get_inputs(conn, &actor, &user_id, &month)?;
            svc::inputs_out(&row)
        })
        .await?;
    Ok(versioned(StatusCode::OK, out.version, &out))
}

/// Enter a month's measured scores
///
/// HR-S1: the position (a template of the `scorecard-templates` rule set in force on the
/// month's first day) and the month's measured scores in tenths: the QA average and, by item
/// key, the template's measured items (`satisfaction`, `knowledge_exam`, `operation_exam`);
/// an unknown position or item is 422 `HR-S1`. By the person's supervisor (their teams'
/// members), HR or admins (403 otherwise, also for someone they do not assess; 404 for someone
/// they do not see). 409 when already entered (replace with PUT), 409 `HR-S3` once the card is
/// finalised. Triggers the audit entry and webhook event `scorecard_inputs.set`.
#[utoipa::path(
    tag = "scorecards",
    operation_id = "createScorecardInputs",
    params(
        ("user_id" = String, Path, description = "The person (login id)"),
        ("month" = String, Path, description = "YYYY-MM", pattern = r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])$"),
    ),
    request_body = CardInputsIn,
    responses(
        (status = 201, description = "Entered", body = CardInputsOut, headers(("Location" = String), ("ETag" = String))),
        (status = 409, description = "Entered already, or the card is finalised", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/scorecards/{user_id}/{month}/inputs")]
async fn create_scorecard_inputs(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    ValidJson(input): ValidJson<CardInputsIn>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::ScorecardInputs, &caller.actor.roles)?;
    let (user_id, month) = path.into_inner();
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let today = state.today();
    let out = state
        .tx(move |conn| svc::put_inputs(conn, &ctx, &actor, today, &user_id, &month, None, input))
        .await?;
    Ok(created(
        format!("/api/v1/scorecards/{}/{}/inputs", out.user_id, out.month),
        Some(out.version),
        &out,
    ))
}

/// Replace a month's measured scores
///
/// HR-S1: as `createScorecardInputs`, replacing the scores entered (404 when none were).
/// Needs `If-Match`. 409 `HR-S3` once the card is finalised. Triggers the audit entry and
/// webhook event `scorecard_inputs.set`.
#[utoipa::path(
    tag = "scorecards",
    operation_id = "replaceScorecardInputs",
    params(
        ("user_id" = String, Path, description = "The person (login id)"),
        ("month" = String, Path, description = "YYYY-MM", pattern = r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])$"),
        crate::kernel::openapi::IfMatchHeader,
    ),
    request_body = CardInputsIn,
    responses(
        (status = 200, description = "Replaced", body = CardInputsOut, headers(("ETag" = String))),
        (status = 409, description = "The card is finalised (HR-S3)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/scorecards/{user_id}/{month}/inputs")]
async fn replace_scorecard_inputs(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<CardInputsIn>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::ScorecardInputs, &caller.actor.roles)?;
    let (user_id, month) = path.into_inner();
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let today = state.today();
    let out = state
        .tx(move |conn| {
            svc::put_inputs(
                conn,
                &ctx,
                &actor,
                today,
                &user_id,
                &month,
                Some(version),
                input,
            )
        })
        .await?;
    Ok(versioned(StatusCode::OK, out.version, &out))
}

/// Finalise a month's card
///
/// HR-S3/HR-S4/HR-S5: the assessor (the person's supervisor for their teams' members, HR, a
/// manager or an admin; 403 otherwise, 404 for someone not visible) finalises `month`'s card on
/// the next month's working days 1 to the `scorecard-grades` rule set's
/// `finalise_working_days` (6), counted on the work calendar (422 `HR-S3` outside them; also
/// for someone absent more than 2 months). Every measured score must be entered (422 `HR-S1`
/// naming `inputs.<item>`), and grades A, C and D need the assessor's `justification` (422
/// `HR-S4`). The computed card, grade, rewards (grade, three A running, stars) and flags
/// (dismissal after three C running, re-test on D: recommendations, never automatic acts)
/// are stored and never change again: a second finalisation and any later change to the
/// month's scores or events are 409 `HR-S3`, and rule changes do not touch it. Triggers the
/// audit entry and webhook event `scorecard.finalise` and the notice `scorecard.finalised` to
/// the person.
#[utoipa::path(
    tag = "scorecards",
    operation_id = "finaliseScorecard",
    params(
        ("user_id" = String, Path, description = "The person (login id)"),
        ("month" = String, Path, description = "YYYY-MM", pattern = r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])$"),
    ),
    request_body = FinaliseCard,
    responses(
        (status = 201, description = "Finalised", body = ScorecardOut, headers(("Location" = String), ("ETag" = String))),
        (status = 409, description = "Finalised already (HR-S3)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/scorecards/{user_id}/{month}/finalise")]
async fn finalise_scorecard(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    ValidJson(input): ValidJson<FinaliseCard>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::ScorecardFinalise, &caller.actor.roles)?;
    let (user_id, month) = path.into_inner();
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let tz = state.config.timezone;
    let today = state.today();
    let out = state
        .tx(move |conn| svc::finalise(conn, &ctx, &actor, tz, today, &user_id, &month, input))
        .await?;
    Ok(created(
        format!("/api/v1/scorecards/{}/{}", out.user_id, out.month),
        Some(out.version),
        &out,
    ))
}
