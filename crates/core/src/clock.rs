use chrono::{DateTime, SubsecRound, Utc};

/// The source of "now". Domain code never reads the clock itself; services pass the instant in.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// Wall-clock time, truncated to microseconds so that an instant survives a round trip
/// through either database unchanged (PostgreSQL keeps microseconds).
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now().trunc_subsecs(6)
    }
}

/// A clock that always answers the same instant, for tests and for replaying a computation.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Timelike;

    #[test]
    fn system_clock_keeps_at_most_microseconds() {
        let now = SystemClock.now();
        assert_eq!(now.nanosecond() % 1_000, 0);
    }
}
