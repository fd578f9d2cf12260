//! BIL-2 and BIL-3: repair quotes. Lines come from the fee schedule and copy its prices; a line
//! priced outside `[floor, list]` makes the quote need the manager's approval before it is
//! given to the customer; a remote out-of-warranty repair carries travel and lodging on top.

use crate::fees::FeeItemKind;
use kefu_core::{DomainError, FieldError};
use utoipa::ToSchema;

kefu_core::string_enum! {
    /// BIL-2: `draft` (lines change, approval) → `issued` (given to the customer) →
    /// `accepted` / `refused` (the customer's answer); `draft` or `issued` → `cancelled`.
    #[derive(ToSchema)]
    pub enum QuoteStatus {
        Draft = "draft",
        Issued = "issued",
        Accepted = "accepted",
        Refused = "refused",
        Cancelled = "cancelled",
    }
}

/// One line as the rules see it: its kind, quantity, the price charged and the schedule's
/// list and floor prices it copied, all in fen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    pub kind: FeeItemKind,
    pub quantity: i64,
    pub unit_price_fen: i64,
    pub list_price_fen: i64,
    pub floor_price_fen: i64,
}

impl Line {
    /// BIL-2: priced below the floor or above the list price.
    pub fn out_of_band(&self) -> bool {
        self.unit_price_fen < self.floor_price_fen || self.unit_price_fen > self.list_price_fen
    }
}

/// A quote's sums in fen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    /// What the customer pays: every line.
    pub total_fen: i64,
    /// The repair fee: every line but travel and lodging (BIL-12b's fee).
    pub fee_fen: i64,
    /// The floor price of the repair fee's lines (BIL-12b's floor).
    pub floor_fen: i64,
    /// Travel and lodging (BIL-3).
    pub trip_fen: i64,
}

/// The sums of `lines`; `None` on overflow (prices and quantities are bounded far below it).
pub fn totals(lines: &[Line]) -> Option<Totals> {
    let mut t = Totals::default();
    for l in lines {
        let amount = l.unit_price_fen.checked_mul(l.quantity)?;
        t.total_fen = t.total_fen.checked_add(amount)?;
        if l.kind.is_trip() {
            t.trip_fen = t.trip_fen.checked_add(amount)?;
        } else {
            t.fee_fen = t.fee_fen.checked_add(amount)?;
            t.floor_fen = t
                .floor_fen
                .checked_add(l.floor_price_fen.checked_mul(l.quantity)?)?;
        }
    }
    Some(t)
}

/// BIL-2: whether any line is priced outside its item's `[floor, list]`.
pub fn needs_approval(lines: &[Line]) -> bool {
    lines.iter().any(Line::out_of_band)
}

/// What issuing a quote depends on besides its lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IssueFacts {
    /// The manager approved the lines as they stand.
    pub approved: bool,
    /// BIL-3: the customer's site is `remote` (ORG-3 location class).
    pub remote: bool,
    /// BIL-3: the equipment's warranty has ended by the day of issue, or is unknown.
    pub out_of_warranty: bool,
}

/// The commands on a quote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuoteCommand {
    /// Change the lines (a draft only).
    Edit,
    Approve,
    Issue(IssueFacts),
    Accept,
    Refuse,
    Cancel,
}

fn state(message: impl Into<String>) -> DomainError {
    DomainError::State {
        rule: "BIL-2",
        message: message.into(),
    }
}

/// BIL-2/BIL-3: the status `command` moves a quote in `status` with `lines` to. Refusals:
/// 409 `BIL-2` from the wrong status; approving a quote whose lines are all within the
/// schedule's band: 409 `BIL-2`; issuing without lines, or with a line out of band and no
/// approval: 422 `BIL-2`; issuing a remote out-of-warranty repair without both a travel and a
/// lodging line: 422 `BIL-3`.
pub fn decide(
    status: QuoteStatus,
    lines: &[Line],
    command: QuoteCommand,
) -> Result<QuoteStatus, DomainError> {
    use QuoteStatus::*;
    match command {
        QuoteCommand::Edit | QuoteCommand::Approve | QuoteCommand::Issue(_) if status != Draft => {
            Err(state(format!(
                "the quote is {status}: only a draft changes"
            )))
        }
        QuoteCommand::Edit => Ok(Draft),
        QuoteCommand::Approve if !needs_approval(lines) => Err(state(
            "every line is priced within the schedule: nothing to approve",
        )),
        QuoteCommand::Approve => Ok(Draft),
        QuoteCommand::Issue(facts) => {
            if lines.is_empty() {
                return Err(DomainError::Invalid(vec![
                    FieldError::new("lines", "required", "a quote has at least one line")
                        .by_rule("BIL-2"),
                ]));
            }
            if needs_approval(lines) && !facts.approved {
                return Err(DomainError::Rule {
                    rule: "BIL-2",
                    message: "a line is priced below the floor or above the list price: the \
                              manager approves the quote before it is issued"
                        .to_owned(),
                });
            }
            if facts.remote && facts.out_of_warranty {
                let has = |k: FeeItemKind| lines.iter().any(|l| l.kind == k && l.quantity > 0);
                if !has(FeeItemKind::Travel) || !has(FeeItemKind::Lodging) {
                    return Err(DomainError::Rule {
                        rule: "BIL-3",
                        message: "an out-of-warranty repair for a remote customer carries \
                                  travel and lodging lines on top of the repair fee"
                            .to_owned(),
                    });
                }
            }
            Ok(Issued)
        }
        QuoteCommand::Accept | QuoteCommand::Refuse if status != Issued => Err(state(format!(
            "the quote is {status}: the customer answers an issued quote"
        ))),
        QuoteCommand::Accept => Ok(Accepted),
        QuoteCommand::Refuse => Ok(Refused),
        QuoteCommand::Cancel if matches!(status, Draft | Issued) => Ok(Cancelled),
        QuoteCommand::Cancel => Err(state(format!(
            "the quote is {status}: only a draft or an issued quote is cancelled"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use QuoteStatus::*;

    fn line(kind: FeeItemKind, price: i64) -> Line {
        Line {
            kind,
            quantity: 1,
            unit_price_fen: price,
            list_price_fen: 50_000,
            floor_price_fen: 40_000,
        }
    }

    const LOCAL: IssueFacts = IssueFacts {
        approved: false,
        remote: false,
        out_of_warranty: true,
    };

    #[test]
    fn bil_2_below_floor_needs_approval() {
        let lines = [line(FeeItemKind::Labour, 39_999)];
        assert!(needs_approval(&lines));
        let e = decide(Draft, &lines, QuoteCommand::Issue(LOCAL)).unwrap_err();
        assert_eq!(e.rule(), Some("BIL-2"));
        assert!(matches!(e, DomainError::Rule { .. }));
        let approved = IssueFacts {
            approved: true,
            ..LOCAL
        };
        assert_eq!(
            decide(Draft, &lines, QuoteCommand::Issue(approved)).unwrap(),
            Issued
        );
    }

    #[test]
    fn bil_2_above_list_needs_approval_within_the_band_does_not() {
        assert!(needs_approval(&[line(FeeItemKind::Part, 50_001)]));
        let within = [
            line(FeeItemKind::Part, 40_000),
            line(FeeItemKind::Labour, 50_000),
        ];
        assert!(!needs_approval(&within));
        assert_eq!(
            decide(Draft, &within, QuoteCommand::Issue(LOCAL)).unwrap(),
            Issued
        );
        let e = decide(Draft, &within, QuoteCommand::Approve).unwrap_err();
        assert!(matches!(e, DomainError::State { rule: "BIL-2", .. }));
    }

    #[test]
    fn bil_2_a_quote_without_lines_is_not_issued() {
        match decide(Draft, &[], QuoteCommand::Issue(LOCAL)) {
            Err(DomainError::Invalid(e)) => assert_eq!(e[0].field, "lines"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn bil_2_the_customer_answers_an_issued_quote_once() {
        let lines = [line(FeeItemKind::Labour, 45_000)];
        assert_eq!(
            decide(Issued, &lines, QuoteCommand::Accept).unwrap(),
            Accepted
        );
        assert_eq!(
            decide(Issued, &lines, QuoteCommand::Refuse).unwrap(),
            Refused
        );
        for s in [Draft, Accepted, Refused, Cancelled] {
            assert!(matches!(
                decide(s, &lines, QuoteCommand::Accept),
                Err(DomainError::State { rule: "BIL-2", .. })
            ));
        }
        assert!(decide(Issued, &lines, QuoteCommand::Edit).is_err());
        assert_eq!(
            decide(Issued, &lines, QuoteCommand::Cancel).unwrap(),
            Cancelled
        );
        assert!(decide(Accepted, &lines, QuoteCommand::Cancel).is_err());
    }

    #[test]
    fn bil_3_remote_out_of_warranty_needs_travel_and_lodging() {
        let remote = IssueFacts {
            remote: true,
            ..LOCAL
        };
        let repair = line(FeeItemKind::Labour, 45_000);
        let travel = line(FeeItemKind::Travel, 45_000);
        let lodging = line(FeeItemKind::Lodging, 45_000);
        for lines in [vec![repair], vec![repair, travel], vec![repair, lodging]] {
            let e = decide(Draft, &lines, QuoteCommand::Issue(remote)).unwrap_err();
            assert_eq!(e.rule(), Some("BIL-3"));
        }
        let all = [repair, travel, lodging];
        assert_eq!(
            decide(Draft, &all, QuoteCommand::Issue(remote)).unwrap(),
            Issued
        );
        // In warranty, or local: no trip lines needed.
        let in_warranty = IssueFacts {
            out_of_warranty: false,
            ..remote
        };
        assert_eq!(
            decide(Draft, &[repair], QuoteCommand::Issue(in_warranty)).unwrap(),
            Issued
        );
    }

    #[test]
    fn bil_3_travel_and_lodging_are_outside_the_fee_and_its_floor() {
        let lines = [
            Line {
                quantity: 2,
                ..line(FeeItemKind::Labour, 45_000)
            },
            line(FeeItemKind::Travel, 30_000),
            line(FeeItemKind::Lodging, 20_000),
        ];
        assert_eq!(
            totals(&lines).unwrap(),
            Totals {
                total_fen: 140_000,
                fee_fen: 90_000,
                floor_fen: 80_000,
                trip_fen: 50_000,
            }
        );
    }
}
