//! TKT-2: the SLA policy, a response and a resolution target per (ticket type, priority) in
//! working hours or working days, and the due instants they give on the work calendar.

use crate::kinds::{Priority, TicketType};
use chrono::NaiveDateTime;
use kefu_core::rules::RuleSet;
use kefu_core::{CalendarError, DomainError, WorkCalendar};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A target may be at most this many hours or days: far beyond any service promise, and small
/// enough that every deadline stays a cheap, representable computation.
pub const MAX_TARGET: i64 = 1_000;

kefu_core::string_enum! {
    #[derive(ToSchema)]
    pub enum TargetUnit {
        /// Hours inside the working periods of working days (CAL-1).
        WorkingHours = "working_hours",
        /// Whole working days of working time: one working day is the working minutes of a
        /// working day, so a fault opened on Friday at 17:30 with one working day is due on the
        /// next working day at 17:30.
        WorkingDays = "working_days",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SlaTarget {
    /// 1 to 1000.
    pub amount: i64,
    pub unit: TargetUnit,
}

impl SlaTarget {
    pub const fn hours(amount: i64) -> Self {
        SlaTarget {
            amount,
            unit: TargetUnit::WorkingHours,
        }
    }

    pub const fn days(amount: i64) -> Self {
        SlaTarget {
            amount,
            unit: TargetUnit::WorkingDays,
        }
    }

    /// The target in working minutes of `calendar`.
    pub fn working_minutes(&self, calendar: &WorkCalendar) -> Result<u32, CalendarError> {
        let per_unit = match self.unit {
            TargetUnit::WorkingHours => 60,
            TargetUnit::WorkingDays => i64::from(calendar.minutes_per_working_day()),
        };
        self.amount
            .checked_mul(per_unit)
            .and_then(|m| u32::try_from(m).ok())
            .ok_or(CalendarError::OutOfRange)
    }

    /// TKT-2: the instant the target falls due for a ticket opened at `opened` (local time of
    /// the company): working time only counts inside working periods of working days.
    pub fn due(
        &self,
        opened: NaiveDateTime,
        calendar: &WorkCalendar,
    ) -> Result<NaiveDateTime, CalendarError> {
        calendar.add_working_minutes(opened, self.working_minutes(calendar)?)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SlaEntry {
    pub ticket_type: TicketType,
    pub priority: Priority,
    /// The first reply to the customer.
    pub response: SlaTarget,
    /// The ticket resolved.
    pub resolution: SlaTarget,
}

/// When a ticket's targets fall due, in the company's local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlaDue {
    pub response_due: NaiveDateTime,
    pub resolution_due: NaiveDateTime,
}

impl SlaEntry {
    pub fn due(
        &self,
        opened: NaiveDateTime,
        calendar: &WorkCalendar,
    ) -> Result<SlaDue, CalendarError> {
        Ok(SlaDue {
            response_due: self.response.due(opened, calendar)?,
            resolution_due: self.resolution.due(opened, calendar)?,
        })
    }
}

/// TKT-2: the SLA policy table, one entry for every (type, priority) of TKT-1.
///
/// domain.md gives no numbers; the defaults are the product's choice:
///
/// | priority | response | resolution: most types | complaint | change request, bug, training, installation |
/// |---|---|---|---|---|
/// | urgent | 1 working hour | 1 working day | 1 working day | 3 working days |
/// | high | 2 working hours | 2 working days | 2 working days | 5 working days |
/// | normal | 4 working hours | 3 working days | 3 working days | 10 working days |
/// | low | 1 working day | 5 working days | 3 working days | 20 working days |
///
/// "Most types" are consultations, faults, data-clearing and admin-password requests. A
/// complaint is answered within 3 working days whatever its priority, like the manager's
/// answer to a dissatisfied callback (TKT-9); work that needs development or a scheduled visit
/// (TKT-12 change requests, bugs, training, installation) gets longer resolution targets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SlaPolicy {
    pub targets: Vec<SlaEntry>,
    /// How long before an unmet due instant the assignee is warned that it is due soon
    /// (minutes of clock time, 0–1440); breaches are announced when they happen.
    #[serde(default = "default_due_soon_minutes")]
    pub due_soon_minutes: u32,
}

fn default_due_soon_minutes() -> u32 {
    60
}

/// The longest due-soon warning: a day.
pub const MAX_DUE_SOON_MINUTES: u32 = 1_440;

fn default_entry(ticket_type: TicketType, priority: Priority) -> SlaEntry {
    let response = match priority {
        Priority::Urgent => SlaTarget::hours(1),
        Priority::High => SlaTarget::hours(2),
        Priority::Normal => SlaTarget::hours(4),
        Priority::Low => SlaTarget::days(1),
    };
    let resolution_days = match (ticket_type, priority) {
        (
            TicketType::ChangeRequest
            | TicketType::Bug
            | TicketType::Training
            | TicketType::Installation,
            p,
        ) => match p {
            Priority::Urgent => 3,
            Priority::High => 5,
            Priority::Normal => 10,
            Priority::Low => 20,
        },
        (TicketType::Complaint, Priority::Low) => 3,
        (_, Priority::Urgent) => 1,
        (_, Priority::High) => 2,
        (_, Priority::Normal) => 3,
        (_, Priority::Low) => 5,
    };
    SlaEntry {
        ticket_type,
        priority,
        response,
        resolution: SlaTarget::days(resolution_days),
    }
}

impl RuleSet for SlaPolicy {
    const KEY: &'static str = "sla-policy";
    const TITLE: &'static str =
        "TKT-2 response and resolution targets per ticket type and priority";

    fn defaults() -> Self {
        SlaPolicy {
            targets: TicketType::ALL
                .iter()
                .flat_map(|&t| Priority::ALL.iter().map(move |&p| default_entry(t, p)))
                .collect(),
            due_soon_minutes: default_due_soon_minutes(),
        }
    }

    fn validate(&self) -> Result<(), DomainError> {
        if self.due_soon_minutes > MAX_DUE_SOON_MINUTES {
            return Err(DomainError::invalid(
                "due_soon_minutes",
                "range",
                format!("must be between 0 and {MAX_DUE_SOON_MINUTES}"),
            ));
        }
        for (i, entry) in self.targets.iter().enumerate() {
            let first = self.targets[..i]
                .iter()
                .position(|e| (e.ticket_type, e.priority) == (entry.ticket_type, entry.priority));
            if let Some(first) = first {
                return Err(DomainError::invalid(
                    format!("targets[{i}]"),
                    "duplicate",
                    format!("the same ticket type and priority as targets[{first}]"),
                ));
            }
            for (name, target) in [
                ("response", entry.response),
                ("resolution", entry.resolution),
            ] {
                if !(1..=MAX_TARGET).contains(&target.amount) {
                    return Err(DomainError::invalid(
                        format!("targets[{i}].{name}.amount"),
                        "range",
                        format!("must be between 1 and {MAX_TARGET}"),
                    ));
                }
            }
        }
        for t in TicketType::ALL {
            for p in Priority::ALL {
                if self.entry(t, p).is_none() {
                    return Err(DomainError::invalid(
                        "targets",
                        "missing",
                        format!(
                            "no targets for ticket type {} with priority {}",
                            t.as_str(),
                            p.as_str()
                        ),
                    ));
                }
            }
        }
        Ok(())
    }
}

impl SlaPolicy {
    /// TKT-2: the targets of a ticket of `ticket_type` and `priority`.
    pub fn entry(&self, ticket_type: TicketType, priority: Priority) -> Option<&SlaEntry> {
        self.targets
            .iter()
            .find(|e| e.ticket_type == ticket_type && e.priority == priority)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, NaiveDate};
    use kefu_core::DayKind;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn dt(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    /// The 2026 Spring Festival: 2026-02-15..23 off, make-up working days 2026-02-14 and
    /// 2026-02-28 (both Saturdays).
    fn calendar_2026() -> WorkCalendar {
        let mut cal = WorkCalendar::new();
        let mut day = d("2026-02-15");
        while day <= d("2026-02-23") {
            cal.set_override(day, DayKind::Holiday);
            day = day.succ_opt().unwrap();
        }
        cal.with_overrides([
            (d("2026-02-14"), DayKind::Workday),
            (d("2026-02-28"), DayKind::Workday),
        ])
    }

    fn urgent_fault() -> SlaEntry {
        SlaPolicy::defaults()
            .entry(TicketType::Fault, Priority::Urgent)
            .unwrap()
            .clone()
    }

    #[test]
    fn tkt_2_defaults_cover_every_type_and_priority_once() {
        let policy = SlaPolicy::defaults();
        assert!(policy.validate().is_ok());
        assert_eq!(policy.targets.len(), 9 * 4);
        let fault = urgent_fault();
        assert_eq!(fault.response, SlaTarget::hours(1));
        assert_eq!(fault.resolution, SlaTarget::days(1));
        let normal = policy.entry(TicketType::Fault, Priority::Normal).unwrap();
        assert_eq!(
            (normal.response, normal.resolution),
            (SlaTarget::hours(4), SlaTarget::days(3))
        );
        let complaint = policy.entry(TicketType::Complaint, Priority::Low).unwrap();
        assert_eq!(complaint.resolution, SlaTarget::days(3));
        let bug = policy.entry(TicketType::Bug, Priority::Normal).unwrap();
        assert_eq!(bug.resolution, SlaTarget::days(10));
        let json = serde_json::to_value(fault).unwrap();
        assert_eq!(json["ticket_type"], "fault");
        assert_eq!(
            json["resolution"],
            serde_json::json!({"amount": 1, "unit": "working_days"})
        );
    }

    #[test]
    fn tkt_2_a_fault_opened_friday_1730_is_due_the_next_working_day_1730() {
        let fault = urgent_fault();
        let cal = WorkCalendar::new();
        let due = fault.due(dt("2026-03-06 17:30"), &cal).unwrap();
        assert_eq!(due.resolution_due, dt("2026-03-09 17:30"));
        assert_eq!(due.response_due, dt("2026-03-09 09:00"));
        // Opened in the evening or on Saturday: the clock starts on Monday morning too.
        let due = fault.due(dt("2026-03-07 10:00"), &cal).unwrap();
        assert_eq!(due.resolution_due, dt("2026-03-09 17:30"));
        // Opened during the day: the same time on the next working day.
        let due = fault.due(dt("2026-03-06 10:15"), &cal).unwrap();
        assert_eq!(due.resolution_due, dt("2026-03-09 10:15"));
        assert_eq!(due.response_due, dt("2026-03-06 11:15"));
    }

    #[test]
    fn tkt_2_due_instants_across_the_2026_spring_festival() {
        let fault = urgent_fault();
        let cal = calendar_2026();
        // Friday 13 Feb, 17:30: the next working day is the make-up Saturday.
        let due = fault.due(dt("2026-02-13 17:30"), &cal).unwrap();
        assert_eq!(due.resolution_due, dt("2026-02-14 17:30"));
        // Saturday 14 Feb (worked), 17:30: nine days off, then Tuesday 24 Feb.
        let due = fault.due(dt("2026-02-14 17:30"), &cal).unwrap();
        assert_eq!(due.resolution_due, dt("2026-02-24 17:30"));
        assert_eq!(due.response_due, dt("2026-02-24 09:00"));
        // Opened during the holiday.
        let due = fault.due(dt("2026-02-18 09:00"), &cal).unwrap();
        assert_eq!(due.resolution_due, dt("2026-02-24 17:30"));
        // Friday 27 Feb: the make-up Saturday 28 Feb follows.
        let due = fault.due(dt("2026-02-27 17:30"), &cal).unwrap();
        assert_eq!(due.resolution_due, dt("2026-02-28 17:30"));
        // A normal fault, 3 working days from Friday 13 Feb 17:30: Sat 14, Tue 24, Wed 25.
        let normal = SlaPolicy::defaults()
            .entry(TicketType::Fault, Priority::Normal)
            .unwrap()
            .due(dt("2026-02-13 17:30"), &cal)
            .unwrap();
        assert_eq!(normal.resolution_due, dt("2026-02-25 17:30"));
        assert_eq!(normal.response_due, dt("2026-02-14 12:00"));
    }

    #[test]
    fn tkt_2_a_working_day_follows_the_calendars_periods() {
        let cal = WorkCalendar::new()
            .with_periods(vec![
                kefu_core::WorkPeriod::from_minutes(9 * 60, 17 * 60).unwrap(),
            ])
            .unwrap();
        assert_eq!(SlaTarget::days(2).working_minutes(&cal), Ok(960));
        assert_eq!(SlaTarget::hours(3).working_minutes(&cal), Ok(180));
        assert_eq!(
            SlaTarget::days(1).due(dt("2026-03-06 16:00"), &cal),
            Ok(dt("2026-03-09 16:00"))
        );
    }

    #[test]
    fn tkt_2_an_incomplete_or_bad_policy_names_the_field() {
        let field = |p: &SlaPolicy| match p.validate() {
            Err(DomainError::Invalid(e)) => e[0].field.clone(),
            other => panic!("{other:?}"),
        };
        let mut p = SlaPolicy::defaults();
        p.targets.remove(5);
        assert_eq!(field(&p), "targets");
        match p.validate() {
            Err(DomainError::Invalid(e)) => {
                assert!(e[0].message.contains("fault with priority normal"))
            }
            other => panic!("{other:?}"),
        }
        let mut p = SlaPolicy::defaults();
        p.targets.push(p.targets[3].clone());
        assert_eq!(field(&p), "targets[36]");
        let mut p = SlaPolicy::defaults();
        p.targets[2].resolution.amount = 0;
        assert_eq!(field(&p), "targets[2].resolution.amount");
        let mut p = SlaPolicy::defaults();
        p.targets[0].response.amount = MAX_TARGET + 1;
        assert_eq!(field(&p), "targets[0].response.amount");
    }

    proptest! {
        #[test]
        fn tkt_2_due_instants_are_the_target_in_working_time(
            offset_minutes in 0i64..(3 * 365 * 24 * 60),
            amount in 1i64..60,
            days in any::<bool>(),
        ) {
            let cal = calendar_2026();
            let opened = dt("2025-06-01 00:00") + Duration::minutes(offset_minutes);
            let target = if days { SlaTarget::days(amount) } else { SlaTarget::hours(amount) };
            let due = target.due(opened, &cal).unwrap();
            prop_assert!(due > opened);
            let minutes = target.working_minutes(&cal).unwrap();
            prop_assert_eq!(cal.working_minutes_between(opened, due), i64::from(minutes));
            let longer = SlaTarget { amount: amount + 1, ..target }.due(opened, &cal).unwrap();
            prop_assert!(longer > due);
        }
    }
}
