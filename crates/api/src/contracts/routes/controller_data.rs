//! Controller-data change instructions (CON-10): `/controller-instructions` records and lists
//! them, `/controller-data-changes` records a change against one, and
//! `/controller-instructions/{id}/confirm` is the manager's confirmation of it. HTTP only: roles
//! first (403 before 404), then the service.

use crate::contracts::dto::controller_data::{
    ConfirmChange, EXPORT, InstructionOut, InstructionQuery, RecordChange, RecordInstruction,
};
use crate::contracts::service::controller_data as svc;
use crate::kernel::auth::Caller;
use crate::kernel::command::{Ctx, run_command};
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::export::{self, Listed};
use crate::kernel::extract::{IfMatch, ValidJson, trimmed};
use crate::kernel::page::{Page, paginate, row_key, window};
use crate::kernel::respond::{created, versioned};
use crate::kernel::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use kefu_contracts::access::{self, Action};
use kefu_store::controller_instructions::{self as store, InstructionFilter};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(record_controller_instruction)
        .service(list_controller_instructions)
        .service(get_controller_instruction)
        .service(record_controller_data_change)
        .service(confirm_controller_data_change);
}

/// Record a controller-data instruction
///
/// CON-10 (报警主机存储信息): before anyone changes or deletes what an alarm controller stores,
/// the instruction signed by the customer's responsible person is recorded: the site (of a
/// customer the caller sees; 422 `site_id` otherwise), optionally the controller (`equipment_id`,
/// at that site; 422 otherwise — without it the instruction covers any controller there), the
/// `action` (`change` or `delete`), what is to change (`description`), who signed
/// (`signer_name`) and when (`signed_at`, not in the future: 422), and optionally the scanned
/// instruction (`attachment_id`, an uploaded attachment; 422 otherwise). It starts `signed`;
/// `recordControllerDataChange` then records the change against it.
///
/// Who: admins, managers, supervisors, clerks and engineers (403 for others). Triggers the audit
/// entry and webhook event `controller_instruction.create`.
#[utoipa::path(
    tag = "contracts",
    operation_id = "recordControllerInstruction",
    request_body = RecordInstruction,
    responses(
        (status = 201, description = "Recorded", body = InstructionOut, headers(("Location" = String), ("ETag" = String))),
    )
)]
#[post("/controller-instructions")]
async fn record_controller_instruction(
    state: web::Data<AppState>,
    caller: Caller,
    ValidJson(input): ValidJson<RecordInstruction>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::ControllerInstructionRecord, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let out = state
        .tx(move |conn| svc::record(conn, &ctx, &actor, input))
        .await?;
    Ok(created(
        format!("/api/v1/controller-instructions/{}", out.id),
        Some(out.version),
        &out,
    ))
}

/// List or delta-sync controller-data instructions
///
/// CON-10: the instructions of the customers the caller sees (ORG-5, as in `listCustomers`: an
/// engineer their own and their team's customers', a customer contact their own customer's),
/// with the change recorded against each. Filters `customer_id`, `site_id`, `equipment_id`,
/// `status` (`signed`: no change recorded yet; `carried_out`). Without `updated_since`: in id
/// order; with it: every instruction changed after that instant in `(updated_at, id)` order.
/// `/export` (CSV or XLSX) exports the same list. Any signed-in user. Read-only.
#[utoipa::path(
    tag = "contracts",
    operation_id = "listControllerInstructions",
    params(InstructionQuery),
    responses((status = 200, description = "One page of instructions", body = Page<InstructionOut>))
)]
#[get("/controller-instructions")]
async fn list_controller_instructions(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<InstructionQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = state.clone();
    export::respond(&data, &EXPORT, listed, move |query| {
        instructions_page(state.clone(), caller.clone(), query)
    })
    .await
}

async fn instructions_page(
    state: web::Data<AppState>,
    caller: Caller,
    query: InstructionQuery,
) -> Result<Page<InstructionOut>, ApiError> {
    access::require(Action::ControllerInstructionRead, &caller.actor.roles)?;
    let (limit, fetch, mode) = window(
        query.limit,
        query.updated_since.as_deref(),
        query.cursor.as_deref(),
    )?;
    let filter = InstructionFilter {
        customer_id: trimmed(query.customer_id),
        site_id: trimmed(query.site_id),
        equipment_id: trimmed(query.equipment_id),
        status: query.status,
    };
    let actor = caller.actor.clone();
    let (mode, rows) = state
        .db(move |conn| {
            let visible = svc::visible_customers(conn, &actor)?;
            Ok((
                mode.clone(),
                store::list(conn, visible.as_deref(), &filter, &mode, fetch)?,
            ))
        })
        .await?;
    Ok(paginate(
        rows,
        limit,
        |r| row_key(&mode, r.updated_at, &r.id),
        |r| svc::render(&r),
    ))
}

/// Get a controller-data instruction
///
/// CON-10: one instruction with its version as `ETag`. Any signed-in user who sees its customer
/// (ORG-5, as in `listControllerInstructions`); any other reads as 404. Read-only.
#[utoipa::path(
    tag = "contracts",
    operation_id = "getControllerInstruction",
    params(("id" = String, Path, description = "Instruction id")),
    responses((status = 200, description = "The instruction", body = InstructionOut, headers(("ETag" = String))))
)]
#[get("/controller-instructions/{id}")]
async fn get_controller_instruction(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::ControllerInstructionRead, &caller.actor.roles)?;
    let (actor, id) = (caller.actor.clone(), id.into_inner());
    let row = state.db(move |conn| svc::get(conn, &actor, &id)).await?;
    let out = svc::render(&row);
    Ok(versioned(StatusCode::OK, out.version, &out))
}

/// Record a controller-data change
///
/// CON-10: records that the data of a controller (`equipment_id`, one the caller sees; 422
/// otherwise) was changed or deleted at `changed_at` (default now; not in the future), under
/// the customer's signed instruction `instruction_id`. Without an instruction — none given, or
/// none the caller sees — 422 `CON-10` (`instruction_id`); an instruction for another site or
/// controller 422 `CON-10` (`instruction_id`); a change before the instruction was signed 422
/// `CON-10` (`changed_at`); an instruction already carried out 409 `CON-10` (one change per
/// signed instruction). Answers the instruction, now `carried_out` with who changed and when.
///
/// Who: admins, managers, supervisors and engineers (403 for others). Triggers the audit entry
/// and webhook event `controller_instruction.record_change`.
#[utoipa::path(
    tag = "contracts",
    operation_id = "recordControllerDataChange",
    request_body = RecordChange,
    responses(
        (status = 200, description = "Recorded against the instruction", body = InstructionOut, headers(("ETag" = String))),
        (status = 409, description = "The instruction was carried out already", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/controller-data-changes")]
async fn record_controller_data_change(
    state: web::Data<AppState>,
    caller: Caller,
    ValidJson(input): ValidJson<RecordChange>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::ControllerDataChange, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let out = state
        .tx(move |conn| svc::record_change(conn, &ctx, &actor, input))
        .await?;
    Ok(versioned(StatusCode::OK, out.version, &out))
}

/// Confirm a controller-data change
///
/// CON-10, the seeds' follow-up (记录于第二天上交给客服经理，客服经理亲自确认): after the change
/// is recorded (`recordControllerDataChange`) and tested, its record, signed by the customer's
/// responsible person, is handed to the manager the next day, who confirms it personally:
/// records `record_signer_name` (required, 422 `CON-10` when missing or blank), who confirmed
/// and when. 409 `CON-10` before the change is recorded (`signed`) or when confirmed already.
///
/// Who: admins and managers (403 for others), on an instruction of a customer they see (ORG-5:
/// otherwise 404). Needs `If-Match` with the instruction's version. Triggers the audit entry and
/// webhook event `controller_instruction.confirm`.
#[utoipa::path(
    tag = "contracts",
    operation_id = "confirmControllerDataChange",
    params(("id" = String, Path, description = "Instruction id"), crate::kernel::openapi::IfMatchHeader),
    request_body = ConfirmChange,
    responses(
        (status = 200, description = "Confirmed", body = InstructionOut, headers(("ETag" = String))),
        (status = 409, description = "The change is not recorded yet, or confirmed already", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/controller-instructions/{id}/confirm")]
async fn confirm_controller_data_change(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<ConfirmChange>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::ControllerChangeConfirm, &caller.actor.roles)?;
    run_command(
        state,
        caller,
        id.into_inner(),
        version,
        move |conn, ctx, actor, id, version| svc::confirm(conn, ctx, actor, id, version, input),
    )
    .await
}
