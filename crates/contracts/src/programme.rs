//! CON-6 maintenance programme: the steps a signed maintenance agreement owes. Within the
//! rule's working days of signing (10) the initial tasks — the device comparison table signed by
//! the customer, the 100% linkage test and the 100% sprinkler end test; within further working
//! days (5) the monthly test plan, approved by the manager and then the executive; each month's
//! test record signed by the customer; and a manager inspection every rule months (3). Working
//! days come from the work calendar, so holidays and make-up days move the deadlines.

use crate::deadlines::ContractRules;
use chrono::{Days, Months, NaiveDate};
use kefu_core::{DomainError, WorkCalendar};
use utoipa::ToSchema;

kefu_core::string_enum! {
    #[derive(ToSchema)]
    pub enum StepKind {
        /// Initial task: the device (initialisation) comparison table, signed by the customer.
        DeviceComparison = "device_comparison",
        /// Initial task: the 100% linkage test.
        LinkageTest = "linkage_test",
        /// Initial task: the 100% sprinkler end test.
        SprinklerEndTest = "sprinkler_end_test",
        /// The monthly test plan, approved by the manager and then the executive.
        TestPlan = "test_plan",
        /// One month's test record, signed by the customer.
        MonthlyTestRecord = "monthly_test_record",
        /// The manager's inspection of the maintained customer.
        ManagerInspection = "manager_inspection",
    }
}

kefu_core::string_enum! {
    #[derive(ToSchema)]
    pub enum StepStatus {
        Open = "open",
        /// The test plan is done and waits for the manager's, then the executive's approval.
        AwaitingApproval = "awaiting_approval",
        Done = "done",
        /// The contract ended (terminated or expired) before the step was done: it is owed no
        /// more, shows on no dashboard and takes no command.
        Cancelled = "cancelled",
    }
}

impl StepKind {
    /// Whether the customer signs the step's document.
    pub fn customer_signs(self) -> bool {
        matches!(
            self,
            StepKind::DeviceComparison | StepKind::MonthlyTestRecord
        )
    }

    /// The approvals the step needs after it is done, in order (CON-6: the test plan's manager
    /// and then executive).
    pub fn approvals(self) -> i64 {
        if self == StepKind::TestPlan { 2 } else { 0 }
    }
}

/// One step of the programme: which, its number among steps of its kind (months, quarters;
/// 1 for the one-off steps) and the last day it is due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedStep {
    pub kind: StepKind,
    pub seq: i64,
    pub due_on: NaiveDate,
}

fn calendar_rule(e: kefu_core::CalendarError) -> DomainError {
    DomainError::Rule {
        rule: "CAL-1",
        message: e.to_string(),
    }
}

fn working_days(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(0)
}

/// The last day of each block of `months` months from `start` that begins within the period,
/// the last block cut at `end` (a period from 2026-10-01 to 2027-09-30 in blocks of 3 months:
/// 2026-12-31, 2027-03-31, 2027-06-30, 2027-09-30).
fn block_ends(start: NaiveDate, end: NaiveDate, months: i64) -> Vec<NaiveDate> {
    let Ok(step) = u32::try_from(months) else {
        return Vec::new();
    };
    if step == 0 {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut k: u32 = 1;
    while let Some(last) = start
        .checked_add_months(Months::new(step.saturating_mul(k)))
        .and_then(|next| next.checked_sub_days(Days::new(1)))
    {
        out.push(last.min(end));
        if last >= end {
            break;
        }
        k += 1;
    }
    out
}

/// CON-6: the programme of an agreement signed on `signed_on` for the period `start..=end`.
/// The monthly records and inspections run from the later of the period's start and the
/// signing day.
pub fn plan(
    rules: &ContractRules,
    calendar: &WorkCalendar,
    signed_on: NaiveDate,
    start: NaiveDate,
    end: NaiveDate,
) -> Result<Vec<PlannedStep>, DomainError> {
    let initial_due = calendar
        .add_working_days(signed_on, working_days(rules.full_test_working_days))
        .map_err(calendar_rule)?;
    let plan_due = calendar
        .add_working_days(initial_due, working_days(rules.test_plan_working_days))
        .map_err(calendar_rule)?;
    let one = |kind, due_on| PlannedStep {
        kind,
        seq: 1,
        due_on,
    };
    let mut steps = vec![
        one(StepKind::DeviceComparison, initial_due),
        one(StepKind::LinkageTest, initial_due),
        one(StepKind::SprinklerEndTest, initial_due),
        one(StepKind::TestPlan, plan_due),
    ];
    let from = start.max(signed_on);
    if from <= end {
        for (kind, months) in [
            (StepKind::MonthlyTestRecord, 1),
            (StepKind::ManagerInspection, rules.manager_inspection_months),
        ] {
            for (i, due_on) in block_ends(from, end, months).into_iter().enumerate() {
                steps.push(PlannedStep {
                    kind,
                    seq: i64::try_from(i).unwrap_or(i64::MAX).saturating_add(1),
                    due_on,
                });
            }
        }
    }
    Ok(steps)
}

/// What the rules need of a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub kind: StepKind,
    pub status: StepStatus,
    pub manager_approved: bool,
}

/// A command on a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepCommand {
    /// The step's work is done on `on`; `customer_signatory` names who signed for the customer.
    Complete {
        on: NaiveDate,
        customer_signatory: Option<String>,
    },
    /// The test plan's next approval, by a caller with `roles`.
    Approve,
}

/// Which approval an approve command gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Approval {
    Manager,
    Executive,
}

/// The changes a step command makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepOutcome {
    pub status: StepStatus,
    pub approval: Option<Approval>,
}

fn step_state(message: impl Into<String>) -> DomainError {
    DomainError::State {
        rule: "CON-6",
        message: message.into(),
    }
}

/// CON-6: decides a command on `step` by a caller with `roles` on `today`. A step the customer
/// signs needs the signatory (422 `customer_signatory`); the test plan, once done, is approved by
/// the manager (or an admin) and then the executive (or an admin), in that order (409 otherwise).
pub fn decide_step(
    step: &Step,
    command: &StepCommand,
    roles: &[kefu_core::Role],
    today: NaiveDate,
) -> Result<StepOutcome, DomainError> {
    use kefu_core::Role;
    match command {
        StepCommand::Complete {
            on,
            customer_signatory,
        } => {
            if step.status != StepStatus::Open {
                return Err(step_state(format!("the step is {} already", step.status)));
            }
            if *on > today {
                return Err(DomainError::invalid(
                    "completed_on",
                    "range",
                    "must not lie in the future",
                ));
            }
            if step.kind.customer_signs() && customer_signatory.is_none() {
                return Err(DomainError::Invalid(vec![
                    kefu_core::FieldError::new(
                        "customer_signatory",
                        "required",
                        format!("CON-6: the customer signs the {}", step.kind),
                    )
                    .by_rule("CON-6"),
                ]));
            }
            let status = if step.kind.approvals() > 0 {
                StepStatus::AwaitingApproval
            } else {
                StepStatus::Done
            };
            Ok(StepOutcome {
                status,
                approval: None,
            })
        }
        StepCommand::Approve => {
            if step.status != StepStatus::AwaitingApproval {
                return Err(step_state(format!(
                    "only a done test plan is approved; this step is {}",
                    step.status
                )));
            }
            let has = |r: Role| roles.contains(&r) || roles.contains(&Role::Admin);
            if !step.manager_approved {
                if has(Role::Manager) {
                    return Ok(StepOutcome {
                        status: StepStatus::AwaitingApproval,
                        approval: Some(Approval::Manager),
                    });
                }
                return Err(step_state("the manager approves the test plan first"));
            }
            if has(Role::Executive) {
                return Ok(StepOutcome {
                    status: StepStatus::Done,
                    approval: Some(Approval::Executive),
                });
            }
            Err(step_state(
                "the test plan waits for the executive's approval",
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kefu_core::DayKind;
    use kefu_core::rules::RuleSet;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// The 2026 National Day holiday: 10-01..10-07 off, 09-20 and 10-10 worked.
    fn calendar_2026() -> WorkCalendar {
        let mut days = vec![
            (d("2026-09-20"), DayKind::Workday),
            (d("2026-10-10"), DayKind::Workday),
        ];
        for n in 1..=7 {
            days.push((d(&format!("2026-10-0{n}")), DayKind::Holiday));
        }
        WorkCalendar::new().with_overrides(days)
    }

    #[test]
    fn con_6_initial_tasks_and_test_plan_follow_the_work_calendar() {
        let steps = plan(
            &ContractRules::defaults(),
            &calendar_2026(),
            d("2026-09-28"),
            d("2026-10-01"),
            d("2027-09-30"),
        )
        .unwrap();
        let due = |kind| steps.iter().find(|s| s.kind == kind).unwrap().due_on;
        // 09-29, 09-30, (holiday), 10-08, 10-09, 10-10 (make-up), 10-12 .. 10-16: ten days.
        assert_eq!(due(StepKind::DeviceComparison), d("2026-10-16"));
        assert_eq!(due(StepKind::LinkageTest), d("2026-10-16"));
        assert_eq!(due(StepKind::SprinklerEndTest), d("2026-10-16"));
        assert_eq!(due(StepKind::TestPlan), d("2026-10-23"));
        let of = |kind| -> Vec<NaiveDate> {
            steps
                .iter()
                .filter(|s| s.kind == kind)
                .map(|s| s.due_on)
                .collect()
        };
        let months = of(StepKind::MonthlyTestRecord);
        assert_eq!(months.len(), 12);
        assert_eq!((months[0], months[11]), (d("2026-10-31"), d("2027-09-30")));
        assert_eq!(
            of(StepKind::ManagerInspection),
            [
                d("2026-12-31"),
                d("2027-03-31"),
                d("2027-06-30"),
                d("2027-09-30")
            ]
        );
    }

    #[test]
    fn con_6_the_test_plan_is_approved_by_the_manager_then_the_executive() {
        use kefu_core::Role;
        let today = d("2026-10-20");
        let mut plan_step = Step {
            kind: StepKind::TestPlan,
            status: StepStatus::Open,
            manager_approved: false,
        };
        let done = StepCommand::Complete {
            on: today,
            customer_signatory: None,
        };
        let out = decide_step(&plan_step, &done, &[Role::Engineer], today).unwrap();
        assert_eq!(out.status, StepStatus::AwaitingApproval);
        plan_step.status = out.status;
        let early = decide_step(&plan_step, &StepCommand::Approve, &[Role::Executive], today);
        assert!(matches!(
            early,
            Err(DomainError::State { rule: "CON-6", .. })
        ));
        let out = decide_step(&plan_step, &StepCommand::Approve, &[Role::Manager], today).unwrap();
        assert_eq!(out.approval, Some(Approval::Manager));
        plan_step.manager_approved = true;
        assert!(decide_step(&plan_step, &StepCommand::Approve, &[Role::Manager], today).is_err());
        let out =
            decide_step(&plan_step, &StepCommand::Approve, &[Role::Executive], today).unwrap();
        assert_eq!(
            (out.status, out.approval),
            (StepStatus::Done, Some(Approval::Executive))
        );
    }

    #[test]
    fn con_6_the_customer_signs_the_comparison_table() {
        let today = d("2026-10-20");
        let step = Step {
            kind: StepKind::DeviceComparison,
            status: StepStatus::Open,
            manager_approved: false,
        };
        let unsigned = StepCommand::Complete {
            on: today,
            customer_signatory: None,
        };
        let e = decide_step(&step, &unsigned, &[], today).unwrap_err();
        assert_eq!(e.rule(), Some("CON-6"));
        let signed = StepCommand::Complete {
            on: today,
            customer_signatory: Some("王主任".into()),
        };
        assert_eq!(
            decide_step(&step, &signed, &[], today).unwrap().status,
            StepStatus::Done
        );
        let later = StepCommand::Complete {
            on: d("2026-10-21"),
            customer_signatory: Some("王主任".into()),
        };
        assert!(decide_step(&step, &later, &[], today).is_err());
    }

    #[test]
    fn con_6_a_short_period_cuts_its_last_block_and_rules_are_data() {
        let mut rules = ContractRules::defaults();
        rules.full_test_working_days = 1;
        rules.manager_inspection_months = 0;
        let steps = plan(
            &rules,
            &WorkCalendar::new(),
            d("2026-04-30"),
            d("2026-04-15"),
            d("2026-06-10"),
        )
        .unwrap();
        assert_eq!(
            steps[0].due_on,
            d("2026-05-01"),
            "1 working day, no holidays"
        );
        let months: Vec<_> = steps
            .iter()
            .filter(|s| s.kind == StepKind::MonthlyTestRecord)
            .map(|s| (s.seq, s.due_on))
            .collect();
        assert_eq!(
            months,
            [(1, d("2026-05-29")), (2, d("2026-06-10"))],
            "from the signing day, the last block cut at the end"
        );
        assert!(!steps.iter().any(|s| s.kind == StepKind::ManagerInspection));
        assert!(StepKind::DeviceComparison.customer_signs());
        assert_eq!(StepKind::TestPlan.approvals(), 2);
    }
}
