//! Who may run which command or read of the HR scoring domain (ORG-1 roles), as data: [`ROLES`]
//! is what the routes check before loading anything (403 otherwise). Whose records an actor
//! sees is privacy (issue 15, ORG-5): their own; a supervisor also their teams' members'; HR,
//! managers, executives and admins everyone's ([`SEE_ALL`]). Anything else reads as 404.

use Role::*;
use kefu_core::{DomainError, Role};

/// The guarded commands and reads of the scoring domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// HR-A1: clock in and out, for oneself.
    AttendanceClock,
    /// HR-A1/A2: read attendance days and monthly summaries (within the privacy scope).
    AttendanceRead,
    /// HR-A1: import the time clock's file (HR and managers).
    AttendanceImport,
    /// HR-A1: approve a direct-to-site start (a manager), so the day is not late.
    ExcuseDirectToSite,
    /// HR-A1: excuse lateness for extreme weather or traffic (the executive).
    ExcuseWeatherOrTraffic,
    /// HR-F0: read fines (within the privacy scope).
    FineRead,
    /// HR-F0: propose a fine (a supervisor for their teams, HR and managers for anyone).
    FinePropose,
    /// HR-F0: confirm or cancel a proposed fine.
    FineDecide,
    /// HR-F0: read the department-fund ledger.
    FundLedgerRead,
    /// HR-A2: propose a month's lateness fines.
    LatenessFinePropose,
    /// HR-C1: read a person's complaint counts and flags (within the privacy scope).
    ComplaintFlagsRead,
    /// HR-S2/HR-S6: issue a score event (a supervisor for their teams' members, HR, managers).
    ScoreEventIssue,
    /// HR-S1..S6: read score events, cards and appeals (within the privacy scope).
    ScorecardRead,
    /// HR-S1: enter a month's measured scores (a supervisor for their teams' members, HR).
    ScorecardInputs,
    /// HR-S3/HR-S4: finalise a month's card (the assessor: a supervisor for their teams'
    /// members, HR, managers).
    ScorecardFinalise,
    /// HR-S5: read the month's and the year's standings (first places, the year's best): they
    /// compare everyone's totals, so only the roles that see everyone's cards.
    StandingsRead,
    /// HR-S6: appeal an event issued against oneself.
    ScoreAppeal,
    /// HR-S6: decide an appeal (a supervisor of the employee who did not issue the event).
    ScoreAppealDecide,
    /// HR-A3: request leave for oneself, cancel one's own request.
    LeaveRequest,
    /// HR-A3: read leave requests (within the privacy scope).
    LeaveRead,
    /// HR-A3: the manager's approval or refusal.
    LeaveManagerDecide,
    /// HR-A3: HR's approval or refusal of long leave, after the manager's.
    LeaveHrDecide,
    /// HR-T1/HR-T2/HR-S2: hold exam sessions and close them (HR, managers).
    ExamSessionManage,
    /// HR-T1/HR-T2/HR-S2: read exam sessions (no one's record: staff read them).
    ExamSessionRead,
    /// HR-T1/HR-T2/HR-S2: record a person's exam result (their assessor).
    ExamResultRecord,
    /// HR-T1/HR-T2/HR-S2: read exam results (within the privacy scope).
    ExamResultRead,
    /// HR-T1: open a new hire's probation (HR, managers).
    ProbationOpen,
    /// HR-T1: read probations (within the privacy scope).
    ProbationRead,
    /// HR-T1: approve a step of the confirmation (the manager, then executives).
    ProbationApprove,
    /// HR-T3: record a manager's assessment of a candidate for team lead.
    PromotionAssess,
    /// HR-T3: read assessments and promotion eligibility (within the privacy scope).
    PromotionRead,
}

impl Action {
    pub const ALL: [Action; 31] = [
        Action::AttendanceClock,
        Action::AttendanceRead,
        Action::AttendanceImport,
        Action::ExcuseDirectToSite,
        Action::ExcuseWeatherOrTraffic,
        Action::FineRead,
        Action::FinePropose,
        Action::FineDecide,
        Action::FundLedgerRead,
        Action::LatenessFinePropose,
        Action::ComplaintFlagsRead,
        Action::ScoreEventIssue,
        Action::ScorecardRead,
        Action::ScorecardInputs,
        Action::ScorecardFinalise,
        Action::StandingsRead,
        Action::ScoreAppeal,
        Action::ScoreAppealDecide,
        Action::LeaveRequest,
        Action::LeaveRead,
        Action::LeaveManagerDecide,
        Action::LeaveHrDecide,
        Action::ExamSessionManage,
        Action::ExamSessionRead,
        Action::ExamResultRecord,
        Action::ExamResultRead,
        Action::ProbationOpen,
        Action::ProbationRead,
        Action::ProbationApprove,
        Action::PromotionAssess,
        Action::PromotionRead,
    ];

    /// The rule a refusal of this action names.
    pub fn rule(self) -> &'static str {
        match self {
            Action::AttendanceRead
            | Action::FineRead
            | Action::ComplaintFlagsRead
            | Action::ScorecardRead => "ORG-5",
            Action::FinePropose | Action::FineDecide | Action::FundLedgerRead => "HR-F0",
            Action::LatenessFinePropose => "HR-A2",
            Action::ScoreEventIssue => "HR-S2",
            Action::ScorecardInputs => "HR-S1",
            Action::ScorecardFinalise => "HR-S3",
            Action::StandingsRead => "HR-S5",
            Action::ScoreAppeal | Action::ScoreAppealDecide => "HR-S6",
            Action::LeaveRead | Action::ExamResultRead | Action::ProbationRead => "ORG-5",
            Action::ProbationOpen | Action::ProbationApprove => "HR-T1",
            Action::PromotionAssess => "HR-T3",
            Action::PromotionRead => "ORG-5",
            Action::ExamSessionManage | Action::ExamSessionRead | Action::ExamResultRecord => {
                "HR-T1"
            }
            Action::LeaveRequest | Action::LeaveManagerDecide | Action::LeaveHrDecide => "HR-A3",
            Action::AttendanceClock
            | Action::AttendanceImport
            | Action::ExcuseDirectToSite
            | Action::ExcuseWeatherOrTraffic => "HR-A1",
        }
    }
}

/// Everyone who works here: all roles but `customer_contact`.
const STAFF: &[Role] = &[
    Admin,
    Manager,
    Supervisor,
    Clerk,
    Engineer,
    CallbackAgent,
    QaInspector,
    Finance,
    Hr,
    Executive,
];

/// Privacy: the roles that see everyone's attendance, cards, events, fines and appeals.
pub const SEE_ALL: &[Role] = &[Admin, Manager, Hr, Executive];

/// Who may run each action. Every [`Action`] has exactly one row (a test checks it).
pub const ROLES: &[(Action, &[Role])] = &[
    (Action::AttendanceClock, STAFF),
    (Action::AttendanceRead, STAFF),
    (Action::AttendanceImport, &[Admin, Manager, Hr]),
    (Action::ExcuseDirectToSite, &[Admin, Manager]),
    (Action::ExcuseWeatherOrTraffic, &[Admin, Executive]),
    (Action::FineRead, STAFF),
    (Action::FinePropose, &[Admin, Manager, Supervisor, Hr]),
    (Action::FineDecide, &[Admin, Manager, Hr]),
    // Finance too: the fund's spending and its place in the payroll's finance view (BIL-13).
    (Action::FundLedgerRead, &[Admin, Manager, Hr, Finance]),
    (Action::LatenessFinePropose, &[Admin, Manager, Hr]),
    (Action::ComplaintFlagsRead, STAFF),
    (Action::ScoreEventIssue, &[Admin, Manager, Supervisor, Hr]),
    (Action::ScorecardRead, STAFF),
    (Action::ScorecardInputs, &[Admin, Supervisor, Hr]),
    (Action::ScorecardFinalise, &[Admin, Manager, Supervisor, Hr]),
    (Action::StandingsRead, SEE_ALL),
    (Action::ScoreAppeal, STAFF),
    (Action::ScoreAppealDecide, &[Admin, Manager, Supervisor]),
    (Action::LeaveRequest, STAFF),
    (Action::LeaveRead, STAFF),
    (Action::LeaveManagerDecide, &[Admin, Manager]),
    (Action::LeaveHrDecide, &[Admin, Hr]),
    (Action::ExamSessionManage, &[Admin, Manager, Hr]),
    (Action::ExamSessionRead, STAFF),
    (Action::ExamResultRecord, &[Admin, Manager, Supervisor, Hr]),
    (Action::ExamResultRead, STAFF),
    (Action::ProbationOpen, &[Admin, Manager, Hr]),
    (Action::ProbationRead, STAFF),
    (Action::ProbationApprove, &[Admin, Manager, Executive]),
    (Action::PromotionAssess, &[Admin, Manager]),
    (Action::PromotionRead, STAFF),
];

/// Privacy: the roles that act on anyone's card (issue events, enter inputs, finalise);
/// a supervisor acts on their teams' members' only.
pub const ASSESS_ALL: &[Role] = &[Admin, Manager, Hr];

/// Whether `roles` assess everyone (HR-S2: the supervisor, HR or managers issue events).
pub fn assesses_everyone(roles: &[Role]) -> bool {
    roles.iter().any(|r| ASSESS_ALL.contains(r))
}

pub fn may(action: Action, roles: &[Role]) -> bool {
    kefu_core::access::may(ROLES, action, roles)
}

/// The refusal the API answers with 403, naming the action's rule.
pub fn require(action: Action, roles: &[Role]) -> Result<(), DomainError> {
    kefu_core::access::require(ROLES, action, action.rule(), roles)
}

/// Privacy: whether `roles` see everyone's scoring records.
pub fn sees_everyone(roles: &[Role]) -> bool {
    roles.iter().any(|r| SEE_ALL.contains(r))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_exactly_one_row() {
        for action in Action::ALL {
            assert_eq!(ROLES.iter().filter(|(a, _)| *a == action).count(), 1);
        }
        assert_eq!(ROLES.len(), Action::ALL.len());
    }

    #[test]
    fn hr_a1_managers_approve_direct_starts_the_executive_excuses_weather() {
        assert!(may(Action::ExcuseDirectToSite, &[Manager]));
        assert!(!may(Action::ExcuseDirectToSite, &[Executive]));
        assert!(may(Action::ExcuseWeatherOrTraffic, &[Executive]));
        assert!(!may(Action::ExcuseWeatherOrTraffic, &[Manager]));
        assert_eq!(
            require(Action::ExcuseDirectToSite, &[Supervisor])
                .unwrap_err()
                .rule(),
            Some("HR-A1")
        );
    }

    #[test]
    fn hr_f0_supervisors_propose_hr_and_managers_decide_and_read_the_fund() {
        assert!(may(Action::FinePropose, &[Supervisor]));
        assert!(!may(Action::FinePropose, &[Engineer]));
        assert!(may(Action::FineDecide, &[Hr]) && may(Action::FineDecide, &[Manager]));
        assert!(!may(Action::FineDecide, &[Supervisor]));
        assert!(!may(Action::FundLedgerRead, &[Engineer]));
        assert_eq!(
            require(Action::FineDecide, &[Supervisor])
                .unwrap_err()
                .rule(),
            Some("HR-F0")
        );
        assert_eq!(
            require(Action::LatenessFinePropose, &[Supervisor])
                .unwrap_err()
                .rule(),
            Some("HR-A2")
        );
    }

    #[test]
    fn hr_s2_s6_supervisors_hr_and_managers_assess_any_staff_member_appeals() {
        for role in [Supervisor, Hr, Manager, Admin] {
            assert!(may(Action::ScoreEventIssue, &[role]), "{role:?}");
            assert!(may(Action::ScorecardFinalise, &[role]), "{role:?}");
        }
        assert!(!may(Action::ScoreEventIssue, &[Engineer]));
        assert!(!may(Action::ScorecardInputs, &[Manager]));
        assert!(may(Action::ScoreAppeal, &[Clerk]));
        assert!(!may(Action::ScoreAppealDecide, &[Hr]));
        assert!(assesses_everyone(&[Hr]));
        assert!(!assesses_everyone(&[Supervisor]));
        assert!(!assesses_everyone(&[Executive]));
    }

    #[test]
    fn hr_t1_hr_and_managers_hold_exams_assessors_record_results() {
        for role in [Hr, Manager, Admin] {
            assert!(may(Action::ExamSessionManage, &[role]), "{role:?}");
        }
        assert!(!may(Action::ExamSessionManage, &[Supervisor]));
        assert!(may(Action::ExamResultRecord, &[Supervisor]));
        assert!(!may(Action::ExamResultRecord, &[Engineer]));
        assert!(may(Action::ExamResultRead, &[Engineer]));
        assert!(may(Action::ProbationApprove, &[Executive]));
        assert!(!may(Action::ProbationApprove, &[Hr]));
        assert!(!may(Action::ProbationOpen, &[Executive]));
        assert!(may(Action::PromotionAssess, &[Manager]));
        assert!(!may(Action::PromotionAssess, &[Supervisor]));
        assert_eq!(
            require(Action::ExamSessionManage, &[Engineer])
                .unwrap_err()
                .rule(),
            Some("HR-T1")
        );
    }

    #[test]
    fn privacy_customer_contacts_have_no_attendance_and_only_the_office_sees_everyone() {
        for action in Action::ALL {
            assert!(!may(action, &[CustomerContact]), "{action:?}");
        }
        assert!(sees_everyone(&[Hr]));
        assert!(!sees_everyone(&[Supervisor]));
        assert!(!sees_everyone(&[Engineer]));
    }
}
