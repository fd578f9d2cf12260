//! BIL-4: money received from customers. Every receipt records its method, the account it went
//! to and whether an invoice or a receipt was issued; a device repair may take a deposit (押金)
//! instead of the full payment, refunded or converted to a fee once. A repair goes to the
//! factory only once its quote is paid in full or a deposit is held.

use kefu_core::DomainError;
use utoipa::ToSchema;

kefu_core::string_enum! {
    /// BIL-4: how the money came in.
    #[derive(ToSchema)]
    pub enum PaymentMethod {
        BankTransfer = "bank_transfer",
        Cash = "cash",
        Cheque = "cheque",
        Wechat = "wechat",
        Alipay = "alipay",
        Card = "card",
    }
}

kefu_core::string_enum! {
    /// BIL-4: the paper the customer got for the money.
    #[derive(ToSchema)]
    pub enum PaymentDocument {
        Invoice = "invoice",
        Receipt = "receipt",
        Neither = "none",
    }
}

kefu_core::string_enum! {
    /// BIL-4: a payment towards what is owed, or a deposit held against a device repair.
    #[derive(ToSchema)]
    pub enum PaymentKind {
        Payment = "payment",
        Deposit = "deposit",
    }
}

kefu_core::string_enum! {
    /// BIL-4: a deposit is `held` until it is `refunded` to the customer or `converted` into a
    /// payment of the repair's quote, each once.
    #[derive(ToSchema)]
    pub enum DepositState {
        Held = "held",
        Refunded = "refunded",
        Converted = "converted",
    }
}

fn rule(message: impl Into<String>) -> DomainError {
    DomainError::Rule {
        rule: "BIL-4",
        message: message.into(),
    }
}

/// BIL-4: a payment towards a quote is for an accepted quote (409 `BIL-4` otherwise) and no
/// more than it still owes (422 `BIL-4`).
pub fn check_quote_payment(
    accepted: bool,
    owed_fen: i64,
    amount_fen: i64,
) -> Result<(), DomainError> {
    if !accepted {
        return Err(DomainError::State {
            rule: "BIL-4",
            message: "money is received for a quote the customer accepted".to_owned(),
        });
    }
    if amount_fen > owed_fen {
        return Err(rule(format!(
            "the quote still owes {owed_fen} fen: {amount_fen} fen is more than that"
        )));
    }
    Ok(())
}

/// What a held deposit may become.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settlement {
    Refund,
    Convert,
}

/// BIL-4: a held deposit is refunded or converted once (409 `BIL-4` after).
pub fn settle(state: DepositState, to: Settlement) -> Result<DepositState, DomainError> {
    if state != DepositState::Held {
        return Err(DomainError::State {
            rule: "BIL-4",
            message: format!("the deposit was {state} already"),
        });
    }
    Ok(match to {
        Settlement::Refund => DepositState::Refunded,
        Settlement::Convert => DepositState::Converted,
    })
}

/// What decides whether a device may go to the factory for repair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FactoryFacts {
    /// An accepted quote for the repair is paid in full.
    pub paid_in_full: bool,
    /// A deposit for the device's repair is held.
    pub deposit_held: bool,
}

/// BIL-4: the repair moves to the factory only after the customer's full payment of the
/// accepted quote, or with a deposit held (422 `BIL-4`).
pub fn check_factory_repair(facts: FactoryFacts) -> Result<(), DomainError> {
    if facts.paid_in_full || facts.deposit_held {
        Ok(())
    } else {
        Err(rule(
            "the factory repair starts once the repair's accepted quote is paid in full or a \
             deposit is held",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bil_4_factory_repair_needs_full_payment_or_a_deposit() {
        let none = FactoryFacts {
            paid_in_full: false,
            deposit_held: false,
        };
        assert_eq!(
            check_factory_repair(none).unwrap_err().rule(),
            Some("BIL-4")
        );
        assert!(
            check_factory_repair(FactoryFacts {
                paid_in_full: true,
                ..none
            })
            .is_ok()
        );
        assert!(
            check_factory_repair(FactoryFacts {
                deposit_held: true,
                ..none
            })
            .is_ok()
        );
    }

    #[test]
    fn bil_4_a_quote_is_paid_once_accepted_and_never_beyond_what_it_owes() {
        assert!(check_quote_payment(true, 10_000, 10_000).is_ok());
        assert!(matches!(
            check_quote_payment(true, 10_000, 10_001),
            Err(DomainError::Rule { rule: "BIL-4", .. })
        ));
        assert!(matches!(
            check_quote_payment(false, 10_000, 1),
            Err(DomainError::State { rule: "BIL-4", .. })
        ));
    }

    #[test]
    fn bil_4_a_deposit_is_refunded_or_converted_once() {
        use DepositState::*;
        assert_eq!(settle(Held, Settlement::Refund).unwrap(), Refunded);
        assert_eq!(settle(Held, Settlement::Convert).unwrap(), Converted);
        for s in [Refunded, Converted] {
            for to in [Settlement::Refund, Settlement::Convert] {
                assert!(matches!(
                    settle(s, to),
                    Err(DomainError::State { rule: "BIL-4", .. })
                ));
            }
        }
    }
}
