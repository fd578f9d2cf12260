//! `/repair-warranty` (CON-9): the warranty question for a device and a fault.

use crate::contracts::dto::warranty::{WarrantyOut, WarrantyQuery};
use crate::contracts::service::warranty as svc;
use crate::kernel::auth::Caller;
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::extract::StrictQuery;
use crate::kernel::state::AppState;
use actix_web::{HttpResponse, get, web};
use kefu_contracts::access::{self, Action};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(check_repair_warranty);
}

/// Is a repair a free warranty redo?
///
/// CON-9: a new repair of `fault_code` on the device `equipment_id` on `on` (default today) is
/// redone free — no fee, no commission — by the engineer who did the last repair of the same
/// fault on the same device, when that repair was finished (its ticket resolved with this
/// `fault_code`, `resolveTicket`) before `on` and at most the `contract-deadlines` rule's
/// `repair_warranty_months` (3) earlier, and recorded no product quality defect. The answer names
/// the reason (`warranty_redo`, `no_earlier_repair`, `window_passed`, `product_defect`), who owes
/// the redo (`owed_by`) and the last repair's facts. Billing reads it before charging a repair.
///
/// Who: every staff role (403 for customer contacts). The device must be visible to the caller
/// (ORG-5: otherwise 404); 422 for an empty or over-long `equipment_id` or `fault_code`.
/// Read-only.
#[utoipa::path(
    tag = "contracts",
    operation_id = "checkRepairWarranty",
    params(WarrantyQuery),
    responses(
        (status = 200, description = "The answer", body = WarrantyOut),
        (status = 404, description = "No such device visible to the caller", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/repair-warranty")]
async fn check_repair_warranty(
    state: web::Data<AppState>,
    caller: Caller,
    StrictQuery(query): StrictQuery<WarrantyQuery>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::RepairWarrantyCheck, &caller.actor.roles)?;
    let actor = caller.actor.clone();
    let tz = state.config.timezone;
    let today = state.today();
    let out = state
        .db(move |conn| svc::check(conn, &actor, tz, today, query))
        .await?;
    Ok(HttpResponse::Ok().json(out))
}
