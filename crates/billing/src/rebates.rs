//! BIL-7 customer rebates (用户返款): money returned to a customer reduces the commissionable
//! amount of the record it was returned on and is borne by the engineer who earns from that
//! record (seed 002 §5.2 (5): 用户返款由维修人员承担). A rebate is recorded once and may be
//! cancelled once (a booking mistake); it is never edited, so the lines computed from it stay
//! explainable.

use kefu_core::DomainError;
use utoipa::ToSchema;

kefu_core::string_enum! {
    /// BIL-7: the record a rebate was returned on.
    #[derive(ToSchema)]
    pub enum RebateSource {
        /// A (maintenance) contract: reduces the BIL-12a commission; borne by the signer.
        Contract = "contract",
        /// A repair quote (a ticket's or an intake's repair): reduces the BIL-12b labour share;
        /// borne by the quote's engineer.
        RepairQuote = "repair_quote",
        /// A commissioning job: borne by the job's engineer.
        CommissioningJob = "commissioning_job",
    }
}

kefu_core::string_enum! {
    #[derive(ToSchema)]
    pub enum RebateStatus {
        /// Counts against the record's commission.
        Recorded = "recorded",
        /// Booked by mistake: counts no more.
        Cancelled = "cancelled",
    }
}

/// BIL-7: only a recorded rebate is cancelled (409 `BIL-7` otherwise).
pub fn check_cancel(status: RebateStatus) -> Result<(), DomainError> {
    match status {
        RebateStatus::Recorded => Ok(()),
        RebateStatus::Cancelled => Err(DomainError::State {
            rule: "BIL-7",
            message: "the rebate is cancelled already".to_owned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bil_7_a_rebate_is_cancelled_once() {
        assert!(check_cancel(RebateStatus::Recorded).is_ok());
        assert!(matches!(
            check_cancel(RebateStatus::Cancelled),
            Err(DomainError::State { rule: "BIL-7", .. })
        ));
    }
}
