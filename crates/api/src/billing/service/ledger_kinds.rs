//! The month close's commission kinds beyond commissioning: BIL-12a maintenance (the signer's
//! 15% in the month of full payment, the executors' 10% in the month the cycle is confirmed),
//! BIL-12b repair labour (a line per repair paid in the month) and, closing December,
//! BIL-12c year-end bonuses. Each reads its facts set-based, nets the BIL-7 rebates
//! (`kefu_store::rebates::totals_for`) and asks `kefu_billing::engine` for the lines.

use crate::kernel::error::ApiError;
use crate::kernel::rules::load_in_force;
use chrono::{NaiveDate, NaiveTime};
use kefu_billing::engine::maintenance::{
    self, CycleStep, MaintenanceContract, cycle_confirmed_on, executors_of, fully_paid_on,
};
use kefu_billing::engine::repair::{self, PaidRepair};
use kefu_billing::engine::{Line, LineKind, year_end};
use kefu_billing::repair::RepairLabourShare;
use kefu_billing::shares::{CommissionShares, YearEndBonuses};
use kefu_core::YearMonth;
use kefu_core::rules::RuleVersion;
use kefu_store::DbConnection;
use kefu_store::ledger_facts::{self as facts, MaintenanceFacts};
use std::collections::{BTreeMap, BTreeSet};

/// The kinds this module computes; the month close owns them beside its commissioning kinds.
/// The year-end bonus is the last (a year close owns it alone).
pub const KINDS: [&str; 4] = [
    LineKind::MaintenanceSigner.as_str(),
    LineKind::MaintenanceExecutor.as_str(),
    LineKind::RepairLabour.as_str(),
    LineKind::YearEndBonus.as_str(),
];

/// The lines of these kinds earned in `month` (`first`..=`last`), from the facts as they are.
pub fn lines_of_month(
    conn: &mut DbConnection,
    month: YearMonth,
    (first, last): (NaiveDate, NaiveDate),
    shares: &RuleVersion<CommissionShares>,
) -> Result<Vec<Line>, ApiError> {
    let mut lines = maintenance_lines(conn, shares)?;
    lines.extend(repair_lines(conn, first, last)?);
    lines.retain(|l| l.earned_month == month);
    if month.month() == 12 {
        lines.extend(year_end_lines(conn, month.year(), last)?);
    }
    Ok(lines)
}

fn cycle_steps(c: &MaintenanceFacts) -> Vec<CycleStep> {
    c.steps
        .iter()
        .map(|s| CycleStep {
            monthly_test: s.kind == "monthly_test_record",
            done: s.status == "done",
            completed_on: s.completed_on,
            completed_by: s.completed_by.clone(),
            approved_on: s.approved_on,
        })
        .collect()
}

/// BIL-12a: every maintenance agreement's lines whose condition is met (any month).
fn maintenance_lines(
    conn: &mut DbConnection,
    shares: &RuleVersion<CommissionShares>,
) -> Result<Vec<Line>, ApiError> {
    let contracts = facts::maintenance_contracts(conn)?;
    let ids: Vec<String> = contracts.iter().map(|c| c.contract_id.clone()).collect();
    let rebates = kefu_store::rebates::totals_for(conn, "contract", &ids)?;
    let mut lines = Vec::new();
    for c in &contracts {
        let steps = cycle_steps(c);
        let contract = MaintenanceContract {
            contract_id: c.contract_id.clone(),
            signer_id: c.signer_id.clone(),
            received_fen: c.payments.iter().map(|p| p.1).sum(),
            rebates_fen: rebates.get(&c.contract_id).copied().unwrap_or(0),
            fully_paid_on: fully_paid_on(c.amount_fen, &c.payments),
            cycle_confirmed_on: cycle_confirmed_on(&steps),
            executors: executors_of(&steps, &c.executor_ids),
        };
        lines.extend(maintenance::compute(&contract, shares)?);
    }
    Ok(lines)
}

/// BIL-12b: a line per repair paid in full in `first..=last`, with its approvals so far.
fn repair_lines(
    conn: &mut DbConnection,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<Vec<Line>, ApiError> {
    let table = load_in_force::<RepairLabourShare>(conn, last)?;
    let paid = kefu_store::repair_labour::paid_between(conn, first, last)?;
    let ids: Vec<String> = paid.iter().map(|p| p.quote_id.clone()).collect();
    let rebates = kefu_store::rebates::totals_for(conn, "repair_quote", &ids)?;
    let approvals = kefu_store::repair_labour::approvals_of(conn, &ids)?;
    paid.into_iter()
        .map(|p| {
            let approval = approvals.get(&p.quote_id);
            let repair = PaidRepair {
                rebate_fen: rebates.get(&p.quote_id).copied().unwrap_or(0),
                manager_approved_on: approval.map(|a| a.manager_approved_on),
                executive_approved_on: approval.and_then(|a| a.executive_approved_on),
                quote_id: p.quote_id,
                engineer_id: p.engineer_id,
                fee_fen: p.fee_fen,
                floor_fen: p.floor_fen,
                paid_on: p.paid_on,
            };
            Ok(repair::compute(&repair, &table)?)
        })
        .collect()
}

/// BIL-12c: the year's bonuses of everyone with anything counted, with the table in force on
/// the year's last day.
pub fn year_end_lines(
    conn: &mut DbConnection,
    year: i32,
    last: NaiveDate,
) -> Result<Vec<Line>, ApiError> {
    let (Some(jan1), Some(next_jan1)) = (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year + 1, 1, 1),
    ) else {
        return Err(ApiError::internal("year out of range"));
    };
    let table = load_in_force::<YearEndBonuses>(conn, last)?;
    let points = facts::points_by_engineer(conn, jan1, last)?;
    let (from, to) = (
        jan1.and_time(NaiveTime::MIN),
        next_jan1.and_time(NaiveTime::MIN),
    );
    let forms = facts::approved_forms_by_engineer(conn, from, to)?;
    let defects = facts::defect_reports_by_engineer(conn, from, to)?;
    let (revenue, customers) = new_maintenance(conn, jan1, last)?;
    let people: BTreeSet<&String> = points
        .keys()
        .chain(forms.keys())
        .chain(defects.keys())
        .chain(revenue.keys())
        .collect();
    let count = |m: &BTreeMap<String, i64>, p: &str| m.get(p).copied().unwrap_or(0);
    let mut lines = Vec::new();
    for person in people {
        let f = year_end::YearFacts {
            person_id: person.clone(),
            year,
            commissioning_points: count(&points, person),
            approved_feedback_forms: count(&forms, person),
            new_maintenance_revenue_fen: count(&revenue, person),
            new_maintenance_customers: customers
                .get(person.as_str())
                .map_or(0, |c| i64::try_from(c.len()).unwrap_or(i64::MAX)),
            confirmed_defect_reports: count(&defects, person),
        };
        lines.extend(year_end::compute(&f, &table)?);
    }
    Ok(lines)
}

/// BIL-12c: per signer, what the maintenance agreements newly signed in the year (not
/// renewals) received in it net of their rebates (BIL-7), and their distinct customers.
type NewMaintenance = (BTreeMap<String, i64>, BTreeMap<String, BTreeSet<String>>);

fn new_maintenance(
    conn: &mut DbConnection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<NewMaintenance, ApiError> {
    let signed_in_year =
        |c: &MaintenanceFacts| !c.renewal && c.signed_on.is_some_and(|d| from <= d && d <= to);
    let contracts: Vec<MaintenanceFacts> = facts::maintenance_contracts(conn)?
        .into_iter()
        .filter(signed_in_year)
        .collect();
    let ids: Vec<String> = contracts.iter().map(|c| c.contract_id.clone()).collect();
    let rebates = kefu_store::rebates::totals_for(conn, "contract", &ids)?;
    let mut revenue: BTreeMap<String, i64> = BTreeMap::new();
    let mut customers: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for c in &contracts {
        let received: i64 = c
            .payments
            .iter()
            .filter(|(day, _)| from <= *day && *day <= to)
            .map(|p| p.1)
            .sum();
        let net = (received - rebates.get(&c.contract_id).copied().unwrap_or(0)).max(0);
        *revenue.entry(c.signer_id.clone()).or_default() += net;
        customers
            .entry(c.signer_id.clone())
            .or_default()
            .insert(c.customer_id.clone());
    }
    Ok((revenue, customers))
}
