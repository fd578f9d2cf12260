//! HR-A1: when a clock-in on a working day is on time, late, late and paid as a half day, or
//! an absence.

use chrono::NaiveTime;
use kefu_core::rules::RuleSet;
use kefu_core::{DomainError, TimeOfDay};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

kefu_core::string_enum! {
    /// What a working day's clock-in counts as.
    #[derive(ToSchema)]
    pub enum Attendance {
        OnTime = "on_time",
        /// Late (HR-A2 counts it).
        Late = "late",
        /// Late, and the day is paid as a half day; counts as a late day too.
        LateHalfDay = "late_half_day",
        /// No clock-in before `half_day_until`.
        Absent = "absent",
    }
}

/// HR-A1: the clock-in times. Times compare to the minute: a clock showing 08:00 is on time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendanceTimes {
    /// A clock-in up to this minute is on time.
    #[schema(value_type = String, example = "08:00")]
    pub clock_in_by: TimeOfDay,
    /// After `clock_in_by` and before this, late.
    #[schema(value_type = String, example = "08:30")]
    pub late_until: TimeOfDay,
    /// From `late_until` and before this, late and paid as a half day; from it on, absent.
    #[schema(value_type = String, example = "12:00")]
    pub half_day_until: TimeOfDay,
}

fn at(hour: u32, minute: u32) -> TimeOfDay {
    TimeOfDay::hm(hour, minute).unwrap_or(TimeOfDay::MIDNIGHT)
}

impl RuleSet for AttendanceTimes {
    const KEY: &'static str = "attendance-times";
    const TITLE: &'static str = "HR-A1 clock-in deadline, lateness and half-day limits";

    fn defaults() -> Self {
        AttendanceTimes {
            clock_in_by: at(8, 0),
            late_until: at(8, 30),
            half_day_until: at(12, 0),
        }
    }

    fn validate(&self) -> Result<(), DomainError> {
        if self.late_until <= self.clock_in_by {
            return Err(DomainError::invalid(
                "late_until",
                "range",
                "must be after clock_in_by",
            ));
        }
        if self.half_day_until < self.late_until {
            return Err(DomainError::invalid(
                "half_day_until",
                "range",
                "must not be before late_until",
            ));
        }
        Ok(())
    }
}

impl AttendanceTimes {
    /// HR-A1: what a working day's first clock-in (local time; `None` without one) counts as.
    /// Excused starts (approved direct-to-site starts, excused weather or traffic) are decided
    /// by the caller before asking.
    pub fn classify(&self, clock_in: Option<NaiveTime>) -> Attendance {
        let Some(time) = clock_in.map(TimeOfDay::of) else {
            return Attendance::Absent;
        };
        if time <= self.clock_in_by {
            Attendance::OnTime
        } else if time < self.late_until {
            Attendance::Late
        } else if time < self.half_day_until {
            Attendance::LateHalfDay
        } else {
            Attendance::Absent
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn t(s: &str) -> Option<NaiveTime> {
        Some(NaiveTime::parse_from_str(s, "%H:%M:%S").unwrap())
    }

    #[test]
    fn hr_a1_clock_ins_by_the_default_times() {
        let times = AttendanceTimes::defaults();
        assert!(times.validate().is_ok());
        let cases = [
            ("06:45:00", Attendance::OnTime),
            ("08:00:00", Attendance::OnTime),
            ("08:00:59", Attendance::OnTime),
            ("08:01:00", Attendance::Late),
            ("08:29:59", Attendance::Late),
            ("08:30:00", Attendance::LateHalfDay),
            ("11:59:00", Attendance::LateHalfDay),
            ("12:00:00", Attendance::Absent),
            ("16:00:00", Attendance::Absent),
        ];
        for (clock_in, expected) in cases {
            assert_eq!(times.classify(t(clock_in)), expected, "{clock_in}");
        }
        assert_eq!(times.classify(None), Attendance::Absent);
        assert_eq!(
            serde_json::to_value(&times).unwrap(),
            serde_json::json!({"clock_in_by": "08:00", "late_until": "08:30", "half_day_until": "12:00"})
        );
    }

    #[test]
    fn hr_a1_limits_out_of_order_name_the_field() {
        let field = |a: &AttendanceTimes| match a.validate() {
            Err(DomainError::Invalid(e)) => e[0].field.clone(),
            other => panic!("{other:?}"),
        };
        let mut a = AttendanceTimes::defaults();
        a.late_until = at(8, 0);
        assert_eq!(field(&a), "late_until");
        let mut a = AttendanceTimes::defaults();
        a.half_day_until = at(8, 15);
        assert_eq!(field(&a), "half_day_until");
    }

    proptest! {
        #[test]
        fn hr_a1_a_later_clock_in_never_counts_better(a in 0u32..86_400, b in 0u32..86_400) {
            let times = AttendanceTimes::defaults();
            let rank = |s: u32| {
                let time = NaiveTime::from_num_seconds_from_midnight_opt(s, 0).unwrap();
                match times.classify(Some(time)) {
                    Attendance::OnTime => 0,
                    Attendance::Late => 1,
                    Attendance::LateHalfDay => 2,
                    Attendance::Absent => 3,
                }
            };
            let (lo, hi) = (a.min(b), a.max(b));
            prop_assert!(rank(lo) <= rank(hi));
        }
    }
}
