//! BIL-12b: the repairing engineer's share of a repair fee.

use kefu_core::rules::RuleSet;
use kefu_core::{BasisPoints, DomainError, Money};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// BIL-12b: what is left of the repair fee above the floor price, less the tax difference, is
/// paid to the engineer with the salary (after the manager and the executive approve).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RepairLabourShare {
    /// The tax difference (差额税) as a share of the amount above the floor price. Default
    /// 13% (1300 bp), the VAT rate of repair services (修理修配劳务); 0–10000.
    pub tax_difference_bp: i64,
}

impl RuleSet for RepairLabourShare {
    const KEY: &'static str = "repair-labour-share";
    const TITLE: &'static str = "BIL-12b repair fee above floor price, less the tax difference";

    fn defaults() -> Self {
        RepairLabourShare {
            tax_difference_bp: 1_300,
        }
    }

    fn validate(&self) -> Result<(), DomainError> {
        if !(0..=10_000).contains(&self.tax_difference_bp) {
            return Err(DomainError::invalid(
                "tax_difference_bp",
                "range",
                "must be between 0 and 10000",
            ));
        }
        Ok(())
    }
}

/// One repair's share, every figure in fen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RepairShare {
    /// The fee above the floor price; 0 when the fee is at or below the floor.
    pub above_floor_fen: i64,
    pub tax_difference_fen: i64,
    /// Customer rebates, borne by the engineer (BIL-7).
    pub rebate_fen: i64,
    /// `above_floor − tax_difference − rebate`; negative when the rebate exceeds the share,
    /// and then a deduction from the engineer's pay.
    pub payable_fen: i64,
}

impl RepairLabourShare {
    /// BIL-12b: the share of a repair charged `fee` (without travel and lodging, which the
    /// floor price does not cover either) against `floor`, with the customer's `rebate`.
    /// The tax difference is rounded once, half away from zero. `None` only on overflow.
    pub fn share(&self, fee: Money, floor: Money, rebate: Money) -> Option<RepairShare> {
        let above_floor = fee.fen().checked_sub(floor.fen())?.max(0);
        let tax = Money(above_floor).apply_rate(BasisPoints(self.tax_difference_bp))?;
        let payable = above_floor
            .checked_sub(tax.fen())?
            .checked_sub(rebate.fen())?;
        Some(RepairShare {
            above_floor_fen: above_floor,
            tax_difference_fen: tax.fen(),
            rebate_fen: rebate.fen(),
            payable_fen: payable,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn bil_12b_the_share_above_floor_less_the_tax_difference() {
        let rule = RepairLabourShare::defaults();
        assert!(rule.validate().is_ok());
        // Fee 800 yuan, floor 500: 300 above, 13% tax difference 39, 261 paid.
        let s = rule.share(Money(80_000), Money(50_000), Money(0)).unwrap();
        assert_eq!(
            s,
            RepairShare {
                above_floor_fen: 30_000,
                tax_difference_fen: 3_900,
                rebate_fen: 0,
                payable_fen: 26_100,
            }
        );
        // A 50-yuan rebate is borne by the engineer.
        let s = rule
            .share(Money(80_000), Money(50_000), Money(5_000))
            .unwrap();
        assert_eq!(s.payable_fen, 21_100);
        // At or below the floor (a quote approved below it): nothing above, nothing paid.
        let s = rule.share(Money(45_000), Money(50_000), Money(0)).unwrap();
        assert_eq!((s.above_floor_fen, s.payable_fen), (0, 0));
        // Rounded once: 13% of 0.05 yuan is 0.65 fen, 1 fen.
        let s = rule.share(Money(50_005), Money(50_000), Money(0)).unwrap();
        assert_eq!((s.tax_difference_fen, s.payable_fen), (1, 4));
    }

    #[test]
    fn bil_12b_the_rate_is_configurable_and_checked() {
        let rule = RepairLabourShare {
            tax_difference_bp: 600,
        };
        let s = rule.share(Money(80_000), Money(50_000), Money(0)).unwrap();
        assert_eq!(s.payable_fen, 28_200);
        let bad = RepairLabourShare {
            tax_difference_bp: 10_001,
        };
        match bad.validate() {
            Err(DomainError::Invalid(e)) => assert_eq!(e[0].field, "tax_difference_bp"),
            other => panic!("{other:?}"),
        }
    }

    proptest! {
        #[test]
        fn bil_12b_the_parts_add_up_and_never_exceed_the_excess(
            fee in 0i64..100_000_000,
            floor in 0i64..100_000_000,
            rebate in 0i64..1_000_000,
            bp in 0i64..=10_000,
        ) {
            let rule = RepairLabourShare { tax_difference_bp: bp };
            let s = rule.share(Money(fee), Money(floor), Money(rebate)).unwrap();
            prop_assert_eq!(s.above_floor_fen, (fee - floor).max(0));
            prop_assert_eq!(
                s.payable_fen + s.tax_difference_fen + s.rebate_fen,
                s.above_floor_fen
            );
            prop_assert!(s.tax_difference_fen >= 0);
            prop_assert!(s.tax_difference_fen <= s.above_floor_fen);
        }
    }
}
