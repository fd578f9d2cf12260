//! CAL-1: the company's working week and the working periods of a working day, as a rule set,
//! so that a change (a longer day, a six-day week) applies from its effective date on.

use crate::rules::RuleSet;
use crate::time_of_day::TimeOfDay;
use crate::{DomainError, WorkCalendar, WorkPeriod};
use chrono::Weekday;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

crate::string_enum! {
    #[derive(PartialOrd, Ord, ToSchema)]
    pub enum WeekdayName {
        Monday = "monday",
        Tuesday = "tuesday",
        Wednesday = "wednesday",
        Thursday = "thursday",
        Friday = "friday",
        Saturday = "saturday",
        Sunday = "sunday",
    }
}

impl WeekdayName {
    pub fn weekday(self) -> Weekday {
        match self {
            WeekdayName::Monday => Weekday::Mon,
            WeekdayName::Tuesday => Weekday::Tue,
            WeekdayName::Wednesday => Weekday::Wed,
            WeekdayName::Thursday => Weekday::Thu,
            WeekdayName::Friday => Weekday::Fri,
            WeekdayName::Saturday => Weekday::Sat,
            WeekdayName::Sunday => Weekday::Sun,
        }
    }
}

/// One working period of a working day, `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PeriodSpec {
    #[schema(value_type = String, example = "08:00")]
    pub start: TimeOfDay,
    #[schema(value_type = String, example = "12:00")]
    pub end: TimeOfDay,
}

/// CAL-1: which weekdays are worked (before holidays and make-up days) and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkHours {
    pub working_weekdays: Vec<WeekdayName>,
    /// In time order, not overlapping.
    pub periods: Vec<PeriodSpec>,
}

impl RuleSet for WorkHours {
    const KEY: &'static str = "work-hours";
    const TITLE: &'static str = "CAL-1 working weekdays and working periods of a working day";

    /// The calendar's built-in week: Monday to Friday, 08:00–12:00 and 13:00–17:30.
    fn defaults() -> Self {
        let week = WorkCalendar::new();
        WorkHours {
            working_weekdays: vec![
                WeekdayName::Monday,
                WeekdayName::Tuesday,
                WeekdayName::Wednesday,
                WeekdayName::Thursday,
                WeekdayName::Friday,
            ],
            periods: week
                .periods()
                .iter()
                .filter_map(|p| {
                    Some(PeriodSpec {
                        start: TimeOfDay::from_minutes(p.start_minute())?,
                        end: TimeOfDay::from_minutes(p.end_minute())?,
                    })
                })
                .collect(),
        }
    }

    fn validate(&self) -> Result<(), DomainError> {
        if self.working_weekdays.is_empty() {
            return Err(DomainError::invalid(
                "working_weekdays",
                "length",
                "at least one weekday must be worked",
            ));
        }
        for (i, day) in self.working_weekdays.iter().enumerate() {
            if self.working_weekdays[..i].contains(day) {
                return Err(DomainError::invalid(
                    format!("working_weekdays[{i}]"),
                    "duplicate",
                    "each weekday at most once",
                ));
            }
        }
        if self.periods.is_empty() {
            return Err(DomainError::invalid(
                "periods",
                "length",
                "a working day needs at least one working period",
            ));
        }
        for (i, p) in self.periods.iter().enumerate() {
            if p.end <= p.start {
                return Err(DomainError::invalid(
                    format!("periods[{i}].end"),
                    "range",
                    "must be after start",
                ));
            }
            if i > 0 && p.start < self.periods[i - 1].end {
                return Err(DomainError::invalid(
                    format!("periods[{i}].start"),
                    "range",
                    "periods must be in time order and must not overlap",
                ));
            }
        }
        Ok(())
    }
}

impl WorkHours {
    /// A calendar with this week and these periods, without any holiday or make-up day yet.
    pub fn calendar(&self) -> Result<WorkCalendar, DomainError> {
        let weekdays: Vec<Weekday> = self.working_weekdays.iter().map(|d| d.weekday()).collect();
        let periods = self
            .periods
            .iter()
            .map(|p| WorkPeriod::from_minutes(p.start.minutes(), p.end.minutes()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| DomainError::invalid("periods", "range", e.to_string()))?;
        WorkCalendar::new()
            .with_working_weekdays(&weekdays)
            .with_periods(periods)
            .map_err(|e| DomainError::invalid("periods", "range", e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, NaiveDateTime};

    fn dt(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn cal_1_the_defaults_are_the_calendars_built_in_week() {
        let hours = WorkHours::defaults();
        assert!(hours.validate().is_ok());
        assert_eq!(hours.calendar().unwrap(), WorkCalendar::new());
        let json = serde_json::to_value(&hours).unwrap();
        assert_eq!(json["periods"][1]["start"], "13:00");
        assert_eq!(json["periods"][1]["end"], "17:30");
        assert_eq!(json["working_weekdays"][0], "monday");
    }

    #[test]
    fn cal_1_a_six_day_week_with_a_later_afternoon() {
        let mut hours = WorkHours::defaults();
        hours.working_weekdays.push(WeekdayName::Saturday);
        hours.periods[1].start = "13:30".parse().unwrap();
        let cal = hours.calendar().unwrap();
        assert!(cal.is_working_day(NaiveDate::from_ymd_opt(2026, 3, 7).unwrap()));
        assert_eq!(cal.minutes_per_working_day(), 480);
        assert_eq!(
            cal.add_working_minutes(dt("2026-03-06 11:30"), 60).unwrap(),
            dt("2026-03-06 14:00")
        );
    }

    #[test]
    fn cal_1_bad_weeks_and_periods_name_the_field() {
        let field = |h: &WorkHours| match h.validate() {
            Err(DomainError::Invalid(e)) => e[0].field.clone(),
            other => panic!("{other:?}"),
        };
        let mut h = WorkHours::defaults();
        h.working_weekdays.clear();
        assert_eq!(field(&h), "working_weekdays");
        let mut h = WorkHours::defaults();
        h.working_weekdays.push(WeekdayName::Monday);
        assert_eq!(field(&h), "working_weekdays[5]");
        let mut h = WorkHours::defaults();
        h.periods[1].start = "11:00".parse().unwrap();
        assert_eq!(field(&h), "periods[1].start");
        let mut h = WorkHours::defaults();
        h.periods[0].end = h.periods[0].start;
        assert_eq!(field(&h), "periods[0].end");
        let mut h = WorkHours::defaults();
        h.periods.clear();
        assert_eq!(field(&h), "periods");
    }
}
