//! HR-T1: a new hire's probation and its confirmation: probation lasts the `training-rules`
//! length (2 months, or 50 working days of the work calendar in the technical service), then
//! the manager, the executive and the general manager approve the confirmation, in that
//! order, once the new hire has passed the new-hire exam. An outstanding new hire may be
//! confirmed earlier by special approval (seed 000: 非常优秀的临时员工可提前转正，需特批): the
//! manager states why with the first approval, and the executive and GM approve that.

use crate::exams::ProbationLength;
use chrono::{Days, Months, NaiveDate};
use kefu_core::WorkCalendar;
use kefu_core::{DomainError, Role};
use utoipa::ToSchema;

kefu_core::string_enum! {
    /// HR-T1: where a probation stands.
    #[derive(ToSchema)]
    pub enum ProbationStatus {
        Probation = "probation",
        ManagerApproved = "manager_approved",
        ExecutiveApproved = "executive_approved",
        Confirmed = "confirmed",
    }
}

kefu_core::string_enum! {
    /// HR-T1: the confirmation's approvals, in order (seed 002: 部门经理 → 销售副总经理 → 总经理).
    #[derive(ToSchema)]
    pub enum ConfirmStep {
        Manager = "manager",
        Executive = "executive",
        /// The general manager: an `executive` (ORG-1: 销售副总经理/总经理) other than the one
        /// who approved the executive step.
        Gm = "gm",
    }
}

fn refuse(message: impl Into<String>) -> DomainError {
    DomainError::State {
        rule: "HR-T1",
        message: message.into(),
    }
}

/// HR-T1: the last day of probation from its first day `start`: `months` calendar months
/// (the day before the same date `months` later), or the `working_days`-th working day
/// counting `start` when it is one. `None` when the calendar cannot say.
pub fn ends_on(
    start: NaiveDate,
    length: &ProbationLength,
    calendar: &WorkCalendar,
) -> Option<NaiveDate> {
    match (length.months, length.working_days) {
        (Some(m), _) => start
            .checked_add_months(Months::new(u32::try_from(m).ok()?))?
            .checked_sub_days(Days::new(1)),
        (None, Some(d)) => {
            let before = start.checked_sub_days(Days::new(1))?;
            calendar
                .add_working_days(before, u32::try_from(d).ok()?)
                .ok()
        }
        (None, None) => None,
    }
}

/// HR-T1: the step a probation waits for.
pub fn next_step(status: ProbationStatus) -> Option<ConfirmStep> {
    match status {
        ProbationStatus::Probation => Some(ConfirmStep::Manager),
        ProbationStatus::ManagerApproved => Some(ConfirmStep::Executive),
        ProbationStatus::ExecutiveApproved => Some(ConfirmStep::Gm),
        ProbationStatus::Confirmed => None,
    }
}

/// HR-T1: the role that approves `step` (admins approve any).
pub fn approver_role(step: ConfirmStep) -> Role {
    match step {
        ConfirmStep::Manager => Role::Manager,
        ConfirmStep::Executive | ConfirmStep::Gm => Role::Executive,
    }
}

/// HR-T1: the status after approving `step` of a probation in `from`: 409 out of order.
pub fn approve(from: ProbationStatus, step: ConfirmStep) -> Result<ProbationStatus, DomainError> {
    match next_step(from) {
        Some(expected) if expected == step => Ok(match step {
            ConfirmStep::Manager => ProbationStatus::ManagerApproved,
            ConfirmStep::Executive => ProbationStatus::ExecutiveApproved,
            ConfirmStep::Gm => ProbationStatus::Confirmed,
        }),
        Some(expected) => Err(refuse(format!(
            "the {} approval comes next, not the {}",
            expected.as_str(),
            step.as_str()
        ))),
        None => Err(refuse("the probation is confirmed already")),
    }
}

/// HR-T1: why approving `step` on `today` is refused, if it is. From the probation's last
/// day `ends_on` on any step may be given. Before it only by special approval: the manager's
/// step states its reason (`stated_reason`), the later steps confirm a probation whose manager
/// stated one (`carries_reason`). A reason is stated with the manager's early approval only.
pub fn check_timing(
    today: NaiveDate,
    ends_on: NaiveDate,
    step: ConfirmStep,
    stated_reason: bool,
    carries_reason: bool,
) -> Result<(), TimingRefusal> {
    let early = today < ends_on;
    match (step, early, stated_reason) {
        (ConfirmStep::Manager, true, false) => Err(TimingRefusal::ReasonNeeded),
        (ConfirmStep::Manager, false, true) => Err(TimingRefusal::ReasonNotEarly),
        (ConfirmStep::Executive | ConfirmStep::Gm, _, true) => {
            Err(TimingRefusal::ReasonNotManagers)
        }
        (ConfirmStep::Executive | ConfirmStep::Gm, true, false) if !carries_reason => {
            Err(TimingRefusal::NotSpeciallyApproved)
        }
        _ => Ok(()),
    }
}

/// HR-T1: the ways an approval's timing is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimingRefusal {
    /// Before the last day, the manager's approval needs a stated reason (特批).
    ReasonNeeded,
    /// The probation is over: there is nothing early to justify.
    ReasonNotEarly,
    /// Only the manager's step states the reason.
    ReasonNotManagers,
    /// Before the last day, and the manager approved without a special-approval reason.
    NotSpeciallyApproved,
}

#[cfg(test)]
mod tests {
    use super::*;
    use ConfirmStep as C;
    use ProbationStatus as S;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn hr_t1_two_months_of_probation() {
        let len = ProbationLength {
            months: Some(2),
            working_days: None,
        };
        let cal = WorkCalendar::new();
        assert_eq!(ends_on(d("2026-03-02"), &len, &cal), Some(d("2026-05-01")));
    }

    #[test]
    fn hr_t1_fifty_working_days_of_the_work_calendar() {
        let len = ProbationLength {
            months: None,
            working_days: Some(50),
        };
        // Monday 2026-03-02: ten weeks of Monday to Friday end on Friday 2026-05-08.
        let cal = WorkCalendar::new();
        assert_eq!(ends_on(d("2026-03-02"), &len, &cal), Some(d("2026-05-08")));
        // A holiday inside moves the end by a working day.
        let cal =
            WorkCalendar::new().with_overrides([(d("2026-04-06"), kefu_core::DayKind::Holiday)]);
        assert_eq!(ends_on(d("2026-03-02"), &len, &cal), Some(d("2026-05-11")));
    }

    #[test]
    fn hr_t1_manager_then_executive_then_gm() {
        assert_eq!(approve(S::Probation, C::Manager), Ok(S::ManagerApproved));
        assert_eq!(
            approve(S::ManagerApproved, C::Executive),
            Ok(S::ExecutiveApproved)
        );
        assert_eq!(approve(S::ExecutiveApproved, C::Gm), Ok(S::Confirmed));
        assert_eq!(approver_role(C::Gm), Role::Executive);
        assert_eq!(approver_role(C::Manager), Role::Manager);
    }

    #[test]
    fn hr_t1_out_of_order_is_refused_naming_the_rule() {
        for (from, step) in [
            (S::Probation, C::Executive),
            (S::Probation, C::Gm),
            (S::ManagerApproved, C::Manager),
            (S::Confirmed, C::Gm),
        ] {
            let e = approve(from, step).unwrap_err();
            assert!(
                matches!(e, DomainError::State { rule: "HR-T1", .. }),
                "{e:?}"
            );
        }
    }

    #[test]
    fn hr_t1_early_confirmation_needs_the_managers_stated_reason() {
        let end = d("2026-05-08");
        let before = d("2026-04-20");
        use TimingRefusal as R;
        assert_eq!(
            check_timing(before, end, C::Manager, false, false),
            Err(R::ReasonNeeded)
        );
        assert_eq!(check_timing(before, end, C::Manager, true, false), Ok(()));
        assert_eq!(check_timing(before, end, C::Executive, false, true), Ok(()));
        assert_eq!(check_timing(before, end, C::Gm, false, true), Ok(()));
        assert_eq!(
            check_timing(before, end, C::Executive, false, false),
            Err(R::NotSpeciallyApproved)
        );
        assert_eq!(
            check_timing(before, end, C::Gm, true, true),
            Err(R::ReasonNotManagers)
        );
        // On the last day and after, no reason is needed and none is taken.
        assert_eq!(check_timing(end, end, C::Manager, false, false), Ok(()));
        assert_eq!(
            check_timing(end, end, C::Manager, true, false),
            Err(R::ReasonNotEarly)
        );
        assert_eq!(check_timing(end, end, C::Gm, false, false), Ok(()));
    }
}
