//! The fault a repair fixed (CON-9), one row per resolved ticket that names one; the device,
//! the engineer and the day are the ticket's.

use crate::schema::{ticket_repairs, tickets};
use crate::{DbConnection, StoreError};
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = ticket_repairs)]
pub struct RepairRow {
    pub ticket_id: String,
    pub fault_code: String,
    pub product_defect: bool,
    pub recorded_at: NaiveDateTime,
}

/// Records the repair of a ticket, replacing the one of an earlier resolution (after a reopen).
pub fn record(conn: &mut DbConnection, row: &RepairRow) -> Result<(), StoreError> {
    diesel::delete(ticket_repairs::table.filter(ticket_repairs::ticket_id.eq(&row.ticket_id)))
        .execute(conn)?;
    diesel::insert_into(ticket_repairs::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

/// A repair as the warranty question needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repair {
    pub ticket_id: String,
    pub resolved_at: NaiveDateTime,
    pub engineer_id: Option<String>,
    pub product_defect: bool,
}

/// The repairs of `fault_code` on `equipment_id` whose tickets are resolved (or closed) and
/// live, resolved before `before`, the latest first.
pub fn of_fault(
    conn: &mut DbConnection,
    equipment_id: &str,
    fault_code: &str,
    before: NaiveDateTime,
) -> Result<Vec<Repair>, StoreError> {
    let rows: Vec<(String, Option<NaiveDateTime>, Option<String>, bool)> = ticket_repairs::table
        .inner_join(tickets::table)
        .filter(tickets::equipment_id.eq(equipment_id))
        .filter(tickets::deleted_at.is_null())
        .filter(tickets::resolved_at.lt(before))
        .filter(ticket_repairs::fault_code.eq(fault_code))
        .order((tickets::resolved_at.desc(), tickets::id.desc()))
        .select((
            tickets::id,
            tickets::resolved_at,
            tickets::assignee_id,
            ticket_repairs::product_defect,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(ticket_id, resolved_at, engineer_id, product_defect)| {
            Some(Repair {
                ticket_id,
                resolved_at: resolved_at?,
                engineer_id,
                product_defect,
            })
        })
        .collect())
}
