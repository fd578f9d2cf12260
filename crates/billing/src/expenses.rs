//! BIL-14 … BIL-17: travel requests and their approval, expense claims (travel days, meals,
//! lodging capped per night, local transport, other items), cash advances (one open at a
//! time, settled against the claim) and the phone allowance by position. Pure: the standards
//! and the policy come in as arguments, times as local times.

use crate::travel::{TravelStandard, TravelStandards, lodging_reimbursed, per_day_amount};
use chrono::{Duration, NaiveDate, NaiveDateTime};
use kefu_core::rules::{RuleSet, check_non_negative};
use kefu_core::{DomainError, FieldError, Money, Role};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

kefu_core::string_enum! {
    /// BIL-14: where a travel request stands.
    #[derive(ToSchema)]
    pub enum TravelStatus {
        Requested = "requested",
        /// The manager approved it; the standard that applies is copied onto it.
        Approved = "approved",
        Rejected = "rejected",
        Cancelled = "cancelled",
    }
}

kefu_core::string_enum! {
    /// BIL-15: where an expense claim stands.
    #[derive(ToSchema)]
    pub enum ClaimStatus {
        Submitted = "submitted",
        /// The manager approved it; finance pays it (or settles it against an advance).
        Approved = "approved",
        Rejected = "rejected",
        Paid = "paid",
    }
}

kefu_core::string_enum! {
    /// BIL-16: where a cash advance stands. `requested`, `approved` and `paid` are open.
    #[derive(ToSchema)]
    pub enum AdvanceStatus {
        Requested = "requested",
        /// The GM (executive) approved it; finance pays it out.
        Approved = "approved",
        Rejected = "rejected",
        /// Paid out; open until settled against the trip's claim.
        Paid = "paid",
        /// Settled against a claim: closed.
        Settled = "settled",
    }
}

kefu_core::string_enum! {
    /// BIL-15: what a claim line reimburses.
    #[derive(ToSchema)]
    pub enum ClaimLineKind {
        Meals = "meals",
        Lodging = "lodging",
        LocalTransport = "local_transport",
        Other = "other",
    }
}

/// The statuses of an open advance (BIL-16: no new one while one is).
pub const OPEN_ADVANCE: &[&str] = &["requested", "approved", "paid"];

/// A step of a travel request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TravelCommand {
    Approve,
    Reject,
    /// The requester withdraws it before the decision.
    Cancel,
}

/// BIL-14: the status after `command` on a request in `from`.
pub fn travel_transition(
    from: TravelStatus,
    command: TravelCommand,
) -> Result<TravelStatus, DomainError> {
    use TravelCommand as C;
    use TravelStatus as S;
    match (from, command) {
        (S::Requested, C::Approve) => Ok(S::Approved),
        (S::Requested, C::Reject) => Ok(S::Rejected),
        (S::Requested, C::Cancel) => Ok(S::Cancelled),
        (from, _) => Err(DomainError::State {
            rule: "BIL-14",
            message: format!("a {} travel request is decided already", from.as_str()),
        }),
    }
}

/// BIL-14: the grade whose standard applies to a traveller: the grade named after their most
/// senior role when the table has one, else `staff` (一般员工, the seed's one grade).
pub fn grades_of(roles: &[Role]) -> Vec<&'static str> {
    let own = if roles.contains(&Role::Executive) {
        Some("executive")
    } else if roles.contains(&Role::Manager) {
        Some("manager")
    } else {
        None
    };
    own.into_iter().chain(["staff"]).collect()
}

/// BIL-14: the standard for the first of `grades` the table holds for `destination`.
pub fn standard_for<'a>(
    standards: &'a TravelStandards,
    grades: &[&str],
    destination: crate::travel::Destination,
) -> Result<&'a TravelStandard, DomainError> {
    grades
        .iter()
        .find_map(|g| standards.standard(g, destination))
        .ok_or_else(|| DomainError::Rule {
            rule: "BIL-14",
            message: "the travel standards hold no standard for this traveller and destination"
                .to_owned(),
        })
}

/// A step of an expense claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimCommand {
    Approve,
    Reject,
    Pay,
}

/// BIL-15: the status after `command` on a claim in `from`.
pub fn claim_transition(
    from: ClaimStatus,
    command: ClaimCommand,
) -> Result<ClaimStatus, DomainError> {
    use ClaimCommand as C;
    use ClaimStatus as S;
    match (from, command) {
        (S::Submitted, C::Approve) => Ok(S::Approved),
        (S::Submitted, C::Reject) => Ok(S::Rejected),
        (S::Approved, C::Pay) => Ok(S::Paid),
        (from, _) => Err(DomainError::State {
            rule: "BIL-15",
            message: format!("a {} claim does not take this step", from.as_str()),
        }),
    }
}

/// A lodging invoice (or a stay without one) as claimed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LodgingItem {
    pub nights: i64,
    pub amount: Money,
    /// The invoice's number; none: not reimbursed (BIL-15).
    pub invoice_no: Option<String>,
}

/// A cost as spent (local transport, other items).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpentItem {
    pub description: String,
    pub amount: Money,
}

/// What a claim asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimItems {
    /// Local times the trip actually left and came back.
    pub departed_at: NaiveDateTime,
    pub returned_at: NaiveDateTime,
    pub lodging: Vec<LodgingItem>,
    pub local_transport: Vec<SpentItem>,
    pub other: Vec<SpentItem>,
}

/// One reimbursed amount and how it was reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ClaimLine {
    pub kind: ClaimLineKind,
    /// The rule the amount follows.
    #[schema(example = "BIL-15")]
    pub rule: String,
    /// What the line reimburses, in words.
    pub description: String,
    /// What was spent or asked for; for meals the standard times the days.
    pub claimed_fen: i64,
    /// What is paid.
    pub reimbursed_fen: i64,
    /// Travel days counted, in half days (meals, capped local transport).
    pub half_days: Option<i64>,
    /// Nights on the invoice (lodging).
    pub nights: Option<i64>,
    /// The per-day standard used (meals rate, lodging cap, local transport cap).
    pub standard_fen_per_day: Option<i64>,
    /// Why less than claimed is paid, when it is.
    pub reason: Option<String>,
}

/// A claim as computed: its travel days, lines and total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimComputation {
    pub half_days: i64,
    pub lines: Vec<ClaimLine>,
    pub total: Money,
}

fn bad(field: String, message: &str) -> DomainError {
    DomainError::Invalid(vec![
        FieldError::new(field, "rule", message).by_rule("BIL-15"),
    ])
}

fn overflow() -> DomainError {
    DomainError::invalid("lodging", "range", "amounts too large")
}

fn line(kind: ClaimLineKind, description: String, claimed: Money, paid: Money) -> ClaimLine {
    ClaimLine {
        kind,
        rule: "BIL-15".to_owned(),
        description,
        claimed_fen: claimed.fen(),
        reimbursed_fen: paid.fen(),
        half_days: None,
        nights: None,
        standard_fen_per_day: None,
        reason: None,
    }
}

/// BIL-15: a claim under `standard` (the one copied onto the approved request), the travel
/// days counted with `rules`' cut-off: meals at the standard per travel day; each lodging
/// invoice up to the cap per night (the excess is the employee's, savings are not paid out,
/// a stay without an invoice is 0); local transport as spent (up to the cap per travel day
/// when the standard has one); other items as spent.
pub fn compute_claim(
    rules: &TravelStandards,
    standard: &TravelStandard,
    items: &ClaimItems,
) -> Result<ClaimComputation, DomainError> {
    let half_days = rules
        .travel_half_days(items.departed_at, items.returned_at)
        .ok_or_else(|| bad("returned_at".to_owned(), "must not be before departed_at"))?;
    let mut lines = Vec::new();
    let meals_rate = Money(standard.meals_fen_per_day);
    let meals = per_day_amount(meals_rate, half_days).ok_or_else(overflow)?;
    lines.push(ClaimLine {
        half_days: Some(half_days),
        standard_fen_per_day: Some(meals_rate.fen()),
        ..line(ClaimLineKind::Meals, "伙食补助".to_owned(), meals, meals)
    });
    let trip_nights = (items.returned_at.date() - items.departed_at.date()).num_days();
    let nights_claimed: i64 = items.lodging.iter().map(|l| l.nights).sum();
    if nights_claimed > trip_nights {
        return Err(bad(
            "lodging".to_owned(),
            &format!("{nights_claimed} nights claimed on a trip of {trip_nights}"),
        ));
    }
    let cap = Money(standard.lodging_cap_fen_per_day);
    for (i, l) in items.lodging.iter().enumerate() {
        if l.nights < 1 {
            return Err(bad(format!("lodging[{i}].nights"), "at least one night"));
        }
        let (paid, reason) = match &l.invoice_no {
            None => (Money(0), Some("无住宿发票，不予报销（BIL-15）".to_owned())),
            Some(_) => {
                let paid = lodging_reimbursed(l.amount, l.nights, cap).ok_or_else(overflow)?;
                let reason = (paid < l.amount)
                    .then(|| "超出住宿标准部分由员工自行承担（BIL-15）".to_owned());
                (paid, reason)
            }
        };
        let description = match &l.invoice_no {
            Some(no) => format!("住宿费（发票 {no}）"),
            None => "住宿费（无发票）".to_owned(),
        };
        lines.push(ClaimLine {
            nights: Some(l.nights),
            standard_fen_per_day: Some(cap.fen()),
            reason,
            ..line(ClaimLineKind::Lodging, description, l.amount, paid)
        });
    }
    let mut transport_left = match standard.local_transport_cap_fen_per_day {
        Some(per_day) => Some(per_day_amount(Money(per_day), half_days).ok_or_else(overflow)?),
        None => None,
    };
    for t in &items.local_transport {
        let paid = match transport_left {
            Some(left) => {
                let paid = t.amount.min(left).max(Money(0));
                transport_left = Some(Money(left.fen() - paid.fen()));
                paid
            }
            None => t.amount,
        };
        lines.push(ClaimLine {
            half_days: standard.local_transport_cap_fen_per_day.map(|_| half_days),
            standard_fen_per_day: standard.local_transport_cap_fen_per_day,
            reason: (paid < t.amount)
                .then(|| "超出市内交通标准部分由员工自行承担（BIL-14）".to_owned()),
            ..line(
                ClaimLineKind::LocalTransport,
                t.description.clone(),
                t.amount,
                paid,
            )
        });
    }
    for o in &items.other {
        lines.push(line(
            ClaimLineKind::Other,
            o.description.clone(),
            o.amount,
            o.amount,
        ));
    }
    let total = lines
        .iter()
        .try_fold(Money(0), |sum, l| sum.checked_add(Money(l.reimbursed_fen)))
        .ok_or_else(overflow)?;
    Ok(ClaimComputation {
        half_days,
        lines,
        total,
    })
}

/// A step of a cash advance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdvanceCommand {
    Approve,
    Reject,
    Pay,
    Settle,
}

/// BIL-16: the status after `command` on an advance in `from`.
pub fn advance_transition(
    from: AdvanceStatus,
    command: AdvanceCommand,
) -> Result<AdvanceStatus, DomainError> {
    use AdvanceCommand as C;
    use AdvanceStatus as S;
    match (from, command) {
        (S::Requested, C::Approve) => Ok(S::Approved),
        (S::Requested, C::Reject) => Ok(S::Rejected),
        (S::Approved, C::Pay) => Ok(S::Paid),
        (S::Paid, C::Settle) => Ok(S::Settled),
        (from, _) => Err(DomainError::State {
            rule: "BIL-16",
            message: format!("a {} advance does not take this step", from.as_str()),
        }),
    }
}

/// BIL-16: no new advance while an earlier one is open.
pub fn may_request_advance(open: usize) -> Result<(), DomainError> {
    if open > 0 {
        return Err(DomainError::Rule {
            rule: "BIL-16",
            message: "an earlier advance is still open: settle it first".to_owned(),
        });
    }
    Ok(())
}

/// BIL-16: the day the claim for a trip back on `returned` is due.
pub fn claim_due(policy: &ExpensePolicy, returned: NaiveDate) -> NaiveDate {
    returned + Duration::days(policy.claim_due_days)
}

/// BIL-16: settling an advance against the claim: positive, the company pays the employee
/// the difference; negative, the employee pays it back.
pub fn settlement(claim_total: Money, advance: Money) -> Money {
    Money(claim_total.fen() - advance.fen())
}

/// BIL-17: the monthly phone allowance of a position class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PhoneAllowance {
    /// The employee's `phone_allowance_class`, e.g. `A`.
    pub class: String,
    pub title: String,
    pub fen_per_month: i64,
}

/// BIL-16 and BIL-17: when a trip's claim is due and the phone allowance by position.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpensePolicy {
    /// BIL-16 (seed 000: 回公司后的本周内): days after the return the claim is due by.
    pub claim_due_days: i64,
    pub phone_allowances: Vec<PhoneAllowance>,
    /// The allowance of an employee without a class, or of a class not in the table.
    pub phone_allowance_default_fen: i64,
}

impl RuleSet for ExpensePolicy {
    const KEY: &'static str = "expense-policy";
    const TITLE: &'static str =
        "BIL-16 claim due days after return, BIL-17 phone allowance by position";

    /// The seeds fix the phone allowance by position without numbers (seed 000 §5): the
    /// defaults are placeholders in the shape of the org's classes (A: management 200 yuan,
    /// B: field staff 100, C: office staff 50, none: 0) for finance to set.
    fn defaults() -> Self {
        let class = |class: &str, title: &str, fen_per_month| PhoneAllowance {
            class: class.to_owned(),
            title: title.to_owned(),
            fen_per_month,
        };
        ExpensePolicy {
            claim_due_days: 7,
            phone_allowances: vec![
                class("A", "管理岗", 20_000),
                class("B", "外勤岗", 10_000),
                class("C", "内勤岗", 5_000),
            ],
            phone_allowance_default_fen: 0,
        }
    }

    fn validate(&self) -> Result<(), DomainError> {
        if !(1..=60).contains(&self.claim_due_days) {
            return Err(DomainError::invalid(
                "claim_due_days",
                "range",
                "1 to 60 days",
            ));
        }
        check_non_negative(
            "phone_allowance_default_fen",
            self.phone_allowance_default_fen,
        )?;
        for (i, a) in self.phone_allowances.iter().enumerate() {
            if a.class.is_empty() || a.class.len() > 32 {
                return Err(DomainError::invalid(
                    format!("phone_allowances[{i}].class"),
                    "length",
                    "1 to 32 characters",
                ));
            }
            if self.phone_allowances[..i]
                .iter()
                .any(|o| o.class == a.class)
            {
                return Err(DomainError::invalid(
                    format!("phone_allowances[{i}].class"),
                    "duplicate",
                    "one allowance per class",
                ));
            }
            check_non_negative(
                &format!("phone_allowances[{i}].fen_per_month"),
                a.fen_per_month,
            )?;
        }
        Ok(())
    }
}

impl ExpensePolicy {
    /// BIL-17: the monthly allowance of an employee of `class`.
    pub fn phone_allowance(&self, class: Option<&str>) -> Money {
        Money(
            class
                .and_then(|c| self.phone_allowances.iter().find(|a| a.class == c))
                .map_or(self.phone_allowance_default_fen, |a| a.fen_per_month),
        )
    }
}

#[cfg(test)]
mod tests;
