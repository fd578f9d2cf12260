//! HR-A3: leave requests and their two-step approval: a manager approves; leave of more working
//! days (work calendar) than the `leave-approval` rule's limit also needs HR. The requester
//! may cancel before the final approval. Approved leave days are neither late nor absent.

use kefu_core::DomainError;
use kefu_core::rules::{RuleSet, check_non_negative};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

kefu_core::string_enum! {
    /// HR-A3: where a leave request stands.
    #[derive(ToSchema)]
    pub enum LeaveStatus {
        Requested = "requested",
        /// The manager approved; HR's approval is still needed (long leave).
        ManagerApproved = "manager_approved",
        Approved = "approved",
        Rejected = "rejected",
        Cancelled = "cancelled",
    }
}

kefu_core::string_enum! {
    /// HR-A3: the kind of leave.
    #[derive(ToSchema)]
    pub enum LeaveKind {
        Annual = "annual",
        Sick = "sick",
        Personal = "personal",
        Marriage = "marriage",
        Bereavement = "bereavement",
        Maternity = "maternity",
        Other = "other",
    }
}

/// HR-A3: the steps of a leave request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeaveCommand {
    /// The manager's approval.
    ManagerApprove,
    /// HR's approval, after the manager's.
    HrApprove,
    /// The manager (a requested one) or HR (a manager-approved one) refuses.
    Reject,
    /// The requester withdraws it before the final approval.
    Cancel,
}

/// HR-A3: the approval limit (seed 002).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LeaveApproval {
    /// Leave of more working days than this needs HR's approval after the manager's.
    pub hr_above_working_days: i64,
}

impl RuleSet for LeaveApproval {
    const KEY: &'static str = "leave-approval";
    const TITLE: &'static str = "HR-A3 leave approval: HR too above this many working days";

    fn defaults() -> Self {
        LeaveApproval {
            hr_above_working_days: 3,
        }
    }

    fn validate(&self) -> Result<(), DomainError> {
        check_non_negative("hr_above_working_days", self.hr_above_working_days)
    }
}

fn refuse(message: impl Into<String>) -> DomainError {
    DomainError::State {
        rule: "HR-A3",
        message: message.into(),
    }
}

/// HR-A3: the status after `command` on a request of `working_days` working days.
pub fn transition(
    rules: &LeaveApproval,
    from: LeaveStatus,
    command: LeaveCommand,
    working_days: i64,
) -> Result<LeaveStatus, DomainError> {
    use LeaveCommand as C;
    use LeaveStatus as S;
    match (from, command) {
        (S::Requested, C::ManagerApprove) if working_days > rules.hr_above_working_days => {
            Ok(S::ManagerApproved)
        }
        (S::Requested, C::ManagerApprove) => Ok(S::Approved),
        (S::ManagerApproved, C::HrApprove) => Ok(S::Approved),
        (S::Requested | S::ManagerApproved, C::Reject) => Ok(S::Rejected),
        (S::Requested | S::ManagerApproved, C::Cancel) => Ok(S::Cancelled),
        (from, _) => Err(refuse(format!(
            "a {} leave request does not take this step",
            from.as_str()
        ))),
    }
}

/// HR-A3: the step an approval is for a request in `from`: the manager's first, then HR's.
pub fn approval_step(from: LeaveStatus) -> LeaveCommand {
    if from == LeaveStatus::ManagerApproved {
        LeaveCommand::HrApprove
    } else {
        LeaveCommand::ManagerApprove
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use LeaveCommand as C;
    use LeaveStatus as S;

    #[test]
    fn hr_a3_three_working_days_the_manager_alone_approves() {
        let r = LeaveApproval::defaults();
        assert_eq!(
            transition(&r, S::Requested, C::ManagerApprove, 3),
            Ok(S::Approved)
        );
    }

    #[test]
    fn hr_a3_more_than_three_working_days_also_need_hr() {
        let r = LeaveApproval::defaults();
        assert_eq!(
            transition(&r, S::Requested, C::ManagerApprove, 4),
            Ok(S::ManagerApproved)
        );
        assert_eq!(
            transition(&r, S::ManagerApproved, C::HrApprove, 4),
            Ok(S::Approved)
        );
        assert_eq!(
            transition(&r, S::Requested, C::HrApprove, 4)
                .unwrap_err()
                .rule(),
            Some("HR-A3"),
            "HR approves after the manager"
        );
        assert_eq!(approval_step(S::ManagerApproved), C::HrApprove);
        assert_eq!(approval_step(S::Requested), C::ManagerApprove);
    }

    #[test]
    fn hr_a3_rejected_or_cancelled_before_the_final_approval_only() {
        let r = LeaveApproval::defaults();
        assert_eq!(transition(&r, S::Requested, C::Reject, 1), Ok(S::Rejected));
        assert_eq!(
            transition(&r, S::ManagerApproved, C::Cancel, 5),
            Ok(S::Cancelled)
        );
        for from in [S::Approved, S::Rejected, S::Cancelled] {
            for command in [C::ManagerApprove, C::HrApprove, C::Reject, C::Cancel] {
                assert_eq!(
                    transition(&r, from, command, 1).unwrap_err().rule(),
                    Some("HR-A3")
                );
            }
        }
    }
}
