use chrono::{NaiveTime, Timelike};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A wall-clock time of day to the minute, written `HH:MM` in rule sets (`08:00`, `12:00`).
/// `24:00` is allowed so that a working period can run to the end of the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeOfDay(u32);

const MINUTES_PER_DAY: u32 = 24 * 60;

impl TimeOfDay {
    pub const MIDNIGHT: TimeOfDay = TimeOfDay(0);
    pub const END_OF_DAY: TimeOfDay = TimeOfDay(MINUTES_PER_DAY);

    /// `hour:minute`, up to 24:00.
    pub const fn hm(hour: u32, minute: u32) -> Option<TimeOfDay> {
        let total = hour * 60 + minute;
        if minute < 60 && total <= MINUTES_PER_DAY {
            Some(TimeOfDay(total))
        } else {
            None
        }
    }

    /// `minutes` after midnight, up to 1440 (24:00).
    pub const fn from_minutes(minutes: u32) -> Option<TimeOfDay> {
        if minutes <= MINUTES_PER_DAY {
            Some(TimeOfDay(minutes))
        } else {
            None
        }
    }

    /// Minutes after midnight, 0..=1440.
    pub fn minutes(self) -> u32 {
        self.0
    }

    /// The minute `time` falls in: seconds are dropped, so a clock showing 08:00 (08:00:59
    /// included) reads as 08:00.
    pub fn of(time: NaiveTime) -> TimeOfDay {
        TimeOfDay(time.hour() * 60 + time.minute())
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a time of day written HH:MM between 00:00 and 24:00")]
pub struct ParseTimeOfDayError(pub String);

impl FromStr for TimeOfDay {
    type Err = ParseTimeOfDayError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ParseTimeOfDayError(s.to_owned());
        let bytes = s.as_bytes();
        if bytes.len() != 5 || bytes[2] != b':' {
            return Err(err());
        }
        let digits = |range: std::ops::Range<usize>| {
            s.get(range)
                .filter(|d| d.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|d| d.parse::<u32>().ok())
        };
        let (Some(hour), Some(minute)) = (digits(0..2), digits(3..5)) else {
            return Err(err());
        };
        TimeOfDay::hm(hour, minute).ok_or_else(err)
    }
}

impl Serialize for TimeOfDay {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TimeOfDay {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_hh_mm() {
        let t: TimeOfDay = "08:30".parse().unwrap();
        assert_eq!(t.minutes(), 510);
        assert_eq!(t.to_string(), "08:30");
        assert_eq!("24:00".parse::<TimeOfDay>(), Ok(TimeOfDay::END_OF_DAY));
        for bad in [
            "8:30", "08:60", "24:01", "25:00", "0830", "08:30:00", "+8:30", "",
        ] {
            assert!(bad.parse::<TimeOfDay>().is_err(), "{bad}");
        }
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(json, "\"08:30\"");
        assert_eq!(serde_json::from_str::<TimeOfDay>(&json).unwrap(), t);
    }

    #[test]
    fn compares_to_the_minute() {
        let eight = TimeOfDay::hm(8, 0).unwrap();
        let at = |h, m, s| TimeOfDay::of(NaiveTime::from_hms_opt(h, m, s).unwrap());
        assert!(at(7, 59, 59) < eight);
        assert_eq!(at(8, 0, 0), eight);
        assert_eq!(at(8, 0, 59), eight);
    }
}
