//! BIL-12a maintenance commission: 25% of the maintenance fees received net of rebates (BIL-7);
//! 15% to the signer in the month the full payment arrives; the other 10% to the executor(s) in
//! the month the cycle ends with every planned test done and confirmed, shared pro rata by the
//! months each served (a successor takes over from one who left).

use super::{Inputs, Line, LineKind, LineStatus, RuleRef, SourceKind, overflow};
use crate::shares::CommissionShares;
use chrono::NaiveDate;
use kefu_core::rules::RuleVersion;
use kefu_core::{BasisPoints, DomainError, Money, YearMonth};
use serde::Serialize;

/// Someone who carried out the cycle's maintenance, and for how many months.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Executor {
    pub person_id: String,
    pub months_served: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaintenanceContract {
    pub contract_id: String,
    pub signer_id: String,
    /// What the customer paid so far, and what was returned to them (BIL-7).
    pub received_fen: i64,
    pub rebates_fen: i64,
    /// The day the payments reached the contract's amount, if they did.
    pub fully_paid_on: Option<NaiveDate>,
    /// The day the last planned test of the cycle was confirmed, if every one is.
    pub cycle_confirmed_on: Option<NaiveDate>,
    pub executors: Vec<Executor>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MaintenanceInputs {
    pub received_fen: i64,
    pub rebates_fen: i64,
    pub net_fen: i64,
    pub total_bp: i64,
    pub part_bp: i64,
    /// Executors' lines: the months this person served of all the executors' months.
    pub months_served: Option<i64>,
    pub months_total: Option<i64>,
}

/// BIL-12a: the contract's lines whose condition is met (a line is earned and due in the
/// month its condition was met; nothing is written before).
pub fn compute(
    c: &MaintenanceContract,
    shares: &RuleVersion<CommissionShares>,
) -> Result<Vec<Line>, DomainError> {
    let s = &shares.value;
    let net = Money((c.received_fen - c.rebates_fen).max(0));
    let total = net
        .apply_rate(BasisPoints(s.maintenance_total_bp))
        .ok_or_else(|| overflow("received_fen"))?;
    let signer = net
        .apply_rate(BasisPoints(s.maintenance_signer_bp))
        .ok_or_else(|| overflow("received_fen"))?;
    // The executors' part completes the 25%, so the two parts always add up to it.
    let executors = Money(total.fen() - signer.fen());
    let inputs = |part_bp, served: Option<i64>, months_total: Option<i64>| {
        Inputs::Maintenance(MaintenanceInputs {
            received_fen: c.received_fen,
            rebates_fen: c.rebates_fen,
            net_fen: net.fen(),
            total_bp: s.maintenance_total_bp,
            part_bp,
            months_served: served,
            months_total,
        })
    };
    let line = |person: &str, kind, month: YearMonth, amount, inputs| Line {
        person_id: person.to_owned(),
        kind,
        source_kind: SourceKind::Contract,
        source_id: c.contract_id.clone(),
        earned_month: month,
        due_month: Some(month),
        status: LineStatus::Due,
        amount,
        rule: "BIL-12a",
        inputs,
        rule_versions: vec![RuleRef::of(shares)],
    };
    let mut lines = Vec::new();
    if let Some(day) = c.fully_paid_on {
        lines.push(line(
            &c.signer_id,
            LineKind::MaintenanceSigner,
            YearMonth::of(day),
            signer,
            inputs(s.maintenance_signer_bp, None, None),
        ));
    }
    let months_total: i64 = c.executors.iter().map(|e| e.months_served.max(0)).sum();
    if let Some(day) = c.cycle_confirmed_on
        && months_total > 0
    {
        let mut left = executors.fen();
        let last = c.executors.len() - 1;
        for (i, e) in c.executors.iter().enumerate() {
            // Pro rata by months, rounded per line; the last takes what is left so the
            // executors' lines add up to their part exactly.
            let amount = if i == last {
                left
            } else {
                let share = i128::from(executors.fen()) * i128::from(e.months_served.max(0));
                let fen = round_div(share, i128::from(months_total));
                i64::try_from(fen).map_err(|_| overflow("received_fen"))?
            };
            left -= amount;
            lines.push(line(
                &e.person_id,
                LineKind::MaintenanceExecutor,
                YearMonth::of(day),
                Money(amount),
                inputs(
                    s.maintenance_executor_bp,
                    Some(e.months_served),
                    Some(months_total),
                ),
            ));
        }
    }
    Ok(lines)
}

/// BIL-12a: the day the payments, taken by day, reached `amount_fen` (never for a contract of
/// nothing: there is no full payment to wait for).
pub fn fully_paid_on(amount_fen: i64, payments: &[(NaiveDate, i64)]) -> Option<NaiveDate> {
    if amount_fen <= 0 {
        return None;
    }
    let mut sorted = payments.to_vec();
    sorted.sort();
    let mut paid = 0_i64;
    for (day, fen) in sorted {
        paid = paid.saturating_add(fen);
        if paid >= amount_fen {
            return Some(day);
        }
    }
    None
}

/// One planned step of the maintenance cycle (CON-6) as BIL-12a reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CycleStep {
    /// A monthly test record: counts a month served for whoever did it.
    pub monthly_test: bool,
    /// Done and confirmed (customer-signed, approved where it needs approvals).
    pub done: bool,
    pub completed_on: Option<NaiveDate>,
    pub completed_by: Option<String>,
    /// The last approval's day, for the steps that need approvals.
    pub approved_on: Option<NaiveDate>,
}

/// BIL-12a: the day the cycle's last planned step was done and confirmed, once every one is
/// (a cycle cut short — a cancelled step — never is).
pub fn cycle_confirmed_on(steps: &[CycleStep]) -> Option<NaiveDate> {
    if steps.is_empty() || steps.iter().any(|s| !s.done) {
        return None;
    }
    steps
        .iter()
        .filter_map(|s| s.completed_on.max(s.approved_on))
        .max()
}

/// BIL-12a: who carried out the cycle, by the monthly tests each did, in the order they
/// started (a successor after the one who left); with no monthly test recorded, the
/// contract's named executors, a month each.
pub fn executors_of(steps: &[CycleStep], named: &[String]) -> Vec<Executor> {
    let mut out: Vec<Executor> = Vec::new();
    for s in steps.iter().filter(|s| s.monthly_test && s.done) {
        let Some(who) = &s.completed_by else { continue };
        match out.iter_mut().find(|e| &e.person_id == who) {
            Some(e) => e.months_served += 1,
            None => out.push(Executor {
                person_id: who.clone(),
                months_served: 1,
            }),
        }
    }
    if out.is_empty() {
        out = named
            .iter()
            .map(|p| Executor {
                person_id: p.clone(),
                months_served: 1,
            })
            .collect();
    }
    out
}

/// Half away from zero, like `Money::apply_rate`.
fn round_div(n: i128, d: i128) -> i128 {
    let (q, r) = (n / d, n % d);
    if r.abs() * 2 >= d.abs() {
        q + n.signum() * d.signum()
    } else {
        q
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kefu_core::rules::RuleSet;
    use proptest::prelude::*;

    fn shares() -> RuleVersion<CommissionShares> {
        RuleVersion {
            effective_from: "2026-01-01".parse().unwrap(),
            value: CommissionShares::defaults(),
        }
    }

    fn contract() -> MaintenanceContract {
        MaintenanceContract {
            contract_id: "C".into(),
            signer_id: "signer".into(),
            received_fen: 4_000_000,
            rebates_fen: 200_000,
            fully_paid_on: Some("2026-05-12".parse().unwrap()),
            cycle_confirmed_on: None,
            executors: vec![Executor {
                person_id: "exec".into(),
                months_served: 12,
            }],
        }
    }

    #[test]
    fn bil_12a_40000_with_a_2000_rebate_signer_5700_in_may_executor_3800_after_the_cycle() {
        let lines = compute(&contract(), &shares()).unwrap();
        assert_eq!(lines.len(), 1, "the cycle is not confirmed yet: {lines:?}");
        let signer = &lines[0];
        assert_eq!(
            (
                signer.person_id.as_str(),
                signer.kind,
                signer.amount,
                signer.rule
            ),
            (
                "signer",
                LineKind::MaintenanceSigner,
                Money(570_000),
                "BIL-12a"
            )
        );
        assert_eq!(signer.due_month, Some("2026-05".parse().unwrap()));
        let mut c = contract();
        c.cycle_confirmed_on = Some("2027-04-28".parse().unwrap());
        let lines = compute(&c, &shares()).unwrap();
        let exec = &lines[1];
        assert_eq!(
            (exec.person_id.as_str(), exec.amount, exec.due_month),
            ("exec", Money(380_000), Some("2027-04".parse().unwrap()))
        );
    }

    #[test]
    fn bil_12a_a_successor_shares_the_executors_part_by_months_served() {
        let mut c = contract();
        c.cycle_confirmed_on = Some("2027-04-28".parse().unwrap());
        c.executors = vec![
            Executor {
                person_id: "left".into(),
                months_served: 4,
            },
            Executor {
                person_id: "successor".into(),
                months_served: 8,
            },
        ];
        let lines = compute(&c, &shares()).unwrap();
        let amounts: Vec<(String, i64)> = lines[1..]
            .iter()
            .map(|l| (l.person_id.clone(), l.amount.fen()))
            .collect();
        // 3,800.00 × 4/12 = 1,266.67; the successor the rest, 2,533.33.
        assert_eq!(
            amounts,
            [("left".into(), 126_667), ("successor".into(), 253_333)]
        );
    }

    fn step(monthly: bool, done: bool, on: &str, by: &str) -> CycleStep {
        CycleStep {
            monthly_test: monthly,
            done,
            completed_on: Some(on.parse().unwrap()),
            completed_by: Some(by.into()),
            approved_on: None,
        }
    }

    #[test]
    fn bil_12a_full_payment_day_cycle_end_and_months_served_come_from_the_records() {
        let d = |s: &str| -> NaiveDate { s.parse().unwrap() };
        let payments = [(d("2026-05-20"), 2_000_000), (d("2026-04-02"), 2_000_000)];
        assert_eq!(fully_paid_on(4_000_000, &payments), Some(d("2026-05-20")));
        assert_eq!(fully_paid_on(4_000_001, &payments), None);
        assert_eq!(fully_paid_on(0, &payments), None);
        let mut steps = vec![
            step(false, true, "2026-05-10", "a"),
            step(true, true, "2026-05-31", "a"),
            step(true, true, "2026-06-30", "a"),
            step(true, true, "2026-07-30", "b"),
        ];
        steps[0].approved_on = Some(d("2026-08-02"));
        assert_eq!(cycle_confirmed_on(&steps), Some(d("2026-08-02")));
        let served: Vec<(String, i64)> = executors_of(&steps, &[])
            .into_iter()
            .map(|e| (e.person_id, e.months_served))
            .collect();
        assert_eq!(served, [("a".into(), 2), ("b".into(), 1)]);
        steps[3].done = false;
        assert_eq!(cycle_confirmed_on(&steps), None);
        assert_eq!(cycle_confirmed_on(&[]), None);
        let named = executors_of(&[], &["x".to_owned()]);
        assert_eq!(named[0].months_served, 1);
    }

    proptest! {
        #[test]
        fn bil_12a_the_parts_add_up_to_the_quarter_of_the_net(
            received in 0i64..100_000_000, rebate in 0i64..1_000_000,
            months in proptest::collection::vec(1i64..24, 1..4)
        ) {
            let mut c = contract();
            c.received_fen = received;
            c.rebates_fen = rebate;
            c.cycle_confirmed_on = Some("2027-04-28".parse().unwrap());
            c.executors = months.iter().enumerate()
                .map(|(i, m)| Executor { person_id: format!("e{i}"), months_served: *m })
                .collect();
            let lines = compute(&c, &shares()).unwrap();
            let sum: i64 = lines.iter().map(|l| l.amount.fen()).sum();
            let net = Money((received - rebate).max(0));
            prop_assert_eq!(sum, net.apply_rate(BasisPoints(2_500)).unwrap().fen());
        }
    }
}
