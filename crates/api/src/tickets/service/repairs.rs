//! CON-9: the fault a repair fixed, recorded with the ticket's resolution in the same
//! transaction, for the warranty question of the contracts domain.

use crate::kernel::command::Ctx;
use crate::kernel::error::ApiError;
use crate::tickets::dto::tickets::TicketOut;
use crate::tickets::service::transition;
use chrono_tz::Tz;
use kefu_core::{Actor, FieldError};
use kefu_store::ticket_repairs::{self, RepairRow};
use kefu_store::{DbConnection, to_db_time};
use kefu_tickets::decide::TicketCommand;

/// What the resolver recorded of the repair.
#[derive(Debug, Clone)]
pub struct Repair {
    pub fault_code: String,
    pub product_defect: bool,
}

impl Repair {
    /// The repair named by a resolution body; a defect flag without a fault code is 422.
    pub fn of(
        fault_code: Option<String>,
        product_defect: Option<bool>,
    ) -> Result<Option<Repair>, ApiError> {
        match fault_code.map(|c| c.trim().to_owned()) {
            Some(code) if !code.is_empty() => Ok(Some(Repair {
                fault_code: code,
                product_defect: product_defect.unwrap_or(false),
            })),
            Some(_) => Err(invalid("fault_code", "must not be blank")),
            None if product_defect.is_some() => Err(invalid(
                "product_defect",
                "is recorded with the repair's fault_code",
            )),
            None => Ok(None),
        }
    }
}

fn invalid(field: &str, message: &str) -> ApiError {
    ApiError::Invalid(vec![FieldError::new(field, "invalid", message)])
}

/// Resolves the ticket (TKT-3) and records the repair's fault (CON-9) with it; a fault code on
/// a ticket without equipment is 422 and nothing is saved.
#[allow(clippy::too_many_arguments)]
pub fn resolve(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    tz: Tz,
    id: &str,
    expected_version: i64,
    command: TicketCommand,
    repair: Option<Repair>,
) -> Result<TicketOut, ApiError> {
    let out = transition::run(conn, ctx, actor, tz, id, expected_version, command)?;
    let Some(repair) = repair else {
        return Ok(out);
    };
    if out.equipment_id.is_none() {
        return Err(invalid(
            "fault_code",
            "the ticket names no equipment: a fault code is recorded for a device",
        ));
    }
    ticket_repairs::record(
        conn,
        &RepairRow {
            ticket_id: out.id.clone(),
            fault_code: repair.fault_code.clone(),
            product_defect: repair.product_defect,
            recorded_at: to_db_time(ctx.now),
        },
    )?;
    ctx.audit(
        conn,
        "ticket.record_repair",
        ("ticket", &out.id),
        None,
        Some(serde_json::json!({
            "equipment_id": out.equipment_id, "engineer_id": out.assignee_id,
            "fault_code": repair.fault_code, "product_defect": repair.product_defect,
        })),
    )?;
    Ok(out)
}
