//! TKT-7 feedback forms (客户服务信息反馈单): filled after a visit, signed by the customer. A
//! signed version is immutable; a change after signing is an amendment, a new version that
//! needs its own signature. The form is handed in to the clerk by the end of the working day
//! `feedback_form_working_days` after the visit finished; later it is late (fine HR-F7/F8).

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
