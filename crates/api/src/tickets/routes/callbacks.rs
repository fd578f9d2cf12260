use crate::kernel::auth::Caller;
use crate::kernel::command::Ctx;
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::export::{self, Listed};
use crate::kernel::extract::{IfMatch, StrictQuery, ValidJson, trimmed};
use crate::kernel::page::{Page, paginate, row_key, window};
use crate::kernel::respond::{created, versioned};
use crate::kernel::state::AppState;
use crate::tickets::dto::callbacks::{
    AnswerFollowUp, CallbackAttempt, CallbackOut, CallbackQuery, CompleteCallback, CreateCallback,
    FollowUpOut, FollowUpQuery, SATISFACTION_EXPORT, SatisfactionQuery, SatisfactionReport,
};
use crate::tickets::service::callback_follow_ups as follow_ups;
use crate::tickets::service::callbacks as svc;
use crate::tickets::service::satisfaction;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use kefu_store::callbacks::{self as store, CallbackFilter, FollowUpFilter};
use kefu_store::to_db_time;
use kefu_tickets::access::{self, Action};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create_callback)
        .service(list_callbacks)
        .service(get_callback)
        .service(attempt_callback)
        .service(complete_callback)
        .service(list_follow_ups)
        .service(get_follow_up)
        .service(answer_follow_up)
        .service(satisfaction_report);
}

/// Create a callback
///
/// Creates a callback (TKT-9) by hand (`manual`, due `due_date` or today) or after a repaired
/// device is shipped back (`repair_return` with `shipped_on` not after today, due
/// `callback_after_repair_days` calendar days after it — rule set `service-deadlines` — or the
/// earlier `due_date`). Callbacks after a feedback form are made when the form is received, never
/// here (422 `source`).
///
/// Who: admins, managers, clerks and callback agents (403 for others). The ticket must be visible
/// to the caller (else 422 `ticket_id`) and not cancelled (409). It goes to `assignee_id` (an
/// enabled callback agent or clerk, else 422), or to the enabled one with the fewest open
/// callbacks; TKT-9: 409 when nobody can take it.
///
/// Triggers: the audit entry `callback.create` and the `callback.assigned` notification to the
/// assignee. The callback overdue watch tells the assignee once it is past due.
#[utoipa::path(
    tag = "callbacks",
    operation_id = "createCallback",
    request_body = CreateCallback,
    responses(
        (status = 201, description = "Created", body = CallbackOut, headers(("Location" = String), ("ETag" = String))),
        (status = 409, description = "The ticket is cancelled, or nobody can take callbacks", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/callbacks")]
async fn create_callback(
    state: web::Data<AppState>,
    caller: Caller,
    ValidJson(input): ValidJson<CreateCallback>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::CallbackCreate, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let tz = state.config.timezone;
    let out = state
        .tx(move |conn| svc::create(conn, &ctx, &actor, tz, input))
        .await?;
    Ok(created(
        format!("/api/v1/callbacks/{}", out.id),
        Some(out.version),
        &out,
    ))
}

/// List or delta-sync callbacks
///
/// Any signed-in user; lists the callbacks visible to the caller (ORG-5): the callback desk
/// (clerks, callback agents), managers, QA inspectors, executives and admins see all; everyone else
/// the callbacks of the tickets they see (engineers their tickets', supervisors their teams');
/// customer contacts none. Without `updated_since`: in id order; with it: every callback changed
/// after that instant in update order (the mobile app). `overdue=true`: open and due before today.
/// Read-only.
#[utoipa::path(
    tag = "callbacks",
    operation_id = "listCallbacks",
    params(CallbackQuery),
    responses((status = 200, description = "One page of callbacks", body = Page<CallbackOut>))
)]
#[get("/callbacks")]
async fn list_callbacks(
    state: web::Data<AppState>,
    caller: Caller,
    StrictQuery(query): StrictQuery<CallbackQuery>,
) -> Result<HttpResponse, ApiError> {
    let (limit, fetch, mode) = window(
        query.limit,
        query.updated_since.as_deref(),
        query.cursor.as_deref(),
    )?;
    let today = state.today();
    let filter = CallbackFilter {
        assignee_id: trimmed(query.assignee_id),
        ticket_id: trimmed(query.ticket_id),
        status: query.status,
        overdue_before: query.overdue.filter(|o| *o).map(|_| today),
        due_from: query.due_from,
        due_to: query.due_to,
    };
    let actor = caller.actor.clone();
    let (mode, items) = state
        .db(move |conn| {
            let scope = svc::callback_scope(conn, &actor)?;
            let rows = store::list(conn, &scope, &filter, &mode, fetch)?;
            Ok((mode, svc::render_all(conn, &rows, today, &actor)?))
        })
        .await?;
    let page = paginate(
        items,
        limit,
        |c| row_key(&mode, to_db_time(c.updated_at), &c.id),
        |c| c,
    );
    Ok(HttpResponse::Ok().json(page))
}

/// Get a callback
///
/// The callback with its version as `ETag`. Any signed-in user who sees it (ORG-5, as in
/// `listCallbacks`); any other callback reads as 404.
#[utoipa::path(
    tag = "callbacks",
    operation_id = "getCallback",
    params(("id" = String, Path, description = "Callback id")),
    responses((status = 200, description = "The callback", body = CallbackOut, headers(("ETag" = String))))
)]
#[get("/callbacks/{id}")]
async fn get_callback(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let actor = caller.actor.clone();
    let today = state.today();
    let out = state
        .db(move |conn| {
            let scope = svc::callback_scope(conn, &actor)?;
            let (row, _) = svc::get_row(conn, &scope, &id)?;
            Ok(svc::for_actor(svc::render(conn, &row, today)?, &actor))
        })
        .await?;
    Ok(versioned(StatusCode::OK, out.version, &out))
}

/// Record an unanswered call
///
/// Records a call that did not reach the customer: the attempt is counted (with time and note) and
/// the callback stays open.
///
/// Who: admins, managers, clerks and callback agents (403 for others), on a callback they see
/// (ORG-5: otherwise 404). Needs `If-Match`. TKT-9: 409 when the callback is done or cancelled.
/// Triggers the audit entry `callback.attempt`.
#[utoipa::path(
    tag = "callbacks",
    operation_id = "attemptCallback",
    params(("id" = String, Path, description = "Callback id"), crate::kernel::openapi::IfMatchHeader),
    request_body = CallbackAttempt,
    responses(
        (status = 200, description = "Recorded", body = CallbackOut, headers(("ETag" = String))),
        (status = 409, description = "The callback is done or cancelled", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/callbacks/{id}/attempt")]
async fn attempt_callback(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<CallbackAttempt>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::CallbackAttempt, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let tz = state.config.timezone;
    let id = id.into_inner();
    let out = state
        .tx(move |conn| svc::attempt(conn, &ctx, &actor, tz, &id, version, input))
        .await?;
    Ok(versioned(StatusCode::OK, out.version, &out))
}

/// Complete a callback
///
/// Completes a reached callback with the questionnaire (TKT-9): form signed, timeliness, attitude
/// and technical level 1–5 (422 naming the field), result, the overall verdict, and what was
/// charged on site; `manager_id` must be an enabled manager (422).
///
/// Who: admins, managers, clerks and callback agents (403 for others), on a callback they see
/// (ORG-5: otherwise 404). Needs `If-Match`. TKT-9: 409 when the callback is done or cancelled.
///
/// Triggers: the audit entry `callback.complete`. Satisfied: a resolved ticket is closed (log
/// reason `TKT-9 …`, audit `ticket.close`). Not satisfied: a follow-up for `manager_id`, else the
/// enabled manager with the fewest open follow-ups (TKT-9: 409 when there is none), due
/// `service-deadlines.follow_up_working_days` working days later, with the audit entry
/// `callback_follow_up.create` and the `callback.follow_up` notification to that manager; the
/// ticket stays as it is until the manager's answer decides (`answerCallbackFollowUp`).
#[utoipa::path(
    tag = "callbacks",
    operation_id = "completeCallback",
    params(("id" = String, Path, description = "Callback id"), crate::kernel::openapi::IfMatchHeader),
    request_body = CompleteCallback,
    responses(
        (status = 200, description = "Completed", body = CallbackOut, headers(("ETag" = String))),
        (status = 409, description = "The callback is done or cancelled, or no manager can follow up", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/callbacks/{id}/complete")]
async fn complete_callback(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<CompleteCallback>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::CallbackComplete, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let tz = state.config.timezone;
    let id = id.into_inner();
    let out = state
        .tx(move |conn| svc::complete(conn, &ctx, &actor, tz, &id, version, input))
        .await?;
    Ok(versioned(StatusCode::OK, out.version, &out))
}

/// List callback follow-ups
///
/// The managers' follow-ups of dissatisfied customers (TKT-9), filtered by `owner_id`, `status`,
/// `ticket_id`; without `updated_since` in id order, with it every follow-up changed after that
/// instant in update order. Admins, managers, QA inspectors and executives, who see all (403 for
/// others). Read-only.
#[utoipa::path(
    tag = "callbacks",
    operation_id = "listCallbackFollowUps",
    params(FollowUpQuery),
    responses((status = 200, description = "One page of follow-ups", body = Page<FollowUpOut>))
)]
#[get("/callback-follow-ups")]
async fn list_follow_ups(
    state: web::Data<AppState>,
    caller: Caller,
    StrictQuery(query): StrictQuery<FollowUpQuery>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::FollowUpList, &caller.actor.roles)?;
    let (limit, fetch, mode) = window(
        query.limit,
        query.updated_since.as_deref(),
        query.cursor.as_deref(),
    )?;
    let today = state.today();
    let filter = FollowUpFilter {
        owner_id: trimmed(query.owner_id),
        status: query.status,
        ticket_id: trimmed(query.ticket_id),
    };
    let (mode, items) = state
        .db(move |conn| {
            let rows = store::list_follow_ups(conn, &filter, &mode, fetch)?;
            let items = rows
                .iter()
                .map(|r| follow_ups::render_follow_up(r, today))
                .collect();
            Ok((mode, items))
        })
        .await?;
    let page = paginate(
        items,
        limit,
        |f| row_key(&mode, to_db_time(f.updated_at), &f.id),
        |f| f,
    );
    Ok(HttpResponse::Ok().json(page))
}

/// Get a callback follow-up
///
/// The follow-up with its version as `ETag`. Admins, managers, QA inspectors and executives (403
/// for others). Read-only.
#[utoipa::path(
    tag = "callbacks",
    operation_id = "getCallbackFollowUp",
    params(("id" = String, Path, description = "Follow-up id")),
    responses((status = 200, description = "The follow-up", body = FollowUpOut, headers(("ETag" = String))))
)]
#[get("/callback-follow-ups/{id}")]
async fn get_follow_up(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::FollowUpGet, &caller.actor.roles)?;
    let id = id.into_inner();
    let actor = caller.actor.clone();
    let today = state.today();
    let out = state
        .db(move |conn| {
            let row = follow_ups::get_follow_up(conn, &actor, &id)?;
            Ok(follow_ups::render_follow_up(&row, today))
        })
        .await?;
    Ok(versioned(StatusCode::OK, out.version, &out))
}

/// Answer a callback follow-up
///
/// Records the manager's answer to the dissatisfied customer and decides the ticket, which
/// stayed resolved while the follow-up was open (TKT-9): `reopen` sends it back to work with
/// `reopen_reason` (422 naming TKT-9 without one) and, with `assignee_id`, reassigns it to that
/// engineer (TKT-4 checks apply); `close` closes it, the answer being the explanation given to
/// the customer (a closed ticket stays closed). The follow-up becomes answered with its
/// `decision`.
///
/// Who: admins and managers (403 for others). Needs `If-Match`. TKT-9: 409 when it is answered
/// already, or when the ticket was meanwhile reopened or cancelled.
///
/// Triggers the audit entries `callback_follow_up.answer` and `ticket.reopen` (plus
/// `ticket.reassign` with `assignee_id`) or `ticket.close`, with the decision in the ticket's
/// transition log.
#[utoipa::path(
    tag = "callbacks",
    operation_id = "answerCallbackFollowUp",
    params(("id" = String, Path, description = "Follow-up id"), crate::kernel::openapi::IfMatchHeader),
    request_body = AnswerFollowUp,
    responses(
        (status = 200, description = "Answered", body = FollowUpOut, headers(("ETag" = String))),
        (status = 409, description = "Answered already, or the ticket is no longer resolved or closed (TKT-9)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A reopen without its reason, or a reason or assignee with close (TKT-9); an assignee who cannot take the ticket (TKT-4)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/callback-follow-ups/{id}/answer")]
async fn answer_follow_up(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<AnswerFollowUp>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::FollowUpAnswer, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let tz = state.config.timezone;
    let id = id.into_inner();
    let out = state
        .tx(move |conn| follow_ups::answer_follow_up(conn, &ctx, &actor, tz, &id, version, input))
        .await?;
    Ok(versioned(StatusCode::OK, out.version, &out))
}

/// Get the satisfaction report
///
/// The customer satisfaction report (TKT-13) of a `month` (`2026-03`) or `quarter` (`2026-Q1`): the
/// callbacks completed in the period (the day the customer was surveyed, in the company time zone,
/// whatever day the callback was due), per `group_by` team, engineer (the ticket's assignee,
/// default) or customer, with the satisfied rate in basis points and the average scores in
/// hundredths. `/export` (CSV or XLSX) downloads the groups.
///
/// Who: admins, managers, QA inspectors and executives see all teams; supervisors their teams' (403
/// for other roles). Read-only.
#[utoipa::path(
    tag = "reports",
    operation_id = "getSatisfactionReport",
    params(SatisfactionQuery),
    responses((status = 200, description = "The report", body = SatisfactionReport))
)]
#[get("/reports/satisfaction")]
async fn satisfaction_report(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<SatisfactionQuery>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::SatisfactionReport, &caller.actor.roles)?;
    let Listed(query, export) = listed;
    let actor = caller.actor.clone();
    let data = state.clone();
    let build = move |query: SatisfactionQuery| {
        let state = state.clone();
        let actor = actor.clone();
        async move {
            let tz = state.config.timezone;
            state
                .db(move |conn| satisfaction::report(conn, &actor, tz, &query))
                .await
        }
    };
    if export.is_none() {
        return Ok(HttpResponse::Ok().json(build(query).await?));
    }
    export::respond(
        &data,
        &SATISFACTION_EXPORT,
        Listed(query, export),
        move |query| {
            let build = build.clone();
            async move {
                Ok(Page {
                    items: build(query).await?.groups,
                    next_cursor: None,
                })
            }
        },
    )
    .await
}
