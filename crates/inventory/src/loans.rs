//! INV-2 loan policy.

use kefu_core::DomainError;
use kefu_core::rules::{RuleSet, check_non_negative};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoanPolicy {
    /// INV-2: a loaned part is due back this many days after it was issued.
    pub return_due_days: i64,
}

impl RuleSet for LoanPolicy {
    const KEY: &'static str = "spare-part-loans";
    const TITLE: &'static str = "INV-2 spare-part loan return deadline";

    fn defaults() -> Self {
        LoanPolicy { return_due_days: 2 }
    }

    fn validate(&self) -> Result<(), DomainError> {
        check_non_negative("return_due_days", self.return_due_days)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inv_2_defaults() {
        assert_eq!(LoanPolicy::defaults().return_due_days, 2);
        assert!(LoanPolicy::defaults().validate().is_ok());
    }
}
