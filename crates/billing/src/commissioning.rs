//! Commissioning commission (BIL-9) and the monthly multiplier (BIL-10).

use kefu_core::rules::{RuleSet, Tier, check_non_negative, check_tiers, tier_for};
use kefu_core::{BasisPoints, DomainError, LocationClass, Money};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

kefu_core::string_enum! {
    /// Who the job is for, as the rate table distinguishes it.
    #[derive(ToSchema)]
    pub enum RateClass {
        Local = "local",
        County = "county",
        Remote = "remote",
        /// Long-term partners outside the province.
        Partner = "partner",
    }
}

impl From<LocationClass> for RateClass {
    fn from(c: LocationClass) -> Self {
        match c {
            LocationClass::Local => RateClass::Local,
            LocationClass::County => RateClass::County,
            LocationClass::Remote => RateClass::Remote,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RateTier {
    /// The smallest job size (in controller points) this rate applies to.
    pub min_points: i64,
    pub fen_per_point: i64,
}

impl Tier for RateTier {
    fn lower_bound(&self) -> i64 {
        self.min_points
    }
}

/// BIL-9: commissioning commission per point, by location class and job size.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommissioningRates {
    pub local: Vec<RateTier>,
    pub county: Vec<RateTier>,
    pub remote: Vec<RateTier>,
    pub partner: Vec<RateTier>,
}

fn tiers(pairs: &[(i64, i64)]) -> Vec<RateTier> {
    pairs
        .iter()
        .map(|&(min_points, fen_per_point)| RateTier {
            min_points,
            fen_per_point,
        })
        .collect()
}

impl RuleSet for CommissioningRates {
    const KEY: &'static str = "commissioning-rates";
    const TITLE: &'static str = "BIL-9 commissioning commission per point by location and size";

    fn defaults() -> Self {
        // Sizes between two tiers take the lower tier's rate: local 391–509 pays the ≤ 390
        // rate, remote 3826–4079 the 510 rate.
        CommissioningRates {
            local: tiers(&[(0, 20), (510, 10)]),
            county: tiers(&[(0, 30)]),
            remote: tiers(&[(0, 60), (510, 45), (4080, 35)]),
            partner: tiers(&[(0, 10)]),
        }
    }

    fn validate(&self) -> Result<(), DomainError> {
        for (name, list) in [
            ("local", &self.local),
            ("county", &self.county),
            ("remote", &self.remote),
            ("partner", &self.partner),
        ] {
            check_tiers(name, list)?;
            for (i, t) in list.iter().enumerate() {
                check_non_negative(&format!("{name}[{i}].fen_per_point"), t.fen_per_point)?;
            }
        }
        Ok(())
    }
}

impl CommissioningRates {
    /// BIL-9: the rate per point for a job of `points` in `class`.
    pub fn rate(&self, class: RateClass, points: i64) -> Money {
        let list = match class {
            RateClass::Local => &self.local,
            RateClass::County => &self.county,
            RateClass::Remote => &self.remote,
            RateClass::Partner => &self.partner,
        };
        Money(tier_for(list, points).map_or(0, |t| t.fen_per_point))
    }

    /// BIL-9: the commission of one job, points × rate.
    pub fn commission(&self, class: RateClass, points: i64) -> Option<Money> {
        self.rate(class, points).times(points)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MultiplierTier {
    /// The smallest monthly total of assigned points this multiplier applies to.
    pub min_points: i64,
    pub multiplier_bp: i64,
}

impl Tier for MultiplierTier {
    fn lower_bound(&self) -> i64 {
        self.min_points
    }
}

/// BIL-10: the monthly multiplier on commissioning commission, and the base-salary cut below
/// the minimum workload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MonthlyMultiplier {
    pub tiers: Vec<MultiplierTier>,
    /// Below this many points in a month the engineer loses `base_salary_cut_fen`.
    pub minimum_points: i64,
    pub base_salary_cut_fen: i64,
}

impl RuleSet for MonthlyMultiplier {
    const KEY: &'static str = "commissioning-monthly-multiplier";
    const TITLE: &'static str =
        "BIL-10 monthly multiplier by assigned points, and the base-salary cut";

    fn defaults() -> Self {
        MonthlyMultiplier {
            tiers: [
                (0, 5_000),
                (2_000, 8_000),
                (3_000, 10_000),
                (4_000, 11_000),
                (5_000, 12_000),
                (7_000, 15_000),
            ]
            .into_iter()
            .map(|(min_points, multiplier_bp)| MultiplierTier {
                min_points,
                multiplier_bp,
            })
            .collect(),
            minimum_points: 510,
            base_salary_cut_fen: 30_000,
        }
    }

    fn validate(&self) -> Result<(), DomainError> {
        check_tiers("tiers", &self.tiers)?;
        for (i, t) in self.tiers.iter().enumerate() {
            check_non_negative(&format!("tiers[{i}].multiplier_bp"), t.multiplier_bp)?;
        }
        check_non_negative("minimum_points", self.minimum_points)?;
        check_non_negative("base_salary_cut_fen", self.base_salary_cut_fen)
    }
}

impl MonthlyMultiplier {
    /// BIL-10: the multiplier for a month in which `points` were assigned.
    pub fn multiplier(&self, points: i64) -> BasisPoints {
        BasisPoints(tier_for(&self.tiers, points).map_or(0, |t| t.multiplier_bp))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn bil_9_rates_by_class_and_size() {
        let r = CommissioningRates::defaults();
        assert!(r.validate().is_ok());
        let cases = [
            (RateClass::Local, 390, 20),
            (RateClass::Local, 391, 20),
            (RateClass::Local, 509, 20),
            (RateClass::Local, 510, 10),
            (RateClass::Remote, 390, 60),
            (RateClass::Remote, 510, 45),
            (RateClass::Remote, 3825, 45),
            (RateClass::Remote, 3826, 45),
            (RateClass::Remote, 4079, 45),
            (RateClass::Remote, 4080, 35),
            (RateClass::County, 5000, 30),
            (RateClass::Partner, 100, 10),
        ];
        for (class, points, fen) in cases {
            assert_eq!(r.rate(class, points), Money(fen), "{class:?} {points}");
        }
        // 127 points (a pure alarm controller, CON-8) locally: 127 × 0.20 = 25.40 yuan.
        assert_eq!(r.commission(RateClass::Local, 127), Some(Money(2_540)));
    }

    #[test]
    fn bil_10_multiplier_by_monthly_points() {
        let m = MonthlyMultiplier::defaults();
        let cases = [
            (0, 5_000),
            (1_999, 5_000),
            (2_000, 8_000),
            (3_999, 10_000),
            (4_000, 11_000),
            (6_999, 12_000),
            (7_000, 15_000),
        ];
        for (points, bp) in cases {
            assert_eq!(m.multiplier(points), BasisPoints(bp), "{points}");
        }
    }

    #[test]
    fn unsorted_tiers_are_refused_naming_the_field() {
        let mut r = CommissioningRates::defaults();
        r.remote.swap(1, 2);
        match r.validate() {
            Err(DomainError::Invalid(e)) => assert_eq!(e[0].field, "remote[2]"),
            other => panic!("{other:?}"),
        }
    }

    proptest! {
        #[test]
        fn multiplier_never_falls_as_points_rise(a in 0i64..20_000, b in 0i64..20_000) {
            let m = MonthlyMultiplier::defaults();
            let (lo, hi) = (a.min(b), a.max(b));
            prop_assert!(m.multiplier(lo) <= m.multiplier(hi));
        }

        #[test]
        fn every_size_has_a_rate(points in 0i64..1_000_000) {
            let r = CommissioningRates::defaults();
            for class in [RateClass::Local, RateClass::County, RateClass::Remote, RateClass::Partner] {
                prop_assert!(r.rate(class, points).fen() > 0);
            }
        }
    }
}
