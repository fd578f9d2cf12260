//! INV-2 consumption on a ticket: parts on loan to the engineer that the customer signs for as
//! used on the ticket's feedback form (TKT-7) are consumed — `consumption` ledger rows against
//! the ticket, closing those units on the loan. A form signed again after an amendment consumes
//! only what the amendment adds: a line already consumed is neither consumed twice nor taken
//! off (a consumed unit is off the books; it comes back only as a new receipt).

use kefu_core::DomainError;
use std::collections::{BTreeMap, BTreeSet};

/// A line of a form's parts used that names the loan its part came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsedLine {
    pub loan_id: String,
    pub quantity: i64,
    /// A serialised part's unit; `None` for a bulk quantity.
    pub serial: Option<String>,
}

/// What one loan gives up to the ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consumption {
    pub loan_id: String,
    /// Bulk parts: how many.
    pub quantity: i64,
    /// Serialised parts: the units.
    pub serials: Vec<String>,
}

#[derive(Debug, Default, PartialEq, Eq)]
struct PerLoan {
    quantity: i64,
    serials: BTreeSet<String>,
}

fn rule(message: impl Into<String>) -> DomainError {
    DomainError::Rule {
        rule: "INV-2",
        message: message.into(),
    }
}

fn per_loan(lines: &[UsedLine]) -> Result<BTreeMap<&str, PerLoan>, DomainError> {
    let mut out: BTreeMap<&str, PerLoan> = BTreeMap::new();
    for line in lines {
        let entry = out.entry(&line.loan_id).or_default();
        match &line.serial {
            Some(serial) => {
                if !entry.serials.insert(serial.clone()) {
                    return Err(rule(format!("unit {serial} is listed twice")));
                }
            }
            None => entry.quantity = entry.quantity.saturating_add(line.quantity),
        }
        if entry.quantity > 0 && !entry.serials.is_empty() {
            return Err(rule(format!(
                "the parts of loan {} are used by serial or by quantity, not both",
                line.loan_id
            )));
        }
    }
    Ok(out)
}

/// INV-2: what signing the form's lines `now` consumes, given the lines its previous signed
/// version consumed already (`before`; empty at the first signature). A line of `before` that
/// `now` drops or lowers is refused (422 naming INV-2): its units are consumed already.
pub fn consumption_delta(
    now: &[UsedLine],
    before: &[UsedLine],
) -> Result<Vec<Consumption>, DomainError> {
    let now = per_loan(now)?;
    let before = per_loan(before)?;
    for (loan, was) in &before {
        let is = now.get(loan);
        let kept =
            is.is_some_and(|is| is.quantity >= was.quantity && was.serials.is_subset(&is.serials));
        if !kept {
            return Err(rule(format!(
                "parts of loan {loan} were consumed on the signed form; they stay on it"
            )));
        }
    }
    Ok(now
        .into_iter()
        .filter_map(|(loan, is)| {
            let was = before.get(loan);
            let quantity = is.quantity - was.map_or(0, |w| w.quantity);
            let serials: Vec<String> = is
                .serials
                .iter()
                .filter(|s| was.is_none_or(|w| !w.serials.contains(*s)))
                .cloned()
                .collect();
            (quantity > 0 || !serials.is_empty()).then(|| Consumption {
                loan_id: loan.to_owned(),
                quantity,
                serials,
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(loan: &str, quantity: i64, serial: Option<&str>) -> UsedLine {
        UsedLine {
            loan_id: loan.into(),
            quantity,
            serial: serial.map(str::to_owned),
        }
    }

    #[test]
    fn inv_2_the_first_signature_consumes_every_loaned_line() {
        let now = [
            line("L1", 1, Some("SN-1")),
            line("L1", 1, Some("SN-2")),
            line("L2", 2, None),
            line("L2", 1, None),
        ];
        assert_eq!(
            consumption_delta(&now, &[]).unwrap(),
            vec![
                Consumption {
                    loan_id: "L1".into(),
                    quantity: 0,
                    serials: vec!["SN-1".into(), "SN-2".into()],
                },
                Consumption {
                    loan_id: "L2".into(),
                    quantity: 3,
                    serials: vec![],
                },
            ]
        );
    }

    #[test]
    fn inv_2_an_amendment_consumes_only_what_it_adds_and_takes_nothing_back() {
        let before = [line("L1", 1, Some("SN-1")), line("L2", 2, None)];
        let now = [
            line("L1", 1, Some("SN-1")),
            line("L1", 1, Some("SN-2")),
            line("L2", 2, None),
        ];
        assert_eq!(
            consumption_delta(&now, &before).unwrap(),
            vec![Consumption {
                loan_id: "L1".into(),
                quantity: 0,
                serials: vec!["SN-2".into()],
            }]
        );
        assert!(consumption_delta(&before, &before).unwrap().is_empty());
        for dropped in [
            vec![line("L2", 2, None)],
            vec![line("L1", 1, Some("SN-1")), line("L2", 1, None)],
        ] {
            let e = consumption_delta(&dropped, &before).unwrap_err();
            assert!(matches!(e, DomainError::Rule { rule: "INV-2", .. }));
        }
    }

    #[test]
    fn inv_2_a_loans_units_are_listed_once_by_serial_or_by_quantity() {
        for lines in [
            vec![line("L1", 1, Some("SN-1")), line("L1", 1, Some("SN-1"))],
            vec![line("L1", 1, Some("SN-1")), line("L1", 1, None)],
        ] {
            assert_eq!(
                consumption_delta(&lines, &[]).unwrap_err().rule(),
                Some("INV-2")
            );
        }
    }
}
