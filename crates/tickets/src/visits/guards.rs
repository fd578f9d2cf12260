//! TKT-5/6/8 guards that decided in the API service until issue 10: which tickets take
//! visits and service records, who a visit request is for, and the bounds of a field report.

use crate::access::{self, Action, ActorFacts, Relation};
use crate::lifecycle::Status;
use chrono::{DateTime, Duration, Utc};
use kefu_core::{DomainError, UserId};

/// Visits and service records need a ticket that is still being worked on.
pub fn check_workable(ticket: Status, what: &str) -> Result<(), DomainError> {
    match ticket {
        Status::Cancelled | Status::Resolved | Status::Closed => Err(DomainError::State {
            rule: "TKT-5",
            message: format!("a {} ticket cannot get {what}", ticket.as_str()),
        }),
        _ => Ok(()),
    }
}

/// TKT-5: a visit is requested for the ticket's assigned engineer, by them or by a lead for
/// them, while the ticket is worked on. Returns the engineer the visit is for. The checks run
/// in the order the API has always answered them: a closed ticket, no assignee, who, state.
pub fn check_request(
    ticket: Status,
    assignee: Option<&UserId>,
    actor: &ActorFacts,
) -> Result<UserId, DomainError> {
    let Some(engineer) = assignee else {
        check_workable(ticket, "visits")?;
        return Err(DomainError::State {
            rule: "TKT-5",
            message: "assign the ticket to an engineer before requesting a visit".to_owned(),
        });
    };
    let facts = actor
        .clone()
        .with(Relation::Assignee, *engineer == actor.user_id);
    access::require_on_record(Action::VisitRequest, &facts)?;
    check_workable(ticket, "visits")?;
    Ok(engineer.clone())
}

/// TKT-6: a service record may be written on any ticket but a cancelled one (a resolved
/// ticket still gets the record of the service that resolved it).
pub fn check_service_record(ticket: Status) -> Result<(), DomainError> {
    if ticket == Status::Cancelled {
        Err(DomainError::State {
            rule: "TKT-6",
            message: "a cancelled ticket cannot get service records".to_owned(),
        })
    } else {
        Ok(())
    }
}

/// TKT-8: a visit is escalated from the site once.
pub fn check_escalate(already_escalated: bool) -> Result<(), DomainError> {
    if already_escalated {
        Err(DomainError::State {
            rule: "TKT-8",
            message: "the visit is already escalated".to_owned(),
        })
    } else {
        Ok(())
    }
}

/// TKT-5: the instant of a field report: the client's (offline) reading when given, not
/// later than `now` plus `max_skew` (clocks of phones drift) and not before the visit was
/// requested; else `now`.
pub fn report_time(
    at: Option<DateTime<Utc>>,
    requested_at: DateTime<Utc>,
    now: DateTime<Utc>,
    max_skew: Duration,
) -> Result<DateTime<Utc>, DomainError> {
    let Some(at) = at else {
        return Ok(now);
    };
    if at > now + max_skew {
        return Err(DomainError::invalid(
            "at",
            "range",
            "must not lie in the future",
        ));
    }
    if at < requested_at {
        return Err(DomainError::invalid(
            "at",
            "range",
            "must not be before the visit was requested",
        ));
    }
    Ok(at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use kefu_core::Role;

    fn at(m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 9, 10, m, 0).unwrap()
    }

    #[test]
    fn tkt_5_visits_only_while_the_ticket_is_worked_on() {
        for status in Status::ALL {
            let open = status.is_open();
            assert_eq!(check_workable(status, "visits").is_ok(), open, "{status:?}");
        }
        assert_eq!(
            check_workable(Status::Closed, "visits"),
            Err(DomainError::State {
                rule: "TKT-5",
                message: "a closed ticket cannot get visits".into()
            })
        );
    }

    #[test]
    fn tkt_5_a_visit_request_needs_an_assignee_and_is_theirs_or_a_leads() {
        let eng = UserId::new("eng");
        let me = ActorFacts::new("eng", vec![Role::Engineer]);
        let other = ActorFacts::new("other", vec![Role::Engineer]);
        let lead = ActorFacts::new("sup", vec![Role::Supervisor]);
        assert_eq!(
            check_request(Status::Assigned, Some(&eng), &me),
            Ok(eng.clone())
        );
        assert_eq!(
            check_request(Status::Assigned, Some(&eng), &lead),
            Ok(eng.clone())
        );
        assert!(matches!(
            check_request(Status::Assigned, Some(&eng), &other),
            Err(DomainError::Forbidden { .. })
        ));
        assert!(matches!(
            check_request(Status::New, None, &lead),
            Err(DomainError::State { rule: "TKT-5", .. })
        ));
        // A closed ticket says so before saying it lacks an assignee; the refusal of a
        // stranger comes before the state.
        assert!(matches!(
            check_request(Status::Cancelled, None, &lead),
            Err(DomainError::State { rule: "TKT-5", .. })
        ));
        assert!(matches!(
            check_request(Status::Closed, Some(&eng), &other),
            Err(DomainError::Forbidden { .. })
        ));
        assert!(matches!(
            check_request(Status::Closed, Some(&eng), &me),
            Err(DomainError::State { rule: "TKT-5", .. })
        ));
    }

    #[test]
    fn tkt_6_service_records_on_any_ticket_but_a_cancelled_one() {
        for status in Status::ALL {
            assert_eq!(
                check_service_record(status).is_ok(),
                status != Status::Cancelled,
                "{status:?}"
            );
        }
    }

    #[test]
    fn tkt_8_a_visit_escalates_once() {
        assert_eq!(check_escalate(false), Ok(()));
        assert_eq!(
            check_escalate(true).err().and_then(|e| e.rule()),
            Some("TKT-8")
        );
    }

    #[test]
    fn tkt_5_a_field_report_is_bounded_by_the_request_and_the_servers_clock() {
        let skew = Duration::minutes(5);
        let cases = [
            (None, Ok(at(30))),
            (Some(at(20)), Ok(at(20))),
            (Some(at(35)), Ok(at(35))),
            (Some(at(36)), Err("must not lie in the future")),
            (
                Some(at(9)),
                Err("must not be before the visit was requested"),
            ),
        ];
        for (given, expected) in cases {
            let r = report_time(given, at(10), at(30), skew);
            match (r, expected) {
                (Ok(t), Ok(e)) => assert_eq!(t, e),
                (Err(DomainError::Invalid(f)), Err(m)) => {
                    assert_eq!((f[0].field.as_str(), f[0].message.as_str()), ("at", m))
                }
                (r, e) => panic!("{given:?}: {r:?} vs {e:?}"),
            }
        }
    }
}
