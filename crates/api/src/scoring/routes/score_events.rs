use crate::kernel::auth::Caller;
use crate::kernel::command::Ctx;
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::export::{self, Listed};
use crate::kernel::extract::{IfMatch, ValidJson, trimmed};
use crate::kernel::page::{Page, paginate, row_key, window};
use crate::kernel::respond::{created, versioned};
use crate::kernel::rules::load_in_force;
use crate::kernel::state::AppState;
use crate::scoring::dto::scorecards::{
    APPEALS_EXPORT, AppealOut, AppealQuery, DecideAppeal, EVENTS_EXPORT, FileAppeal,
    IssueScoreEvent, ScoreEventOut, ScoreEventQuery,
};
use crate::scoring::service::privacy;
use crate::scoring::service::score_events as svc;
use crate::scoring::service::score_events::month_filter as svc_month;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use kefu_scoring::access::{self, Action};
use kefu_scoring::scorecard::ScorecardTemplates;
use kefu_store::scorecards::{self as store, CardFilter};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(issue_score_event)
        .service(list_score_events)
        .service(get_score_event)
        .service(appeal_score_event)
        .service(list_score_appeals)
        .service(get_score_appeal)
        .service(decide_score_appeal);
}

/// Issue a score event
///
/// HR-S2/HR-S6: a deduction or bonus against a person for a month (`YYYY-MM`, begun): a counted
/// item of their template (the position of the month's scores, else the first template) or an
/// HR-S2 event of the `scorecard-templates` rule set in force on the month's first day, which
/// also gives the points (× `units`). Measured items (satisfaction, exams) are entered with the
/// month's scores instead (422 `HR-S1`). Issued by the person's supervisor (their teams'
/// members), HR, managers or admins (403 for other roles); a person the caller does not assess,
/// themselves included, is 422 `HR-S2` on `user_id`. 409 `HR-S3` once the month's card is
/// finalised. Evidence files are then uploaded as attachments with `owner_type`
/// `score_event`. Triggers the audit entry and webhook event `score_event.issue` and the
/// notice `score_event.issued` to the person, who may appeal within the rule set's
/// `appeal_days` (7).
#[utoipa::path(
    tag = "scorecards",
    operation_id = "issueScoreEvent",
    request_body = IssueScoreEvent,
    responses(
        (status = 201, description = "Issued", body = ScoreEventOut,
            headers(("Location" = String), ("ETag" = String))),
        (status = 409, description = "The month's card is finalised (HR-S3)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/score-events")]
async fn issue_score_event(
    state: web::Data<AppState>,
    caller: Caller,
    ValidJson(input): ValidJson<IssueScoreEvent>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::ScoreEventIssue, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let today = state.today();
    let out = state
        .tx(move |conn| svc::issue(conn, &ctx, &actor, today, input))
        .await?;
    Ok(created(
        format!("/api/v1/score-events/{}", out.id),
        Some(out.version),
        &out,
    ))
}

/// List or delta-sync score events
///
/// HR-S2: events by `user_id`, `month` and `status`, in id order; `updated_since`
/// delta-syncs; `/export` (CSV or XLSX) exports. Privacy: staff see the events against them; a
/// supervisor also their teams' members'; admins, managers, HR and executives everyone's.
/// Customer contacts get 403. Read-only.
#[utoipa::path(
    tag = "scorecards",
    operation_id = "listScoreEvents",
    params(ScoreEventQuery),
    responses((status = 200, description = "One page of score events", body = Page<ScoreEventOut>))
)]
#[get("/score-events")]
async fn list_score_events(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<ScoreEventQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = state.clone();
    export::respond(&data, &EVENTS_EXPORT, listed, move |query| {
        events_page(state.clone(), caller.clone(), query)
    })
    .await
}

async fn events_page(
    state: web::Data<AppState>,
    caller: Caller,
    query: ScoreEventQuery,
) -> Result<Page<ScoreEventOut>, ApiError> {
    access::require(Action::ScorecardRead, &caller.actor.roles)?;
    let (limit, fetch, mode) = window(
        query.limit,
        query.updated_since.as_deref(),
        query.cursor.as_deref(),
    )?;
    let actor = caller.actor.clone();
    let person = trimmed(query.user_id);
    let month = svc_month(query.month)?;
    let status = query.status.map(|s| s.as_str().to_owned());
    let today = state.today();
    let (mode, pairs) = state
        .db(move |conn| {
            let visible = privacy::scope(conn, &actor)?;
            let filter = CardFilter {
                user_ids: privacy::narrow(visible, person),
                month,
                status,
            };
            let rows = store::list_events(conn, &filter, &mode, fetch)?;
            let days = load_in_force::<ScorecardTemplates>(conn, today)?
                .value
                .appeal_days;
            let outs = svc::outs(conn, &rows, days)?;
            let pairs: Vec<_> = rows.into_iter().zip(outs).collect();
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

/// Read a score event
///
/// HR-S2: one event with its evidence files, under the privacy of `listScoreEvents` (404 for
/// an event the caller may not see). Read-only.
#[utoipa::path(
    tag = "scorecards",
    operation_id = "getScoreEvent",
    params(("id" = String, Path, description = "Score event id")),
    responses((status = 200, description = "The event", body = ScoreEventOut, headers(("ETag" = String))))
)]
#[get("/score-events/{id}")]
async fn get_score_event(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::ScorecardRead, &caller.actor.roles)?;
    let actor = caller.actor.clone();
    let id = id.into_inner();
    let out = state
        .db(move |conn| {
            let row = svc::get(conn, &actor, &id)?;
            svc::out(conn, &row)
        })
        .await?;
    Ok(versioned(StatusCode::OK, out.version, &out))
}

/// Appeal a score event
///
/// HR-S6: the person an event is against appeals it, once, within the `scorecard-templates`
/// rule set's `appeal_days` (7) of its issue (422 `HR-S6` after that). Anyone else who sees
/// the event gets 403; a cancelled event is 409 `HR-S6`; a second appeal 409. A
/// supervisor who did not issue the event then decides (`decideScoreAppeal`). Triggers the
/// audit entry and webhook event `score_appeal.file`, and the notice `score_appeal.filed` to
/// the supervisor of the person's team (to the managers when that supervisor issued the
/// event or there is none).
#[utoipa::path(
    tag = "scorecards",
    operation_id = "appealScoreEvent",
    params(("id" = String, Path, description = "Score event id")),
    request_body = FileAppeal,
    responses(
        (status = 201, description = "Appealed", body = AppealOut,
            headers(("Location" = String), ("ETag" = String))),
        (status = 409, description = "Cancelled or appealed already", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/score-events/{id}/appeals")]
async fn appeal_score_event(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    ValidJson(input): ValidJson<FileAppeal>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::ScoreAppeal, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let id = id.into_inner();
    let out = state
        .tx(move |conn| svc::appeal(conn, &ctx, &actor, &id, input))
        .await?;
    Ok(created(
        format!("/api/v1/score-appeals/{}", out.id),
        Some(out.version),
        &out,
    ))
}

/// List or delta-sync appeals
///
/// HR-S6: appeals by `user_id` (the appellant) and `status`, in id order; `updated_since`
/// delta-syncs; `/export` (CSV or XLSX) exports. Privacy as `listScoreEvents`, by the appellant.
/// Read-only.
#[utoipa::path(
    tag = "scorecards",
    operation_id = "listScoreAppeals",
    params(AppealQuery),
    responses((status = 200, description = "One page of appeals", body = Page<AppealOut>))
)]
#[get("/score-appeals")]
async fn list_score_appeals(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<AppealQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = state.clone();
    export::respond(&data, &APPEALS_EXPORT, listed, move |query| {
        appeals_page(state.clone(), caller.clone(), query)
    })
    .await
}

async fn appeals_page(
    state: web::Data<AppState>,
    caller: Caller,
    query: AppealQuery,
) -> Result<Page<AppealOut>, ApiError> {
    access::require(Action::ScorecardRead, &caller.actor.roles)?;
    let (limit, fetch, mode) = window(
        query.limit,
        query.updated_since.as_deref(),
        query.cursor.as_deref(),
    )?;
    let actor = caller.actor.clone();
    let person = trimmed(query.user_id);
    let status = query.status.map(|s| s.as_str().to_owned());
    let (mode, rows) = state
        .db(move |conn| {
            let visible = privacy::scope(conn, &actor)?;
            let filter = CardFilter {
                user_ids: privacy::narrow(visible, person),
                month: None,
                status,
            };
            Ok((
                mode.clone(),
                store::list_appeals(conn, &filter, &mode, fetch)?,
            ))
        })
        .await?;
    Ok(paginate(
        rows,
        limit,
        |r| row_key(&mode, r.updated_at, &r.id),
        |r| AppealOut::from(&r),
    ))
}

/// Read an appeal
///
/// HR-S6: one appeal, under the privacy of `listScoreAppeals` (404 otherwise). Read-only.
#[utoipa::path(
    tag = "scorecards",
    operation_id = "getScoreAppeal",
    params(("id" = String, Path, description = "Appeal id")),
    responses((status = 200, description = "The appeal", body = AppealOut, headers(("ETag" = String))))
)]
#[get("/score-appeals/{id}")]
async fn get_score_appeal(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::ScorecardRead, &caller.actor.roles)?;
    let actor = caller.actor.clone();
    let id = id.into_inner();
    let row = state
        .db(move |conn| svc::get_appeal(conn, &actor, &id))
        .await?;
    Ok(versioned(
        StatusCode::OK,
        row.version,
        &AppealOut::from(&row),
    ))
}

/// Decide an appeal
///
/// HR-S6: the appellant's supervisor (their teams' members), a manager or an admin, never the
/// event's issuer (403), decides a pending appeal (409 `HR-S6` once decided).
/// `upheld` cancels the event (it leaves the card) and gives the issuer the rule set's
/// `appeal_upheld_against_issuer` event (−10) in the same month with a warning notice
/// (`score_appeal.issuer_warning`); 409 `HR-S3` when the card of that month, the person's or
/// the issuer's, is finalised. Needs `If-Match`. Triggers the audit entries and webhook events
/// `score_appeal.decide` (and `score_event.cancel`, `score_event.issue` when upheld) and the
/// notice `score_appeal.decided` to the appellant.
#[utoipa::path(
    tag = "scorecards",
    operation_id = "decideScoreAppeal",
    params(("id" = String, Path, description = "Appeal id"), crate::kernel::openapi::IfMatchHeader),
    request_body = DecideAppeal,
    responses(
        (status = 200, description = "Decided", body = AppealOut, headers(("ETag" = String))),
        (status = 409, description = "Decided already, or the month's card is finalised", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/score-appeals/{id}/decide")]
async fn decide_score_appeal(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<DecideAppeal>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::ScoreAppealDecide, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let id = id.into_inner();
    let out = state
        .tx(move |conn| svc::decide(conn, &ctx, &actor, &id, version, input))
        .await?;
    Ok(versioned(StatusCode::OK, out.version, &out))
}
