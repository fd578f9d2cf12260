//! TKT-2: the SLA clock of an open ticket. Time in `waiting_customer` does not count: when a
//! ticket leaves that state its unmet due instants move by the working time it waited; while
//! it waits, breach is judged at the instant it started waiting.

use chrono::NaiveDateTime;
use kefu_core::{CalendarError, WorkCalendar};

/// Working minutes spent waiting between `since` and `until` (local times).
pub fn waited_minutes(calendar: &WorkCalendar, since: NaiveDateTime, until: NaiveDateTime) -> u32 {
    u32::try_from(calendar.working_minutes_between(since, until).max(0)).unwrap_or(u32::MAX)
}

/// TKT-2: `due` (local) pushed by `minutes` of working time.
pub fn extend(
    calendar: &WorkCalendar,
    due: NaiveDateTime,
    minutes: u32,
) -> Result<NaiveDateTime, CalendarError> {
    calendar.add_working_minutes(due, minutes)
}

/// The instant a target is judged at: when it was met, else when the clock stopped
/// (waiting for the customer, or the ticket ended), else now.
pub fn judged_at<T: Copy>(met: Option<T>, stopped: Option<T>, now: T) -> T {
    met.or(stopped).unwrap_or(now)
}

/// TKT-2: a target is breached when it was met late, or is still unmet past its due instant.
pub fn breached<T: PartialOrd + Copy>(due: T, met: Option<T>, stopped: Option<T>, now: T) -> bool {
    judged_at(met, stopped, now) > due
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use kefu_core::DayKind;

    fn dt(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn tkt_2_two_working_hours_waiting_move_the_due_instant_two_working_hours() {
        let cal = WorkCalendar::new();
        // Waited Monday 09:00–11:00: two working hours.
        let waited = waited_minutes(&cal, dt("2026-03-09 09:00"), dt("2026-03-09 11:00"));
        assert_eq!(waited, 120);
        // Due Monday 17:30 → Tuesday 10:00 (the working day ends at 17:30, starts 08:00).
        assert_eq!(
            extend(&cal, dt("2026-03-09 17:30"), waited),
            Ok(dt("2026-03-10 10:00"))
        );
        // Waiting over the weekend costs nothing.
        assert_eq!(
            waited_minutes(&cal, dt("2026-03-06 17:30"), dt("2026-03-09 08:00")),
            0
        );
    }

    #[test]
    fn tkt_2_waiting_across_a_holiday_counts_only_working_time() {
        let d = NaiveDate::from_ymd_opt(2026, 2, 16).unwrap();
        let cal = WorkCalendar::new().with_overrides([(d, DayKind::Holiday)]);
        assert_eq!(
            waited_minutes(&cal, dt("2026-02-13 17:00"), dt("2026-02-17 08:30")),
            60
        );
    }

    #[test]
    fn tkt_2_breach_is_judged_when_met_or_stopped() {
        let due = 10;
        assert!(!breached(due, None, None, 9));
        assert!(breached(due, None, None, 11));
        assert!(!breached(due, Some(9), None, 50), "met in time");
        assert!(breached(due, Some(12), None, 50), "met late");
        assert!(
            !breached(due, None, Some(8), 50),
            "clock stopped while waiting"
        );
    }
}
