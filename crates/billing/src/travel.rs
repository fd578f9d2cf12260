//! BIL-14 travel standards by grade and city tier, and BIL-15 travel-day counting.

use chrono::NaiveDateTime;
use kefu_core::rules::{RuleSet, check_non_negative};
use kefu_core::{BasisPoints, DomainError, Money, TimeOfDay};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

kefu_core::string_enum! {
    #[derive(ToSchema)]
    pub enum CityTier {
        First = "first",
        Second = "second",
        Third = "third",
    }
}

kefu_core::string_enum! {
    #[derive(ToSchema)]
    pub enum TransportClass {
        /// 火车硬卧
        TrainHardSleeper = "train_hard_sleeper",
        /// 火车软卧
        TrainSoftSleeper = "train_soft_sleeper",
        /// 高铁/动车二等座
        TrainSecondClass = "train_second_class",
        /// 高铁/动车一等座
        TrainFirstClass = "train_first_class",
        /// 长途汽车
        Coach = "coach",
        /// 飞机经济舱
        PlaneEconomy = "plane_economy",
    }
}

/// Where a trip goes: a city of a tier, or a county (BIL-14: at the second-tier standard by
/// default, `county_city_tier`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Destination {
    City(CityTier),
    County,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TravelStandard {
    /// The employee grade, e.g. `staff` (一般员工).
    pub grade: String,
    pub city_tier: CityTier,
    /// The class of travel reimbursed.
    pub transport: TransportClass,
    /// Lodging is reimbursed on invoice up to this per day (BIL-15).
    pub lodging_cap_fen_per_day: i64,
    /// Meals allowance per travel day, in fen (BIL-14).
    pub meals_fen_per_day: i64,
    /// Local transport at the destination; `null`: as spent (实报实销).
    pub local_transport_cap_fen_per_day: Option<i64>,
}

/// BIL-14 and BIL-15: the travel standards and the rules that count travel days.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TravelStandards {
    pub standards: Vec<TravelStandard>,
    /// County trips are reimbursed at this city tier's standard.
    pub county_city_tier: CityTier,
    /// BIL-15: a departure before this time counts its day as 1, from it on as 0.5; a return
    /// before it counts 0.5, from it on 1.
    #[schema(value_type = String, example = "12:00")]
    pub day_cutoff: TimeOfDay,
}

impl RuleSet for TravelStandards {
    const KEY: &'static str = "travel-standards";
    const TITLE: &'static str =
        "BIL-14 travel standards by grade and city tier, BIL-15 travel-day cut-off";

    /// Seed 000 gives one standard, for ordinary staff (一般员工): hard sleeper, lodging 120
    /// yuan a day, meals 30 yuan a day, local transport as spent. It is seeded for every city
    /// tier; admins differentiate tiers and add grades.
    fn defaults() -> Self {
        let staff = |city_tier| TravelStandard {
            grade: "staff".to_owned(),
            city_tier,
            transport: TransportClass::TrainHardSleeper,
            lodging_cap_fen_per_day: 12_000,
            meals_fen_per_day: 3_000,
            local_transport_cap_fen_per_day: None,
        };
        TravelStandards {
            standards: vec![
                staff(CityTier::First),
                staff(CityTier::Second),
                staff(CityTier::Third),
            ],
            county_city_tier: CityTier::Second,
            day_cutoff: TimeOfDay::hm(12, 0).unwrap_or(TimeOfDay::MIDNIGHT),
        }
    }

    fn validate(&self) -> Result<(), DomainError> {
        if self.standards.is_empty() {
            return Err(DomainError::invalid(
                "standards",
                "length",
                "needs at least one standard",
            ));
        }
        for (i, s) in self.standards.iter().enumerate() {
            let at = format!("standards[{i}]");
            let grade_ok = (1..=64).contains(&s.grade.len())
                && s.grade
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !grade_ok {
                return Err(DomainError::invalid(
                    format!("{at}.grade"),
                    "format",
                    "1 to 64 lower-case letters, digits or underscores",
                ));
            }
            if self.standards[..i]
                .iter()
                .any(|o| o.grade == s.grade && o.city_tier == s.city_tier)
            {
                return Err(DomainError::invalid(
                    format!("{at}.city_tier"),
                    "duplicate",
                    "one standard per grade and city tier",
                ));
            }
            check_non_negative(
                &format!("{at}.lodging_cap_fen_per_day"),
                s.lodging_cap_fen_per_day,
            )?;
            check_non_negative(&format!("{at}.meals_fen_per_day"), s.meals_fen_per_day)?;
            if let Some(cap) = s.local_transport_cap_fen_per_day {
                check_non_negative(&format!("{at}.local_transport_cap_fen_per_day"), cap)?;
            }
        }
        // Every grade needs the standard county trips are reimbursed at.
        if let Some(s) = self
            .standards
            .iter()
            .find(|s| self.find(&s.grade, self.county_city_tier).is_none())
        {
            return Err(DomainError::invalid(
                "county_city_tier",
                "missing",
                format!(
                    "grade {} has no standard for the county trips' city tier",
                    s.grade
                ),
            ));
        }
        Ok(())
    }
}

impl TravelStandards {
    fn find(&self, grade: &str, tier: CityTier) -> Option<&TravelStandard> {
        self.standards
            .iter()
            .find(|s| s.grade == grade && s.city_tier == tier)
    }

    /// BIL-14: the standard of a trip by an employee of `grade` to `destination`.
    pub fn standard(&self, grade: &str, destination: Destination) -> Option<&TravelStandard> {
        let tier = match destination {
            Destination::City(tier) => tier,
            Destination::County => self.county_city_tier,
        };
        self.find(grade, tier)
    }

    /// BIL-15: the travel days from departure to return (local times), in half days: the
    /// departure day counts 1 before the cut-off and 0.5 from it on, the return day 0.5
    /// before the cut-off and 1 from it on, every day in between 1.
    ///
    /// A same-day trip counts 1 when it spans the cut-off (leaves before it, returns from it
    /// on) and 0.5 when it lies within one half of the day: never more than one day.
    /// `None` when the return is before the departure.
    pub fn travel_half_days(&self, departure: NaiveDateTime, back: NaiveDateTime) -> Option<i64> {
        if back < departure {
            return None;
        }
        let before_cutoff = |t: NaiveDateTime| TimeOfDay::of(t.time()) < self.day_cutoff;
        let (leaves_early, returns_early) = (before_cutoff(departure), before_cutoff(back));
        let days_apart = (back.date() - departure.date()).num_days();
        if days_apart == 0 {
            return Some(if leaves_early && !returns_early { 2 } else { 1 });
        }
        let first = if leaves_early { 2 } else { 1 };
        let last = if returns_early { 1 } else { 2 };
        Some(first + 2 * (days_apart - 1) + last)
    }
}

/// A per-day amount for `half_days` half days (BIL-15), rounded once, half away from zero.
pub fn per_day_amount(per_day: Money, half_days: i64) -> Option<Money> {
    per_day.apply_rate(BasisPoints(half_days.checked_mul(5_000)?))
}

/// BIL-15: lodging is reimbursed on invoice up to the standard for the nights stayed; the
/// excess is the employee's, and savings are not paid out.
pub fn lodging_reimbursed(invoiced: Money, nights: i64, cap_per_day: Money) -> Option<Money> {
    let cap = cap_per_day.times(nights.max(0))?;
    Some(invoiced.min(cap).max(Money(0)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;
    use proptest::prelude::*;

    fn dt(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn bil_14_the_staff_standard_and_county_trips() {
        let s = TravelStandards::defaults();
        assert!(s.validate().is_ok());
        let staff = s
            .standard("staff", Destination::City(CityTier::First))
            .unwrap();
        assert_eq!(staff.transport, TransportClass::TrainHardSleeper);
        assert_eq!(
            (staff.lodging_cap_fen_per_day, staff.meals_fen_per_day),
            (12_000, 3_000)
        );
        assert_eq!(staff.local_transport_cap_fen_per_day, None);
        let county = s.standard("staff", Destination::County).unwrap();
        assert_eq!(county.city_tier, CityTier::Second);
        assert!(s.standard("director", Destination::County).is_none());
    }

    #[test]
    fn bil_15_departure_and_return_halves() {
        let s = TravelStandards::defaults();
        let days = |a, b| s.travel_half_days(dt(a), dt(b));
        // Leaves 09:00 on day 1, back 15:00 on day 3: 1 + 1 + 1 = 3 days.
        assert_eq!(days("2026-03-02 09:00", "2026-03-04 15:00"), Some(6));
        // Leaves 14:00, back 10:00 two days later: 0.5 + 1 + 0.5 = 2 days.
        assert_eq!(days("2026-03-02 14:00", "2026-03-04 10:00"), Some(4));
        // Exactly 12:00 is not before the cut-off.
        assert_eq!(days("2026-03-02 12:00", "2026-03-03 12:00"), Some(3));
        assert_eq!(days("2026-03-02 11:59", "2026-03-03 11:59"), Some(3));
        // Same day: 1 when it spans noon, else 0.5.
        assert_eq!(days("2026-03-02 08:00", "2026-03-02 18:00"), Some(2));
        assert_eq!(days("2026-03-02 08:00", "2026-03-02 11:00"), Some(1));
        assert_eq!(days("2026-03-02 13:00", "2026-03-02 18:00"), Some(1));
        assert_eq!(days("2026-03-02 13:00", "2026-03-02 12:00"), None);
        // Three days of meals at 30 yuan; 2.5 days = 75 yuan.
        assert_eq!(per_day_amount(Money(3_000), 6), Some(Money(9_000)));
        assert_eq!(per_day_amount(Money(3_000), 5), Some(Money(7_500)));
        assert_eq!(per_day_amount(Money(3_001), 1), Some(Money(1_501)));
    }

    #[test]
    fn bil_15_the_cut_off_is_configurable() {
        let s = TravelStandards {
            day_cutoff: "13:30".parse().unwrap(),
            ..TravelStandards::defaults()
        };
        assert_eq!(
            s.travel_half_days(dt("2026-03-02 13:00"), dt("2026-03-03 13:00")),
            Some(3)
        );
    }

    #[test]
    fn bil_15_lodging_up_to_the_standard_only() {
        let cap = Money(12_000);
        assert_eq!(
            lodging_reimbursed(Money(30_000), 2, cap),
            Some(Money(24_000))
        );
        assert_eq!(
            lodging_reimbursed(Money(20_000), 2, cap),
            Some(Money(20_000))
        );
        assert_eq!(lodging_reimbursed(Money(20_000), 0, cap), Some(Money(0)));
    }

    #[test]
    fn bil_14_bad_standards_name_the_field() {
        let field = |s: &TravelStandards| match s.validate() {
            Err(DomainError::Invalid(e)) => e[0].field.clone(),
            other => panic!("{other:?}"),
        };
        let mut s = TravelStandards::defaults();
        s.standards.push(s.standards[0].clone());
        assert_eq!(field(&s), "standards[3].city_tier");
        let mut s = TravelStandards::defaults();
        s.standards[1].meals_fen_per_day = -1;
        assert_eq!(field(&s), "standards[1].meals_fen_per_day");
        let mut s = TravelStandards::defaults();
        s.standards.remove(1);
        assert_eq!(field(&s), "county_city_tier");
        let mut s = TravelStandards::defaults();
        s.standards[0].grade = "Staff".to_owned();
        assert_eq!(field(&s), "standards[0].grade");
    }

    proptest! {
        #[test]
        fn bil_15_days_grow_with_the_trip_and_stay_within_the_calendar_days(
            start in 0i64..(365 * 24 * 60),
            length in 0i64..(30 * 24 * 60),
            more in 0i64..(3 * 24 * 60),
        ) {
            let s = TravelStandards::defaults();
            let departure = dt("2026-01-01 00:00") + Duration::minutes(start);
            let back = departure + Duration::minutes(length);
            let half_days = s.travel_half_days(departure, back).unwrap();
            let calendar_days = (back.date() - departure.date()).num_days() + 1;
            prop_assert!(half_days >= 1);
            prop_assert!(half_days <= 2 * calendar_days);
            let later = s.travel_half_days(departure, back + Duration::minutes(more)).unwrap();
            prop_assert!(later >= half_days);
        }
    }
}
