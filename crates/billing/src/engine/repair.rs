//! BIL-12b repair labour in the ledger: a line per repair paid in full, earned in the month of
//! the completing payment, `pending` until the manager and then the executive approve, then
//! due with the salary of the month of the second approval (seed 002 §5.2 (5)). The amount is
//! [`RepairLabourShare::share`]: the fee above the floor price, less the tax difference, less
//! the customer's rebates (BIL-7, borne by the engineer).

use super::{Inputs, Line, LineKind, LineStatus, RuleRef, SourceKind, overflow};
use crate::repair::{RepairLabourShare, RepairShare};
use chrono::NaiveDate;
use kefu_core::rules::RuleVersion;
use kefu_core::{DomainError, Money, YearMonth};
use serde::Serialize;

/// A repair quote paid in full, with its approvals so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaidRepair {
    pub quote_id: String,
    pub engineer_id: String,
    pub fee_fen: i64,
    pub floor_fen: i64,
    pub rebate_fen: i64,
    pub paid_on: NaiveDate,
    pub manager_approved_on: Option<NaiveDate>,
    pub executive_approved_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RepairInputs {
    pub fee_fen: i64,
    pub floor_fen: i64,
    pub share: RepairShare,
    pub tax_difference_bp: i64,
    pub paid_on: NaiveDate,
    pub manager_approved_on: Option<NaiveDate>,
    pub executive_approved_on: Option<NaiveDate>,
}

/// BIL-12b: the repair's labour line.
pub fn compute(
    r: &PaidRepair,
    table: &RuleVersion<RepairLabourShare>,
) -> Result<Line, DomainError> {
    let share = table
        .value
        .share(Money(r.fee_fen), Money(r.floor_fen), Money(r.rebate_fen))
        .ok_or_else(|| overflow("fee_fen"))?;
    // Both approvals, in order: the manager's without the executive's is still pending.
    let released = r.manager_approved_on.and(r.executive_approved_on);
    Ok(Line {
        person_id: r.engineer_id.clone(),
        kind: LineKind::RepairLabour,
        source_kind: SourceKind::RepairQuote,
        source_id: r.quote_id.clone(),
        earned_month: YearMonth::of(r.paid_on),
        due_month: released.map(YearMonth::of),
        status: if released.is_some() {
            LineStatus::Due
        } else {
            LineStatus::Pending
        },
        amount: Money(share.payable_fen),
        rule: "BIL-12b",
        inputs: Inputs::Repair(RepairInputs {
            fee_fen: r.fee_fen,
            floor_fen: r.floor_fen,
            share,
            tax_difference_bp: table.value.tax_difference_bp,
            paid_on: r.paid_on,
            manager_approved_on: r.manager_approved_on,
            executive_approved_on: r.executive_approved_on,
        }),
        rule_versions: vec![RuleRef::of(table)],
    })
}

/// The two approvals of a repair's labour share, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Approval {
    Manager,
    Executive,
}

/// BIL-12b: whether `approval` may be given now — the manager's first and once, then the
/// executive's once (409 `BIL-12b` otherwise); only on a repair labour line still open.
pub fn check_approval(
    approval: Approval,
    line_open: bool,
    manager_done: bool,
    executive_done: bool,
) -> Result<(), DomainError> {
    let refuse = |message: &str| {
        Err(DomainError::State {
            rule: "BIL-12b",
            message: message.to_owned(),
        })
    };
    if !line_open {
        return refuse("the line is closed (paid, forfeited or transferred)");
    }
    match approval {
        Approval::Manager if manager_done => refuse("the manager approved it already"),
        Approval::Executive if !manager_done => refuse("the manager approves first"),
        Approval::Executive if executive_done => refuse("the executive approved it already"),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kefu_core::rules::RuleSet;

    fn repair() -> PaidRepair {
        PaidRepair {
            quote_id: "Q".into(),
            engineer_id: "eng".into(),
            fee_fen: 80_000,
            floor_fen: 50_000,
            rebate_fen: 5_000,
            paid_on: "2026-05-12".parse().unwrap(),
            manager_approved_on: None,
            executive_approved_on: None,
        }
    }

    fn table() -> RuleVersion<RepairLabourShare> {
        RuleVersion {
            effective_from: "2026-01-01".parse().unwrap(),
            value: RepairLabourShare::defaults(),
        }
    }

    #[test]
    fn bil_12b_pending_until_both_approvals_then_due_in_the_second_ones_month() {
        let line = compute(&repair(), &table()).unwrap();
        // 300 above the floor, 39 tax difference, 50 rebate: 211.00.
        assert_eq!(
            (line.amount, line.status, line.due_month, line.rule),
            (Money(21_100), LineStatus::Pending, None, "BIL-12b")
        );
        assert_eq!(line.earned_month, "2026-05".parse().unwrap());
        let mut r = repair();
        r.manager_approved_on = Some("2026-05-20".parse().unwrap());
        assert_eq!(compute(&r, &table()).unwrap().status, LineStatus::Pending);
        r.executive_approved_on = Some("2026-06-02".parse().unwrap());
        let line = compute(&r, &table()).unwrap();
        assert_eq!(
            (line.status, line.due_month),
            (LineStatus::Due, Some("2026-06".parse().unwrap()))
        );
    }

    #[test]
    fn bil_12b_the_manager_approves_first_and_each_once() {
        use Approval::*;
        assert!(check_approval(Manager, true, false, false).is_ok());
        assert!(check_approval(Executive, true, true, false).is_ok());
        for (a, open, m, e) in [
            (Executive, true, false, false),
            (Manager, true, true, false),
            (Executive, true, true, true),
            (Manager, false, false, false),
        ] {
            assert!(
                matches!(
                    check_approval(a, open, m, e),
                    Err(DomainError::State {
                        rule: "BIL-12b",
                        ..
                    })
                ),
                "{a:?} {open} {m} {e}"
            );
        }
    }
}
