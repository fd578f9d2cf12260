//! TKT-12 change requests (the program-change procedure of the seeds): the customer's stamped
//! application → the engineer confirms the requirements with the customer → the manager
//! reviews and promises a completion date → development → the requesting engineer tests →
//! delivery → the customer's opinion. A delay is announced to the customer before the
//! promised date, never after it.
//!
//! Stages follow the seeds' list with one addition: `tested` (the requesting engineer passed
//! the test) sits between `testing` and `delivered`, so "tested by whom" is a state rather
//! than a flag on `testing`.

use crate::access::{self, Action, ActorFacts, Relation};
use chrono::NaiveDate;
use kefu_core::{DomainError, FieldError};
use utoipa::ToSchema;

pub mod guards;

kefu_core::string_enum! {
    #[derive(ToSchema)]
    pub enum Stage {
        Requested = "requested",
        RequirementsConfirmed = "requirements_confirmed",
        Reviewed = "reviewed",
        InDevelopment = "in_development",
        Testing = "testing",
        Tested = "tested",
        Delivered = "delivered",
        FeedbackRecorded = "feedback_recorded",
        Rejected = "rejected",
        Cancelled = "cancelled",
    }
}

impl Stage {
    /// Stages whose promised date still binds: the work is not yet with the customer.
    pub const UNDELIVERED: [Stage; 6] = [
        Stage::Requested,
        Stage::RequirementsConfirmed,
        Stage::Reviewed,
        Stage::InDevelopment,
        Stage::Testing,
        Stage::Tested,
    ];

    pub fn undelivered(self) -> bool {
        Stage::UNDELIVERED.contains(&self)
    }
}

kefu_core::string_enum! {
    /// A command on one change request, named as its endpoint
    /// `POST /change-requests/{id}/<name>` (with `-` for `_`); `reject` is `review` with
    /// `approve: false`.
    #[derive(ToSchema)]
    #[schema(as = ChangeRequestCommand)]
    pub enum CrCommand {
        ConfirmRequirements = "confirm_requirements",
        Review = "review",
        Reject = "reject",
        StartDevelopment = "start_development",
        SubmitForTest = "submit_for_test",
        PassTest = "pass_test",
        Deliver = "deliver",
        RecordFeedback = "record_feedback",
        /// A delay notice: moves the promised date, not the stage.
        Delay = "delay",
        Cancel = "cancel",
    }
}

/// TKT-12: the stage `command` takes a request in `from` to; out of turn is a conflict (409).
pub fn cr_transition(from: Stage, command: CrCommand) -> Result<Stage, DomainError> {
    use CrCommand as C;
    use Stage as S;
    let next = match (from, command) {
        (S::Requested, C::ConfirmRequirements) => Some(S::RequirementsConfirmed),
        (S::RequirementsConfirmed, C::Review) => Some(S::Reviewed),
        (S::RequirementsConfirmed, C::Reject) => Some(S::Rejected),
        (S::Reviewed, C::StartDevelopment) => Some(S::InDevelopment),
        (S::InDevelopment, C::SubmitForTest) => Some(S::Testing),
        (S::Testing, C::PassTest) => Some(S::Tested),
        (S::Tested, C::Deliver) => Some(S::Delivered),
        (S::Delivered, C::RecordFeedback) => Some(S::FeedbackRecorded),
        (s, C::Delay | C::Cancel) if s.undelivered() => Some(if command == C::Cancel {
            S::Cancelled
        } else {
            s
        }),
        _ => None,
    };
    next.ok_or_else(|| DomainError::State {
        rule: "TKT-12",
        message: format!(
            "cannot {} a change request that is {}",
            command.as_str(),
            from.as_str()
        ),
    })
}

/// TKT-12: the review promises the customer a completion date; it is required, and not in
/// the past (`today` is the company's date).
pub fn check_review(
    promised: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<NaiveDate, DomainError> {
    match promised {
        None => Err(DomainError::Invalid(vec![
            FieldError::new(
                "promised_date",
                "required",
                "TKT-12: the review sets the completion date promised to the customer",
            )
            .by_rule("TKT-12"),
        ])),
        Some(d) if d < today => Err(DomainError::invalid(
            "promised_date",
            "range",
            format!("must not be before today ({today})"),
        )),
        Some(d) => Ok(d),
    }
}

/// TKT-12: the requesting engineer tests the change, no one else.
pub fn check_tester(requested_by: &str, tester: &str) -> Result<(), DomainError> {
    if requested_by == tester {
        Ok(())
    } else {
        Err(DomainError::Rule {
            rule: "TKT-12",
            message: "the change must be tested by the engineer who requested it".to_owned(),
        })
    }
}

/// TKT-12: a delay is announced in advance — strictly before the promised date (`today` is
/// the company's date) — and moves the date later.
pub fn check_delay(
    today: NaiveDate,
    promised: Option<NaiveDate>,
    new_promised: NaiveDate,
) -> Result<(), DomainError> {
    let promised = check_delay_open(today, promised)?;
    if new_promised <= promised {
        return Err(DomainError::invalid(
            "new_promised_date",
            "range",
            format!("must be after the current promised date {promised}"),
        ));
    }
    Ok(())
}

/// TKT-12: whether a delay may be announced today at all: a date was promised and has not
/// come yet. Returns the promised date.
pub fn check_delay_open(
    today: NaiveDate,
    promised: Option<NaiveDate>,
) -> Result<NaiveDate, DomainError> {
    let Some(promised) = promised else {
        return Err(DomainError::Rule {
            rule: "TKT-12",
            message: "no completion date has been promised yet, so there is nothing to delay"
                .to_owned(),
        });
    };
    if today >= promised {
        return Err(DomainError::Rule {
            rule: "TKT-12",
            message: format!(
                "a delay must be announced before the promised date {promised}; today is {today}"
            ),
        });
    }
    Ok(promised)
}

impl CrCommand {
    /// The row of the access table the command is checked against.
    pub fn access(self) -> Action {
        match self {
            CrCommand::ConfirmRequirements => Action::ChangeRequestConfirmRequirements,
            CrCommand::Review | CrCommand::Reject => Action::ChangeRequestReview,
            CrCommand::StartDevelopment => Action::ChangeRequestStartDevelopment,
            CrCommand::SubmitForTest => Action::ChangeRequestSubmitForTest,
            CrCommand::PassTest => Action::ChangeRequestPassTest,
            CrCommand::Deliver => Action::ChangeRequestDeliver,
            CrCommand::RecordFeedback => Action::ChangeRequestRecordFeedback,
            CrCommand::Delay => Action::ChangeRequestDelay,
            CrCommand::Cancel => Action::ChangeRequestCancel,
        }
    }
}

/// What the rules read of a change request to say who may run a command on it now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChangeRequest<'a> {
    pub stage: Stage,
    /// The engineer who requested it: the only one who tests it.
    pub requested_by: &'a str,
    pub promised_date: Option<NaiveDate>,
}

/// Who may run `command` (ORG-1 roles).
pub fn authorize(actor: &ActorFacts, command: CrCommand) -> Result<(), DomainError> {
    access::require(command.access(), &actor.roles)
}

/// The stage `command` takes `request` to on `today` (the company's date), or why it is
/// refused before its body is read: the TKT-12 stage table, the requesting engineer testing,
/// a delay announced before the promised date.
pub fn precondition(
    request: &ChangeRequest<'_>,
    actor: &ActorFacts,
    command: CrCommand,
    today: NaiveDate,
) -> Result<Stage, DomainError> {
    let to = cr_transition(request.stage, command)?;
    match command {
        CrCommand::PassTest => {
            let facts = actor.clone().with(
                Relation::Requester,
                actor.user_id.as_str() == request.requested_by,
            );
            guards::check_tester_facts(&facts)?;
        }
        CrCommand::Delay => {
            check_delay_open(today, request.promised_date)?;
        }
        _ => {}
    }
    Ok(to)
}

/// The commands `actor` may run on `request` on `today`, in [`CrCommand::ALL`] order. A listed
/// one may still be refused for its body (a review without a promised date, a confirmation
/// without the customer's stamped application on file or given).
pub fn allowed_actions(
    request: &ChangeRequest<'_>,
    actor: &ActorFacts,
    today: NaiveDate,
) -> Vec<CrCommand> {
    CrCommand::ALL
        .into_iter()
        .filter(|c| authorize(actor, *c).is_ok() && precondition(request, actor, *c, today).is_ok())
        .collect()
}

/// TKT-12: whether a request needs its delay announced: not yet delivered and its promised
/// date on or before `threshold` (today plus the notice period in working days, computed
/// by the caller from the work calendar). A notice moves the date, so the current date has
/// had none.
pub fn delay_notice_due(stage: Stage, promised: Option<NaiveDate>, threshold: NaiveDate) -> bool {
    stage.undelivered() && promised.is_some_and(|p| p <= threshold)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn rule_of(e: DomainError) -> &'static str {
        match e {
            DomainError::Rule { rule, .. } => rule,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn tkt_12_every_stage_in_order() {
        use CrCommand as C;
        let mut s = Stage::Requested;
        for (c, want) in [
            (C::ConfirmRequirements, Stage::RequirementsConfirmed),
            (C::Review, Stage::Reviewed),
            (C::Delay, Stage::Reviewed),
            (C::StartDevelopment, Stage::InDevelopment),
            (C::SubmitForTest, Stage::Testing),
            (C::PassTest, Stage::Tested),
            (C::Deliver, Stage::Delivered),
            (C::RecordFeedback, Stage::FeedbackRecorded),
        ] {
            s = cr_transition(s, c).unwrap();
            assert_eq!(s, want);
        }
        for c in [C::Cancel, C::Delay, C::Deliver] {
            assert!(matches!(
                cr_transition(s, c),
                Err(DomainError::State { rule: "TKT-12", .. })
            ));
        }
    }

    #[test]
    fn tkt_12_out_of_turn_is_a_conflict_and_rejection_follows_confirmation() {
        assert!(matches!(
            cr_transition(Stage::Requested, CrCommand::Review),
            Err(DomainError::State { rule: "TKT-12", .. })
        ));
        assert!(matches!(
            cr_transition(Stage::InDevelopment, CrCommand::Deliver),
            Err(DomainError::State { rule: "TKT-12", .. })
        ));
        assert_eq!(
            cr_transition(Stage::RequirementsConfirmed, CrCommand::Reject),
            Ok(Stage::Rejected)
        );
        assert_eq!(
            cr_transition(Stage::Testing, CrCommand::Cancel),
            Ok(Stage::Cancelled)
        );
        assert!(cr_transition(Stage::Delivered, CrCommand::Cancel).is_err());
    }

    #[test]
    fn tkt_12_review_needs_a_promised_date() {
        match check_review(None, d("2026-03-06")) {
            Err(DomainError::Invalid(e)) => {
                assert_eq!(
                    (e[0].field.as_str(), e[0].rule),
                    ("promised_date", Some("TKT-12"))
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(check_review(Some(d("2026-03-05")), d("2026-03-06")).is_err());
        assert_eq!(
            check_review(Some(d("2026-03-20")), d("2026-03-06")),
            Ok(d("2026-03-20"))
        );
    }

    #[test]
    fn tkt_12_only_the_requesting_engineer_tests() {
        assert!(check_tester("e1", "e1").is_ok());
        assert_eq!(rule_of(check_tester("e1", "e2").unwrap_err()), "TKT-12");
    }

    #[test]
    fn tkt_12_a_delay_is_announced_before_the_promised_date() {
        let promised = Some(d("2026-03-20"));
        assert!(check_delay(d("2026-03-19"), promised, d("2026-03-27")).is_ok());
        for today in ["2026-03-20", "2026-03-21"] {
            let e = check_delay(d(today), promised, d("2026-03-27")).unwrap_err();
            assert_eq!(rule_of(e), "TKT-12");
        }
        assert_eq!(
            rule_of(check_delay(d("2026-03-01"), None, d("2026-03-27")).unwrap_err()),
            "TKT-12"
        );
        match check_delay(d("2026-03-19"), promised, d("2026-03-20")) {
            Err(DomainError::Invalid(e)) => assert_eq!(e[0].field, "new_promised_date"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn tkt_12_delay_notice_is_due_near_the_date_until_delivery() {
        let t = d("2026-03-10");
        assert!(delay_notice_due(
            Stage::InDevelopment,
            Some(d("2026-03-10")),
            t
        ));
        assert!(delay_notice_due(Stage::Reviewed, Some(d("2026-03-02")), t));
        assert!(!delay_notice_due(
            Stage::InDevelopment,
            Some(d("2026-03-11")),
            t
        ));
        assert!(!delay_notice_due(
            Stage::Delivered,
            Some(d("2026-03-02")),
            t
        ));
        assert!(!delay_notice_due(Stage::Requested, None, t));
    }
}

#[cfg(test)]
mod allowed_tests {
    use super::*;
    use CrCommand::*;
    use kefu_core::Role;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn request(stage: Stage, promised: Option<&str>) -> ChangeRequest<'static> {
        ChangeRequest {
            stage,
            requested_by: "eng",
            promised_date: promised.map(d),
        }
    }

    #[test]
    fn tkt_12_each_stage_offers_its_next_step_to_whom_it_belongs() {
        let today = d("2026-03-10");
        let eng = ActorFacts::new("eng", vec![Role::Engineer]);
        let other = ActorFacts::new("eng2", vec![Role::Engineer]);
        let boss = ActorFacts::new("boss", vec![Role::Manager]);
        let of = |r: &ChangeRequest<'_>, a: &ActorFacts| allowed_actions(r, a, today);
        let requested = request(Stage::Requested, None);
        assert_eq!(of(&requested, &eng), vec![ConfirmRequirements]);
        assert_eq!(of(&requested, &boss), vec![ConfirmRequirements, Cancel]);
        let confirmed = request(Stage::RequirementsConfirmed, None);
        assert_eq!(of(&confirmed, &boss), vec![Review, Reject, Cancel]);
        assert_eq!(of(&confirmed, &eng), vec![]);
        // A delay only before the promised date.
        let reviewed = request(Stage::Reviewed, Some("2026-03-20"));
        assert_eq!(of(&reviewed, &boss), vec![StartDevelopment, Delay, Cancel]);
        assert_eq!(of(&reviewed, &eng), vec![Delay]);
        let due_today = request(Stage::Reviewed, Some("2026-03-10"));
        assert_eq!(of(&due_today, &eng), vec![]);
        // Only the requesting engineer tests.
        let testing = request(Stage::Testing, Some("2026-03-20"));
        assert_eq!(of(&testing, &eng), vec![PassTest, Delay]);
        assert_eq!(of(&testing, &other), vec![Delay]);
        let delivered = request(Stage::Delivered, Some("2026-03-20"));
        assert_eq!(of(&delivered, &eng), vec![RecordFeedback]);
        for done in [Stage::FeedbackRecorded, Stage::Rejected, Stage::Cancelled] {
            assert_eq!(of(&request(done, Some("2026-03-20")), &boss), vec![]);
        }
    }
}
