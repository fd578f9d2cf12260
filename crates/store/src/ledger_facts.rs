//! What the month close reads for the commission kinds beyond commissioning: maintenance
//! agreements with their payments and programme steps (BIL-12a), and a person's year (BIL-12c).
//! Set-based: one query per table, whatever the number of contracts or people.

use crate::schema::{
    commissioning_jobs, contract_items, contract_payments, contracts, feedback_forms,
    maintenance_steps, ticket_repairs, tickets,
};
use crate::{DbConnection, StoreError};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use std::collections::BTreeMap;

/// A signed maintenance agreement as BIL-12a reads it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MaintenanceFacts {
    pub contract_id: String,
    pub customer_id: String,
    pub signer_id: String,
    pub amount_fen: i64,
    pub signed_on: Option<NaiveDate>,
    /// Whether it renews an earlier agreement (not a new maintenance customer, BIL-12c).
    pub renewal: bool,
    /// Its payments, `(day, fen)`, by day.
    pub payments: Vec<(NaiveDate, i64)>,
    /// Its live programme steps.
    pub steps: Vec<StepFacts>,
    /// The executors named on the contract.
    pub executor_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepFacts {
    pub kind: String,
    pub status: String,
    pub completed_on: Option<NaiveDate>,
    pub completed_by: Option<String>,
    pub approved_on: Option<NaiveDate>,
}

/// Every signed (or later) live maintenance agreement, with payments, steps and executors.
pub fn maintenance_contracts(conn: &mut DbConnection) -> Result<Vec<MaintenanceFacts>, StoreError> {
    type Head = (
        String,
        String,
        String,
        i64,
        Option<NaiveDate>,
        Option<String>,
    );
    let heads: Vec<Head> = contracts::table
        .filter(contracts::kind.eq("maintenance"))
        .filter(contracts::status.ne("draft"))
        .filter(contracts::deleted_at.is_null())
        .order(contracts::id.asc())
        .select((
            contracts::id,
            contracts::customer_id,
            contracts::signer_id,
            contracts::amount_fen,
            contracts::signed_on,
            contracts::predecessor_id,
        ))
        .load(conn)?;
    let mut by_id: BTreeMap<String, MaintenanceFacts> = heads
        .into_iter()
        .map(|(id, customer, signer, amount, signed_on, predecessor)| {
            let facts = MaintenanceFacts {
                contract_id: id.clone(),
                customer_id: customer,
                signer_id: signer,
                amount_fen: amount,
                signed_on,
                renewal: predecessor.is_some(),
                ..MaintenanceFacts::default()
            };
            (id, facts)
        })
        .collect();
    let ids: Vec<String> = by_id.keys().cloned().collect();
    for chunk in ids.chunks(900) {
        let payments: Vec<(String, NaiveDate, i64)> = contract_payments::table
            .filter(contract_payments::contract_id.eq_any(chunk))
            .order((
                contract_payments::paid_on.asc(),
                contract_payments::id.asc(),
            ))
            .select((
                contract_payments::contract_id,
                contract_payments::paid_on,
                contract_payments::amount_fen,
            ))
            .load(conn)?;
        for (id, day, fen) in payments {
            if let Some(c) = by_id.get_mut(&id) {
                c.payments.push((day, fen));
            }
        }
        type Step = (
            String,
            String,
            String,
            Option<NaiveDate>,
            Option<String>,
            Option<NaiveDate>,
            Option<NaiveDate>,
        );
        let steps: Vec<Step> = maintenance_steps::table
            .filter(maintenance_steps::contract_id.eq_any(chunk))
            .filter(maintenance_steps::deleted_at.is_null())
            .order((maintenance_steps::due_on.asc(), maintenance_steps::id.asc()))
            .select((
                maintenance_steps::contract_id,
                maintenance_steps::kind,
                maintenance_steps::status,
                maintenance_steps::completed_on,
                maintenance_steps::completed_by,
                maintenance_steps::manager_approved_on,
                maintenance_steps::executive_approved_on,
            ))
            .load(conn)?;
        for (id, kind, status, completed_on, completed_by, manager, executive) in steps {
            if let Some(c) = by_id.get_mut(&id) {
                c.steps.push(StepFacts {
                    kind,
                    status,
                    completed_on,
                    completed_by,
                    approved_on: executive.or(manager),
                });
            }
        }
        let executors: Vec<(String, String)> = contract_items::table
            .filter(contract_items::contract_id.eq_any(chunk))
            .filter(contract_items::kind.eq(crate::contracts::EXECUTOR))
            .order(contract_items::item_id.asc())
            .select((contract_items::contract_id, contract_items::item_id))
            .load(conn)?;
        for (id, executor) in executors {
            if let Some(c) = by_id.get_mut(&id) {
                c.executor_ids.push(executor);
            }
        }
    }
    Ok(by_id.into_values().collect())
}

/// BIL-12c: each engineer's commissioning points of the jobs approved (assigned) in
/// `from..=to` and done (commissioned or later).
pub fn points_by_engineer(
    conn: &mut DbConnection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<BTreeMap<String, i64>, StoreError> {
    let rows: Vec<(String, i64)> = commissioning_jobs::table
        .filter(commissioning_jobs::deleted_at.is_null())
        .filter(commissioning_jobs::approved_on.ge(from))
        .filter(commissioning_jobs::approved_on.le(to))
        .filter(commissioning_jobs::status.eq_any([
            "commissioned",
            "awaiting_recheck",
            "completed",
        ]))
        .select((
            commissioning_jobs::engineer_id,
            commissioning_jobs::billable_points,
        ))
        .load(conn)?;
    let mut out = BTreeMap::new();
    for (who, points) in rows {
        *out.entry(who).or_default() += points;
    }
    Ok(out)
}

/// BIL-12c: each engineer's feedback forms received (checked in, 审核合格) in `[from, to)`.
pub fn approved_forms_by_engineer(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<BTreeMap<String, i64>, StoreError> {
    let rows: Vec<String> = feedback_forms::table
        .filter(feedback_forms::deleted_at.is_null())
        .filter(feedback_forms::status.eq("received"))
        .filter(feedback_forms::received_at.ge(from))
        .filter(feedback_forms::received_at.lt(to))
        .select(feedback_forms::engineer_id)
        .load(conn)?;
    let mut out = BTreeMap::new();
    for who in rows {
        *out.entry(who).or_default() += 1;
    }
    Ok(out)
}

/// BIL-12c: each engineer's repairs recorded in `[from, to)` whose fault was a product defect.
pub fn defect_reports_by_engineer(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<BTreeMap<String, i64>, StoreError> {
    let rows: Vec<Option<String>> = ticket_repairs::table
        .inner_join(tickets::table)
        .filter(ticket_repairs::product_defect.eq(true))
        .filter(ticket_repairs::recorded_at.ge(from))
        .filter(ticket_repairs::recorded_at.lt(to))
        .select(tickets::assignee_id)
        .load(conn)?;
    let mut out = BTreeMap::new();
    for who in rows.into_iter().flatten() {
        *out.entry(who).or_default() += 1;
    }
    Ok(out)
}
