//! The configurable deadlines and thresholds of §2.

use chrono::{Months, NaiveDate};
use kefu_core::DomainError;
use kefu_core::rules::{RuleSet, check_non_negative};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContractRules {
    /// CON-2: payment is due this many days after signing.
    pub payment_due_days: i64,
    /// CON-3: the expiry reminder is created this many months before the end.
    pub expiry_reminder_months: i64,
    /// CON-6: full device, linkage and sprinkler tests within this many working days of signing.
    pub full_test_working_days: i64,
    /// CON-6: the monthly test plan within this many further working days.
    pub test_plan_working_days: i64,
    /// CON-6: the manager inspects each maintained customer once every this many months.
    pub manager_inspection_months: i64,
    /// CON-7: commissioning documents are due this many days after the job ends.
    pub commissioning_documents_days: i64,
    /// CON-7: jobs over this many points get the manager's re-check call the next day.
    pub recheck_call_over_points: i64,
    /// CON-8: a pure alarm controller counts as this many points whatever its size.
    pub pure_alarm_controller_points: i64,
    /// CON-9: the same fault within this many months of a repair is redone free.
    pub repair_warranty_months: i64,
}

impl RuleSet for ContractRules {
    const KEY: &'static str = "contract-deadlines";
    const TITLE: &'static str = "CON-2, CON-3, CON-6, CON-7, CON-8, CON-9 deadlines and thresholds";

    fn defaults() -> Self {
        ContractRules {
            payment_due_days: 3,
            expiry_reminder_months: 1,
            full_test_working_days: 10,
            test_plan_working_days: 5,
            manager_inspection_months: 3,
            commissioning_documents_days: 3,
            recheck_call_over_points: 1_000,
            pure_alarm_controller_points: 127,
            repair_warranty_months: 3,
        }
    }

    fn validate(&self) -> Result<(), DomainError> {
        for (field, value) in [
            ("payment_due_days", self.payment_due_days),
            ("expiry_reminder_months", self.expiry_reminder_months),
            ("full_test_working_days", self.full_test_working_days),
            ("test_plan_working_days", self.test_plan_working_days),
            ("manager_inspection_months", self.manager_inspection_months),
            (
                "commissioning_documents_days",
                self.commissioning_documents_days,
            ),
            ("recheck_call_over_points", self.recheck_call_over_points),
            (
                "pure_alarm_controller_points",
                self.pure_alarm_controller_points,
            ),
            ("repair_warranty_months", self.repair_warranty_months),
        ] {
            check_non_negative(field, value)?;
        }
        Ok(())
    }
}

impl ContractRules {
    /// CON-3: the day the expiry reminder is due — `expiry_reminder_months` before the
    /// contract runs out, i.e. before the day after its last day (2026-12-31 → 2026-12-01).
    pub fn expiry_reminder_on(&self, period_end: NaiveDate) -> NaiveDate {
        let months = u32::try_from(self.expiry_reminder_months).unwrap_or(0);
        period_end
            .succ_opt()
            .and_then(|after| after.checked_sub_months(Months::new(months)))
            .unwrap_or(period_end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_domain_md_and_valid() {
        let r = ContractRules::defaults();
        assert!(r.validate().is_ok());
        assert_eq!(r.pure_alarm_controller_points, 127, "CON-8");
        assert_eq!(r.payment_due_days, 3, "CON-2");
        assert_eq!(
            r.expiry_reminder_on("2026-12-31".parse().unwrap()),
            "2026-12-01".parse::<NaiveDate>().unwrap(),
            "CON-3"
        );
        assert_eq!(
            r.expiry_reminder_on("2027-02-28".parse().unwrap()),
            "2027-02-01".parse::<NaiveDate>().unwrap(),
            "CON-3"
        );
        let mut bad = r;
        bad.payment_due_days = -1;
        assert!(bad.validate().is_err());
    }
}
