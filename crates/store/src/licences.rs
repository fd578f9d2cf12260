//! Software licences (CON-4): one serial per installation a contract covers, with the chain of
//! renewals. Visibility is the contract's ([`ContractScope`]): a single licence is read through
//! its contract (`ContractScope::admits`, the Rust twin); the lists filter with the same
//! predicate as SQL over the licence's contract and customer.

use crate::contracts::{ContractScope, EXECUTOR};
use crate::delta::ListMode;
use crate::schema::{contract_items, contracts, licences};
use crate::{DbConnection, StoreError};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::Bool;
use kefu_contracts::contract::ContractStatus;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = licences)]
pub struct LicenceRow {
    pub id: String,
    pub serial: String,
    pub contract_id: String,
    pub customer_id: String,
    pub equipment_id: String,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
    pub replaces_id: Option<String>,
    pub replaced_by_id: Option<String>,
    pub issued_by: String,
    pub note: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
    /// CON-4: the day the contract's termination voided the licence; kept for its history.
    pub voided_on: Option<NaiveDate>,
}

/// A licence with the status of its contract (what its state is judged from).
pub type LicenceWithContract = (LicenceRow, String);

pub fn insert(conn: &mut DbConnection, row: &LicenceRow) -> Result<(), StoreError> {
    diesel::insert_into(licences::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

/// The licence `id`, deleted or not, with its contract's status.
pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<LicenceWithContract>, StoreError> {
    Ok(licences::table
        .inner_join(contracts::table)
        .filter(licences::id.eq(id))
        .select((LicenceRow::as_select(), contracts::status))
        .first(conn)
        .optional()?)
}

/// CON-4, the check: the live licence with `serial` — its period and its contract's status —
/// in one statement, whatever it finds.
pub fn check_serial(
    conn: &mut DbConnection,
    serial: &str,
) -> Result<Option<(NaiveDate, NaiveDate, ContractStatus)>, StoreError> {
    let found: Option<(NaiveDate, NaiveDate, String)> = licences::table
        .inner_join(contracts::table)
        .filter(licences::serial.eq(serial))
        .filter(licences::deleted_at.is_null())
        // A voided licence answers as an unknown serial.
        .filter(licences::voided_on.is_null())
        .filter(contracts::deleted_at.is_null())
        .select((
            licences::valid_from,
            licences::valid_until,
            contracts::status,
        ))
        .first(conn)
        .optional()?;
    Ok(found
        .and_then(|(from, until, status)| ContractStatus::parse(&status).map(|s| (from, until, s))))
}

/// Whether `equipment_id` has a live licence under `contract_id`.
pub fn exists_for(
    conn: &mut DbConnection,
    contract_id: &str,
    equipment_id: &str,
) -> Result<bool, StoreError> {
    let n: i64 = licences::table
        .filter(licences::contract_id.eq(contract_id))
        .filter(licences::equipment_id.eq(equipment_id))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// The live licences of `contract_id` not replaced yet, by id.
pub fn unreplaced_of(
    conn: &mut DbConnection,
    contract_id: &str,
) -> Result<Vec<LicenceRow>, StoreError> {
    Ok(licences::table
        .filter(licences::contract_id.eq(contract_id))
        .filter(licences::deleted_at.is_null())
        .filter(licences::replaced_by_id.is_null())
        .order(licences::id)
        .select(LicenceRow::as_select())
        .load(conn)?)
}

/// Links `id` to the licence that replaces it unless it was replaced already: the conditional
/// update is the claim, so of two renewals at once exactly one replaces it. The version and
/// `updated_at` move, so delta sync brings the change.
pub fn claim_replacement(
    conn: &mut DbConnection,
    id: &str,
    replaced_by: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        licences::table
            .filter(licences::id.eq(id))
            .filter(licences::replaced_by_id.is_null()),
    )
    .set((
        licences::replaced_by_id.eq(replaced_by),
        licences::version.eq(licences::version + 1),
        licences::updated_at.eq(crate::to_db_time(now)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

type Backend = <DbConnection as Connection>::Backend;
type Predicate = Box<dyn BoxableExpression<licences::table, Backend, SqlType = Bool>>;

/// The contract scope as SQL over licences; `None` when everything is visible.
fn predicate(scope: &ContractScope) -> Option<Predicate> {
    if scope.all {
        return None;
    }
    let signed = contracts::table
        .filter(contracts::signer_id.eq_any(scope.user_ids.clone()))
        .select(contracts::id);
    let executed = contract_items::table
        .filter(contract_items::kind.eq(EXECUTOR))
        .filter(contract_items::item_id.eq_any(scope.user_ids.clone()))
        .select(contract_items::contract_id);
    Some(Box::new(
        licences::contract_id
            .eq_any(signed)
            .or(licences::contract_id.eq_any(executed))
            .or(licences::customer_id.eq_any(scope.customer_ids.clone())),
    ))
}

#[derive(Debug, Clone, Default)]
pub struct LicenceFilter {
    pub contract_id: Option<String>,
    pub customer_id: Option<String>,
    pub equipment_id: Option<String>,
}

/// One page of the licences visible in `scope`, each with its contract's status.
pub fn list(
    conn: &mut DbConnection,
    scope: &ContractScope,
    filter: &LicenceFilter,
    mode: &ListMode,
    limit: i64,
) -> Result<Vec<LicenceWithContract>, StoreError> {
    let mut query = licences::table.select(LicenceRow::as_select()).into_boxed();
    if let Some(p) = predicate(scope) {
        query = query.filter(p);
    }
    if let Some(v) = &filter.contract_id {
        query = query.filter(licences::contract_id.eq(v.clone()));
    }
    if let Some(v) = &filter.customer_id {
        query = query.filter(licences::customer_id.eq(v.clone()));
    }
    if let Some(v) = &filter.equipment_id {
        query = query.filter(licences::equipment_id.eq(v.clone()));
    }
    let query = crate::apply_list_mode!(query, licences, mode);
    let rows: Vec<LicenceRow> = query.limit(limit).load(conn)?;
    with_status(conn, rows)
}

/// CON-4, an installation's history: its live licences visible in `scope`, oldest period first.
pub fn history(
    conn: &mut DbConnection,
    scope: &ContractScope,
    equipment_id: &str,
) -> Result<Vec<LicenceWithContract>, StoreError> {
    let mut query = licences::table
        .filter(licences::equipment_id.eq(equipment_id))
        .filter(licences::deleted_at.is_null())
        .select(LicenceRow::as_select())
        .into_boxed();
    if let Some(p) = predicate(scope) {
        query = query.filter(p);
    }
    let rows: Vec<LicenceRow> = query
        .order((licences::valid_from.asc(), licences::id.asc()))
        .load(conn)?;
    with_status(conn, rows)
}

fn with_status(
    conn: &mut DbConnection,
    rows: Vec<LicenceRow>,
) -> Result<Vec<LicenceWithContract>, StoreError> {
    let ids: Vec<String> = rows.iter().map(|r| r.contract_id.clone()).collect();
    let statuses: Vec<(String, String)> = contracts::table
        .filter(contracts::id.eq_any(ids))
        .select((contracts::id, contracts::status))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let status = statuses
                .iter()
                .find(|(id, _)| *id == r.contract_id)
                .map(|(_, s)| s.clone())
                .unwrap_or_default();
            (r, status)
        })
        .collect())
}

/// CON-4, when a contract is terminated: voids each live licence of `contract_id` not voided
/// yet (a conditional write each, so a licence is voided once), and returns them as they were
/// before, for the audit. The version and `updated_at` move, so delta sync brings them.
pub fn void_of_contract(
    conn: &mut DbConnection,
    contract_id: &str,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Vec<LicenceRow>, StoreError> {
    let rows: Vec<LicenceRow> = licences::table
        .filter(licences::contract_id.eq(contract_id))
        .filter(licences::deleted_at.is_null())
        .filter(licences::voided_on.is_null())
        .order(licences::id)
        .select(LicenceRow::as_select())
        .load(conn)?;
    let mut voided = Vec::new();
    for row in rows {
        let n = diesel::update(
            licences::table
                .filter(licences::id.eq(&row.id))
                .filter(licences::voided_on.is_null()),
        )
        .set((
            licences::voided_on.eq(today),
            licences::version.eq(licences::version + 1),
            licences::updated_at.eq(crate::to_db_time(now)),
        ))
        .execute(conn)?;
        if n == 1 {
            voided.push(row);
        }
    }
    Ok(voided)
}
