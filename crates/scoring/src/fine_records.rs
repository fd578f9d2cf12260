//! HR-F0: a fine as a record — the rule it applies, the amount, the evidence and a status
//! (`proposed` → `confirmed` → `deducted`, or `cancelled`) — and what each step writes to the
//! department-fund ledger. The amounts come from the fine catalogue (`fines` rule set) and
//! the lateness table (`lateness-fines`); nothing here is a constant of its own.

use crate::fines::FineCatalogue;
use kefu_core::{DomainError, FieldError};

kefu_core::string_enum! {
    /// HR-F0: where a fine stands. `proposed`: issued with its evidence, not yet binding;
    /// `confirmed`: binding, in the department fund, waiting for payroll; `deducted`: taken
    /// from a payslip (payroll, BIL-13); `cancelled`: withdrawn (on appeal or as unfounded).
    #[derive(utoipa::ToSchema)]
    pub enum FineStatus {
        Proposed = "proposed",
        Confirmed = "confirmed",
        Deducted = "deducted",
        Cancelled = "cancelled",
    }
}

kefu_core::string_enum! {
    /// HR-F0: the steps of a fine.
    pub enum FineCommand {
        Confirm = "confirm",
        Cancel = "cancel",
        Deduct = "deduct",
    }
}

/// The rule ids whose fines are proposed by their own source, never by hand: HR-A2 from the
/// attendance month, HR-C1 from a complaint judged valid.
pub const SOURCED_RULES: &[&str] = &["HR-A2", "HR-C1"];

/// HR-F0: the status after `command`, or the refusal naming HR-F0 (409).
pub fn transition(from: FineStatus, command: FineCommand) -> Result<FineStatus, DomainError> {
    use FineCommand as C;
    use FineStatus as S;
    match (from, command) {
        (S::Proposed, C::Confirm) => Ok(S::Confirmed),
        (S::Proposed | S::Confirmed, C::Cancel) => Ok(S::Cancelled),
        (S::Confirmed, C::Deduct) => Ok(S::Deducted),
        (from, command) => Err(DomainError::State {
            rule: "HR-F0",
            message: format!(
                "a {} fine cannot be {}",
                from.as_str(),
                match command {
                    C::Confirm => "confirmed",
                    C::Cancel => "cancelled",
                    C::Deduct => "deducted",
                }
            ),
        }),
    }
}

/// HR-F0: the department-fund ledger entry a step writes, in fen: a confirmation pays the
/// fine into the fund, a cancellation after confirmation takes it out again; other steps
/// write none (a proposal is not binding; a deduction only collects what the fund holds).
pub fn ledger_effect(from: FineStatus, to: FineStatus, amount_fen: i64) -> Option<i64> {
    match (from, to) {
        (FineStatus::Proposed, FineStatus::Confirmed) => Some(amount_fen),
        (FineStatus::Confirmed, FineStatus::Cancelled) => Some(-amount_fen),
        _ => None,
    }
}

/// A fine's amount and whether the breach also raises a dismissal flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Priced {
    pub amount_fen: i64,
    pub dismissal_flag: bool,
}

/// HR-F*: the fine for `rule` from the catalogue in force, the manager amount when the person
/// fined is a manager and the catalogue has one (F12, F20, F21). `amount_fen` overrides it
/// where the breach sets the sum (F20 double the money, F21 all the income).
pub fn price(
    catalogue: &FineCatalogue,
    rule: &str,
    is_manager: bool,
    amount_fen: Option<i64>,
) -> Result<Priced, DomainError> {
    let fine = catalogue.find(rule).ok_or_else(|| {
        DomainError::Invalid(vec![
            FieldError::new("rule", "unknown", "not a rule of the fine catalogue").by_rule("HR-F0"),
        ])
    })?;
    let default = match (is_manager, fine.manager_amount_fen) {
        (true, Some(m)) => m,
        _ => fine.amount_fen,
    };
    let amount_fen = amount_fen.unwrap_or(default);
    if amount_fen < 0 {
        return Err(DomainError::Invalid(vec![
            FieldError::new("amount_fen", "range", "must not be negative").by_rule("HR-F0"),
        ]));
    }
    Ok(Priced {
        amount_fen,
        dismissal_flag: fine.dismissal,
    })
}

/// HR-F0: a fine proposed by hand names a catalogue rule that has no source of its own.
pub fn check_manual_rule(rule: &str) -> Result<(), DomainError> {
    if SOURCED_RULES.contains(&rule) {
        return Err(DomainError::Rule {
            rule: "HR-F0",
            message: format!(
                "{rule} fines are proposed from their source (the attendance month, a valid complaint)"
            ),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use FineCommand as C;
    use FineStatus as S;
    use kefu_core::rules::RuleSet;

    #[test]
    fn hr_f0_proposed_confirmed_deducted_or_cancelled() {
        assert_eq!(transition(S::Proposed, C::Confirm), Ok(S::Confirmed));
        assert_eq!(transition(S::Confirmed, C::Deduct), Ok(S::Deducted));
        assert_eq!(transition(S::Proposed, C::Cancel), Ok(S::Cancelled));
        assert_eq!(transition(S::Confirmed, C::Cancel), Ok(S::Cancelled));
        for (from, command) in [
            (S::Proposed, C::Deduct),
            (S::Confirmed, C::Confirm),
            (S::Deducted, C::Cancel),
            (S::Deducted, C::Confirm),
            (S::Cancelled, C::Confirm),
            (S::Cancelled, C::Cancel),
        ] {
            assert_eq!(
                transition(from, command).unwrap_err().rule(),
                Some("HR-F0"),
                "{from:?} {command:?}"
            );
        }
    }

    #[test]
    fn hr_f0_confirmation_pays_into_the_fund_and_a_later_cancellation_reverses_it() {
        assert_eq!(ledger_effect(S::Proposed, S::Confirmed, 2_000), Some(2_000));
        assert_eq!(
            ledger_effect(S::Confirmed, S::Cancelled, 2_000),
            Some(-2_000)
        );
        assert_eq!(ledger_effect(S::Proposed, S::Cancelled, 2_000), None);
        assert_eq!(ledger_effect(S::Confirmed, S::Deducted, 2_000), None);
    }

    #[test]
    fn hr_f3_f10_amounts_come_from_the_catalogue() {
        let c = FineCatalogue::defaults();
        assert_eq!(price(&c, "HR-F3", false, None).unwrap().amount_fen, 2_000);
        assert_eq!(price(&c, "HR-F10", false, None).unwrap().amount_fen, 10_000);
        assert_eq!(price(&c, "HR-C1", false, None).unwrap().amount_fen, 10_000);
    }

    #[test]
    fn hr_f12_f20_f21_managers_pay_the_manager_amount() {
        let c = FineCatalogue::defaults();
        assert_eq!(price(&c, "HR-F12", false, None).unwrap().amount_fen, 20_000);
        assert_eq!(price(&c, "HR-F12", true, None).unwrap().amount_fen, 30_000);
        assert_eq!(price(&c, "HR-F20", true, None).unwrap().amount_fen, 50_000);
        assert_eq!(price(&c, "HR-F21", true, None).unwrap().amount_fen, 100_000);
        // A manager fined under a rule without a manager amount pays the usual one.
        assert_eq!(price(&c, "HR-F3", true, None).unwrap().amount_fen, 2_000);
    }

    #[test]
    fn hr_f2_f6_f20_f21_raise_the_dismissal_flag() {
        let c = FineCatalogue::defaults();
        for rule in ["HR-F2", "HR-F6", "HR-F20", "HR-F21"] {
            assert!(
                price(&c, rule, false, None).unwrap().dismissal_flag,
                "{rule}"
            );
        }
        assert!(!price(&c, "HR-F3", false, None).unwrap().dismissal_flag);
    }

    #[test]
    fn hr_f20_the_breach_may_set_the_sum_but_never_below_zero() {
        let c = FineCatalogue::defaults();
        assert_eq!(
            price(&c, "HR-F20", false, Some(60_000)).unwrap().amount_fen,
            60_000
        );
        assert_eq!(
            price(&c, "HR-F20", false, Some(-1)).unwrap_err().rule(),
            Some("HR-F0")
        );
        assert_eq!(
            price(&c, "HR-F99", false, None).unwrap_err().rule(),
            Some("HR-F0")
        );
    }

    #[test]
    fn hr_f0_lateness_and_complaint_fines_come_from_their_source() {
        assert_eq!(
            check_manual_rule("HR-A2").unwrap_err().rule(),
            Some("HR-F0")
        );
        assert_eq!(
            check_manual_rule("HR-C1").unwrap_err().rule(),
            Some("HR-F0")
        );
        assert!(check_manual_rule("HR-F3").is_ok());
    }
}
