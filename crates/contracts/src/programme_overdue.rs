//! CON-6 overdue programme steps: what the dashboard lists and the scheduler chases. A step is
//! overdue once a working day has begun after its due day while it is not done — so a step due
//! on a Friday before a holiday is not overdue over the weekend and the holiday, only from the
//! next working day on — and only while its contract runs (signed or active): the steps of an
//! ended contract are cancelled (`programme_stops`), not chased.

use crate::contract::ContractStatus;
use crate::programme::{StepKind, StepStatus};
use chrono::NaiveDate;
use kefu_core::WorkCalendar;
use utoipa::ToSchema;

kefu_core::string_enum! {
    #[derive(ToSchema)]
    pub enum WaitingFor {
        /// The work itself is not done (an initial task, the test plan, an inspection).
        Work = "work",
        /// The work is owed together with the customer's signature on its document (the
        /// comparison table, the month's test record).
        CustomerSignature = "customer_signature",
        /// The test plan waits for the manager's approval.
        ManagerApproval = "manager_approval",
        /// The test plan waits for the executive's approval.
        ExecutiveApproval = "executive_approval",
    }
}

/// How far back a search for the last working day goes (a calendar with no working day in a
/// year is broken; the dashboard then shows nothing rather than looping).
const MAX_SEARCH_DAYS: u32 = 366;

/// Whether the programme of a contract in `status` still runs: only a signed or active
/// contract owes its steps.
pub fn programme_runs(status: ContractStatus) -> bool {
    matches!(status, ContractStatus::Signed | ContractStatus::Active)
}

/// Whether a step in `status` stops when its contract ends: every step not done.
pub fn stops_when_contract_ends(status: StepStatus) -> bool {
    matches!(status, StepStatus::Open | StepStatus::AwaitingApproval)
}

/// What an unfinished step waits for; `None` for a done or cancelled step.
pub fn waiting_for(
    kind: StepKind,
    status: StepStatus,
    manager_approved: bool,
) -> Option<WaitingFor> {
    match status {
        StepStatus::Open if kind.customer_signs() => Some(WaitingFor::CustomerSignature),
        StepStatus::Open => Some(WaitingFor::Work),
        StepStatus::AwaitingApproval if manager_approved => Some(WaitingFor::ExecutiveApproval),
        StepStatus::AwaitingApproval => Some(WaitingFor::ManagerApproval),
        StepStatus::Done | StepStatus::Cancelled => None,
    }
}

/// The last working day on or before `today`: a step due before it is overdue on `today`
/// (what the store filters by). `None` when the calendar has no working day in the past year.
pub fn overdue_if_due_before(calendar: &WorkCalendar, today: NaiveDate) -> Option<NaiveDate> {
    let mut day = today;
    for _ in 0..MAX_SEARCH_DAYS {
        if calendar.is_working_day(day) {
            return Some(day);
        }
        day = day.pred_opt()?;
    }
    None
}

/// The working days from the day after `due_on` to `today`, both included: 0 while the step is
/// not overdue yet, 1 on the first working day after its due day.
pub fn working_days_overdue(calendar: &WorkCalendar, due_on: NaiveDate, today: NaiveDate) -> i64 {
    calendar.working_days_between(due_on, today).max(0)
}

/// CON-6: whether a step in `status` due on `due_on`, of a contract in `contract_status`, is
/// overdue on `today`.
pub fn is_overdue(
    calendar: &WorkCalendar,
    status: StepStatus,
    contract_status: ContractStatus,
    due_on: NaiveDate,
    today: NaiveDate,
) -> bool {
    stops_when_contract_ends(status)
        && programme_runs(contract_status)
        && working_days_overdue(calendar, due_on, today) > 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use kefu_core::DayKind;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// Qingming 2026: Saturday 04-04 to Monday 04-06 off.
    fn qingming() -> WorkCalendar {
        WorkCalendar::new().with_overrides(vec![
            (d("2026-04-04"), DayKind::Holiday),
            (d("2026-04-05"), DayKind::Holiday),
            (d("2026-04-06"), DayKind::Holiday),
        ])
    }

    #[test]
    fn con_6_a_step_due_on_the_friday_before_a_holiday_is_overdue_from_the_next_working_day() {
        let cal = qingming();
        let due = d("2026-04-03");
        let open = |today| {
            is_overdue(
                &cal,
                StepStatus::Open,
                ContractStatus::Active,
                due,
                d(today),
            )
        };
        for today in ["2026-04-03", "2026-04-04", "2026-04-05", "2026-04-06"] {
            assert!(!open(today), "{today}");
            assert!(
                overdue_if_due_before(&cal, d(today)).unwrap() <= due,
                "{today}"
            );
        }
        assert!(open("2026-04-07"));
        assert_eq!(working_days_overdue(&cal, due, d("2026-04-07")), 1);
        assert_eq!(
            overdue_if_due_before(&cal, d("2026-04-07")),
            Some(d("2026-04-07"))
        );
        // Over the next weekend it stays overdue, its count unchanged.
        assert_eq!(working_days_overdue(&cal, due, d("2026-04-12")), 4);
        assert!(open("2026-04-12"));
        assert_eq!(working_days_overdue(&cal, due, d("2026-04-01")), 0);
    }

    #[test]
    fn con_6_done_cancelled_and_ended_contracts_are_never_overdue() {
        let cal = WorkCalendar::new();
        let (due, today) = (d("2026-03-02"), d("2026-03-10"));
        for status in [StepStatus::Done, StepStatus::Cancelled] {
            assert!(!is_overdue(
                &cal,
                status,
                ContractStatus::Active,
                due,
                today
            ));
        }
        for c in [
            ContractStatus::Terminated,
            ContractStatus::Expired,
            ContractStatus::Draft,
        ] {
            assert!(!is_overdue(&cal, StepStatus::Open, c, due, today), "{c}");
        }
        assert!(is_overdue(
            &cal,
            StepStatus::AwaitingApproval,
            ContractStatus::Signed,
            due,
            today
        ));
        assert!(stops_when_contract_ends(StepStatus::AwaitingApproval));
        assert!(!stops_when_contract_ends(StepStatus::Done));
    }

    #[test]
    fn con_6_what_a_step_waits_for() {
        use StepKind::*;
        assert_eq!(
            waiting_for(MonthlyTestRecord, StepStatus::Open, false),
            Some(WaitingFor::CustomerSignature)
        );
        assert_eq!(
            waiting_for(LinkageTest, StepStatus::Open, false),
            Some(WaitingFor::Work)
        );
        assert_eq!(
            waiting_for(TestPlan, StepStatus::AwaitingApproval, false),
            Some(WaitingFor::ManagerApproval)
        );
        assert_eq!(
            waiting_for(TestPlan, StepStatus::AwaitingApproval, true),
            Some(WaitingFor::ExecutiveApproval)
        );
        assert_eq!(
            waiting_for(ManagerInspection, StepStatus::Cancelled, false),
            None
        );
    }
}
