//! Configurable rule sets: the numbers of domain.md (rates, deadlines, fines, tiers) as typed
//! documents, each stored in the rule table under its key and changed by admins in versions
//! with an effective-from date. A computation for a day uses the version in force that day,
//! so a change from April on leaves March's figures as they were.

use crate::DomainError;
use chrono::NaiveDate;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A typed rule set. Domain crates define them next to the rules that read them.
pub trait RuleSet: Serialize + DeserializeOwned + Clone + PartialEq {
    /// Stable key in the rule table and the API, kebab-case.
    const KEY: &'static str;
    /// What the set governs, naming its rule ids.
    const TITLE: &'static str;
    /// The defaults of domain.md, seeded on first start.
    fn defaults() -> Self;
    /// Checks the set's own consistency (sorted tiers, positive amounts, ...).
    fn validate(&self) -> Result<(), DomainError>;
}

/// One version of a rule set, in force from `effective_from` until the next version.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleVersion<T> {
    pub effective_from: NaiveDate,
    pub value: T,
}

/// The version in force on `day`: the one with the latest `effective_from` not after `day`.
pub fn in_force<T>(versions: &[RuleVersion<T>], day: NaiveDate) -> Option<&RuleVersion<T>> {
    versions
        .iter()
        .filter(|v| v.effective_from <= day)
        .max_by_key(|v| v.effective_from)
}

/// A threshold tier: applies from `from` (inclusive) up to the next tier's `from`.
pub trait Tier {
    fn lower_bound(&self) -> i64;
}

/// The tier of the highest lower bound that `amount` reaches (BIL-9: a size between two tiers
/// takes the rate of the highest tier whose lower bound it reaches).
pub fn tier_for<T: Tier>(tiers: &[T], amount: i64) -> Option<&T> {
    tiers
        .iter()
        .filter(|t| t.lower_bound() <= amount)
        .max_by_key(|t| t.lower_bound())
}

/// Tiers must start at 0 and rise strictly, so that every amount falls in exactly one.
pub fn check_tiers<T: Tier>(field: &str, tiers: &[T]) -> Result<(), DomainError> {
    let Some(first) = tiers.first() else {
        return Err(DomainError::invalid(
            field,
            "length",
            "needs at least one tier",
        ));
    };
    if first.lower_bound() != 0 {
        return Err(DomainError::invalid(
            format!("{field}[0]"),
            "range",
            "the first tier must start at 0",
        ));
    }
    for (i, pair) in tiers.windows(2).enumerate() {
        if pair[1].lower_bound() <= pair[0].lower_bound() {
            return Err(DomainError::invalid(
                format!("{field}[{}]", i + 1),
                "range",
                "tiers must rise strictly",
            ));
        }
    }
    Ok(())
}

/// Refuses a negative amount (rates, fines, days).
pub fn check_non_negative(field: &str, value: i64) -> Result<(), DomainError> {
    if value < 0 {
        return Err(DomainError::invalid(field, "range", "must not be negative"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    struct T(i64);
    impl Tier for T {
        fn lower_bound(&self) -> i64 {
            self.0
        }
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_version_in_force_is_the_latest_not_after_the_day() {
        let versions = vec![
            RuleVersion {
                effective_from: d("2000-01-01"),
                value: 20,
            },
            RuleVersion {
                effective_from: d("2026-04-01"),
                value: 25,
            },
        ];
        assert_eq!(in_force(&versions, d("2026-03-31")).unwrap().value, 20);
        assert_eq!(in_force(&versions, d("2026-04-01")).unwrap().value, 25);
        assert!(in_force(&versions, d("1999-12-31")).is_none());
    }

    #[test]
    fn tiers_pick_the_highest_bound_reached() {
        let tiers = [T(0), T(510), T(4080)];
        assert_eq!(tier_for(&tiers, 0).unwrap().0, 0);
        assert_eq!(tier_for(&tiers, 509).unwrap().0, 0);
        assert_eq!(tier_for(&tiers, 510).unwrap().0, 510);
        assert_eq!(tier_for(&tiers, 4079).unwrap().0, 510);
        assert_eq!(tier_for(&tiers, 100_000).unwrap().0, 4080);
        assert!(check_tiers("t", &tiers).is_ok());
        assert!(check_tiers("t", &[T(1)]).is_err());
        assert!(check_tiers("t", &[T(0), T(0)]).is_err());
        assert!(check_tiers::<T>("t", &[]).is_err());
    }
}
