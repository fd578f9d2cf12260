//! BIL-5: invoices for contracts, repairs and commissioning, with the mailing address and the
//! contact kept on the invoice; credit notes for refunds, never more than what the invoice
//! still stands for.

use kefu_core::DomainError;
use utoipa::ToSchema;

kefu_core::string_enum! {
    /// BIL-5: what an invoice bills.
    #[derive(ToSchema)]
    pub enum InvoiceSubject {
        Contract = "contract",
        RepairQuote = "repair_quote",
        CommissioningJob = "commissioning_job",
    }
}

/// BIL-5: a credit note of `amount_fen` on an invoice of `amount_fen` already credited
/// `credited_fen` stays within what is left (422 `BIL-5` otherwise).
pub fn check_credit(
    invoice_fen: i64,
    credited_fen: i64,
    amount_fen: i64,
) -> Result<(), DomainError> {
    let left = invoice_fen - credited_fen;
    if amount_fen > left {
        return Err(DomainError::Rule {
            rule: "BIL-5",
            message: format!(
                "the invoice stands for {left} fen still: a credit note of {amount_fen} fen \
                 is more than that"
            ),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bil_5_a_credit_note_never_exceeds_the_invoices_remaining_amount() {
        assert!(check_credit(100_000, 0, 100_000).is_ok());
        assert!(check_credit(100_000, 60_000, 40_000).is_ok());
        assert!(matches!(
            check_credit(100_000, 60_000, 40_001),
            Err(DomainError::Rule { rule: "BIL-5", .. })
        ));
    }
}
