//! The acceptance of a maintenance agreement (CON-5): site conditions and the five pre-signing
//! checks, one row per contract — and the programme's steps after signing (CON-6). Visibility
//! is the contract's: callers load the contract first.

use crate::schema::{maintenance_acceptances, maintenance_steps};
use crate::{DbConnection, StoreError};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use kefu_contracts::programme::{StepKind, StepStatus};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = maintenance_acceptances)]
pub struct AcceptanceRow {
    pub contract_id: String,
    pub fire_inspected: bool,
    pub well_managed: bool,
    pub duty_person: bool,
    pub inspected_on: NaiveDate,
    pub inspector_id: String,
    pub alarm_host_passed: bool,
    pub alarm_host_note: Option<String>,
    pub device_count_passed: bool,
    pub device_count_note: Option<String>,
    pub sprinkler_hydrant_passed: bool,
    pub sprinkler_hydrant_note: Option<String>,
    pub gas_extinguishing_passed: bool,
    pub gas_extinguishing_note: Option<String>,
    pub smoke_control_passed: bool,
    pub smoke_control_note: Option<String>,
    pub recorded_by: String,
    pub updated_at: NaiveDateTime,
}

/// Records the acceptance of a contract, replacing an earlier one (a repeated inspection).
pub fn replace(conn: &mut DbConnection, row: &AcceptanceRow) -> Result<(), StoreError> {
    diesel::delete(
        maintenance_acceptances::table
            .filter(maintenance_acceptances::contract_id.eq(&row.contract_id)),
    )
    .execute(conn)?;
    diesel::insert_into(maintenance_acceptances::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

/// The acceptance recorded for `contract_id`, if any.
pub fn find(
    conn: &mut DbConnection,
    contract_id: &str,
) -> Result<Option<AcceptanceRow>, StoreError> {
    Ok(maintenance_acceptances::table
        .find(contract_id)
        .select(AcceptanceRow::as_select())
        .first(conn)
        .optional()?)
}

/// CON-6: one step of a maintenance agreement's programme.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = maintenance_steps)]
pub struct StepRow {
    pub id: String,
    pub contract_id: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub kind: StepKind,
    pub seq: i64,
    pub due_on: NaiveDate,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub status: StepStatus,
    pub completed_on: Option<NaiveDate>,
    pub completed_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
    pub customer_signatory: Option<String>,
    pub manager_approved_by: Option<String>,
    pub manager_approved_on: Option<NaiveDate>,
    pub executive_approved_by: Option<String>,
    pub executive_approved_on: Option<NaiveDate>,
}

/// Inserts the programme's steps, one statement each (batch inserts do not go through diesel's
/// MultiConnection).
pub fn insert_steps(conn: &mut DbConnection, rows: &[StepRow]) -> Result<(), StoreError> {
    for row in rows {
        diesel::insert_into(maintenance_steps::table)
            .values(row.clone())
            .execute(conn)?;
    }
    Ok(())
}

/// The live steps of a contract, by due day, then kind and number.
pub fn steps_of(conn: &mut DbConnection, contract_id: &str) -> Result<Vec<StepRow>, StoreError> {
    Ok(maintenance_steps::table
        .filter(maintenance_steps::contract_id.eq(contract_id))
        .filter(maintenance_steps::deleted_at.is_null())
        .order((
            maintenance_steps::due_on,
            maintenance_steps::kind,
            maintenance_steps::seq,
        ))
        .select(StepRow::as_select())
        .load(conn)?)
}

/// The step `id`, deleted or not.
pub fn find_step(conn: &mut DbConnection, id: &str) -> Result<Option<StepRow>, StoreError> {
    Ok(maintenance_steps::table
        .find(id)
        .select(StepRow::as_select())
        .first(conn)
        .optional()?)
}

/// Fields a step command changes; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = maintenance_steps)]
pub struct StepChanges {
    #[diesel(serialize_as = String)]
    pub status: Option<StepStatus>,
    pub completed_on: Option<NaiveDate>,
    pub completed_by: Option<String>,
    pub customer_signatory: Option<String>,
    pub manager_approved_by: Option<String>,
    pub manager_approved_on: Option<NaiveDate>,
    pub executive_approved_by: Option<String>,
    pub executive_approved_on: Option<NaiveDate>,
}

pub fn update_step(
    conn: &mut DbConnection,
    id: &str,
    expected_version: i64,
    changes: &StepChanges,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<crate::VersionedWrite, StoreError> {
    crate::versioned_update!(
        conn,
        maintenance_steps,
        id,
        expected_version,
        changes.clone(),
        now
    )
}
