//! INV-2 spare-part loans (备品外借) and INV-3 charges for lost or damaged loaned units: an
//! engineer requests parts (serials recorded), a manager approves, the clerk issues, the
//! engineer signs; the parts are due back within the policy's working days, and what comes
//! back must be what was issued.

use chrono::NaiveDate;
use kefu_core::rules::{RuleSet, check_non_negative};
use kefu_core::{CalendarError, DomainError, WorkCalendar};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoanPolicy {
    /// INV-2: a loaned part is due back this many working days after it was issued.
    pub return_due_days: i64,
    /// INV-2: refuse a new loan request while the engineer holds an overdue loan.
    #[serde(default = "refuse_by_default")]
    pub refuse_while_overdue: bool,
}

fn refuse_by_default() -> bool {
    true
}

impl RuleSet for LoanPolicy {
    const KEY: &'static str = "spare-part-loans";
    const TITLE: &'static str = "INV-2 spare-part loan return deadline";

    fn defaults() -> Self {
        LoanPolicy {
            return_due_days: 2,
            refuse_while_overdue: true,
        }
    }

    fn validate(&self) -> Result<(), DomainError> {
        check_non_negative("return_due_days", self.return_due_days)
    }
}

kefu_core::string_enum! {
    /// INV-2: where a loan stands.
    #[derive(ToSchema)]
    pub enum LoanStatus {
        /// Asked for by the engineer; waits for a manager.
        Requested = "requested",
        /// A manager approved it; waits for the clerk to issue.
        Approved = "approved",
        /// A manager refused it.
        Rejected = "rejected",
        /// Issued to the engineer's hands; due back by `due_on`.
        Issued = "issued",
        /// Every unit is back, or reported lost or damaged.
        Closed = "closed",
    }
}

kefu_core::string_enum! {
    /// INV-3: what became of a unit the engineer could not bring back.
    #[derive(ToSchema)]
    pub enum LossKind {
        Lost = "lost",
        Damaged = "damaged",
    }
}

kefu_core::string_enum! {
    /// INV-3: a charge on its way to a payroll deduction (BIL-13).
    #[derive(ToSchema)]
    pub enum ChargeStatus {
        /// Raised; billing has not deducted it yet.
        Pending = "pending",
        Deducted = "deducted",
        Waived = "waived",
    }
}

/// INV-2: the day a loan issued on `issued_on` (local date) is due back: the policy's number
/// of working days later, by the work calendar. It is overdue from the end of that day.
pub fn due_on(
    calendar: &WorkCalendar,
    issued_on: NaiveDate,
    policy: &LoanPolicy,
) -> Result<NaiveDate, CalendarError> {
    let days = u32::try_from(policy.return_due_days).unwrap_or(u32::MAX);
    calendar.add_working_days(issued_on, days)
}

/// INV-2: whether a loan due on `due_on` and still out is overdue on `today` (local date).
pub fn is_overdue(due_on: NaiveDate, today: NaiveDate) -> bool {
    today > due_on
}

/// INV-2: a new request while the engineer holds an overdue loan is refused (422), when the
/// policy says so.
pub fn check_request(policy: &LoanPolicy, holds_overdue: bool) -> Result<(), DomainError> {
    if policy.refuse_while_overdue && holds_overdue {
        return Err(DomainError::Rule {
            rule: "INV-2",
            message: "an overdue loan must be returned before a new one is requested".into(),
        });
    }
    Ok(())
}

/// A command on an existing loan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoanCommand {
    Approve,
    Reject,
    Issue,
    /// The engineer signs for what was issued.
    Sign,
    /// Units come back: `serials` for a serialised part, else `quantity`.
    Return {
        quantity: i64,
        serials: Vec<String>,
    },
    /// INV-3: units the engineer lost or damaged.
    ReportLoss {
        quantity: i64,
        serials: Vec<String>,
    },
    /// INV-2: units used on a ticket, recorded on its signed feedback form: consumed, they
    /// never come back.
    Consume {
        quantity: i64,
        serials: Vec<String>,
    },
}

/// The loan as the rules need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoanFacts {
    pub status: LoanStatus,
    pub signed: bool,
    /// Units still out (issued, neither returned nor reported lost).
    pub outstanding: i64,
    /// Serialised parts: the serials still out.
    pub outstanding_serials: Vec<String>,
    pub serialised: bool,
}

/// What a command does to the loan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoanOutcome {
    pub status: LoanStatus,
    /// Units that leave the loan by this command (returned or reported), and their serials.
    pub units: i64,
    pub serials: Vec<String>,
    /// Serialised parts: what is still out afterwards.
    pub outstanding_serials: Vec<String>,
}

fn state(message: impl Into<String>) -> DomainError {
    DomainError::State {
        rule: "INV-2",
        message: message.into(),
    }
}

fn mismatch(message: impl Into<String>) -> DomainError {
    DomainError::Rule {
        rule: "INV-2",
        message: message.into(),
    }
}

/// INV-2: what comes back (or is reported) must be out on this loan: the issued serials, or
/// no more than the quantity still out.
fn take_back(
    loan: &LoanFacts,
    quantity: i64,
    serials: &[String],
) -> Result<(i64, Vec<String>), DomainError> {
    if loan.serialised {
        let mut left = loan.outstanding_serials.clone();
        for serial in serials {
            let Some(i) = left.iter().position(|s| s == serial) else {
                return Err(mismatch(format!("unit {serial} is not out on this loan")));
            };
            left.remove(i);
        }
        if serials.is_empty() {
            return Err(mismatch("name the serials of the units"));
        }
        return Ok((i64::try_from(serials.len()).unwrap_or(i64::MAX), left));
    }
    if !serials.is_empty() {
        return Err(mismatch("a bulk part comes back by quantity"));
    }
    if quantity < 1 || quantity > loan.outstanding {
        return Err(mismatch(format!(
            "{quantity} unit(s) given back, {} out on this loan",
            loan.outstanding
        )));
    }
    Ok((quantity, Vec::new()))
}

/// INV-2/INV-3: decides `command` on `loan`.
pub fn decide(loan: &LoanFacts, command: &LoanCommand) -> Result<LoanOutcome, DomainError> {
    let keep = |status| LoanOutcome {
        status,
        units: 0,
        serials: Vec::new(),
        outstanding_serials: loan.outstanding_serials.clone(),
    };
    match command {
        LoanCommand::Approve | LoanCommand::Reject => {
            if loan.status != LoanStatus::Requested {
                return Err(state(format!("the loan is {}, not requested", loan.status)));
            }
            Ok(keep(if *command == LoanCommand::Approve {
                LoanStatus::Approved
            } else {
                LoanStatus::Rejected
            }))
        }
        LoanCommand::Issue => {
            if loan.status != LoanStatus::Approved {
                return Err(state(format!("the loan is {}, not approved", loan.status)));
            }
            Ok(keep(LoanStatus::Issued))
        }
        LoanCommand::Sign => {
            if loan.status != LoanStatus::Issued || loan.signed {
                return Err(state("only an issued loan not yet signed for is signed"));
            }
            Ok(keep(LoanStatus::Issued))
        }
        LoanCommand::Return { quantity, serials }
        | LoanCommand::ReportLoss { quantity, serials }
        | LoanCommand::Consume { quantity, serials } => {
            if loan.status != LoanStatus::Issued {
                return Err(state(format!("the loan is {}, not issued", loan.status)));
            }
            let (units, left) = take_back(loan, *quantity, serials)?;
            let status = if loan.outstanding - units == 0 {
                LoanStatus::Closed
            } else {
                LoanStatus::Issued
            };
            Ok(LoanOutcome {
                status,
                units,
                serials: serials.clone(),
                outstanding_serials: left,
            })
        }
    }
}

/// INV-3: the charge for `units` lost or damaged, at the part's sale price (fen).
pub fn charge_fen(sale_price_fen: i64, units: i64) -> i64 {
    sale_price_fen.saturating_mul(units)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, Weekday};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn out(serials: &[&str]) -> LoanFacts {
        LoanFacts {
            status: LoanStatus::Issued,
            signed: true,
            outstanding: i64::try_from(serials.len()).unwrap(),
            outstanding_serials: serials.iter().map(|s| (*s).to_owned()).collect(),
            serialised: true,
        }
    }

    #[test]
    fn inv_2_defaults() {
        assert_eq!(LoanPolicy::defaults().return_due_days, 2);
        assert!(LoanPolicy::defaults().refuse_while_overdue);
        assert!(LoanPolicy::defaults().validate().is_ok());
        // A stored policy from before the switch existed reads with the default.
        let old: LoanPolicy = serde_json::from_str(r#"{"return_due_days": 3}"#).unwrap();
        assert!(old.refuse_while_overdue);
    }

    #[test]
    fn inv_2_a_loan_issued_monday_is_overdue_after_wednesday() {
        let calendar = WorkCalendar::new();
        let monday = d("2026-03-09");
        assert_eq!(monday.weekday(), Weekday::Mon);
        let due = due_on(&calendar, monday, &LoanPolicy::defaults()).unwrap();
        assert_eq!(due, d("2026-03-11"));
        assert!(!is_overdue(due, d("2026-03-11")));
        assert!(is_overdue(due, d("2026-03-12")));
        // Working days: a Thursday loan is due on Monday.
        assert_eq!(
            due_on(&calendar, d("2026-03-12"), &LoanPolicy::defaults()).unwrap(),
            d("2026-03-16")
        );
    }

    #[test]
    fn inv_2_a_new_request_is_refused_while_one_is_overdue_when_configured() {
        let policy = LoanPolicy::defaults();
        assert_eq!(
            check_request(&policy, true).unwrap_err().rule(),
            Some("INV-2")
        );
        assert!(check_request(&policy, false).is_ok());
        let lenient = LoanPolicy {
            refuse_while_overdue: false,
            ..policy
        };
        assert!(check_request(&lenient, true).is_ok());
    }

    #[test]
    fn inv_2_request_approve_issue_sign_in_order() {
        let mut loan = out(&[]);
        loan.status = LoanStatus::Requested;
        loan.signed = false;
        assert_eq!(
            decide(&loan, &LoanCommand::Approve).unwrap().status,
            LoanStatus::Approved
        );
        assert!(matches!(
            decide(&loan, &LoanCommand::Issue).unwrap_err(),
            DomainError::State { rule: "INV-2", .. }
        ));
        loan.status = LoanStatus::Approved;
        assert_eq!(
            decide(&loan, &LoanCommand::Issue).unwrap().status,
            LoanStatus::Issued
        );
        loan.status = LoanStatus::Issued;
        assert!(decide(&loan, &LoanCommand::Sign).is_ok());
        loan.signed = true;
        assert!(decide(&loan, &LoanCommand::Sign).is_err());
    }

    #[test]
    fn inv_2_returns_must_match_the_issued_serials() {
        let loan = out(&["SN-1", "SN-2"]);
        let back = |serials: &[&str]| LoanCommand::Return {
            quantity: 0,
            serials: serials.iter().map(|s| (*s).to_owned()).collect(),
        };
        let partial = decide(&loan, &back(&["SN-2"])).unwrap();
        assert_eq!((partial.status, partial.units), (LoanStatus::Issued, 1));
        assert_eq!(partial.outstanding_serials, vec!["SN-1"]);
        let all = decide(&loan, &back(&["SN-1", "SN-2"])).unwrap();
        assert_eq!(all.status, LoanStatus::Closed);
        let e = decide(&loan, &back(&["SN-9"])).unwrap_err();
        assert!(matches!(e, DomainError::Rule { rule: "INV-2", .. }));
        assert!(decide(&loan, &back(&["SN-1", "SN-1"])).is_err());
    }

    #[test]
    fn inv_2_bulk_returns_are_at_most_what_is_out() {
        let loan = LoanFacts {
            serialised: false,
            outstanding: 3,
            outstanding_serials: vec![],
            ..out(&[])
        };
        let ret = |quantity| LoanCommand::Return {
            quantity,
            serials: vec![],
        };
        assert_eq!(decide(&loan, &ret(2)).unwrap().status, LoanStatus::Issued);
        assert_eq!(decide(&loan, &ret(3)).unwrap().status, LoanStatus::Closed);
        assert_eq!(decide(&loan, &ret(4)).unwrap_err().rule(), Some("INV-2"));
    }

    #[test]
    fn inv_2_consumed_units_leave_the_loan_and_cannot_come_back() {
        let loan = out(&["SN-1", "SN-2"]);
        let used = decide(
            &loan,
            &LoanCommand::Consume {
                quantity: 0,
                serials: vec!["SN-1".into()],
            },
        )
        .unwrap();
        assert_eq!((used.units, used.status), (1, LoanStatus::Issued));
        assert_eq!(used.outstanding_serials, vec!["SN-2"]);
        let after = LoanFacts {
            outstanding: 1,
            outstanding_serials: used.outstanding_serials,
            ..loan
        };
        let back = LoanCommand::Return {
            quantity: 0,
            serials: vec!["SN-1".into()],
        };
        assert!(matches!(
            decide(&after, &back).unwrap_err(),
            DomainError::Rule { rule: "INV-2", .. }
        ));
    }

    #[test]
    fn inv_3_a_lost_unit_is_charged_at_the_sale_price() {
        let loan = out(&["SN-1"]);
        let lost = decide(
            &loan,
            &LoanCommand::ReportLoss {
                quantity: 0,
                serials: vec!["SN-1".into()],
            },
        )
        .unwrap();
        assert_eq!((lost.units, lost.status), (1, LoanStatus::Closed));
        assert_eq!(charge_fen(12_000, lost.units), 12_000);
        assert_eq!(charge_fen(12_000, 3), 36_000);
    }
}
