//! CON-1 service contracts and CON-2 payment: the status machine `draft` → `signed` →
//! `active` → `expired` / `terminated`, renewal (express: a new contract is drawn up and
//! signed; tacit: the contract renews itself at its end unless cancelled before its notice
//! period), and the payment due a rule-table number of days after signing.

use crate::deadlines::ContractRules;
use chrono::{Datelike, Days, Months, NaiveDate};
use kefu_core::DomainError;
use utoipa::ToSchema;

kefu_core::string_enum! {
    #[derive(ToSchema)]
    pub enum ContractStatus {
        Draft = "draft",
        /// Signed; the service period has not begun.
        Signed = "signed",
        Active = "active",
        Expired = "expired",
        Terminated = "terminated",
    }
}

kefu_core::string_enum! {
    #[derive(ToSchema)]
    pub enum RenewalMode {
        /// A new contract is drawn up and signed (the seeds' practice).
        Express = "express",
        /// The contract renews itself at its end unless cancelled before its notice period.
        Tacit = "tacit",
    }
}

kefu_core::string_enum! {
    #[derive(ToSchema)]
    pub enum ContractKind {
        /// An after-sales service contract (售后服务合同).
        Service = "service",
        /// A maintenance agreement (维保协议): signed only after its acceptance passes (CON-5).
        Maintenance = "maintenance",
    }
}

kefu_core::string_enum! {
    #[derive(ToSchema)]
    pub enum PaymentStatus {
        /// Not paid in full, and not (yet) past its due date — or not signed yet.
        Pending = "pending",
        Paid = "paid",
        /// CON-2: not paid in full after the due date.
        Overdue = "overdue",
    }
}

/// What the rules need of a contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contract {
    pub status: ContractStatus,
    pub renewal_mode: RenewalMode,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub amount_fen: i64,
    pub paid_fen: i64,
    pub payment_due_on: Option<NaiveDate>,
    /// Tacit renewal: the renewal is cancelled no later than this many days before the end.
    pub notice_days: i64,
    pub renewal_cancelled: bool,
    /// A later contract already continues this one.
    pub has_successor: bool,
}

/// A command on a contract, with what the caller sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContractCommand {
    Sign {
        signed_on: NaiveDate,
    },
    Terminate,
    /// Express renewal: a new draft for the next period.
    Renew {
        period_end: NaiveDate,
    },
    CancelRenewal,
    RecordPayment {
        amount_fen: i64,
        paid_on: NaiveDate,
    },
}

/// The changes a command makes; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContractOutcome {
    pub status: Option<ContractStatus>,
    pub signed_on: Option<NaiveDate>,
    pub payment_due_on: Option<NaiveDate>,
    pub paid_fen: Option<i64>,
    pub renewal_cancelled: bool,
    /// Renewal: the period of the successor to create.
    pub successor_period: Option<(NaiveDate, NaiveDate)>,
}

fn state(message: String) -> DomainError {
    DomainError::State {
        rule: "CON-1",
        message,
    }
}

fn rule(rule: &'static str, message: impl Into<String>) -> DomainError {
    DomainError::Rule {
        rule,
        message: message.into(),
    }
}

/// CON-1: the status a contract signed (or renewed tacitly) has on `today`: active once its
/// period has begun.
pub fn status_from_start(period_start: NaiveDate, today: NaiveDate) -> ContractStatus {
    if period_start <= today {
        ContractStatus::Active
    } else {
        ContractStatus::Signed
    }
}

/// CON-2: the payment is due `payment_due_days` calendar days after signing (the seeds:
/// 合同签订后三天内款项必须到位).
pub fn payment_due(rules: &ContractRules, signed_on: NaiveDate) -> NaiveDate {
    let days = u64::try_from(rules.payment_due_days).unwrap_or(0);
    signed_on
        .checked_add_days(Days::new(days))
        .unwrap_or(signed_on)
}

/// CON-2: paid in full, overdue (unpaid after the due date) or pending.
pub fn payment_status(c: &Contract, today: NaiveDate) -> PaymentStatus {
    if c.status != ContractStatus::Draft && c.paid_fen >= c.amount_fen {
        PaymentStatus::Paid
    } else if c.payment_due_on.is_some_and(|due| today > due) {
        PaymentStatus::Overdue
    } else {
        PaymentStatus::Pending
    }
}

/// CON-1: a period runs from its start to its end inclusive, at most ten years.
pub fn check_period(start: NaiveDate, end: NaiveDate) -> Result<(), DomainError> {
    if end < start {
        return Err(DomainError::invalid(
            "period_end",
            "range",
            "must not be before period_start",
        ));
    }
    if (end - start).num_days() > 3_660 {
        return Err(DomainError::invalid(
            "period_end",
            "range",
            "a period spans at most ten years",
        ));
    }
    Ok(())
}

/// CON-1 tacit renewal: the period after `start..=end`, as long as it — in whole months when
/// the period is whole months (2026-01-01..2026-12-31 → 2027-01-01..2027-12-31), in days
/// otherwise.
pub fn next_period(start: NaiveDate, end: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    let next_start = end.succ_opt()?;
    let months = (next_start.year() - start.year()) * 12 + next_start.month0() as i32
        - start.month0() as i32;
    if let Ok(m) = u32::try_from(months)
        && m > 0
        && start.checked_add_months(Months::new(m)) == Some(next_start)
    {
        let after = next_start.checked_add_months(Months::new(m))?;
        return Some((next_start, after.pred_opt()?));
    }
    let days = u64::try_from((end - start).num_days()).ok()?;
    Some((next_start, next_start.checked_add_days(Days::new(days))?))
}

/// CON-1: the last day a tacit renewal may be cancelled.
pub fn cancel_by(c: &Contract) -> NaiveDate {
    let days = u64::try_from(c.notice_days).unwrap_or(0);
    c.period_end
        .checked_sub_days(Days::new(days))
        .unwrap_or(c.period_end)
}

/// Decides a command on `c` on `today`: the changes to save, or the refusal naming its rule
/// (409 for a state that does not allow it, 422 for a rule).
pub fn decide(
    c: &Contract,
    command: &ContractCommand,
    rules: &ContractRules,
    today: NaiveDate,
) -> Result<ContractOutcome, DomainError> {
    use ContractStatus as S;
    let mut out = ContractOutcome::default();
    match *command {
        ContractCommand::Sign { signed_on } => {
            if c.status != S::Draft {
                return Err(state(format!(
                    "only a draft is signed; this contract is {}",
                    c.status
                )));
            }
            if signed_on > today {
                return Err(DomainError::invalid(
                    "signed_on",
                    "range",
                    "must not lie in the future",
                ));
            }
            out.status = Some(status_from_start(c.period_start, today));
            out.signed_on = Some(signed_on);
            out.payment_due_on = Some(payment_due(rules, signed_on));
        }
        ContractCommand::Terminate => {
            if !matches!(c.status, S::Signed | S::Active) {
                return Err(state(format!(
                    "only a signed or active contract is terminated; this one is {}",
                    c.status
                )));
            }
            out.status = Some(S::Terminated);
        }
        ContractCommand::Renew { period_end } => {
            if !matches!(c.status, S::Signed | S::Active | S::Expired) {
                return Err(state(format!("a {} contract is not renewed", c.status)));
            }
            if c.has_successor {
                return Err(state("the contract is renewed already".to_owned()));
            }
            let start = c
                .period_end
                .succ_opt()
                .ok_or_else(|| DomainError::invalid("period_end", "range", "out of range"))?;
            check_period(start, period_end)?;
            out.successor_period = Some((start, period_end));
        }
        ContractCommand::CancelRenewal => {
            if c.renewal_mode != RenewalMode::Tacit {
                return Err(rule(
                    "CON-1",
                    "an express contract does not renew itself; there is nothing to cancel",
                ));
            }
            if !matches!(c.status, S::Signed | S::Active) || c.renewal_cancelled {
                return Err(state(format!(
                    "the renewal of a {} contract{} cannot be cancelled",
                    c.status,
                    if c.renewal_cancelled {
                        " cancelled already"
                    } else {
                        ""
                    }
                )));
            }
            let last = cancel_by(c);
            if today > last {
                return Err(rule(
                    "CON-1",
                    format!("the notice period has begun: a renewal is cancelled by {last}"),
                ));
            }
            out.renewal_cancelled = true;
        }
        ContractCommand::RecordPayment {
            amount_fen,
            paid_on,
        } => {
            if matches!(c.status, S::Draft | S::Terminated) {
                return Err(DomainError::State {
                    rule: "CON-2",
                    message: format!("no payment is booked on a {} contract", c.status),
                });
            }
            if amount_fen <= 0 {
                return Err(DomainError::invalid(
                    "amount_fen",
                    "range",
                    "must be positive",
                ));
            }
            if paid_on > today {
                return Err(DomainError::invalid(
                    "paid_on",
                    "range",
                    "must not lie in the future",
                ));
            }
            let paid = c.paid_fen.saturating_add(amount_fen);
            if paid > c.amount_fen {
                return Err(rule(
                    "CON-2",
                    format!(
                        "the payments would exceed the contract amount: {} of {} fen paid",
                        c.paid_fen, c.amount_fen
                    ),
                ));
            }
            out.paid_fen = Some(paid);
        }
    }
    Ok(out)
}

/// What the daily lifecycle does to a contract on `today`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lifecycle {
    /// CON-1: a signed contract whose period has begun.
    Activate,
    /// CON-1: the period is over; an express or cancelled tacit contract ends here.
    Expire,
    /// CON-1: a tacit contract at its end renews itself: this one expires and a successor
    /// for the next period starts, active, with its payment due as if signed on its first day.
    ExpireAndRenew { period: (NaiveDate, NaiveDate) },
}

/// CON-1: the lifecycle step due for `c` on `today`, if any.
pub fn lifecycle(c: &Contract, today: NaiveDate) -> Option<Lifecycle> {
    match c.status {
        ContractStatus::Signed if c.period_start <= today && today <= c.period_end => {
            Some(Lifecycle::Activate)
        }
        ContractStatus::Signed | ContractStatus::Active if c.period_end < today => {
            if c.renewal_mode == RenewalMode::Tacit && !c.renewal_cancelled && !c.has_successor {
                next_period(c.period_start, c.period_end)
                    .map(|period| Lifecycle::ExpireAndRenew { period })
                    .or(Some(Lifecycle::Expire))
            } else {
                Some(Lifecycle::Expire)
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests;
