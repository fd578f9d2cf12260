//! HR-A2: a month of clock-ins summed up: late days, half days, absences, the month's
//! lateness fine and whether it makes the run of months that raises a dismissal flag.

use crate::attendance::{Attendance, AttendanceTimes};
use crate::fines::LatenessFines;
use chrono::{NaiveDate, NaiveTime};
use serde::Serialize;
use utoipa::ToSchema;

/// One working day of the month as the attendance records show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkingDay {
    pub date: NaiveDate,
    /// The first clock-in, local time.
    pub clock_in: Option<NaiveTime>,
    /// A direct-to-site start approved by the manager, or lateness excused by the executive
    /// (HR-A1): the day counts as on time whatever the clock says.
    pub excused: bool,
    /// An approved leave day (HR-A3): neither late nor absent.
    pub on_leave: bool,
}

/// What one working day counted as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct DayCount {
    /// The working day.
    pub date: NaiveDate,
    pub attendance: Attendance,
    /// A late start excused (HR-A1): counted on time.
    pub excused: bool,
    /// On approved leave that day (HR-A3).
    pub on_leave: bool,
}

/// HR-A2's reading of a month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct MonthSummary {
    /// The working days counted (work calendar, CAL-1).
    pub working_days: i64,
    /// Late days, half days included (HR-A2 counts both).
    pub late_days: i64,
    /// Of the late days, those paid as half days (HR-A1).
    pub half_days: i64,
    /// Working days counted as absent.
    pub absent_days: i64,
    /// Working days on approved leave.
    pub leave_days: i64,
    /// The month's lateness fine in fen.
    pub fine_fen: i64,
    /// More late days than the fine table's upper tier: a month that counts towards the
    /// dismissal flag.
    pub beyond_limit: bool,
    /// This month and the ones before it beyond the limit make `dismissal_after_months` in a
    /// row: a recommendation for a person to act on, never an automatic act.
    pub dismissal_flag: bool,
    /// Each working day counted, in date order.
    pub days: Vec<DayCount>,
}

impl LatenessFines {
    /// HR-A2: the fine for a month with `late_days` late days, for an employee whose monthly
    /// base salary is `base_salary_fen`.
    pub fn fine_for(&self, late_days: i64, base_salary_fen: i64) -> i64 {
        if late_days <= 0 {
            0
        } else if late_days <= self.small_up_to_days {
            late_days * self.small_fen
        } else if late_days <= self.large_up_to_days {
            late_days * self.large_fen
        } else {
            base_salary_fen * self.beyond_base_salary_bp / 10_000
        }
    }

    pub fn beyond_limit(&self, late_days: i64) -> bool {
        late_days > self.large_up_to_days
    }
}

/// HR-A1 and HR-A2 over one month's working days. `earlier_months_beyond` is how many months
/// immediately before this one were beyond the limit (0 when the last one was not).
pub fn summarise(
    times: &AttendanceTimes,
    fines: &LatenessFines,
    days: &[WorkingDay],
    base_salary_fen: i64,
    earlier_months_beyond: i64,
) -> MonthSummary {
    let counted: Vec<DayCount> = days
        .iter()
        .map(|d| DayCount {
            date: d.date,
            attendance: if d.excused || d.on_leave {
                Attendance::OnTime
            } else {
                times.classify(d.clock_in)
            },
            excused: d.excused,
            on_leave: d.on_leave,
        })
        .collect();
    let count = |a: Attendance| counted.iter().filter(|d| d.attendance == a).count() as i64;
    let half_days = count(Attendance::LateHalfDay);
    let late_days = count(Attendance::Late) + half_days;
    let beyond_limit = fines.beyond_limit(late_days);
    let run = if beyond_limit {
        earlier_months_beyond + 1
    } else {
        0
    };
    MonthSummary {
        working_days: days.len() as i64,
        late_days,
        half_days,
        absent_days: count(Attendance::Absent),
        leave_days: days.iter().filter(|d| d.on_leave).count() as i64,
        fine_fen: fines.fine_for(late_days, base_salary_fen),
        beyond_limit,
        dismissal_flag: fines.dismissal_after_months > 0 && run >= fines.dismissal_after_months,
        days: counted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kefu_core::rules::RuleSet;

    fn month(late: usize, clock_in: &str) -> Vec<WorkingDay> {
        (1..=20)
            .map(|d| WorkingDay {
                date: NaiveDate::from_ymd_opt(2026, 3, d).unwrap(),
                clock_in: Some(
                    NaiveTime::parse_from_str(
                        if (d as usize) <= late {
                            clock_in
                        } else {
                            "07:55"
                        },
                        "%H:%M",
                    )
                    .unwrap(),
                ),
                excused: false,
                on_leave: false,
            })
            .collect()
    }

    fn summary(late: usize, earlier: i64) -> MonthSummary {
        summarise(
            &AttendanceTimes::defaults(),
            &LatenessFines::defaults(),
            &month(late, "08:10"),
            650_000,
            earlier,
        )
    }

    #[test]
    fn hr_a2_three_late_days_fine_15_yuan_five_fine_100_eight_half_the_base_salary() {
        assert_eq!(summary(3, 0).fine_fen, 1_500);
        assert_eq!(summary(5, 0).fine_fen, 10_000);
        assert_eq!(summary(7, 0).fine_fen, 14_000);
        assert_eq!(summary(8, 0).fine_fen, 325_000);
        assert_eq!(summary(0, 0).fine_fen, 0);
    }

    #[test]
    fn hr_a2_two_consecutive_months_beyond_seven_raise_the_dismissal_flag() {
        let first = summary(8, 0);
        assert!(first.beyond_limit && !first.dismissal_flag);
        assert!(summary(8, 1).dismissal_flag);
        // A month back within the limit ends the run.
        let within = summary(7, 1);
        assert!(!within.beyond_limit && !within.dismissal_flag);
    }

    #[test]
    fn hr_a1_a_clock_in_at_09_10_is_late_and_a_half_day_and_excuses_and_leave_count_on_time() {
        let mut days = month(2, "09:10");
        days[1].excused = true;
        days[2].clock_in = None;
        days[3].clock_in = None;
        days[3].on_leave = true;
        let s = summarise(
            &AttendanceTimes::defaults(),
            &LatenessFines::defaults(),
            &days,
            650_000,
            0,
        );
        assert_eq!(s.days[0].attendance, Attendance::LateHalfDay);
        assert_eq!(s.days[1].attendance, Attendance::OnTime);
        assert_eq!(
            (s.late_days, s.half_days, s.absent_days, s.leave_days),
            (1, 1, 1, 1)
        );
        assert_eq!(s.fine_fen, 500);
        assert_eq!(s.working_days, 20);
    }
}
