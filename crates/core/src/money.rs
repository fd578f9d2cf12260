use serde::{Deserialize, Serialize};

/// An amount of CNY in fen (1 yuan = 100 fen). Integers only: money is never a float.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Money(pub i64);

/// A rate in basis points (1% = 100 bp).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct BasisPoints(pub i64);

impl Money {
    pub fn fen(self) -> i64 {
        self.0
    }

    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }

    /// The amount times a rate, rounded half away from zero to the fen once (domain.md: each
    /// line item is rounded at its end, never in between).
    pub fn apply_rate(self, rate: BasisPoints) -> Option<Money> {
        let product = i128::from(self.0) * i128::from(rate.0);
        let rounded = div_round_half_away(product, 10_000);
        i64::try_from(rounded).ok().map(Money)
    }

    /// `quantity` units at `unit_price` each, e.g. device points times a per-point rate.
    pub fn times(self, quantity: i64) -> Option<Money> {
        self.0.checked_mul(quantity).map(Money)
    }
}

fn div_round_half_away(numerator: i128, denominator: i128) -> i128 {
    let quotient = numerator / denominator;
    let remainder = numerator % denominator;
    if remainder.abs() * 2 >= denominator.abs() {
        quotient + numerator.signum() * denominator.signum()
    } else {
        quotient
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rounds_half_away_from_zero_once() {
        // 0.5 fen rounds up, -0.5 fen rounds down.
        assert_eq!(Money(1).apply_rate(BasisPoints(5_000)), Some(Money(1)));
        assert_eq!(Money(-1).apply_rate(BasisPoints(5_000)), Some(Money(-1)));
        assert_eq!(Money(3).apply_rate(BasisPoints(1_000)), Some(Money(0)));
        assert_eq!(
            Money(12_345).apply_rate(BasisPoints(8_000)),
            Some(Money(9_876))
        );
    }

    proptest! {
        #[test]
        fn a_full_rate_is_the_identity(fen in -1_000_000_000i64..1_000_000_000) {
            prop_assert_eq!(Money(fen).apply_rate(BasisPoints(10_000)), Some(Money(fen)));
        }

        #[test]
        fn rounding_error_is_at_most_half_a_fen(fen in -1_000_000_000i64..1_000_000_000, bp in 0i64..20_000) {
            let exact = i128::from(fen) * i128::from(bp);
            let got = i128::from(Money(fen).apply_rate(BasisPoints(bp)).unwrap().0) * 10_000;
            prop_assert!((got - exact).abs() <= 5_000);
        }
    }
}
