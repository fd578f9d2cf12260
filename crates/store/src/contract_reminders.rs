//! CON-3 expiry reminders: one per contract period (the unique key on `(contract_id,
//! period_end)` keeps it so whoever inserts first), with the customer's answer.

use crate::schema::{contract_reminders, contracts};
use crate::{DbConnection, NullableText, StoreError, VersionedWrite};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_contracts::contract::ContractStatus;
use kefu_contracts::expiry::ReminderAnswer;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = contract_reminders)]
pub struct ReminderRow {
    pub id: String,
    pub contract_id: String,
    pub period_end: NaiveDate,
    pub remind_on: NaiveDate,
    pub assignee_id: String,
    #[diesel(deserialize_as = NullableText, serialize_as = NullableText)]
    pub answer: Option<ReminderAnswer>,
    pub answer_note: Option<String>,
    pub answered_by: Option<String>,
    pub answered_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

/// Inserts the reminder; a second one for the same contract period fails on the unique key.
pub fn insert(conn: &mut DbConnection, row: &ReminderRow) -> Result<(), StoreError> {
    diesel::insert_into(contract_reminders::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

/// The contract's reminders, oldest period first.
pub fn all_of(conn: &mut DbConnection, contract_id: &str) -> Result<Vec<ReminderRow>, StoreError> {
    Ok(contract_reminders::table
        .filter(contract_reminders::contract_id.eq(contract_id))
        .order(contract_reminders::period_end.asc())
        .select(ReminderRow::as_select())
        .load(conn)?)
}

/// The reminder of the contract's latest period, if one was created.
pub fn latest_of(
    conn: &mut DbConnection,
    contract_id: &str,
) -> Result<Option<ReminderRow>, StoreError> {
    Ok(contract_reminders::table
        .filter(contract_reminders::contract_id.eq(contract_id))
        .order(contract_reminders::period_end.desc())
        .select(ReminderRow::as_select())
        .first(conn)
        .optional()?)
}

/// A contract that may be due for its reminder: id, title, signer, status, period end.
pub type Candidate = (String, String, String, String, NaiveDate);

/// Live signed or active contracts ending from `today` to before `ending_before`, without a
/// reminder for that end yet. The last part is a filter only: the unique key decides.
pub fn candidates(
    conn: &mut DbConnection,
    today: NaiveDate,
    ending_before: NaiveDate,
) -> Result<Vec<Candidate>, StoreError> {
    let rows: Vec<Candidate> = contracts::table
        .filter(contracts::deleted_at.is_null())
        .filter(contracts::status.eq_any([
            ContractStatus::Signed.as_str(),
            ContractStatus::Active.as_str(),
        ]))
        .filter(contracts::period_end.ge(today))
        .filter(contracts::period_end.lt(ending_before))
        .order(contracts::id)
        .select((
            contracts::id,
            contracts::title,
            contracts::signer_id,
            contracts::status,
            contracts::period_end,
        ))
        .load(conn)?;
    let ids: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    let reminded: Vec<(String, NaiveDate)> = contract_reminders::table
        .filter(contract_reminders::contract_id.eq_any(ids))
        .select((
            contract_reminders::contract_id,
            contract_reminders::period_end,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|r| !reminded.iter().any(|(c, end)| *c == r.0 && *end == r.4))
        .collect())
}

/// The customer's answer; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = contract_reminders)]
pub struct AnswerChanges {
    #[diesel(serialize_as = NullableText)]
    pub answer: Option<Option<ReminderAnswer>>,
    pub answer_note: Option<Option<String>>,
    pub answered_by: Option<Option<String>>,
    pub answered_at: Option<Option<NaiveDateTime>>,
}

pub fn update(
    conn: &mut DbConnection,
    id: &str,
    expected_version: i64,
    changes: &AnswerChanges,
    now: DateTime<Utc>,
) -> Result<VersionedWrite, StoreError> {
    crate::versioned_update!(
        conn,
        contract_reminders,
        id,
        expected_version,
        changes.clone(),
        now
    )
}
