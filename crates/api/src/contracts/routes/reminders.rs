//! `/contracts/{id}/reminder` and `/contracts/{id}/expiry-notice` (CON-3).

use crate::contracts::dto::reminders::{
    AnswerReminder, NoticeFormat, NoticeOut, NoticeQuery, ReminderOut,
};
use crate::contracts::service::reminders as svc;
use crate::kernel::auth::Caller;
use crate::kernel::command::run_command;
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::extract::{IfMatch, StrictQuery, ValidJson};
use crate::kernel::page::Page;
use crate::kernel::state::AppState;
use actix_web::{HttpResponse, get, post, web};
use kefu_contracts::access::{self, Action};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_contract_reminders)
        .service(answer_contract_reminder)
        .service(get_contract_expiry_notice);
}

/// List a contract's expiry reminders
///
/// The reminder tasks of the contract (CON-3; one per contract period), created by the daily
/// `contracts.expiry_reminders` job on `remind_on` — the `contract-deadlines` rule's
/// `expiry_reminder_months` (1) before the contract runs out — for the responsible engineer
/// (the signer, who is notified), with the customer's answer once recorded. Empty until the
/// job has created one.
///
/// Any signed-in user who sees the contract (ORG-5, as in `listContracts`); any other contract
/// reads as 404. Read-only.
#[utoipa::path(
    tag = "contracts",
    operation_id = "listContractReminders",
    params(("id" = String, Path, description = "Contract id")),
    responses((status = 200, description = "The reminders, oldest first", body = Page<ReminderOut>))
)]
#[get("/contracts/{id}/reminders")]
async fn list_contract_reminders(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::ContractReminderGet, &caller.actor.roles)?;
    let (actor, id) = (caller.actor.clone(), id.into_inner());
    let items = state.db(move |conn| svc::list(conn, &actor, &id)).await?;
    Ok(HttpResponse::Ok().json(Page {
        items,
        next_cursor: None,
    }))
}

/// Record the customer's answer
///
/// Records the customer's answer to the expiry notice on the contract's reminder (CON-3):
/// `renew`, `decline` or `undecided`, with a note. Recorded once; an `undecided` answer may be
/// followed by the decision (409 `CON-3` after a decision).
///
/// Who: admins, managers, supervisors, clerks and engineers (403 for others), on a contract they
/// see (ORG-5: otherwise 404; 404 too while there is no reminder). Needs `If-Match` with the
/// latest reminder's version (see `listContractReminders`). Triggers the audit entry and webhook event `contract_reminder.answer`.
#[utoipa::path(
    tag = "contracts",
    operation_id = "answerContractReminder",
    params(("id" = String, Path, description = "Contract id"), crate::kernel::openapi::IfMatchHeader),
    request_body = AnswerReminder,
    responses(
        (status = 200, description = "Recorded", body = ReminderOut, headers(("ETag" = String))),
        (status = 409, description = "The customer decided already", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/contracts/{id}/reminder/answer")]
async fn answer_contract_reminder(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<AnswerReminder>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::ContractReminderAnswer, &caller.actor.roles)?;
    run_command(
        state,
        caller,
        id.into_inner(),
        version,
        move |conn, ctx, actor, id, version| svc::answer(conn, ctx, actor, id, version, input),
    )
    .await
}

/// Generate the customer's expiry notice
///
/// The notice to the customer that the contract is about to run out (CON-3, 售后服务到期通知函):
/// customer, period, amount, and for a tacit contract the last day to cancel its renewal;
/// issued on today's date. `format=html` answers a printable `text/html` page (escaped, loading
/// nothing) to fax or post; JSON otherwise. Generating it changes nothing.
///
/// Any signed-in user who sees the contract (ORG-5, as in `listContracts`); any other contract
/// reads as 404. Read-only.
#[utoipa::path(
    tag = "contracts",
    operation_id = "getContractExpiryNotice",
    params(("id" = String, Path, description = "Contract id"), NoticeQuery),
    responses((status = 200, description = "The notice", content(
        (NoticeOut = "application/json"),
        (String = "text/html"),
    )))
)]
#[get("/contracts/{id}/expiry-notice")]
async fn get_contract_expiry_notice(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    StrictQuery(query): StrictQuery<NoticeQuery>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::ContractReminderGet, &caller.actor.roles)?;
    let (actor, id) = (caller.actor.clone(), id.into_inner());
    let tz = state.config.timezone;
    let now = state.clock.now();
    let out = state
        .db(move |conn| svc::notice(conn, &actor, tz, now, &id))
        .await?;
    Ok(match query.format {
        Some(NoticeFormat::Html) => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(svc::html(&out)),
        _ => HttpResponse::Ok().json(out),
    })
}
