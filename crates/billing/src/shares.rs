//! How commissions are split and when they are paid (BIL-11, BIL-12, BIL-12a), and the
//! year-end bonuses (BIL-12c), as configurable tables.

use kefu_core::rules::{RuleSet, Tier, check_non_negative, check_tiers};
use kefu_core::{BasisPoints, DomainError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// BIL-11, BIL-12, BIL-12a: the shares of commissioning and maintenance commission.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommissionShares {
    /// BIL-11: paid the month after documents and callback are in.
    pub commissioning_first_part_bp: i64,
    /// BIL-11: held to year end, or to the month of acceptance.
    pub commissioning_held_part_bp: i64,
    /// BIL-12: the clerk's share of the engineers' monthly commissioning commission.
    pub clerk_share_bp: i64,
    /// BIL-12a: maintenance commission on the fees received, net of rebates.
    pub maintenance_total_bp: i64,
    /// BIL-12a: the signer's part, paid when the full payment arrives.
    pub maintenance_signer_bp: i64,
    /// BIL-12a: the executors' part, paid after the cycle with every planned test done.
    pub maintenance_executor_bp: i64,
}

impl RuleSet for CommissionShares {
    const KEY: &'static str = "commission-shares";
    const TITLE: &'static str = "BIL-11, BIL-12, BIL-12a commission splits and shares";

    fn defaults() -> Self {
        CommissionShares {
            commissioning_first_part_bp: 8_000,
            commissioning_held_part_bp: 2_000,
            clerk_share_bp: 500,
            maintenance_total_bp: 2_500,
            maintenance_signer_bp: 1_500,
            maintenance_executor_bp: 1_000,
        }
    }

    fn validate(&self) -> Result<(), DomainError> {
        for (field, v) in [
            (
                "commissioning_first_part_bp",
                self.commissioning_first_part_bp,
            ),
            (
                "commissioning_held_part_bp",
                self.commissioning_held_part_bp,
            ),
            ("clerk_share_bp", self.clerk_share_bp),
            ("maintenance_total_bp", self.maintenance_total_bp),
            ("maintenance_signer_bp", self.maintenance_signer_bp),
            ("maintenance_executor_bp", self.maintenance_executor_bp),
        ] {
            check_non_negative(field, v)?;
        }
        if self.commissioning_first_part_bp + self.commissioning_held_part_bp != 10_000 {
            return Err(DomainError::invalid(
                "commissioning_held_part_bp",
                "range",
                "the two parts of a commission must add up to 10000 bp",
            ));
        }
        if self.maintenance_signer_bp + self.maintenance_executor_bp != self.maintenance_total_bp {
            return Err(DomainError::invalid(
                "maintenance_executor_bp",
                "range",
                "signer and executor parts must add up to maintenance_total_bp",
            ));
        }
        Ok(())
    }
}

impl CommissionShares {
    pub fn first_part(&self) -> BasisPoints {
        BasisPoints(self.commissioning_first_part_bp)
    }

    pub fn clerk_share(&self) -> BasisPoints {
        BasisPoints(self.clerk_share_bp)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AmountTier {
    pub min: i64,
    pub bonus_fen: i64,
}

impl Tier for AmountTier {
    fn lower_bound(&self) -> i64 {
        self.min
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BonusRateTier {
    pub min: i64,
    pub rate_bp: i64,
}

impl Tier for BonusRateTier {
    fn lower_bound(&self) -> i64 {
        self.min
    }
}

/// BIL-12c: year-end bonuses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct YearEndBonuses {
    /// By commissioning points in the year.
    pub points: Vec<AmountTier>,
    /// Approved feedback forms in the year needed for `forms_bonus_fen`.
    pub forms_needed: i64,
    pub forms_bonus_fen: i64,
    /// New maintenance revenue (net, in fen): a share of it.
    pub maintenance_revenue: Vec<BonusRateTier>,
    /// New maintenance customers: the same shares by count.
    pub maintenance_customers: Vec<BonusRateTier>,
    /// Per confirmed product defect report.
    pub defect_report_fen: i64,
}

impl RuleSet for YearEndBonuses {
    const KEY: &'static str = "year-end-bonuses";
    const TITLE: &'static str = "BIL-12c year-end bonuses";

    fn defaults() -> Self {
        let amount = |min, yuan: i64| AmountTier {
            min,
            bonus_fen: yuan * 100,
        };
        let rate = |min, rate_bp| BonusRateTier { min, rate_bp };
        YearEndBonuses {
            points: vec![amount(0, 0), amount(30_000, 500), amount(50_000, 1_000)],
            forms_needed: 200,
            forms_bonus_fen: 50_000,
            maintenance_revenue: vec![rate(0, 0), rate(5_000_000, 200), rate(10_000_000, 500)],
            maintenance_customers: vec![rate(0, 0), rate(5, 200), rate(10, 500)],
            defect_report_fen: 5_000,
        }
    }

    fn validate(&self) -> Result<(), DomainError> {
        check_tiers("points", &self.points)?;
        check_tiers("maintenance_revenue", &self.maintenance_revenue)?;
        check_tiers("maintenance_customers", &self.maintenance_customers)?;
        check_non_negative("forms_needed", self.forms_needed)?;
        check_non_negative("forms_bonus_fen", self.forms_bonus_fen)?;
        check_non_negative("defect_report_fen", self.defect_report_fen)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kefu_core::Money;
    use kefu_core::rules::tier_for;

    #[test]
    fn bil_11_12_12a_defaults_add_up() {
        let s = CommissionShares::defaults();
        assert!(s.validate().is_ok());
        // BIL-12: the clerk's 5% of 10 000.00 yuan of engineers' commission.
        assert_eq!(
            Money(1_000_000).apply_rate(s.clerk_share()),
            Some(Money(50_000))
        );
        assert_eq!(
            Money(1_000_000).apply_rate(s.first_part()),
            Some(Money(800_000))
        );
        let mut bad = s;
        bad.maintenance_signer_bp = 2_000;
        assert!(bad.validate().is_err());
    }

    #[test]
    fn bil_12c_tiers() {
        let y = YearEndBonuses::defaults();
        assert!(y.validate().is_ok());
        assert_eq!(tier_for(&y.points, 29_999).unwrap().bonus_fen, 0);
        assert_eq!(tier_for(&y.points, 30_000).unwrap().bonus_fen, 50_000);
        assert_eq!(tier_for(&y.points, 50_000).unwrap().bonus_fen, 100_000);
        assert_eq!(
            tier_for(&y.maintenance_revenue, 9_999_999).unwrap().rate_bp,
            200
        );
        assert_eq!(tier_for(&y.maintenance_customers, 10).unwrap().rate_bp, 500);
    }
}
