//! Service contracts (CON-1, CON-2) and what they cover: sites, equipment and executors, one
//! `contract_items` row each. Which contracts a caller sees is decided by the API and handed
//! in as a [`ContractScope`]; [`ContractScope::admits`] is the Rust twin of its SQL.

use crate::delta::ListMode;
use crate::schema::{contract_items, contract_payments, contracts, customers};
use crate::visibility::{Visible, customer_visible};
use crate::{DbConnection, StoreError, VersionedWrite};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::Bool;
use kefu_contracts::contract::{ContractKind, ContractStatus, RenewalMode};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = contracts)]
pub struct ContractRow {
    pub id: String,
    pub title: String,
    pub customer_id: String,
    pub predecessor_id: Option<String>,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub renewal_mode: RenewalMode,
    pub notice_days: i64,
    pub renewal_cancelled: bool,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub amount_fen: i64,
    pub paid_fen: i64,
    pub signer_id: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub status: ContractStatus,
    pub signed_on: Option<NaiveDate>,
    pub payment_due_on: Option<NaiveDate>,
    pub overdue_noticed_on: Option<NaiveDate>,
    pub termination_reason: Option<String>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
    /// CON-5: a maintenance agreement is signed only after its acceptance passes.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub kind: ContractKind,
}

/// The kinds of `contract_items` rows.
pub const SITE: &str = "site";
pub const EQUIPMENT: &str = "equipment";
pub const EXECUTOR: &str = "executor";

/// What a contract covers and who carries it out, each list sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContractItems {
    pub site_ids: Vec<String>,
    pub equipment_ids: Vec<String>,
    pub executor_ids: Vec<String>,
}

/// ORG-5 for contracts: visible when signed by or carried out by one of `user_ids`, or of one
/// of `customer_ids`; `all` lifts the filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContractScope {
    pub all: bool,
    pub user_ids: Vec<String>,
    pub customer_ids: Vec<String>,
}

impl ContractScope {
    /// The Rust twin of the SQL predicate, for a contract already loaded with its items.
    pub fn admits(&self, row: &ContractRow, items: &ContractItems) -> bool {
        self.all
            || self.user_ids.contains(&row.signer_id)
            || items.executor_ids.iter().any(|e| self.user_ids.contains(e))
            || self.customer_ids.contains(&row.customer_id)
    }
}

type Backend = <DbConnection as Connection>::Backend;
type Predicate = Box<dyn BoxableExpression<contracts::table, Backend, SqlType = Bool>>;

/// The scope as SQL; `None` when everything is visible.
fn predicate(scope: &ContractScope) -> Option<Predicate> {
    if scope.all {
        return None;
    }
    let executed = contract_items::table
        .filter(contract_items::kind.eq(EXECUTOR))
        .filter(contract_items::item_id.eq_any(scope.user_ids.clone()))
        .select(contract_items::contract_id);
    Some(Box::new(
        contracts::signer_id
            .eq_any(scope.user_ids.clone())
            .or(contracts::id.eq_any(executed))
            .or(contracts::customer_id.eq_any(scope.customer_ids.clone())),
    ))
}

/// ORG-5: the ids of the live customers `visible` sees (an engineer's team's, a supervisor's
/// teams'), whose contracts the caller sees too.
pub fn visible_customer_ids(
    conn: &mut DbConnection,
    visible: &Visible,
) -> Result<Vec<String>, StoreError> {
    let query = customers::table
        .filter(customers::deleted_at.is_null())
        .select(customers::id)
        .into_boxed();
    Ok(match customer_visible(visible) {
        Some(p) => query.filter(p).load(conn)?,
        None => query.load(conn)?,
    })
}

pub fn insert(
    conn: &mut DbConnection,
    row: &ContractRow,
    items: &ContractItems,
) -> Result<(), StoreError> {
    diesel::insert_into(contracts::table)
        .values(row.clone())
        .execute(conn)?;
    replace_items(conn, &row.id, items)
}

/// Replaces the contract's items with `items`.
pub fn replace_items(
    conn: &mut DbConnection,
    contract_id: &str,
    items: &ContractItems,
) -> Result<(), StoreError> {
    diesel::delete(contract_items::table.filter(contract_items::contract_id.eq(contract_id)))
        .execute(conn)?;
    for (kind, ids) in [
        (SITE, &items.site_ids),
        (EQUIPMENT, &items.equipment_ids),
        (EXECUTOR, &items.executor_ids),
    ] {
        // One statement per row: batch inserts do not go through diesel's MultiConnection.
        for id in ids {
            diesel::insert_into(contract_items::table)
                .values((
                    contract_items::contract_id.eq(contract_id),
                    contract_items::kind.eq(kind),
                    contract_items::item_id.eq(id),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// The items of each of `ids`, in the order of `ids`.
pub fn items_of(conn: &mut DbConnection, ids: &[String]) -> Result<Vec<ContractItems>, StoreError> {
    let rows: Vec<(String, String, String)> = contract_items::table
        .filter(contract_items::contract_id.eq_any(ids.to_vec()))
        .select((
            contract_items::contract_id,
            contract_items::kind,
            contract_items::item_id,
        ))
        .order((
            contract_items::contract_id,
            contract_items::kind,
            contract_items::item_id,
        ))
        .load(conn)?;
    Ok(ids
        .iter()
        .map(|id| {
            let mut items = ContractItems::default();
            for (_, kind, item) in rows.iter().filter(|(c, _, _)| c == id) {
                match kind.as_str() {
                    SITE => items.site_ids.push(item.clone()),
                    EQUIPMENT => items.equipment_ids.push(item.clone()),
                    _ => items.executor_ids.push(item.clone()),
                }
            }
            items
        })
        .collect())
}

/// The contract `id`, deleted or not, visible or not.
pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<ContractRow>, StoreError> {
    Ok(contracts::table
        .find(id)
        .select(ContractRow::as_select())
        .first(conn)
        .optional()?)
}

/// Whether a live contract continues `id`.
pub fn has_successor(conn: &mut DbConnection, id: &str) -> Result<bool, StoreError> {
    let n: i64 = contracts::table
        .filter(contracts::predecessor_id.eq(id))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

#[derive(Debug, Clone, Default)]
pub struct ContractFilter {
    pub customer_id: Option<String>,
    pub status: Option<ContractStatus>,
    pub renewal_mode: Option<RenewalMode>,
    pub signer_id: Option<String>,
    /// Signed contracts unpaid in full whose payment was due before this day (CON-2).
    pub overdue_on: Option<NaiveDate>,
    /// Signed or active contracts ending from the first to the second day, inclusive (CON-3).
    pub ending_between: Option<(NaiveDate, NaiveDate)>,
}

/// One page of the contracts visible in `scope`.
pub fn list(
    conn: &mut DbConnection,
    scope: &ContractScope,
    filter: &ContractFilter,
    mode: &ListMode,
    limit: i64,
) -> Result<Vec<ContractRow>, StoreError> {
    let mut query = contracts::table
        .select(ContractRow::as_select())
        .into_boxed();
    if let Some(p) = predicate(scope) {
        query = query.filter(p);
    }
    if let Some(v) = &filter.customer_id {
        query = query.filter(contracts::customer_id.eq(v.clone()));
    }
    if let Some(v) = filter.status {
        query = query.filter(contracts::status.eq(v.as_str()));
    }
    if let Some(v) = filter.renewal_mode {
        query = query.filter(contracts::renewal_mode.eq(v.as_str()));
    }
    if let Some(v) = &filter.signer_id {
        query = query.filter(contracts::signer_id.eq(v.clone()));
    }
    if let Some(day) = filter.overdue_on {
        query = query
            .filter(contracts::payment_due_on.lt(day))
            .filter(contracts::paid_fen.lt(contracts::amount_fen))
            .filter(contracts::status.ne(ContractStatus::Terminated.as_str()));
    }
    if let Some((from, to)) = filter.ending_between {
        query = query
            .filter(contracts::period_end.ge(from))
            .filter(contracts::period_end.le(to))
            .filter(contracts::status.eq_any([
                ContractStatus::Signed.as_str(),
                ContractStatus::Active.as_str(),
            ]));
    }
    let query = crate::apply_list_mode!(query, contracts, mode);
    Ok(query.limit(limit).load(conn)?)
}

/// Fields a command changes; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = contracts)]
pub struct ContractChanges {
    pub title: Option<String>,
    #[diesel(serialize_as = String)]
    pub renewal_mode: Option<RenewalMode>,
    pub notice_days: Option<i64>,
    pub renewal_cancelled: Option<bool>,
    pub period_start: Option<NaiveDate>,
    pub period_end: Option<NaiveDate>,
    pub amount_fen: Option<i64>,
    pub paid_fen: Option<i64>,
    pub signer_id: Option<String>,
    #[diesel(serialize_as = String)]
    pub status: Option<ContractStatus>,
    pub signed_on: Option<Option<NaiveDate>>,
    pub payment_due_on: Option<Option<NaiveDate>>,
    pub termination_reason: Option<Option<String>>,
}

pub fn update(
    conn: &mut DbConnection,
    id: &str,
    expected_version: i64,
    changes: &ContractChanges,
    now: DateTime<Utc>,
) -> Result<VersionedWrite, StoreError> {
    crate::versioned_update!(conn, contracts, id, expected_version, changes.clone(), now)
}

/// CON-1: live contracts whose lifecycle may be due on `today`: signed ones whose period has
/// begun, and signed or active ones whose period is over.
pub fn lifecycle_due(
    conn: &mut DbConnection,
    today: NaiveDate,
) -> Result<Vec<ContractRow>, StoreError> {
    Ok(contracts::table
        .filter(contracts::deleted_at.is_null())
        .filter(
            contracts::status
                .eq(ContractStatus::Signed.as_str())
                .and(contracts::period_start.le(today))
                .or(contracts::status
                    .eq_any([
                        ContractStatus::Signed.as_str(),
                        ContractStatus::Active.as_str(),
                    ])
                    .and(contracts::period_end.lt(today))),
        )
        .order(contracts::id)
        .select(ContractRow::as_select())
        .load(conn)?)
}

/// CON-2: live contracts unpaid in full after their due date whose signer was not told yet.
pub fn overdue_unnoticed(
    conn: &mut DbConnection,
    today: NaiveDate,
) -> Result<Vec<ContractRow>, StoreError> {
    Ok(contracts::table
        .filter(contracts::deleted_at.is_null())
        .filter(contracts::payment_due_on.lt(today))
        .filter(contracts::paid_fen.lt(contracts::amount_fen))
        .filter(contracts::overdue_noticed_on.is_null())
        .filter(contracts::status.ne(ContractStatus::Terminated.as_str()))
        .order(contracts::id)
        .select(ContractRow::as_select())
        .load(conn)?)
}

/// CON-2: marks the contract overdue (noticed on `today`) unless it was already — the
/// conditional update is the claim, so of two job runs exactly one tells the signer. The
/// version and `updated_at` move, so delta sync brings the now overdue contract.
pub fn claim_overdue_notice(
    conn: &mut DbConnection,
    id: &str,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        contracts::table
            .filter(contracts::id.eq(id))
            .filter(contracts::overdue_noticed_on.is_null()),
    )
    .set((
        contracts::overdue_noticed_on.eq(today),
        contracts::version.eq(contracts::version + 1),
        contracts::updated_at.eq(crate::to_db_time(now)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// CON-2: one payment received against a contract.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = contract_payments)]
pub struct PaymentRow {
    pub id: String,
    pub contract_id: String,
    pub amount_fen: i64,
    pub paid_on: NaiveDate,
    pub recorded_by: String,
    pub created_at: NaiveDateTime,
}

pub fn insert_payment(conn: &mut DbConnection, row: &PaymentRow) -> Result<(), StoreError> {
    diesel::insert_into(contract_payments::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

/// The contract's payments, in the order they were paid.
pub fn payments_of(
    conn: &mut DbConnection,
    contract_id: &str,
) -> Result<Vec<PaymentRow>, StoreError> {
    Ok(contract_payments::table
        .filter(contract_payments::contract_id.eq(contract_id))
        .order((
            contract_payments::paid_on,
            contract_payments::created_at,
            contract_payments::id,
        ))
        .select(PaymentRow::as_select())
        .load(conn)?)
}

/// ORG-5: the ids of the live signed or active contracts visible in `scope`; `None` when the
/// scope sees every contract (a list then filters nothing by it).
pub fn running_visible_ids(
    conn: &mut DbConnection,
    scope: &ContractScope,
) -> Result<Option<Vec<String>>, StoreError> {
    let Some(p) = predicate(scope) else {
        return Ok(None);
    };
    Ok(Some(
        contracts::table
            .filter(contracts::deleted_at.is_null())
            .filter(contracts::status.eq_any([
                ContractStatus::Signed.as_str(),
                ContractStatus::Active.as_str(),
            ]))
            .filter(p)
            .select(contracts::id)
            .load(conn)?,
    ))
}
