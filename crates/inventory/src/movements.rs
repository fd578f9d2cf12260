//! INV-1 and INV-4: what a recorded stock movement takes out of and puts into which location.
//! The decision here checks the movement's shape against the part; the store then applies it
//! with conditional updates (never below zero, a serial only from where it is), and a failed
//! condition is [`short_of_stock`] or [`unit_not_there`].

use crate::catalogue::{MovementKind, PartKind, UnitStatus};
use kefu_core::{DomainError, FieldError};
use std::collections::BTreeSet;
use utoipa::ToSchema;

kefu_core::string_enum! {
    /// The movements recorded directly; loans (INV-2) and RMA (INV-6) write theirs through
    /// their own records.
    #[derive(ToSchema)]
    pub enum RecordedKind {
        Receipt = "receipt",
        Issue = "issue",
        Return = "return",
        Consumption = "consumption",
        Loss = "loss",
        Damage = "damage",
        CountAdjustment = "count_adjustment",
    }
}

impl From<RecordedKind> for MovementKind {
    fn from(kind: RecordedKind) -> Self {
        match kind {
            RecordedKind::Receipt => MovementKind::Receipt,
            RecordedKind::Issue => MovementKind::Issue,
            RecordedKind::Return => MovementKind::Return,
            RecordedKind::Consumption => MovementKind::Consumption,
            RecordedKind::Loss => MovementKind::Loss,
            RecordedKind::Damage => MovementKind::Damage,
            RecordedKind::CountAdjustment => MovementKind::CountAdjustment,
        }
    }
}

/// A movement as asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MovementCommand {
    pub kind: RecordedKind,
    /// Bulk parts: how many. Serialised parts: omitted, or the number of serials.
    pub quantity: Option<i64>,
    /// Serialised parts: the units moved.
    pub serials: Vec<String>,
    pub from_location_id: Option<String>,
    pub to_location_id: Option<String>,
}

/// A movement as it is applied: one ledger row per unit of a serialised part, one row for a
/// bulk quantity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Movement {
    pub kind: MovementKind,
    pub quantity: i64,
    /// Trimmed, distinct, in the order given.
    pub serials: Vec<String>,
    /// Taken out of this location (conditionally: INV-4).
    pub from_location_id: Option<String>,
    /// Put into this location.
    pub to_location_id: Option<String>,
    /// Serialised parts: the units' status afterwards.
    pub unit_status: UnitStatus,
    /// Serialised parts: the units are new to the books (a receipt, or a count that found
    /// them), rather than moved from `from_location_id`.
    pub new_units: bool,
}

/// The longest serial number accepted (the request schema's `maxLength`).
pub const MAX_SERIAL_CHARS: usize = 100;

fn field(name: &str, code: &'static str, message: impl Into<String>) -> FieldError {
    FieldError::new(name, code, message).by_rule("INV-1")
}

/// Which ends a kind needs: (from, to); `None` means "exactly one of the two".
fn ends(kind: RecordedKind) -> Option<(bool, bool)> {
    match kind {
        RecordedKind::Receipt => Some((false, true)),
        RecordedKind::Issue | RecordedKind::Return => Some((true, true)),
        RecordedKind::Consumption | RecordedKind::Loss | RecordedKind::Damage => {
            Some((true, false))
        }
        RecordedKind::CountAdjustment => None,
    }
}

fn check_ends(cmd: &MovementCommand, errors: &mut Vec<FieldError>) {
    let from = cmd.from_location_id.is_some();
    let to = cmd.to_location_id.is_some();
    match ends(cmd.kind) {
        Some((want_from, want_to)) => {
            for (name, want, has) in [
                ("from_location_id", want_from, from),
                ("to_location_id", want_to, to),
            ] {
                if want && !has {
                    errors.push(field(name, "required", format!("a {} needs it", cmd.kind)));
                } else if !want && has {
                    errors.push(field(
                        name,
                        "not_allowed",
                        format!("a {} has none", cmd.kind),
                    ));
                }
            }
        }
        None if from == to => errors.push(field(
            "from_location_id",
            "one_of",
            "a count adjustment names either the location it takes from or the one it adds to",
        )),
        None => {}
    }
    if from && cmd.from_location_id == cmd.to_location_id {
        errors.push(field(
            "to_location_id",
            "same_location",
            "a movement goes to another location",
        ));
    }
}

fn unit_status(kind: RecordedKind, into_stock: bool) -> UnitStatus {
    match kind {
        RecordedKind::Consumption => UnitStatus::Consumed,
        RecordedKind::Loss => UnitStatus::Lost,
        RecordedKind::Damage => UnitStatus::Damaged,
        RecordedKind::CountAdjustment if !into_stock => UnitStatus::WrittenOff,
        _ => UnitStatus::InStock,
    }
}

/// INV-1: the units a bulk `quantity` or a list of `serials` stand for, checked against the
/// part's kind: bulk parts a positive quantity and no serials; serialised parts distinct
/// serials, one unit each, and `quantity` when sent equal to their number.
fn units(
    part_kind: PartKind,
    quantity: Option<i64>,
    serials: &[String],
    errors: &mut Vec<FieldError>,
) -> (i64, Vec<String>) {
    let serials: Vec<String> = serials.iter().map(|s| s.trim().to_owned()).collect();
    let count = match part_kind {
        PartKind::Bulk => {
            if !serials.is_empty() {
                errors.push(field(
                    "serials",
                    "not_allowed",
                    "a bulk part is counted, not tracked by serial",
                ));
            }
            match quantity {
                Some(q) if q > 0 => q,
                Some(_) => {
                    errors.push(field("quantity", "range", "must be at least 1"));
                    0
                }
                None => {
                    errors.push(field(
                        "quantity",
                        "required",
                        "a bulk part moves a quantity",
                    ));
                    0
                }
            }
        }
        PartKind::Serialised => {
            if serials.is_empty() {
                errors.push(field(
                    "serials",
                    "required",
                    "a serialised part moves named units",
                ));
            }
            if serials
                .iter()
                .any(|s| s.is_empty() || s.chars().count() > MAX_SERIAL_CHARS)
            {
                errors.push(field(
                    "serials",
                    "length",
                    format!("a serial is 1 to {MAX_SERIAL_CHARS} characters"),
                ));
            }
            if serials.iter().collect::<BTreeSet<_>>().len() != serials.len() {
                errors.push(field("serials", "duplicate", "each serial once"));
            }
            let count = i64::try_from(serials.len()).unwrap_or(i64::MAX);
            if quantity.is_some_and(|q| q != count) {
                errors.push(field(
                    "quantity",
                    "mismatch",
                    format!("{count} serial(s) given"),
                ));
            }
            count
        }
    };
    (count, serials)
}

/// [`units`] as a result: the count and the trimmed serials, or 422 naming the fields and
/// `INV-1`. What a loan request (INV-2) asks for is checked with it.
pub fn check_units(
    part_kind: PartKind,
    quantity: Option<i64>,
    serials: &[String],
) -> Result<(i64, Vec<String>), DomainError> {
    let mut errors = Vec::new();
    let out = units(part_kind, quantity, serials, &mut errors);
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(DomainError::Invalid(errors))
    }
}

/// INV-1: checks `cmd` against a part of `part_kind` and says what it moves. Bulk parts move
/// a positive `quantity` and no serials; serialised parts move distinct serials, one unit
/// each, and `quantity` when sent must equal their number.
pub fn plan(part_kind: PartKind, cmd: &MovementCommand) -> Result<Movement, DomainError> {
    let mut errors = Vec::new();
    check_ends(cmd, &mut errors);
    let (quantity, serials) = units(part_kind, cmd.quantity, &cmd.serials, &mut errors);
    if !errors.is_empty() {
        return Err(DomainError::Invalid(errors));
    }
    let into_stock = cmd.to_location_id.is_some();
    Ok(Movement {
        kind: cmd.kind.into(),
        quantity,
        serials,
        from_location_id: cmd.from_location_id.clone(),
        to_location_id: cmd.to_location_id.clone(),
        unit_status: unit_status(cmd.kind, into_stock),
        new_units: cmd.from_location_id.is_none(),
    })
}

/// INV-4: the conditional take-out found fewer than `wanted` at the location (409).
pub fn short_of_stock(wanted: i64) -> DomainError {
    DomainError::State {
        rule: "INV-4",
        message: format!(
            "fewer than {wanted} in stock at the location: stock never goes below zero"
        ),
    }
}

/// INV-4: the unit is not in stock at the location it is to leave (409): a serial is never in
/// two places.
pub fn unit_not_there(serial: &str) -> DomainError {
    DomainError::State {
        rule: "INV-4",
        message: format!("unit {serial} is not in stock at the location it is to leave"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd(kind: RecordedKind, from: Option<&str>, to: Option<&str>) -> MovementCommand {
        MovementCommand {
            kind,
            quantity: Some(2),
            serials: vec![],
            from_location_id: from.map(str::to_owned),
            to_location_id: to.map(str::to_owned),
        }
    }

    fn fields(e: DomainError) -> Vec<(String, &'static str)> {
        assert_eq!(e.rule(), Some("INV-1"));
        match e {
            DomainError::Invalid(errors) => errors.into_iter().map(|e| (e.field, e.code)).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn inv_1_each_kind_has_its_ends() {
        let receipt = plan(PartKind::Bulk, &cmd(RecordedKind::Receipt, None, Some("w"))).unwrap();
        assert_eq!((receipt.kind, receipt.quantity), (MovementKind::Receipt, 2));
        assert!(receipt.new_units);
        let issue = plan(
            PartKind::Bulk,
            &cmd(RecordedKind::Issue, Some("w"), Some("e")),
        )
        .unwrap();
        assert_eq!(issue.from_location_id.as_deref(), Some("w"));
        assert!(!issue.new_units);
        assert!(plan(PartKind::Bulk, &cmd(RecordedKind::Loss, Some("e"), None)).is_ok());
        assert_eq!(
            fields(plan(PartKind::Bulk, &cmd(RecordedKind::Receipt, Some("w"), None)).unwrap_err()),
            vec![
                ("from_location_id".to_owned(), "not_allowed"),
                ("to_location_id".to_owned(), "required")
            ]
        );
        assert_eq!(
            fields(
                plan(
                    PartKind::Bulk,
                    &cmd(RecordedKind::Issue, Some("w"), Some("w"))
                )
                .unwrap_err()
            ),
            vec![("to_location_id".to_owned(), "same_location")]
        );
        assert_eq!(
            fields(
                plan(
                    PartKind::Bulk,
                    &cmd(RecordedKind::CountAdjustment, None, None)
                )
                .unwrap_err()
            ),
            vec![("from_location_id".to_owned(), "one_of")]
        );
    }

    #[test]
    fn inv_1_bulk_parts_move_a_positive_quantity_and_no_serials() {
        let mut c = cmd(RecordedKind::Receipt, None, Some("w"));
        c.quantity = Some(0);
        c.serials = vec!["S1".into()];
        assert_eq!(
            fields(plan(PartKind::Bulk, &c).unwrap_err()),
            vec![
                ("serials".to_owned(), "not_allowed"),
                ("quantity".to_owned(), "range")
            ]
        );
    }

    #[test]
    fn inv_1_serialised_parts_move_distinct_named_units() {
        let mut c = cmd(RecordedKind::Damage, Some("e"), None);
        c.quantity = None;
        c.serials = vec![" SN-1 ".into(), "SN-2".into()];
        let m = plan(PartKind::Serialised, &c).unwrap();
        assert_eq!(m.serials, vec!["SN-1", "SN-2"]);
        assert_eq!((m.quantity, m.unit_status), (2, UnitStatus::Damaged));
        c.serials = vec!["SN-1".into(), "SN-1 ".into()];
        c.quantity = Some(3);
        assert_eq!(
            fields(plan(PartKind::Serialised, &c).unwrap_err()),
            vec![
                ("serials".to_owned(), "duplicate"),
                ("quantity".to_owned(), "mismatch")
            ]
        );
        c.serials = vec![];
        c.quantity = None;
        assert_eq!(
            fields(plan(PartKind::Serialised, &c).unwrap_err()),
            vec![("serials".to_owned(), "required")]
        );
    }

    #[test]
    fn inv_1_a_count_adjustment_either_finds_or_writes_off() {
        let mut c = cmd(RecordedKind::CountAdjustment, Some("c"), None);
        c.quantity = None;
        c.serials = vec!["SN-9".into()];
        let out = plan(PartKind::Serialised, &c).unwrap();
        assert_eq!(
            (out.unit_status, out.new_units),
            (UnitStatus::WrittenOff, false)
        );
        let c = MovementCommand {
            from_location_id: None,
            to_location_id: Some("c".into()),
            ..c
        };
        let found = plan(PartKind::Serialised, &c).unwrap();
        assert_eq!(
            (found.unit_status, found.new_units),
            (UnitStatus::InStock, true)
        );
    }

    #[test]
    fn inv_4_refusals_are_conflicts_naming_the_rule() {
        assert_eq!(short_of_stock(3).rule(), Some("INV-4"));
        assert!(matches!(
            unit_not_there("SN-1"),
            DomainError::State { rule: "INV-4", .. }
        ));
    }
}
