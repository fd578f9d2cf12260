//! Controller-data change instructions (CON-10), one row each, with the change recorded on it.
//! Visibility is the customer's (ORG-5): the API hands in the visible customer ids (`None`: all),
//! and [`admits`] is the Rust twin of the list's filter.

use crate::delta::ListMode;
use crate::schema::controller_instructions;
use crate::{DbConnection, StoreError};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_contracts::controller_data::{DataAction, InstructionStatus};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = controller_instructions)]
pub struct InstructionRow {
    pub id: String,
    pub customer_id: String,
    pub site_id: String,
    pub equipment_id: Option<String>,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub action: DataAction,
    pub description: String,
    pub signer_name: String,
    pub signed_at: NaiveDateTime,
    pub attachment_id: Option<String>,
    pub recorded_by: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub status: InstructionStatus,
    pub changed_by: Option<String>,
    pub changed_at: Option<NaiveDateTime>,
    pub change_equipment_id: Option<String>,
    pub change_note: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
    /// CON-10: the customer's responsible person who signed the change record.
    pub record_signer_name: Option<String>,
    /// CON-10: the manager who confirmed the change, and when.
    pub manager_confirmed_by: Option<String>,
    pub manager_confirmed_at: Option<NaiveDateTime>,
}

/// Whether a caller who sees the customers `visible` (`None`: all) sees `row`.
pub fn admits(visible: Option<&[String]>, row: &InstructionRow) -> bool {
    visible.is_none_or(|ids| ids.contains(&row.customer_id))
}

pub fn insert(conn: &mut DbConnection, row: &InstructionRow) -> Result<(), StoreError> {
    diesel::insert_into(controller_instructions::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<InstructionRow>, StoreError> {
    Ok(controller_instructions::table
        .find(id)
        .select(InstructionRow::as_select())
        .first(conn)
        .optional()?)
}

/// CON-10: records the change on a signed instruction unless one was recorded already — the
/// conditional update is the claim, so of two changes at once exactly one uses it. The
/// version and `updated_at` move.
pub fn claim_change(
    conn: &mut DbConnection,
    id: &str,
    changed_by: &str,
    changed_at: DateTime<Utc>,
    equipment_id: Option<&str>,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        controller_instructions::table
            .filter(controller_instructions::id.eq(id))
            .filter(controller_instructions::status.eq(InstructionStatus::Signed.as_str())),
    )
    .set((
        controller_instructions::status.eq(InstructionStatus::CarriedOut.as_str()),
        controller_instructions::changed_by.eq(changed_by),
        controller_instructions::changed_at.eq(crate::to_db_time(changed_at)),
        controller_instructions::change_equipment_id.eq(equipment_id),
        controller_instructions::change_note.eq(note),
        controller_instructions::version.eq(controller_instructions::version + 1),
        controller_instructions::updated_at.eq(crate::to_db_time(now)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// CON-10: the manager's confirmation of a recorded change, unless it was confirmed already
/// or the record moved on from `expected_version` — the conditional update is the claim, so of
/// two confirmations at once exactly one lands. The version and `updated_at` move.
pub fn claim_confirmation(
    conn: &mut DbConnection,
    id: &str,
    expected_version: i64,
    confirmed_by: &str,
    record_signer_name: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        controller_instructions::table
            .filter(controller_instructions::id.eq(id))
            .filter(controller_instructions::version.eq(expected_version))
            .filter(controller_instructions::status.eq(InstructionStatus::CarriedOut.as_str()))
            .filter(controller_instructions::manager_confirmed_at.is_null()),
    )
    .set((
        controller_instructions::record_signer_name.eq(record_signer_name),
        controller_instructions::manager_confirmed_by.eq(confirmed_by),
        controller_instructions::manager_confirmed_at.eq(crate::to_db_time(now)),
        controller_instructions::version.eq(controller_instructions::version + 1),
        controller_instructions::updated_at.eq(crate::to_db_time(now)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

#[derive(Debug, Clone, Default)]
pub struct InstructionFilter {
    pub customer_id: Option<String>,
    pub site_id: Option<String>,
    pub equipment_id: Option<String>,
    pub status: Option<InstructionStatus>,
}

/// One page of the instructions of the customers `visible` (`None`: all).
pub fn list(
    conn: &mut DbConnection,
    visible: Option<&[String]>,
    filter: &InstructionFilter,
    mode: &ListMode,
    limit: i64,
) -> Result<Vec<InstructionRow>, StoreError> {
    let mut query = controller_instructions::table
        .select(InstructionRow::as_select())
        .into_boxed();
    if let Some(ids) = visible {
        query = query.filter(controller_instructions::customer_id.eq_any(ids.to_vec()));
    }
    if let Some(v) = &filter.customer_id {
        query = query.filter(controller_instructions::customer_id.eq(v.clone()));
    }
    if let Some(v) = &filter.site_id {
        query = query.filter(controller_instructions::site_id.eq(v.clone()));
    }
    if let Some(v) = &filter.equipment_id {
        query = query.filter(controller_instructions::equipment_id.eq(v.clone()));
    }
    if let Some(v) = filter.status {
        query = query.filter(controller_instructions::status.eq(v.as_str()));
    }
    let query = crate::apply_list_mode!(query, controller_instructions, mode);
    Ok(query.limit(limit).load(conn)?)
}
