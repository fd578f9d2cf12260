//! CON-9 repair warranty: the same fault on the same device within the rule's months (3) after a
//! repair is redone free by the engineer who did that repair — no fee, no commission — unless a
//! product quality defect was recorded with the repair (the seeds: 维修后3个月内再次出现维修时同样
//! 问题，由实施维修的客服人员负责……产品质量问题除外).

use crate::deadlines::ContractRules;
use chrono::{Months, NaiveDate};
use utoipa::ToSchema;

kefu_core::string_enum! {
    #[derive(ToSchema)]
    pub enum WarrantyReason {
        /// The same fault within the window after the last repair: redone free by its engineer.
        WarrantyRedo = "warranty_redo",
        /// No earlier repair of this fault on this device is recorded.
        NoEarlierRepair = "no_earlier_repair",
        /// The last repair of this fault is older than the window.
        WindowPassed = "window_passed",
        /// The last repair recorded a product quality defect: the engineer owes nothing.
        ProductDefect = "product_defect",
    }
}

/// The last repair of the same fault on the same device, as recorded when its ticket was
/// resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastRepair {
    /// The company date the repair was finished (its ticket resolved).
    pub repaired_on: NaiveDate,
    pub product_defect: bool,
}

/// The answer: a free redo or not, why, and until when the last repair's warranty runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judgement {
    pub free_redo: bool,
    pub reason: WarrantyReason,
    pub warranty_until: Option<NaiveDate>,
}

/// CON-9: the last day a repair on `repaired_on` covers: the rule's months later, inclusive
/// (2026-03-02 → 2026-06-02).
pub fn warranty_until(rules: &ContractRules, repaired_on: NaiveDate) -> NaiveDate {
    let months = u32::try_from(rules.repair_warranty_months).unwrap_or(0);
    repaired_on
        .checked_add_months(Months::new(months))
        .unwrap_or(repaired_on)
}

/// CON-9: whether a new repair on `on` of the fault `last` was a repair of is a free redo.
pub fn judge(rules: &ContractRules, last: Option<&LastRepair>, on: NaiveDate) -> Judgement {
    let Some(last) = last else {
        return Judgement {
            free_redo: false,
            reason: WarrantyReason::NoEarlierRepair,
            warranty_until: None,
        };
    };
    let until = warranty_until(rules, last.repaired_on);
    let reason = if on > until {
        WarrantyReason::WindowPassed
    } else if last.product_defect {
        WarrantyReason::ProductDefect
    } else {
        WarrantyReason::WarrantyRedo
    };
    Judgement {
        free_redo: reason == WarrantyReason::WarrantyRedo,
        reason,
        warranty_until: Some(until),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kefu_core::rules::RuleSet;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn con_9_the_same_fault_89_days_later_is_free_93_days_later_is_not() {
        let r = ContractRules::defaults();
        let last = LastRepair {
            repaired_on: d("2026-03-02"),
            product_defect: false,
        };
        let at_89 = judge(&r, Some(&last), d("2026-05-30"));
        assert!(at_89.free_redo);
        assert_eq!(at_89.warranty_until, Some(d("2026-06-02")));
        let at_93 = judge(&r, Some(&last), d("2026-06-03"));
        assert_eq!(
            (at_93.free_redo, at_93.reason),
            (false, WarrantyReason::WindowPassed)
        );
        assert_eq!(
            judge(&r, None, d("2026-05-30")).reason,
            WarrantyReason::NoEarlierRepair
        );
        let defect = LastRepair {
            product_defect: true,
            ..last
        };
        let j = judge(&r, Some(&defect), d("2026-05-30"));
        assert_eq!(
            (j.free_redo, j.reason),
            (false, WarrantyReason::ProductDefect)
        );
    }
}
