//! CAL-1: the company work calendar.
//!
//! Monday to Friday are working days by default; explicit per-date overrides turn a day into a
//! holiday (节假日, not worked) or a make-up working day (调休, e.g. a Saturday that is worked).
//! Every "N working days" and "N working hours" rule of domain.md is computed here.
//!
//! Pure: dates and local date-times come in as arguments (the caller converts instants to the
//! company time zone first). Every search is bounded, so a calendar without any working day
//! answers with an error instead of looping.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Weekday};
use std::collections::BTreeMap;
use std::ops::Bound::{Excluded, Included};

/// How far [`WorkCalendar::next_working_day`] looks before giving up: ten years.
pub const MAX_SEARCH_DAYS: u32 = 3660;

const MINUTES_PER_DAY: u32 = 24 * 60;

const WHOLE_DAY: WorkPeriod = WorkPeriod {
    start: 0,
    end: MINUTES_PER_DAY,
};

crate::string_enum! {
    /// What an override makes of a date.
    #[derive(PartialOrd, Ord, utoipa::ToSchema)]
    pub enum DayKind {
        /// Not worked, whatever the weekday (public holiday, company closure).
        Holiday = "holiday",
        /// Worked, whatever the weekday (调休: a make-up working day).
        Workday = "workday",
    }
}

impl DayKind {
    pub fn is_working(self) -> bool {
        self == DayKind::Workday
    }
}

/// Kept under its old name so that existing imports still compile.
pub type ParseDayKindError = crate::ParseEnumError;

/// Why a calendar computation has no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// No working day within [`MAX_SEARCH_DAYS`] after the date: the calendar has (almost) no
    /// working days at all.
    #[error("no working day within {MAX_SEARCH_DAYS} days after {0}")]
    NoWorkingDay(NaiveDate),
    /// The result would lie outside the dates the calendar can represent.
    #[error("the result is beyond the supported range of dates")]
    OutOfRange,
    /// Working periods must be non-empty, ordered and non-overlapping, within one day.
    #[error("invalid working periods: {0}")]
    InvalidPeriods(String),
}

/// One working period of a working day, `[start, end)` in minutes after midnight; `end` may be
/// 1440 (24:00) so that a period can run to the end of the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WorkPeriod {
    start: u32,
    end: u32,
}

impl WorkPeriod {
    /// A period from `start` to `end` on the same day; `end` must be after `start`.
    pub fn new(start: NaiveTime, end: NaiveTime) -> Result<Self, CalendarError> {
        Self::from_minutes(
            start.hour() * 60 + start.minute(),
            end.hour() * 60 + end.minute(),
        )
    }

    /// A period in minutes after midnight, `0 <= start < end <= 1440`.
    pub fn from_minutes(start: u32, end: u32) -> Result<Self, CalendarError> {
        if start < end && end <= MINUTES_PER_DAY {
            Ok(WorkPeriod { start, end })
        } else {
            Err(CalendarError::InvalidPeriods(format!(
                "period {start}..{end} (minutes after midnight) must satisfy 0 <= start < end <= 1440"
            )))
        }
    }

    pub fn start_minute(self) -> u32 {
        self.start
    }

    pub fn end_minute(self) -> u32 {
        self.end
    }

    pub fn minutes(self) -> u32 {
        self.end - self.start
    }

    fn bounds_on(self, day: NaiveDate) -> (NaiveDateTime, NaiveDateTime) {
        let at = |minute: u32| {
            day.and_time(NaiveTime::MIN)
                .checked_add_signed(Duration::minutes(i64::from(minute)))
                // Only the last representable day has no next midnight.
                .unwrap_or(NaiveDateTime::MAX)
        };
        (at(self.start), at(self.end))
    }
}

/// CAL-1: the default week plus per-date overrides, and the working periods of a working day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkCalendar {
    /// Indexed by `Weekday::num_days_from_monday`.
    week: [bool; 7],
    overrides: BTreeMap<NaiveDate, DayKind>,
    periods: Vec<WorkPeriod>,
}

impl Default for WorkCalendar {
    fn default() -> Self {
        WorkCalendar::new()
    }
}

impl WorkCalendar {
    /// Monday to Friday, 08:00–12:00 and 13:00–17:30, no overrides.
    pub fn new() -> Self {
        WorkCalendar {
            week: [true, true, true, true, true, false, false],
            overrides: BTreeMap::new(),
            periods: Self::default_periods(),
        }
    }

    /// 08:00–12:00 and 13:00–17:30 (510 minutes).
    pub fn default_periods() -> Vec<WorkPeriod> {
        vec![
            WorkPeriod {
                start: 8 * 60,
                end: 12 * 60,
            },
            WorkPeriod {
                start: 13 * 60,
                end: 17 * 60 + 30,
            },
        ]
    }

    /// Replaces the default week: exactly the given weekdays are working days.
    pub fn with_working_weekdays(mut self, weekdays: &[Weekday]) -> Self {
        self.week = [false; 7];
        for day in weekdays {
            self.week[day.num_days_from_monday() as usize] = true;
        }
        self
    }

    /// Replaces the working periods of a working day. They are sorted; they must not be empty
    /// and must not overlap.
    pub fn with_periods(mut self, mut periods: Vec<WorkPeriod>) -> Result<Self, CalendarError> {
        if periods.is_empty() {
            return Err(CalendarError::InvalidPeriods(
                "a working day needs at least one working period".to_owned(),
            ));
        }
        periods.sort();
        if let Some(pair) = periods.windows(2).find(|w| w[0].end > w[1].start) {
            return Err(CalendarError::InvalidPeriods(format!(
                "periods {}..{} and {}..{} overlap",
                pair[0].start, pair[0].end, pair[1].start, pair[1].end
            )));
        }
        self.periods = periods;
        Ok(self)
    }

    /// Adds (or replaces) the overrides given.
    pub fn with_overrides(
        mut self,
        overrides: impl IntoIterator<Item = (NaiveDate, DayKind)>,
    ) -> Self {
        self.overrides.extend(overrides);
        self
    }

    pub fn set_override(&mut self, date: NaiveDate, kind: DayKind) {
        self.overrides.insert(date, kind);
    }

    pub fn override_on(&self, date: NaiveDate) -> Option<DayKind> {
        self.overrides.get(&date).copied()
    }

    pub fn overrides(&self) -> impl Iterator<Item = (NaiveDate, DayKind)> + '_ {
        self.overrides.iter().map(|(d, k)| (*d, *k))
    }

    pub fn periods(&self) -> &[WorkPeriod] {
        &self.periods
    }

    /// Working minutes of one working day.
    pub fn minutes_per_working_day(&self) -> u32 {
        self.periods.iter().map(|p| p.minutes()).sum()
    }

    fn weekday_works(&self, weekday: Weekday) -> bool {
        self.week[weekday.num_days_from_monday() as usize]
    }

    /// CAL-1: an override decides; otherwise the default week does.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        match self.overrides.get(&date) {
            Some(kind) => kind.is_working(),
            None => self.weekday_works(date.weekday()),
        }
    }

    /// The first working day strictly after `date`.
    pub fn next_working_day(&self, date: NaiveDate) -> Result<NaiveDate, CalendarError> {
        let mut day = date;
        for _ in 0..MAX_SEARCH_DAYS {
            day = day.succ_opt().ok_or(CalendarError::OutOfRange)?;
            if self.is_working_day(day) {
                return Ok(day);
            }
        }
        Err(CalendarError::NoWorkingDay(date))
    }

    /// The `n`-th working day strictly after `date`; `n = 0` gives `date` itself (working or
    /// not). "Due within 3 working days of D" is `add_working_days(D, 3)`.
    pub fn add_working_days(&self, date: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        let mut day = date;
        for _ in 0..n {
            day = self.next_working_day(day)?;
        }
        Ok(day)
    }

    /// The number of working days in `(a, b]`, so that
    /// `working_days_between(a, add_working_days(a, n)) == n`; negative (the count in
    /// `(b, a]`) when `b` is before `a`. Computed per week, not per day: any range is cheap.
    pub fn working_days_between(&self, a: NaiveDate, b: NaiveDate) -> i64 {
        if b < a {
            return -self.working_days_between(b, a);
        }
        let days = (b - a).num_days();
        let per_week = self.week.iter().filter(|w| **w).count() as i64;
        let mut count = days / 7 * per_week;
        // The remaining days (fewer than a week) after the whole weeks, by weekday only.
        let mut weekday = a.weekday();
        for _ in 0..days % 7 {
            weekday = weekday.succ();
            if self.weekday_works(weekday) {
                count += 1;
            }
        }
        // Overrides that change what the default week says.
        for (date, kind) in self.overrides.range((Excluded(a), Included(b))) {
            match (self.weekday_works(date.weekday()), kind.is_working()) {
                (true, false) => count -= 1,
                (false, true) => count += 1,
                _ => {}
            }
        }
        count
    }

    /// The instant `minutes` working minutes after `start` (a local date-time): time counts
    /// only inside the working periods of working days. A deadline that ends exactly at the
    /// end of a period is that end (12:00), not the start of the next one. `minutes = 0` gives
    /// `start` itself.
    pub fn add_working_minutes(
        &self,
        start: NaiveDateTime,
        minutes: u32,
    ) -> Result<NaiveDateTime, CalendarError> {
        let mut remaining = Duration::minutes(i64::from(minutes));
        if remaining.is_zero() {
            return Ok(start);
        }
        let mut day = start.date();
        if !self.is_working_day(day) {
            day = self.next_working_day(day)?;
        }
        loop {
            for period in &self.periods {
                let (from, to) = period.bounds_on(day);
                if to <= start {
                    continue;
                }
                let from = from.max(start);
                let available = to - from;
                if available >= remaining {
                    return Ok(from + remaining);
                }
                remaining -= available;
            }
            // Each working day consumes at least one minute (periods are never empty), so
            // this loop ends after at most `minutes` working days.
            day = self.next_working_day(day)?;
        }
    }

    /// Working time in `[a, b)` in whole minutes (seconds are truncated), so that
    /// `working_minutes_between(s, add_working_minutes(s, m)) == m`; negative when `b` is
    /// before `a`.
    pub fn working_minutes_between(&self, a: NaiveDateTime, b: NaiveDateTime) -> i64 {
        if b < a {
            return -self.working_minutes_between(b, a);
        }
        let whole_days = self.working_days_between(a.date(), b.date());
        // Working time of the working days strictly between the two dates, then the parts of
        // the first and the last day.
        let last_day_works = i64::from(a.date() != b.date() && self.is_working_day(b.date()));
        let middle_days = whole_days - last_day_works;
        let mut total = Duration::minutes(middle_days * i64::from(self.minutes_per_working_day()));
        if a.date() == b.date() {
            total += self.worked_within(a.date(), a, b);
        } else {
            let (_, end_of_a) = WHOLE_DAY.bounds_on(a.date());
            total += self.worked_within(a.date(), a, end_of_a);
            let start_of_b = b.date().and_time(NaiveTime::MIN);
            total += self.worked_within(b.date(), start_of_b, b);
        }
        total.num_minutes()
    }

    /// Working time of `day` that falls inside `[from, to)`.
    fn worked_within(&self, day: NaiveDate, from: NaiveDateTime, to: NaiveDateTime) -> Duration {
        if !self.is_working_day(day) {
            return Duration::zero();
        }
        self.periods
            .iter()
            .map(|p| {
                let (start, end) = p.bounds_on(day);
                let (start, end) = (start.max(from), end.min(to));
                if end > start {
                    end - start
                } else {
                    Duration::zero()
                }
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn dt(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    /// The 2026 Spring Festival as the issue states it: 2026-02-15..23 off, make-up working
    /// days on Saturday 2026-02-14 and Saturday 2026-02-28.
    fn calendar_2026() -> WorkCalendar {
        let mut cal = WorkCalendar::new();
        let mut day = d("2026-02-15");
        while day <= d("2026-02-23") {
            cal.set_override(day, DayKind::Holiday);
            day = day.succ_opt().unwrap();
        }
        cal.set_override(d("2026-02-14"), DayKind::Workday);
        cal.set_override(d("2026-02-28"), DayKind::Workday);
        cal
    }

    #[test]
    fn cal_1_weekdays_work_by_default_and_weekends_do_not() {
        let cal = WorkCalendar::new();
        assert!(cal.is_working_day(d("2026-03-02"))); // Monday
        assert!(cal.is_working_day(d("2026-03-06"))); // Friday
        assert!(!cal.is_working_day(d("2026-03-07"))); // Saturday
        assert!(!cal.is_working_day(d("2026-03-08"))); // Sunday
        assert_eq!(cal.minutes_per_working_day(), 510);
    }

    #[test]
    fn cal_1_overrides_make_holidays_and_make_up_working_days() {
        let cal = calendar_2026();
        assert!(cal.is_working_day(d("2026-02-14"))); // Saturday, 调休
        assert!(!cal.is_working_day(d("2026-02-16"))); // Monday, 春节
        assert!(!cal.is_working_day(d("2026-02-23"))); // Monday, last day off
        assert!(cal.is_working_day(d("2026-02-24")));
        assert!(cal.is_working_day(d("2026-02-28"))); // Saturday, 调休
        assert!(!cal.is_working_day(d("2026-03-01"))); // Sunday
        assert_eq!(cal.override_on(d("2026-02-16")), Some(DayKind::Holiday));
        assert_eq!(cal.override_on(d("2026-03-02")), None);
    }

    #[test]
    fn cal_1_add_working_days_across_the_2026_spring_festival() {
        let cal = calendar_2026();
        assert_eq!(
            cal.add_working_days(d("2026-02-13"), 1).unwrap(),
            d("2026-02-14")
        );
        assert_eq!(
            cal.add_working_days(d("2026-02-14"), 1).unwrap(),
            d("2026-02-24")
        );
        assert_eq!(
            cal.add_working_days(d("2026-02-13"), 0).unwrap(),
            d("2026-02-13")
        );
        // Tue 24, Wed 25, Thu 26, Fri 27, Sat 28 (调休), then Mon 2 March.
        assert_eq!(
            cal.add_working_days(d("2026-02-23"), 6).unwrap(),
            d("2026-03-02")
        );
        assert_eq!(
            cal.working_days_between(d("2026-02-13"), d("2026-02-24")),
            2
        );
        assert_eq!(
            cal.working_days_between(d("2026-02-24"), d("2026-02-13")),
            -2
        );
        assert_eq!(
            cal.working_days_between(d("2026-02-13"), d("2026-02-13")),
            0
        );
    }

    #[test]
    fn cal_1_next_working_day_is_strictly_after() {
        let cal = calendar_2026();
        assert_eq!(
            cal.next_working_day(d("2026-03-02")).unwrap(),
            d("2026-03-03")
        );
        assert_eq!(
            cal.next_working_day(d("2026-03-06")).unwrap(),
            d("2026-03-09")
        );
        assert_eq!(
            cal.next_working_day(d("2026-02-14")).unwrap(),
            d("2026-02-24")
        );
    }

    #[test]
    fn cal_1_a_calendar_without_working_days_answers_with_an_error() {
        let cal = WorkCalendar::new().with_working_weekdays(&[]);
        assert_eq!(
            cal.next_working_day(d("2026-01-01")),
            Err(CalendarError::NoWorkingDay(d("2026-01-01")))
        );
        assert!(cal.add_working_days(d("2026-01-01"), 1).is_err());
        assert!(cal.add_working_minutes(dt("2026-01-01 09:00"), 1).is_err());
        assert_eq!(
            cal.working_days_between(d("2026-01-01"), d("2030-01-01")),
            0
        );
        // A single make-up day is found.
        let cal = cal.with_overrides([(d("2026-05-09"), DayKind::Workday)]);
        assert_eq!(
            cal.add_working_days(d("2026-01-01"), 1).unwrap(),
            d("2026-05-09")
        );
        assert!(cal.add_working_days(d("2026-01-01"), 2).is_err());
    }

    #[test]
    fn cal_1_the_end_of_the_dates_is_an_error_not_a_panic() {
        let cal = WorkCalendar::new();
        assert_eq!(
            cal.next_working_day(NaiveDate::MAX),
            Err(CalendarError::OutOfRange)
        );
    }

    #[test]
    fn cal_1_working_periods_are_checked() {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        assert!(WorkPeriod::new(t(12, 0), t(8, 0)).is_err());
        assert!(WorkPeriod::from_minutes(0, 1441).is_err());
        assert!(WorkCalendar::new().with_periods(vec![]).is_err());
        let overlapping = vec![
            WorkPeriod::new(t(8, 0), t(12, 0)).unwrap(),
            WorkPeriod::new(t(11, 0), t(14, 0)).unwrap(),
        ];
        assert!(WorkCalendar::new().with_periods(overlapping).is_err());
        let day_and_night = WorkCalendar::new()
            .with_periods(vec![WorkPeriod::from_minutes(0, 1440).unwrap()])
            .unwrap();
        assert_eq!(day_and_night.minutes_per_working_day(), 1440);
    }

    #[test]
    fn cal_1_working_minutes_skip_lunch_nights_weekends_and_holidays() {
        let cal = calendar_2026();
        // Within a period.
        assert_eq!(
            cal.add_working_minutes(dt("2026-03-02 09:00"), 60).unwrap(),
            dt("2026-03-02 10:00")
        );
        // Ends exactly at the end of the morning: 12:00, not 13:00.
        assert_eq!(
            cal.add_working_minutes(dt("2026-03-02 11:00"), 60).unwrap(),
            dt("2026-03-02 12:00")
        );
        // Across lunch.
        assert_eq!(
            cal.add_working_minutes(dt("2026-03-02 11:30"), 60).unwrap(),
            dt("2026-03-02 13:30")
        );
        // Opened during lunch: the clock starts at 13:00.
        assert_eq!(
            cal.add_working_minutes(dt("2026-03-02 12:10"), 30).unwrap(),
            dt("2026-03-02 13:30")
        );
        // Opened Friday evening: Monday morning.
        assert_eq!(
            cal.add_working_minutes(dt("2026-03-06 18:00"), 240)
                .unwrap(),
            dt("2026-03-09 12:00")
        );
        // Opened on Friday 13 Feb at 17:00: 30 minutes left that day, then the Saturday
        // make-up day, then nothing until Tuesday 24 Feb.
        assert_eq!(
            cal.add_working_minutes(dt("2026-02-13 17:00"), 30 + 510 + 60)
                .unwrap(),
            dt("2026-02-24 09:00")
        );
        assert_eq!(
            cal.working_minutes_between(dt("2026-02-13 17:00"), dt("2026-02-24 09:00")),
            600
        );
        assert_eq!(
            cal.working_minutes_between(dt("2026-02-24 09:00"), dt("2026-02-13 17:00")),
            -600
        );
        // A whole working day.
        assert_eq!(
            cal.working_minutes_between(dt("2026-03-02 00:00"), dt("2026-03-03 00:00")),
            510
        );
        assert_eq!(
            cal.working_minutes_between(dt("2026-03-02 12:15"), dt("2026-03-02 12:45")),
            0
        );
        assert_eq!(
            cal.add_working_minutes(dt("2026-03-07 10:00"), 0).unwrap(),
            dt("2026-03-07 10:00")
        );
    }

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        (0i64..3 * 365).prop_map(|offset| d("2025-06-01") + Duration::days(offset))
    }

    fn any_calendar() -> impl Strategy<Value = WorkCalendar> {
        let week = proptest::collection::vec(any::<bool>(), 7);
        let overrides = proptest::collection::vec((any_date(), any::<bool>()), 0..60);
        (week, overrides).prop_map(|(week, overrides)| {
            let weekdays: Vec<Weekday> = week
                .iter()
                .enumerate()
                .filter(|(_, works)| **works)
                .filter_map(|(i, _)| Weekday::try_from(i as u8).ok())
                .collect();
            WorkCalendar::new()
                .with_working_weekdays(&weekdays)
                .with_overrides(overrides.into_iter().map(|(date, works)| {
                    let kind = if works {
                        DayKind::Workday
                    } else {
                        DayKind::Holiday
                    };
                    (date, kind)
                }))
        })
    }

    /// A calendar with at least Monday working, so that every search succeeds.
    fn working_calendar() -> impl Strategy<Value = WorkCalendar> {
        any_calendar().prop_map(|cal| {
            let mut weekdays: Vec<Weekday> = (0u8..7)
                .filter_map(|i| Weekday::try_from(i).ok())
                .filter(|w| cal.weekday_works(*w))
                .collect();
            weekdays.push(Weekday::Mon);
            cal.with_working_weekdays(&weekdays)
        })
    }

    fn any_time(day: NaiveDate, minute: u32) -> NaiveDateTime {
        day.and_time(NaiveTime::MIN) + Duration::minutes(i64::from(minute))
    }

    proptest! {
        #[test]
        fn cal_1_adding_then_counting_working_days_round_trips(
            cal in working_calendar(), start in any_date(), n in 0u32..200,
        ) {
            let end = cal.add_working_days(start, n).unwrap();
            prop_assert_eq!(cal.working_days_between(start, end), i64::from(n));
            prop_assert_eq!(cal.working_days_between(end, start), -i64::from(n));
        }

        #[test]
        fn cal_1_add_working_days_is_monotonic_and_lands_on_working_days(
            cal in working_calendar(), start in any_date(), n in 0u32..100,
        ) {
            let here = cal.add_working_days(start, n).unwrap();
            let next = cal.add_working_days(start, n + 1).unwrap();
            prop_assert!(next > here);
            prop_assert!(cal.is_working_day(next));
            prop_assert_eq!(cal.next_working_day(here).unwrap(), next);
        }

        #[test]
        fn cal_1_counting_agrees_with_walking_day_by_day(
            cal in any_calendar(), a in any_date(), b in any_date(),
        ) {
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            let mut walked = 0i64;
            let mut day = lo;
            while day < hi {
                day = day.succ_opt().unwrap();
                walked += i64::from(cal.is_working_day(day));
            }
            prop_assert_eq!(cal.working_days_between(lo, hi), walked);
        }

        #[test]
        fn cal_1_searches_never_hang_and_never_panic(
            cal in any_calendar(), start in any_date(), n in 0u32..20,
        ) {
            if let Ok(day) = cal.add_working_days(start, n) {
                prop_assert!(n == 0 || cal.is_working_day(day));
            }
        }

        #[test]
        fn cal_1_adding_then_counting_working_minutes_round_trips(
            cal in working_calendar(),
            start in any_date(),
            minute in 0u32..1440,
            minutes in 0u32..20_000,
        ) {
            let start = any_time(start, minute);
            let end = cal.add_working_minutes(start, minutes).unwrap();
            prop_assert!(end >= start);
            prop_assert_eq!(cal.working_minutes_between(start, end), i64::from(minutes));
            prop_assert_eq!(cal.working_minutes_between(end, start), -i64::from(minutes));
        }

        #[test]
        fn cal_1_working_minutes_are_additive(
            cal in any_calendar(),
            days in (any_date(), any_date(), any_date()),
            minutes in (0u32..1440, 0u32..1440, 0u32..1440),
        ) {
            let mut points = [
                any_time(days.0, minutes.0),
                any_time(days.1, minutes.1),
                any_time(days.2, minutes.2),
            ];
            points.sort();
            let [a, b, c] = points;
            prop_assert_eq!(
                cal.working_minutes_between(a, b) + cal.working_minutes_between(b, c),
                cal.working_minutes_between(a, c)
            );
        }
    }
}
