//! TKT-10 guards that decided in the API service until issue 10.

use crate::complaints::Validity;
use kefu_core::{CustomerId, DomainError};

/// TKT-10: the reply to a valid complaint carries its corrective measures. Returns the
/// measures to store (trimmed; blank is none).
pub fn check_reply(
    validity: Option<Validity>,
    corrective_measures: Option<&str>,
) -> Result<Option<String>, DomainError> {
    let measures = corrective_measures.map(str::trim).filter(|s| !s.is_empty());
    if validity == Some(Validity::Valid) && measures.is_none() {
        return Err(DomainError::Rule {
            rule: "TKT-10",
            message: "a valid complaint needs corrective_measures with the reply".to_owned(),
        });
    }
    Ok(measures.map(str::to_owned))
}

/// A complaint about a ticket is about that ticket's customer.
pub fn check_ticket_customer(
    ticket_customer: &CustomerId,
    complaint_customer: &CustomerId,
) -> Result<(), DomainError> {
    if ticket_customer == complaint_customer {
        Ok(())
    } else {
        Err(DomainError::invalid(
            "ticket_id",
            "other_customer",
            "the ticket belongs to another customer",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tkt_10_a_valid_complaints_reply_carries_corrective_measures() {
        let cases = [
            (
                Some(Validity::Valid),
                Some(" retrain "),
                Ok(Some("retrain")),
            ),
            (Some(Validity::Valid), Some("  "), Err("TKT-10")),
            (Some(Validity::Valid), None, Err("TKT-10")),
            (Some(Validity::Invalid), None, Ok(None)),
            (Some(Validity::Invalid), Some("x"), Ok(Some("x"))),
            (None, None, Ok(None)),
        ];
        for (validity, measures, expected) in cases {
            let r = check_reply(validity, measures);
            match (r, expected) {
                (Ok(m), Ok(e)) => assert_eq!(m.as_deref(), e),
                (Err(e), Err(rule)) => assert_eq!(e.rule(), Some(rule)),
                (r, e) => panic!("{validity:?} {measures:?}: {r:?} vs {e:?}"),
            }
        }
    }

    #[test]
    fn tkt_10_a_complaint_about_a_ticket_is_about_its_customer() {
        let c1 = CustomerId::new("c1");
        assert_eq!(check_ticket_customer(&c1, &c1), Ok(()));
        assert!(matches!(
            check_ticket_customer(&c1, &CustomerId::new("c2")),
            Err(DomainError::Invalid(_))
        ));
    }
}
