//! Which clock the server runs on: the system clock, or — for tests that need to stand on a
//! given date and move time forward (SLA deadlines, working days) — a fixed instant from
//! `KEFU_CLOCK_FIXED`, or the instant written in the file `KEFU_CLOCK_FILE` (read on every
//! call, so a test advances time by rewriting the file). Both are refused in production.

use chrono::{DateTime, NaiveDate, NaiveDateTime, SubsecRound, Utc};
use chrono_tz::Tz;
use kefu_core::{Clock, FixedClock, SystemClock};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone, PartialEq)]
pub enum ClockSource {
    System,
    Fixed(DateTime<Utc>),
    File(PathBuf),
}

/// Parses an RFC 3339 instant as a clock reading (microsecond precision, like the system
/// clock).
pub fn parse_instant(raw: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(raw.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc).trunc_subsecs(6))
}

/// Reads the instant from a file on every call. A test rewrites the file to move time, and a
/// read can land between the truncation and the write: then the last instant read stands
/// (falling back to the system clock there would jump months ahead and fire every deadline).
/// Only a file never read falls back to the system clock, and says so in the log.
struct FileClock {
    path: PathBuf,
    last: Mutex<Option<DateTime<Utc>>>,
}

impl Clock for FileClock {
    fn now(&self) -> DateTime<Utc> {
        let read = std::fs::read_to_string(&self.path)
            .ok()
            .and_then(|s| parse_instant(&s));
        let mut last = self
            .last
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match read.or(*last) {
            Some(t) => {
                *last = Some(t);
                t
            }
            None => {
                tracing::warn!(path = %self.path.display(), "KEFU_CLOCK_FILE unreadable; using the system clock");
                SystemClock.now()
            }
        }
    }
}

pub fn build(source: &ClockSource) -> Arc<dyn Clock> {
    match source {
        ClockSource::System => Arc::new(SystemClock),
        ClockSource::Fixed(t) => Arc::new(FixedClock(*t)),
        ClockSource::File(path) => Arc::new(FileClock {
            path: path.clone(),
            last: Mutex::new(None),
        }),
    }
}

/// A UTC instant (as stored) in the company's local time.
pub fn local(tz: Tz, t: NaiveDateTime) -> NaiveDateTime {
    t.and_utc().with_timezone(&tz).naive_local()
}

/// A local time of the company as a UTC instant (as stored); a time skipped by a clock
/// change is taken at the offset before it.
pub fn utc_of(tz: Tz, t: NaiveDateTime) -> NaiveDateTime {
    use chrono::offset::LocalResult;
    match t.and_local_timezone(tz) {
        LocalResult::Single(x) | LocalResult::Ambiguous(x, _) => x.naive_utc(),
        LocalResult::None => t - (t.and_utc().with_timezone(&tz).naive_local() - t),
    }
}

/// The UTC instant (as stored) a company day starts.
pub fn day_start(tz: Tz, day: NaiveDate) -> NaiveDateTime {
    utc_of(tz, day.and_time(chrono::NaiveTime::MIN))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_clock_follows_the_file() {
        let path = std::env::temp_dir().join(format!("kefu-clock-{}", uuid::Uuid::new_v4()));
        std::fs::write(&path, "2026-02-13T17:30:00+08:00").unwrap();
        let clock = build(&ClockSource::File(path.clone()));
        assert_eq!(clock.now().to_rfc3339(), "2026-02-13T09:30:00+00:00");
        std::fs::write(&path, "2026-02-14T08:00:00+08:00\n").unwrap();
        assert_eq!(clock.now().to_rfc3339(), "2026-02-14T00:00:00+00:00");
        // Read between a rewrite's truncation and its write: time stays where it was.
        std::fs::write(&path, "").unwrap();
        assert_eq!(clock.now().to_rfc3339(), "2026-02-14T00:00:00+00:00");
        std::fs::remove_file(&path).unwrap();
        assert_eq!(clock.now().to_rfc3339(), "2026-02-14T00:00:00+00:00");
    }
}
