//! Software licences (CON-4): `/contracts/{id}/licences` issues one, `/licences` lists and
//! reads them, `/licence-checks` answers the installed software. HTTP only: roles first (403
//! before 404), then the service.

use crate::contracts::dto::licences::{
    CheckLicence, EXPORT, IssueLicence, LicenceOut, LicenceQuery,
};
use crate::contracts::service::licences as svc;
use crate::kernel::auth::Caller;
use crate::kernel::command::Ctx;
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::export::{self, Listed};
use crate::kernel::extract::{ValidJson, trimmed};
use crate::kernel::middleware::rate_limit::{LIMIT, REMAINING, RESET};
use crate::kernel::page::{Page, paginate, row_key, window};
use crate::kernel::respond::{created, versioned};
use crate::kernel::state::AppState;
use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::{HttpResponse, ResponseError, get, post, web};
use kefu_contracts::access::{self, Action};
use kefu_contracts::licence::CheckAnswer;
use kefu_core::{ActorKind, DomainError};
use kefu_store::licences::{self as store, LicenceFilter};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(issue_licence)
        .service(list_licences)
        .service(get_licence)
        .service(list_licence_history)
        .service(check_licence);
}

/// Issue a licence
///
/// CON-4 (序列号及服务期管理): issues the serial of an installation (`equipment_id`, one the
/// contract covers: 422 `CON-4` `equipment_id` otherwise) for the contract's service period:
/// from `valid_from` — by default a renewal's period start, otherwise the installation's
/// `install_date`, else the day the contract was signed (软件安装之日起为服务开始时间, 默认为
/// 合同签定时间) — to the contract's `period_end` (422 `CON-4` `valid_from` when after it).
/// The serial is generated (100 random bits). Only under a `signed` or `active` contract, and
/// once per installation and contract (409 `CON-4`); a renewal of the contract issues the next
/// serial by itself when it is signed (or renews tacitly), linking the two (`replaces_id`,
/// `replaced_by_id`).
///
/// Who: admins, managers and clerks (403 for others), under a contract they see (ORG-5:
/// otherwise 404). Triggers the audit entry and webhook event `licence.issue`; a renewal's
/// carries `licence.renew` (the new one) and `licence.supersede` (the old one).
#[utoipa::path(
    tag = "contracts",
    operation_id = "issueLicence",
    params(("id" = String, Path, description = "Contract id")),
    request_body = IssueLicence,
    responses(
        (status = 201, description = "Issued", body = LicenceOut, headers(("Location" = String), ("ETag" = String))),
        (status = 409, description = "The contract is not signed or active, or the installation is licensed under it already", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/contracts/{id}/licences")]
async fn issue_licence(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    ValidJson(input): ValidJson<IssueLicence>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::LicenceIssue, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let tz = state.config.timezone;
    let id = id.into_inner();
    let out = state
        .tx(move |conn| svc::issue(conn, &ctx, &actor, tz, &id, input))
        .await?;
    Ok(created(
        format!("/api/v1/licences/{}", out.id),
        Some(out.version),
        &out,
    ))
}

/// List or delta-sync licences
///
/// CON-4: the licences of the contracts the caller sees (ORG-5, as in `listContracts`: an
/// engineer those of the contracts they sign or carry out and of their team's customers; a
/// customer contact their own customer's), superseded ones included. Filters `contract_id`,
/// `customer_id`, `equipment_id`. Without `updated_since`: in id order; with it: every licence
/// changed after that instant in `(updated_at, id)` order (a renewal changes the old one: its
/// `replaced_by_id`). `state` is judged at the server's current date. `/export` (CSV or XLSX) exports
/// the same list. Any signed-in user. Read-only.
#[utoipa::path(
    tag = "contracts",
    operation_id = "listLicences",
    params(LicenceQuery),
    responses((status = 200, description = "One page of licences", body = Page<LicenceOut>))
)]
#[get("/licences")]
async fn list_licences(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<LicenceQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = state.clone();
    export::respond(&data, &EXPORT, listed, move |query| {
        licences_page(state.clone(), caller.clone(), query)
    })
    .await
}

async fn licences_page(
    state: web::Data<AppState>,
    caller: Caller,
    query: LicenceQuery,
) -> Result<Page<LicenceOut>, ApiError> {
    access::require(Action::LicenceRead, &caller.actor.roles)?;
    let (limit, fetch, mode) = window(
        query.limit,
        query.updated_since.as_deref(),
        query.cursor.as_deref(),
    )?;
    let filter = LicenceFilter {
        contract_id: trimmed(query.contract_id),
        customer_id: trimmed(query.customer_id),
        equipment_id: trimmed(query.equipment_id),
    };
    let actor = caller.actor.clone();
    let today = state.today();
    let (mode, rows) = state
        .db(move |conn| {
            let scope = crate::contracts::service::contracts::contract_scope(conn, &actor)?;
            Ok((
                mode.clone(),
                store::list(conn, &scope, &filter, &mode, fetch)?,
            ))
        })
        .await?;
    Ok(paginate(
        rows,
        limit,
        |(r, _)| row_key(&mode, r.updated_at, &r.id),
        |l| svc::render(&l, today),
    ))
}

/// Get a licence
///
/// CON-4: one licence with its version as `ETag`; `state` judged at the server's current date.
/// Any signed-in user who sees its contract (ORG-5, as in `listContracts`); any other licence
/// reads as 404. Read-only.
#[utoipa::path(
    tag = "contracts",
    operation_id = "getLicence",
    params(("id" = String, Path, description = "Licence id")),
    responses((status = 200, description = "The licence", body = LicenceOut, headers(("ETag" = String))))
)]
#[get("/licences/{id}")]
async fn get_licence(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::LicenceRead, &caller.actor.roles)?;
    let (actor, id, today) = (caller.actor.clone(), id.into_inner(), state.today());
    let out = state
        .db(move |conn| svc::get(conn, &actor, &id, today))
        .await?;
    Ok(versioned(StatusCode::OK, out.version, &out))
}

/// List a licence's history
///
/// CON-4: every licence of the same installation — the serials of its earlier and later service
/// periods, under this contract and its predecessors and renewals — oldest period first, as far
/// as the caller sees their contracts. Any signed-in user who sees this licence (ORG-5, as in
/// `getLicence`); any other reads as 404. Read-only.
#[utoipa::path(
    tag = "contracts",
    operation_id = "listLicenceHistory",
    params(("id" = String, Path, description = "Licence id")),
    responses((status = 200, description = "The installation's licences, oldest first", body = Page<LicenceOut>))
)]
#[get("/licences/{id}/history")]
async fn list_licence_history(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::LicenceRead, &caller.actor.roles)?;
    let (actor, id, today) = (caller.actor.clone(), id.into_inner(), state.today());
    let items = state
        .db(move |conn| svc::history(conn, &actor, &id, today))
        .await?;
    Ok(HttpResponse::Ok().json(Page {
        items,
        next_cursor: None,
    }))
}

/// Check a serial
///
/// CON-4: what the vendor's installed software asks — is this serial valid today (company
/// date), and until when. `200 {"valid": true, "valid_until": "YYYY-MM-DD"}` when a licence has
/// this serial, its service period holds today and its contract was not terminated; otherwise
/// — an unknown serial, one whose period is over or not begun, one of a terminated contract —
/// always the same `200 {"valid": false, "valid_until": null}`, byte for byte, so the answer
/// tells nobody whether a serial exists. Nothing else about the licence is answered.
///
/// Who: API keys only (`Authorization: Bearer kefu_…` of a service account, whatever its
/// roles); an access token of a person is 403. Each key may check
/// `KEFU_LICENCE_CHECK_PER_KEY` (60) serials a minute, besides the per-caller limit: above it 429
/// `rate-limited` with `Retry-After`; the `RateLimit-*` headers show this limit. Read-only: no
/// audit entry (the key's `last_used_at` moves as on any call).
#[utoipa::path(
    tag = "contracts",
    operation_id = "checkLicence",
    request_body = CheckLicence,
    responses(
        (status = 200, description = "Valid or not, and until when", body = CheckAnswer),
        (status = 403, description = "Not an API key", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/licence-checks")]
async fn check_licence(
    state: web::Data<AppState>,
    caller: Caller,
    ValidJson(input): ValidJson<CheckLicence>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::LicenceCheck, &caller.actor.roles)?;
    let ActorKind::ApiKey { key_id } = &caller.actor.kind else {
        return Err(DomainError::Forbidden {
            rule: "CON-4",
            message: "the licence check is for the installed software's API keys".to_owned(),
        }
        .into());
    };
    let per_minute = state.config.licence_check_per_key;
    let standing = (per_minute > 0).then(|| {
        state.rate_limiter.check(
            &format!("licence-check:{key_id}"),
            per_minute,
            std::time::Instant::now(),
        )
    });
    let mut res = match standing.and_then(|s| s.retry_after_secs) {
        Some(retry_after_secs) => ApiError::TooManyRequests { retry_after_secs }.error_response(),
        None => {
            let today = state.today();
            let answer = state
                .db(move |conn| svc::check(conn, &input.serial, today))
                .await?;
            HttpResponse::Ok().json(answer)
        }
    };
    if let Some(s) = standing {
        let headers = res.headers_mut();
        for (name, value) in [
            (LIMIT, u64::from(s.limit)),
            (REMAINING, u64::from(s.remaining)),
            (RESET, s.reset_secs),
        ] {
            headers.insert(HeaderName::from_static(name), HeaderValue::from(value));
        }
    }
    Ok(res)
}
