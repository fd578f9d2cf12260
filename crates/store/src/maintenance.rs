//! The acceptance of a maintenance agreement (CON-5): site conditions and the five pre-signing
//! checks, one row per contract — and the programme's steps after signing (CON-6). Visibility
//! is the contract's: callers load the contract first.

use crate::schema::{contracts, customers, maintenance_acceptances, maintenance_steps};
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
    /// The day the overdue job told about the step (its claim: once per step).
    pub overdue_noticed_on: Option<NaiveDate>,
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

/// The step statuses still owed (what an ended contract cancels, what can be overdue).
const UNFINISHED: [&str; 2] = ["open", "awaiting_approval"];
/// The contract statuses whose programme runs.
const RUNNING: [&str; 2] = ["signed", "active"];

/// CON-6, the overdue dashboard: an unfinished step with its contract's title, customer,
/// signer (the responsible engineer) and the customer's name.
pub type OverdueStep = (StepRow, String, String, String, String);

#[derive(Debug, Clone, Default)]
pub struct OverdueFilter {
    pub contract_id: Option<String>,
    pub customer_id: Option<String>,
    /// The contract's signer, the step's responsible engineer.
    pub responsible_id: Option<String>,
    pub kind: Option<StepKind>,
}

/// CON-6: the live unfinished steps due before `due_before` of the running (signed or active)
/// contracts among `contract_ids` (`None`: every contract), by due day then id, after the
/// `(due_on, id)` key `after`.
pub fn overdue(
    conn: &mut DbConnection,
    contract_ids: Option<&[String]>,
    filter: &OverdueFilter,
    due_before: NaiveDate,
    after: Option<(NaiveDate, String)>,
    limit: i64,
) -> Result<Vec<OverdueStep>, StoreError> {
    let mut query = maintenance_steps::table
        .inner_join(contracts::table.inner_join(customers::table))
        .filter(maintenance_steps::deleted_at.is_null())
        .filter(maintenance_steps::status.eq_any(UNFINISHED))
        .filter(maintenance_steps::due_on.lt(due_before))
        .filter(contracts::deleted_at.is_null())
        .filter(contracts::status.eq_any(RUNNING))
        .select((
            StepRow::as_select(),
            contracts::title,
            contracts::customer_id,
            contracts::signer_id,
            customers::name,
        ))
        .into_boxed();
    if let Some(ids) = contract_ids {
        query = query.filter(maintenance_steps::contract_id.eq_any(ids.to_vec()));
    }
    if let Some(v) = &filter.contract_id {
        query = query.filter(maintenance_steps::contract_id.eq(v.clone()));
    }
    if let Some(v) = &filter.customer_id {
        query = query.filter(contracts::customer_id.eq(v.clone()));
    }
    if let Some(v) = &filter.responsible_id {
        query = query.filter(contracts::signer_id.eq(v.clone()));
    }
    if let Some(v) = filter.kind {
        query = query.filter(maintenance_steps::kind.eq(v.as_str()));
    }
    if let Some((day, id)) = after {
        query = query.filter(
            maintenance_steps::due_on
                .gt(day)
                .or(maintenance_steps::due_on
                    .eq(day)
                    .and(maintenance_steps::id.gt(id))),
        );
    }
    Ok(query
        .order((maintenance_steps::due_on.asc(), maintenance_steps::id.asc()))
        .limit(limit)
        .load(conn)?)
}

/// CON-6, for the overdue job: the steps [`overdue`] lists that nobody was told about yet. The
/// last part is a filter only: [`claim_overdue_notice`] decides.
pub fn overdue_unnoticed(
    conn: &mut DbConnection,
    due_before: NaiveDate,
) -> Result<Vec<OverdueStep>, StoreError> {
    Ok(maintenance_steps::table
        .inner_join(contracts::table.inner_join(customers::table))
        .filter(maintenance_steps::deleted_at.is_null())
        .filter(maintenance_steps::status.eq_any(UNFINISHED))
        .filter(maintenance_steps::due_on.lt(due_before))
        .filter(maintenance_steps::overdue_noticed_on.is_null())
        .filter(contracts::deleted_at.is_null())
        .filter(contracts::status.eq_any(RUNNING))
        .select((
            StepRow::as_select(),
            contracts::title,
            contracts::customer_id,
            contracts::signer_id,
            customers::name,
        ))
        .order((maintenance_steps::due_on.asc(), maintenance_steps::id.asc()))
        .load(conn)?)
}

/// CON-6: marks the step told about as overdue on `today` unless it was already, and only while
/// it is unfinished: the conditional update is the claim, so of two job runs or instances
/// exactly one tells. The version and `updated_at` move, so delta sync brings the step.
pub fn claim_overdue_notice(
    conn: &mut DbConnection,
    id: &str,
    today: NaiveDate,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        maintenance_steps::table
            .filter(maintenance_steps::id.eq(id))
            .filter(maintenance_steps::overdue_noticed_on.is_null())
            .filter(maintenance_steps::status.eq_any(UNFINISHED)),
    )
    .set((
        maintenance_steps::overdue_noticed_on.eq(today),
        maintenance_steps::version.eq(maintenance_steps::version + 1),
        maintenance_steps::updated_at.eq(crate::to_db_time(now)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// CON-6, when a contract ends: cancels each unfinished live step of `contract_id` still
/// unfinished at the write (a step completed meanwhile keeps its state) and returns the steps
/// as they were before, for the audit.
pub fn cancel_unfinished_of(
    conn: &mut DbConnection,
    contract_id: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<StepRow>, StoreError> {
    let rows: Vec<StepRow> = maintenance_steps::table
        .filter(maintenance_steps::contract_id.eq(contract_id))
        .filter(maintenance_steps::deleted_at.is_null())
        .filter(maintenance_steps::status.eq_any(UNFINISHED))
        .order(maintenance_steps::id)
        .select(StepRow::as_select())
        .load(conn)?;
    let mut cancelled = Vec::new();
    for row in rows {
        let n = diesel::update(
            maintenance_steps::table
                .filter(maintenance_steps::id.eq(&row.id))
                .filter(maintenance_steps::status.eq_any(UNFINISHED)),
        )
        .set((
            maintenance_steps::status.eq(StepStatus::Cancelled.as_str()),
            maintenance_steps::version.eq(maintenance_steps::version + 1),
            maintenance_steps::updated_at.eq(crate::to_db_time(now)),
        ))
        .execute(conn)?;
        if n == 1 {
            cancelled.push(row);
        }
    }
    Ok(cancelled)
}
