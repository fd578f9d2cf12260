//! Correcting a ticket after it was opened (TKT-1): its description, type, priority, site,
//! contact and equipment, while it is still open. A change of type or priority moves the SLA
//! due instants (TKT-2) to the new (type, priority)'s targets.

use crate::clock::{extend, waited_minutes};
use crate::kinds::{Priority, TicketType};
use crate::lifecycle::Status;
use crate::sla::{SlaDue, SlaEntry};
use chrono::NaiveDateTime;
use kefu_core::{CalendarError, DomainError, WorkCalendar};

/// TKT-3: a closed or cancelled ticket is final: it is corrected no more (409).
pub fn check_editable(status: Status) -> Result<(), DomainError> {
    match status {
        Status::Closed | Status::Cancelled => Err(DomainError::State {
            rule: "TKT-3",
            message: format!("a {} ticket can no longer be changed", status.as_str()),
        }),
        _ => Ok(()),
    }
}

/// Whether a correction moves the due instants: a new type or priority picks another SLA entry.
pub fn retargets(before: (TicketType, Priority), after: (TicketType, Priority)) -> bool {
    before != after
}

/// The due instants of a ticket whose type or priority changed (local times). The targets
/// of the `new` entry are counted from the opening, then pushed by as much working time as
/// the current instants were already pushed (waiting for the customer, TKT-2) beyond what the
/// `old` entry gives from the opening. A met response target stays where it is.
pub fn retarget(
    old: &SlaEntry,
    new: &SlaEntry,
    opened: NaiveDateTime,
    current: SlaDue,
    responded: bool,
    calendar: &WorkCalendar,
) -> Result<SlaDue, CalendarError> {
    let (was, will) = (old.due(opened, calendar)?, new.due(opened, calendar)?);
    let moved = |original: NaiveDateTime, current: NaiveDateTime, target: NaiveDateTime| {
        extend(
            calendar,
            target,
            waited_minutes(calendar, original, current),
        )
    };
    Ok(SlaDue {
        response_due: if responded {
            current.response_due
        } else {
            moved(was.response_due, current.response_due, will.response_due)?
        },
        resolution_due: moved(
            was.resolution_due,
            current.resolution_due,
            will.resolution_due,
        )?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sla::SlaTarget;
    use chrono::NaiveDate;

    fn at(d: u32, h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 3, d)
            .unwrap()
            .and_hms_opt(h, m, 0)
            .unwrap()
    }

    fn entry(priority: Priority, response_hours: i64, resolution_days: i64) -> SlaEntry {
        SlaEntry {
            ticket_type: TicketType::Fault,
            priority,
            response: SlaTarget::hours(response_hours),
            resolution: SlaTarget::days(resolution_days),
        }
    }

    #[test]
    fn tkt_3_closed_and_cancelled_tickets_are_final() {
        for status in [Status::Closed, Status::Cancelled] {
            let refused = check_editable(status).unwrap_err();
            assert_eq!(refused.rule(), Some("TKT-3"));
        }
        for status in [Status::New, Status::InProgress, Status::Resolved] {
            assert!(check_editable(status).is_ok(), "{status:?}");
        }
    }

    #[test]
    fn tkt_2_a_raised_priority_counts_its_targets_from_the_opening() {
        let calendar = WorkCalendar::default();
        let (normal, urgent) = (entry(Priority::Normal, 4, 3), entry(Priority::Urgent, 1, 1));
        // Opened Monday 2 March 09:00; nothing waited yet.
        let opened = at(2, 9, 0);
        let current = normal.due(opened, &calendar).unwrap();
        let moved = retarget(&normal, &urgent, opened, current, false, &calendar).unwrap();
        assert_eq!(moved, urgent.due(opened, &calendar).unwrap());
        assert_eq!(moved.response_due, at(2, 10, 0));
    }

    #[test]
    fn tkt_2_time_already_waited_still_counts_after_a_retarget() {
        let calendar = WorkCalendar::default();
        let (normal, urgent) = (entry(Priority::Normal, 4, 3), entry(Priority::Urgent, 1, 1));
        let opened = at(2, 9, 0);
        let original = normal.due(opened, &calendar).unwrap();
        // The ticket waited 90 working minutes for the customer: both targets moved by them.
        let current = SlaDue {
            response_due: extend(&calendar, original.response_due, 90).unwrap(),
            resolution_due: extend(&calendar, original.resolution_due, 90).unwrap(),
        };
        let moved = retarget(&normal, &urgent, opened, current, false, &calendar).unwrap();
        let fresh = urgent.due(opened, &calendar).unwrap();
        assert_eq!(
            moved.response_due,
            extend(&calendar, fresh.response_due, 90).unwrap()
        );
        assert_eq!(
            moved.resolution_due,
            extend(&calendar, fresh.resolution_due, 90).unwrap()
        );
        // A response already given keeps its due instant.
        let kept = retarget(&normal, &urgent, opened, current, true, &calendar).unwrap();
        assert_eq!(kept.response_due, current.response_due);
    }

    #[test]
    fn only_a_new_type_or_priority_retargets() {
        let before = (TicketType::Fault, Priority::Normal);
        assert!(!retargets(before, before));
        assert!(retargets(before, (TicketType::Fault, Priority::High)));
        assert!(retargets(before, (TicketType::Bug, Priority::Normal)));
    }
}
