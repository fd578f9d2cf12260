//! TKT-7 feedback forms (客户服务信息反馈单): filled after a visit, signed by the customer. A
//! signed version is immutable; a change after signing is an amendment, a new version that
//! needs its own signature. The form is handed in to the clerk by the end of the working day
//! `feedback_form_working_days` after the visit finished; later it is late (fine HR-F7/F8).

use crate::access::{self, Action, ActorFacts, Relation};
use chrono::{NaiveDate, NaiveDateTime};
use kefu_core::{CalendarError, DomainError, WorkCalendar};
use utoipa::ToSchema;

pub mod guards;

kefu_core::string_enum! {
    /// Where a form is: not yet signed, signed by the customer, handed in to the clerk.
    #[derive(ToSchema)]
    pub enum FormStatus {
        Draft = "draft",
        Signed = "signed",
        Received = "received",
    }
}

kefu_core::string_enum! {
    /// The outcome the customer signs for.
    #[derive(ToSchema)]
    pub enum FormResult {
        Resolved = "resolved",
        PartiallyResolved = "partially_resolved",
        Unresolved = "unresolved",
    }
}

kefu_core::string_enum! {
    /// A command on one feedback form: `update` is `PATCH /feedback-forms/{id}`, `amend` is
    /// `POST /feedback-forms/{id}/amendments`, the others `POST /feedback-forms/{id}/<name>`.
    #[derive(ToSchema)]
    pub enum FormCommand {
        Update = "update",
        Sign = "sign",
        Amend = "amend",
        Receive = "receive",
    }
}

impl FormCommand {
    /// The row of the access table the command is checked against.
    pub fn access(self) -> Action {
        match self {
            FormCommand::Update => Action::FormUpdate,
            FormCommand::Sign => Action::FormSign,
            FormCommand::Amend => Action::FormAmend,
            FormCommand::Receive => Action::FormReceive,
        }
    }
}

/// What the rules read of a form to say who may run a command on it now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Form<'a> {
    pub status: FormStatus,
    /// The engineer of the visit: the only one who writes, signs and amends the form.
    pub engineer_id: &'a str,
    pub current_version_no: i64,
    pub signed_version_no: Option<i64>,
    /// Whether the visit has finished: the due day counts from its end.
    pub visit_finished: bool,
}

impl Form<'_> {
    /// The version being written is the one the customer signed.
    pub fn current_signed(&self) -> bool {
        self.signed_version_no == Some(self.current_version_no)
    }
}

/// Who may run `command` on `form` (ORG-1 roles; TKT-7: only the visit's engineer writes,
/// signs and amends; the office takes it in).
pub fn authorize(
    form: &Form<'_>,
    actor: &ActorFacts,
    command: FormCommand,
) -> Result<(), DomainError> {
    let facts = actor.clone().with(
        Relation::Assignee,
        actor.user_id.as_str() == form.engineer_id,
    );
    access::require_on_record(command.access(), &facts)
}

/// Whether the form's state lets `command` run (TKT-7).
pub fn precondition(form: &Form<'_>, command: FormCommand) -> Result<(), DomainError> {
    match command {
        FormCommand::Update => check_editable(form.current_signed()),
        FormCommand::Sign => guards::check_signable(form.current_signed()),
        FormCommand::Amend => check_amendable(form.current_version_no, form.signed_version_no),
        FormCommand::Receive => guards::check_receivable(form.status, form.visit_finished),
    }
}

/// The commands `actor` may run on `form` now, in [`FormCommand::ALL`] order. A listed one
/// may still be refused for its body (a signature that is not an image of this visit).
pub fn allowed_actions(form: &Form<'_>, actor: &ActorFacts) -> Vec<FormCommand> {
    FormCommand::ALL
        .into_iter()
        .filter(|c| authorize(form, actor, *c).is_ok() && precondition(form, *c).is_ok())
        .collect()
}

/// TKT-7: only an unsigned version may change; a signed one is kept as the customer signed it.
pub fn check_editable(version_signed: bool) -> Result<(), DomainError> {
    if version_signed {
        Err(DomainError::State {
            rule: "TKT-7",
            message: "the form's current version is signed and cannot change; file an amendment"
                .to_owned(),
        })
    } else {
        Ok(())
    }
}

/// TKT-7: an amendment starts from a signed version, and one amendment at a time.
pub fn check_amendable(
    current_version_no: i64,
    signed_version_no: Option<i64>,
) -> Result<(), DomainError> {
    match signed_version_no {
        None => Err(DomainError::State {
            rule: "TKT-7",
            message: "the form is not signed yet; edit the draft instead".to_owned(),
        }),
        Some(signed) if signed != current_version_no => Err(DomainError::State {
            rule: "TKT-7",
            message: "an amendment is already waiting for its signature".to_owned(),
        }),
        Some(_) => Ok(()),
    }
}

/// TKT-7: the day a visit's form is due: the `working_days`-th working day after the day the
/// visit finished (company local date).
pub fn due_date(
    calendar: &WorkCalendar,
    finished_on: NaiveDate,
    working_days: i64,
) -> Result<NaiveDate, CalendarError> {
    let n = u32::try_from(working_days.max(0)).unwrap_or(u32::MAX);
    calendar.add_working_days(finished_on, n)
}

/// The first local instant after the due day: handing in at or after it is late.
pub fn due_end(due: NaiveDate) -> NaiveDateTime {
    due.succ_opt()
        .unwrap_or(due)
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default()
}

/// TKT-7 lateness, in one time frame: received after the end of the due day, or still not
/// received when `now` is past it.
pub fn is_late(
    due_end: NaiveDateTime,
    received: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> bool {
    match received {
        Some(at) => at >= due_end,
        None => now >= due_end,
    }
}

/// TKT-7: whether the signer is one of the site's authorised contacts. `contact` is the
/// signer's contact record, when known: (its site, whether it may sign). A contact of the
/// whole customer (no site) signs for every site of it.
pub fn signer_authorised(contact: Option<(Option<&str>, bool)>, site_id: Option<&str>) -> bool {
    match contact {
        Some((contact_site, may_sign)) => {
            may_sign && (contact_site.is_none() || contact_site == site_id)
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kefu_core::DayKind;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn tkt_7_a_signed_version_is_not_edited_but_amended() {
        assert!(check_editable(false).is_ok());
        assert!(matches!(
            check_editable(true),
            Err(DomainError::State { rule: "TKT-7", .. })
        ));
        assert!(matches!(
            check_amendable(1, None),
            Err(DomainError::State { rule: "TKT-7", .. })
        ));
        assert!(check_amendable(1, Some(1)).is_ok());
        assert!(matches!(
            check_amendable(2, Some(1)),
            Err(DomainError::State { rule: "TKT-7", .. })
        ));
    }

    #[test]
    fn tkt_7_due_the_next_working_day_after_the_visit() {
        let mut cal = WorkCalendar::new();
        // Friday 2026-03-06 → Monday 03-09.
        assert_eq!(due_date(&cal, d("2026-03-06"), 1).unwrap(), d("2026-03-09"));
        // A holiday on Monday moves it to Tuesday.
        cal.set_override(d("2026-03-09"), DayKind::Holiday);
        assert_eq!(due_date(&cal, d("2026-03-06"), 1).unwrap(), d("2026-03-10"));
        assert_eq!(due_date(&cal, d("2026-03-06"), 0).unwrap(), d("2026-03-06"));
    }

    #[test]
    fn tkt_7_late_after_the_end_of_the_due_day() {
        let end = due_end(d("2026-03-09"));
        let at = |s: &str| s.parse::<NaiveDateTime>().unwrap();
        assert!(!is_late(
            end,
            Some(at("2026-03-09T23:59:59")),
            at("2026-03-12T00:00:00")
        ));
        assert!(is_late(
            end,
            Some(at("2026-03-10T08:00:00")),
            at("2026-03-10T08:00:00")
        ));
        assert!(!is_late(end, None, at("2026-03-09T18:00:00")));
        assert!(is_late(end, None, at("2026-03-10T00:00:00")));
    }

    #[test]
    fn tkt_7_only_an_authorised_contact_of_the_site_signs() {
        assert!(signer_authorised(Some((Some("s1"), true)), Some("s1")));
        assert!(signer_authorised(Some((None, true)), Some("s1")));
        assert!(!signer_authorised(Some((Some("s2"), true)), Some("s1")));
        assert!(!signer_authorised(Some((Some("s1"), false)), Some("s1")));
        assert!(!signer_authorised(None, Some("s1")));
    }
}

#[cfg(test)]
mod allowed_tests {
    use super::*;
    use FormCommand::*;
    use kefu_core::Role;

    fn form(
        status: FormStatus,
        current: i64,
        signed: Option<i64>,
        finished: bool,
    ) -> Form<'static> {
        Form {
            status,
            engineer_id: "eng",
            current_version_no: current,
            signed_version_no: signed,
            visit_finished: finished,
        }
    }

    #[test]
    fn tkt_7_the_engineer_writes_signs_and_amends_the_office_receives() {
        let eng = ActorFacts::new("eng", vec![Role::Engineer]);
        let other = ActorFacts::new("eng2", vec![Role::Engineer]);
        let clerk = ActorFacts::new("desk", vec![Role::Clerk]);
        let draft = form(FormStatus::Draft, 1, None, true);
        let signed = form(FormStatus::Signed, 1, Some(1), true);
        let on_site = form(FormStatus::Signed, 1, Some(1), false);
        let amending = form(FormStatus::Received, 2, Some(1), true);
        let received = form(FormStatus::Received, 1, Some(1), true);
        assert_eq!(allowed_actions(&draft, &eng), vec![Update, Sign]);
        assert_eq!(allowed_actions(&draft, &other), vec![]);
        assert_eq!(allowed_actions(&draft, &clerk), vec![]);
        assert_eq!(allowed_actions(&signed, &eng), vec![Amend]);
        assert_eq!(allowed_actions(&signed, &clerk), vec![Receive]);
        assert_eq!(allowed_actions(&on_site, &clerk), vec![]);
        assert_eq!(allowed_actions(&amending, &eng), vec![Update, Sign]);
        assert_eq!(allowed_actions(&received, &eng), vec![Amend]);
        assert_eq!(allowed_actions(&received, &clerk), vec![]);
    }
}
