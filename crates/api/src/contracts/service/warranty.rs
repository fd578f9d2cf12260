//! CON-9: the repair-warranty question, answered from the repairs recorded with ticket
//! resolutions (`kefu_store::ticket_repairs`) and decided by `kefu_contracts::warranty::judge`.

use crate::contracts::dto::warranty::{WarrantyOut, WarrantyQuery};
use crate::kernel::error::ApiError;
use chrono::NaiveDate;
use chrono_tz::Tz;
use kefu_contracts::deadlines::ContractRules;
use kefu_contracts::warranty::{LastRepair, judge};
use kefu_core::{Actor, FieldError};
use kefu_store::{DbConnection, from_db_time, ticket_repairs};

fn check_length(field: &str, value: &str) -> Option<FieldError> {
    let n = value.chars().count();
    (n == 0 || n > 64).then(|| FieldError::new(field, "length", "1 to 64 characters"))
}

/// The answer for the device and fault on `query.on` (default `today`). The device must be
/// visible to the caller (ORG-5: otherwise 404).
pub fn check(
    conn: &mut DbConnection,
    actor: &Actor,
    tz: Tz,
    today: NaiveDate,
    query: WarrantyQuery,
) -> Result<WarrantyOut, ApiError> {
    let equipment_id = query.equipment_id.trim().to_owned();
    let fault_code = query.fault_code.trim().to_owned();
    let errors: Vec<FieldError> = [
        check_length("query.equipment_id", &equipment_id),
        check_length("query.fault_code", &fault_code),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    let scope = crate::kernel::access::visible(conn, actor)?;
    crate::equipment::service::equipment::get_row(conn, &scope, &equipment_id)?;
    let on = query.on.unwrap_or(today);
    // Repairs finished before the day asked about: the new repair's own ticket, resolved on
    // that day, is not its own earlier repair.
    let start_of_day = on
        .and_hms_opt(0, 0, 0)
        .and_then(|t| t.and_local_timezone(tz).earliest())
        .map(|t| t.naive_utc())
        .ok_or_else(|| {
            ApiError::Invalid(vec![FieldError::new("query.on", "range", "out of range")])
        })?;
    let last = ticket_repairs::of_fault(conn, &equipment_id, &fault_code, start_of_day)?
        .into_iter()
        .next();
    let rules = crate::kernel::rules::load_in_force::<ContractRules>(conn, on)?.value;
    let repaired_on = last
        .as_ref()
        .map(|r| from_db_time(r.resolved_at).with_timezone(&tz).date_naive());
    let facts = last.as_ref().zip(repaired_on).map(|(r, day)| LastRepair {
        repaired_on: day,
        product_defect: r.product_defect,
    });
    let judgement = judge(&rules, facts.as_ref(), on);
    Ok(WarrantyOut {
        equipment_id,
        fault_code,
        on,
        free_redo: judgement.free_redo,
        reason: judgement.reason,
        owed_by: last
            .as_ref()
            .filter(|_| judgement.free_redo)
            .and_then(|r| r.engineer_id.clone()),
        last_repair_ticket_id: last.as_ref().map(|r| r.ticket_id.clone()),
        last_repaired_on: repaired_on,
        last_repair_engineer_id: last.as_ref().and_then(|r| r.engineer_id.clone()),
        last_repair_product_defect: last.as_ref().map(|r| r.product_defect),
        warranty_until: judgement.warranty_until,
    })
}
