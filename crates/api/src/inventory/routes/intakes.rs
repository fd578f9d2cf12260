use crate::inventory::dto::intakes::{
    CreateIntake, INTAKES_EXPORT, IntakeOut, IntakesQuery, MoveIntake, SignIntake, UpdateIntake,
};
use crate::inventory::service::intakes as svc;
use crate::kernel::auth::Caller;
use crate::kernel::command::{Ctx, Versioned, run_command};
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::export::{self, Listed};
use crate::kernel::extract::{IfMatch, ValidJson, trimmed};
use crate::kernel::page::{Page, paginate, row_key, window};
use crate::kernel::respond::{created, versioned};
use crate::kernel::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, patch, post, web};
use kefu_inventory::access::{self, Action};
use kefu_store::inventory::intakes::{self as store, IntakeFilter};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create_intake)
        .service(list_intakes)
        .service(get_intake)
        .service(update_intake)
        .service(sign_intake)
        .service(move_intake);
}

impl Versioned for IntakeOut {
    fn version(&self) -> i64 {
        self.version
    }
}

/// Register a device taken in for repair
///
/// INV-5: admins, managers, clerks and engineers (403 for other roles) register a faulty
/// device as it is taken in (维修登记): the customer (one the caller sees), optionally the
/// ticket it came back from (one the caller sees, of the same customer), product, model and
/// serial, the visible damage noted in front of the customer, the accessories received, the
/// fault as reported and whether it was reproduced, and the engineer who brought it back. The
/// caller is recorded as having received it; the intake is `received` and unsigned. A missing
/// serial or fault, an unknown customer, ticket, product or user, another customer's ticket,
/// or a repeated accessory are 422 naming the field and `INV-5`. Next: upload the customer's
/// signature as an attachment of kind `signature` onto the intake and sign it (`/sign`).
/// Triggers the audit entry and webhook event `repair_intake.create`.
#[utoipa::path(
    tag = "inventory",
    operation_id = "createRepairIntake",
    request_body = CreateIntake,
    responses(
        (status = 201, description = "Registered", body = IntakeOut,
            headers(("Location" = String), ("ETag" = String))),
        (status = 422, description = "INV-5: a field missing, unknown or not the customer's", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/repair-intakes")]
async fn create_intake(
    state: web::Data<AppState>,
    caller: Caller,
    ValidJson(input): ValidJson<CreateIntake>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::IntakeEdit, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let out = state
        .tx(move |conn| svc::create(conn, &ctx, &actor, input))
        .await?;
    Ok(created(
        format!("/api/v1/repair-intakes/{}", out.id),
        Some(out.version),
        &out,
    ))
}

/// List or delta-sync repair intakes
///
/// INV-5: the devices taken in for repair, filtered by `status`, `customer_id`, `ticket_id`,
/// `serial`, `received_by` and `signed`. Admins, managers, clerks, finance, HR, executives,
/// the callback desk and QA see every intake; engineers and supervisors those they took in or
/// brought back and those of the tickets they see; a customer contact their own customer's
/// (ORG-5). `updated_since` delta-syncs; `/export` (CSV or XLSX) exports. Read-only.
#[utoipa::path(
    tag = "inventory",
    operation_id = "listRepairIntakes",
    params(IntakesQuery),
    responses((status = 200, description = "One page of intakes", body = Page<IntakeOut>))
)]
#[get("/repair-intakes")]
async fn list_intakes(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<IntakesQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = state.clone();
    export::respond(&data, &INTAKES_EXPORT, listed, move |query| {
        intakes_page(state.clone(), caller.clone(), query)
    })
    .await
}

async fn intakes_page(
    state: web::Data<AppState>,
    caller: Caller,
    query: IntakesQuery,
) -> Result<Page<IntakeOut>, ApiError> {
    access::require(Action::IntakeRead, &caller.actor.roles)?;
    let (limit, fetch, mode) = window(
        query.limit,
        query.updated_since.as_deref(),
        query.cursor.as_deref(),
    )?;
    let filter = IntakeFilter {
        status: query.status,
        customer_id: trimmed(query.customer_id),
        ticket_id: trimmed(query.ticket_id),
        serial: trimmed(query.serial),
        received_by: trimmed(query.received_by),
        signed: query.signed,
    };
    let actor = caller.actor.clone();
    let (mode, rows) = state
        .db(move |conn| {
            let scope = svc::intake_scope(conn, &actor)?;
            let rows = store::list_intakes(conn, &scope, &filter, &mode, fetch)?;
            Ok((mode, rows))
        })
        .await?;
    Ok(paginate(
        rows,
        limit,
        |r| row_key(&mode, r.updated_at, &r.id),
        |r| svc::render(&r),
    ))
}

/// Get a repair intake
///
/// INV-5: the intake with its version as `ETag`. Every staff role and customer contacts (each
/// within ORG-5: another engineer's intake, or another customer's, is 404). Read-only.
#[utoipa::path(
    tag = "inventory",
    operation_id = "getRepairIntake",
    params(("id" = String, Path, description = "Intake id")),
    responses((status = 200, description = "The intake", body = IntakeOut, headers(("ETag" = String))))
)]
#[get("/repair-intakes/{id}")]
async fn get_intake(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::IntakeRead, &caller.actor.roles)?;
    let id = id.into_inner();
    let actor = caller.actor.clone();
    let row = state
        .db(move |conn| svc::get_row(conn, &actor, &id))
        .await?;
    Ok(versioned(StatusCode::OK, row.version, &svc::render(&row)))
}

/// Edit a repair intake before the customer signs it
///
/// INV-5: admins, managers, clerks and engineers (403 for other roles; an intake outside the
/// caller's ORG-5 scope is 404) correct an intake the customer has not signed yet; fields left
/// out stay, `null` clears an optional one. Once signed the intake is locked: 409 naming
/// `INV-5`. The same field checks as registering (422 naming the field and `INV-5`). Needs
/// `If-Match`. Triggers the audit entry and webhook event `repair_intake.update`.
#[utoipa::path(
    tag = "inventory",
    operation_id = "updateRepairIntake",
    params(("id" = String, Path, description = "Intake id"), crate::kernel::openapi::IfMatchHeader),
    request_body = UpdateIntake,
    responses(
        (status = 200, description = "Updated", body = IntakeOut, headers(("ETag" = String))),
        (status = 409, description = "INV-5: the customer signed the intake; it is locked", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "INV-5: a field missing, unknown or not the customer's", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/repair-intakes/{id}")]
async fn update_intake(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<UpdateIntake>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::IntakeEdit, &caller.actor.roles)?;
    run_command(
        state,
        caller,
        id.into_inner(),
        version,
        move |conn, ctx, actor, id, version| svc::update(conn, ctx, actor, id, version, input),
    )
    .await
}

/// Record the customer's signature on a repair intake
///
/// INV-5: admins, managers, clerks and engineers (403 for other roles; outside ORG-5 404)
/// record that the customer signed the intake in front of them: `signature_attachment_id` is
/// an attachment of kind `signature` uploaded onto this intake (422 otherwise), its SHA-256 is
/// sealed into the intake; the signer is a contact of the intake's customer
/// (`signer_contact_id`) or named (`signer_name`), 422 naming the field and `INV-5` when
/// neither. From then on the intake's facts are locked (edits 409 `INV-5`); signing twice is
/// 409 `INV-5`. Comes before the repair moves on (`/move`). Needs `If-Match`. Triggers the
/// audit entry and webhook event `repair_intake.sign`.
#[utoipa::path(
    tag = "inventory",
    operation_id = "signRepairIntake",
    params(("id" = String, Path, description = "Intake id"), crate::kernel::openapi::IfMatchHeader),
    request_body = SignIntake,
    responses(
        (status = 200, description = "Signed", body = IntakeOut, headers(("ETag" = String))),
        (status = 409, description = "INV-5: signed already", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "INV-5: no such signature on the intake, or no signer named", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/repair-intakes/{id}/sign")]
async fn sign_intake(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<SignIntake>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::IntakeEdit, &caller.actor.roles)?;
    run_command(
        state,
        caller,
        id.into_inner(),
        version,
        move |conn, ctx, actor, id, version| svc::sign(conn, ctx, actor, id, version, input),
    )
    .await
}

/// Move a repair intake's status on
///
/// INV-5: admins, managers, clerks and engineers (403 for other roles; outside ORG-5 404)
/// move a signed intake forward: `received` → `in_repair` → `awaiting_return` →
/// `returned`, and from any open status straight to `returned` (the device goes back
/// unrepaired). Before the customer signed, after `returned`, or any other move is 409 naming
/// `INV-5`. Moving to `in_repair` sets `repair_site`: `service_centre` (default) or `factory`;
/// a repair at the service centre moves on to the factory with `in_repair` again and
/// `factory`; naming a site with any other move is 422 `repair_site`. BIL-4: the factory
/// repair starts only once an accepted repair quote of the intake is paid in full
/// (`recordPayment`) or a deposit for it is held — 422 `rule: "BIL-4"` otherwise.
/// `returned` records who and when, and tells the callback desk (clerks and callback
/// agents) to call the customer back (notification `repair_intake.returned`). Needs
/// `If-Match`. Triggers the audit entry and webhook event `repair_intake.move`.
#[utoipa::path(
    tag = "inventory",
    operation_id = "moveRepairIntake",
    params(("id" = String, Path, description = "Intake id"), crate::kernel::openapi::IfMatchHeader),
    request_body = MoveIntake,
    responses(
        (status = 200, description = "Moved", body = IntakeOut, headers(("ETag" = String))),
        (status = 409, description = "INV-5: not signed yet, returned already, or not a forward move", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field breaks its rules (see `errors`), or BIL-4: the factory repair before the full payment", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/repair-intakes/{id}/move")]
async fn move_intake(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<MoveIntake>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::IntakeEdit, &caller.actor.roles)?;
    run_command(
        state,
        caller,
        id.into_inner(),
        version,
        move |conn, ctx, actor, id, version| svc::advance(conn, ctx, actor, id, version, input),
    )
    .await
}
