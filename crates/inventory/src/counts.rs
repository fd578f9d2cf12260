//! INV-7 daily check (每日盘点): the fault-service centre counts its stock at the start and
//! at the end of each working day. A submitted count is compared with the books — the level
//! of each bulk part, the serials in stock for each serialised part — and with the minimum
//! stock per part and location; what does not match is raised as an anomaly: a `difference`
//! (with the expected and counted figures), units found `damaged`, stock `below_minimum`.
//! A day whose count was not taken is a `missing_count` anomaly, raised by the watch.

use crate::catalogue::{LocationKind, PartKind};
use kefu_core::{DomainError, FieldError};
use std::collections::{BTreeMap, BTreeSet};
use utoipa::ToSchema;

kefu_core::string_enum! {
    /// INV-7: when in the day a count is taken.
    #[derive(ToSchema)]
    pub enum CountKind {
        /// At the start of the day.
        Opening = "opening",
        /// At the end of the day.
        Closing = "closing",
    }
}

kefu_core::string_enum! {
    /// INV-7: what a count found wrong.
    #[derive(ToSchema)]
    pub enum AnomalyKind {
        /// The counted figure differs from the books (serialised parts: the serials differ).
        Difference = "difference",
        /// Units were found damaged.
        Damaged = "damaged",
        /// The usable units counted are below the part's minimum at the location.
        BelowMinimum = "below_minimum",
        /// The day's count was not taken by the end of the day.
        MissingCount = "missing_count",
    }
}

/// The longest serial number accepted (the request schema's `maxLength`).
pub const MAX_SERIAL_CHARS: usize = crate::movements::MAX_SERIAL_CHARS;

/// One part as counted, before it is checked against the part's kind.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LineInput {
    pub part_id: String,
    /// Bulk parts: how many were counted (0 allowed). Serialised parts: omitted, or the
    /// number of `serials`.
    pub quantity: Option<i64>,
    /// Serialised parts: the units present.
    pub serials: Vec<String>,
    /// Bulk parts: how many of those counted are damaged.
    pub damaged_quantity: Option<i64>,
    /// Serialised parts: the units present that are damaged.
    pub damaged_serials: Vec<String>,
}

/// One part as counted, checked: the figures a comparison needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountedLine {
    pub part_id: String,
    pub quantity: i64,
    /// Trimmed, sorted.
    pub serials: Vec<String>,
    pub damaged_quantity: i64,
    /// Trimmed, sorted.
    pub damaged_serials: Vec<String>,
}

/// What the books say of one part at the counted location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booked {
    pub part_id: String,
    pub kind: PartKind,
    pub quantity: i64,
    /// Serialised parts: the units in stock there.
    pub serials: Vec<String>,
    /// The minimum stock at the location (0: none).
    pub min_quantity: i64,
}

/// One anomaly a count raises.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anomaly {
    pub kind: AnomalyKind,
    pub part_id: String,
    pub expected_quantity: Option<i64>,
    pub counted_quantity: Option<i64>,
    pub damaged_quantity: Option<i64>,
    pub min_quantity: Option<i64>,
    /// `difference`: units on the books that were not found.
    pub missing_serials: Vec<String>,
    /// `difference`: units found that the books place elsewhere or not at all.
    pub unexpected_serials: Vec<String>,
    /// `damaged`: the damaged units.
    pub damaged_serials: Vec<String>,
}

impl Anomaly {
    fn new(kind: AnomalyKind, part_id: &str) -> Anomaly {
        Anomaly {
            kind,
            part_id: part_id.to_owned(),
            expected_quantity: None,
            counted_quantity: None,
            damaged_quantity: None,
            min_quantity: None,
            missing_serials: Vec::new(),
            unexpected_serials: Vec::new(),
            damaged_serials: Vec::new(),
        }
    }
}

/// INV-7: counts are taken at the fault-service centre (422 elsewhere).
pub fn check_location(kind: LocationKind) -> Result<(), DomainError> {
    if kind == LocationKind::ServiceCentre {
        Ok(())
    } else {
        Err(DomainError::Invalid(vec![
            FieldError::new(
                "location_id",
                "not_service_centre",
                "daily counts are taken at the fault-service centre",
            )
            .by_rule("INV-7"),
        ]))
    }
}

fn err(errors: &mut Vec<FieldError>, at: usize, name: &str, code: &'static str, msg: &str) {
    errors.push(FieldError::new(format!("lines[{at}].{name}"), code, msg).by_rule("INV-7"));
}

fn cleaned(serials: &[String]) -> Vec<String> {
    serials.iter().map(|s| s.trim().to_owned()).collect()
}

fn check_serials(errors: &mut Vec<FieldError>, at: usize, name: &str, serials: &[String]) {
    if serials
        .iter()
        .any(|s| s.is_empty() || s.chars().count() > MAX_SERIAL_CHARS)
    {
        let msg = format!("a serial is 1 to {MAX_SERIAL_CHARS} characters");
        err(errors, at, name, "length", &msg);
    }
    if serials.iter().collect::<BTreeSet<_>>().len() != serials.len() {
        err(errors, at, name, "duplicate", "each serial once");
    }
}

fn check_line(
    errors: &mut Vec<FieldError>,
    at: usize,
    kind: PartKind,
    line: &LineInput,
) -> CountedLine {
    let serials = cleaned(&line.serials);
    let damaged_serials = cleaned(&line.damaged_serials);
    let (quantity, damaged_quantity) = match kind {
        PartKind::Bulk => {
            if !serials.is_empty() || !damaged_serials.is_empty() {
                let msg = "a bulk part is counted, not listed by serial";
                err(errors, at, "serials", "not_allowed", msg);
            }
            let quantity = line.quantity.unwrap_or_else(|| {
                err(errors, at, "quantity", "required", "a bulk part is counted");
                0
            });
            let damaged = line.damaged_quantity.unwrap_or(0);
            if damaged > quantity {
                let msg = "at most the quantity counted";
                err(errors, at, "damaged_quantity", "range", msg);
            }
            (quantity, damaged)
        }
        PartKind::Serialised => {
            check_serials(errors, at, "serials", &serials);
            check_serials(errors, at, "damaged_serials", &damaged_serials);
            let count = i64::try_from(serials.len()).unwrap_or(i64::MAX);
            if line.quantity.is_some_and(|q| q != count) {
                let msg = format!("{count} serial(s) given");
                err(errors, at, "quantity", "mismatch", &msg);
            }
            if line.damaged_quantity.is_some() {
                let msg = "a serialised part names its damaged units in damaged_serials";
                err(errors, at, "damaged_quantity", "not_allowed", msg);
            }
            if damaged_serials.iter().any(|d| !serials.contains(d)) {
                let msg = "a damaged unit is one of the units present";
                err(errors, at, "damaged_serials", "not_present", msg);
            }
            let damaged = i64::try_from(damaged_serials.len()).unwrap_or(i64::MAX);
            (count, damaged)
        }
    };
    let mut serials = serials;
    let mut damaged_serials = damaged_serials;
    serials.sort();
    damaged_serials.sort();
    CountedLine {
        part_id: line.part_id.clone(),
        quantity,
        serials,
        damaged_quantity,
        damaged_serials,
    }
}

/// INV-7: checks each counted line against its part's kind — bulk parts a `quantity` (0 or
/// more) and at most that many damaged, serialised parts distinct serials with the damaged
/// ones among them — and that no part is counted twice. 422 naming `lines[i].<field>` and
/// `INV-7` otherwise.
pub fn check_lines(lines: &[(PartKind, LineInput)]) -> Result<Vec<CountedLine>, DomainError> {
    let mut errors = Vec::new();
    let mut seen = BTreeSet::new();
    let mut out = Vec::with_capacity(lines.len());
    for (at, (kind, line)) in lines.iter().enumerate() {
        if !seen.insert(line.part_id.as_str()) {
            err(&mut errors, at, "part_id", "duplicate", "each part once");
        }
        out.push(check_line(&mut errors, at, *kind, line));
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(DomainError::Invalid(errors))
    }
}

/// INV-7: the anomalies of a count. Every part on the books at the location is compared: a
/// part held there but not on the count was counted as none, a part counted but not on the
/// books was expected as none. In part id order; per part `difference`, then `damaged`, then
/// `below_minimum` (usable units — counted less damaged — under a minimum above zero).
pub fn anomalies(books: &[Booked], counted: &[CountedLine]) -> Vec<Anomaly> {
    let books: BTreeMap<&str, &Booked> = books.iter().map(|b| (b.part_id.as_str(), b)).collect();
    let lines: BTreeMap<&str, &CountedLine> =
        counted.iter().map(|c| (c.part_id.as_str(), c)).collect();
    let parts: BTreeSet<&str> = books.keys().chain(lines.keys()).copied().collect();
    let mut out = Vec::new();
    for part in parts {
        let booked = books.get(part);
        let line = lines.get(part);
        let expected = booked.map_or(0, |b| b.quantity);
        let counted_qty = line.map_or(0, |l| l.quantity);
        let empty = Vec::new();
        let counted_serials = line.map_or(&empty, |l| &l.serials);
        let serialised =
            booked.is_some_and(|b| b.kind == PartKind::Serialised) || !counted_serials.is_empty();
        let (missing, unexpected): (Vec<String>, Vec<String>) = if serialised {
            let on_books: BTreeSet<&String> = booked
                .map(|b| b.serials.iter().collect())
                .unwrap_or_default();
            let found: BTreeSet<&String> = counted_serials.iter().collect();
            (
                on_books.difference(&found).map(|s| (*s).clone()).collect(),
                found.difference(&on_books).map(|s| (*s).clone()).collect(),
            )
        } else {
            (Vec::new(), Vec::new())
        };
        if expected != counted_qty || !missing.is_empty() || !unexpected.is_empty() {
            let mut a = Anomaly::new(AnomalyKind::Difference, part);
            a.expected_quantity = Some(expected);
            a.counted_quantity = Some(counted_qty);
            a.missing_serials = missing;
            a.unexpected_serials = unexpected;
            out.push(a);
        }
        let damaged = line.map_or(0, |l| l.damaged_quantity);
        if damaged > 0 {
            let mut a = Anomaly::new(AnomalyKind::Damaged, part);
            a.counted_quantity = Some(counted_qty);
            a.damaged_quantity = Some(damaged);
            a.damaged_serials = line.map(|l| l.damaged_serials.clone()).unwrap_or_default();
            out.push(a);
        }
        let minimum = booked.map_or(0, |b| b.min_quantity);
        let usable = counted_qty - damaged;
        if minimum > 0 && usable < minimum {
            let mut a = Anomaly::new(AnomalyKind::BelowMinimum, part);
            a.counted_quantity = Some(counted_qty);
            a.damaged_quantity = Some(damaged);
            a.min_quantity = Some(minimum);
            out.push(a);
        }
    }
    out
}

/// INV-7: the kinds of count a day lacks, given those taken.
pub fn missing(taken: &[CountKind]) -> Vec<CountKind> {
    CountKind::ALL
        .into_iter()
        .filter(|k| !taken.contains(k))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn as_count(n: usize) -> i64 {
        i64::try_from(n).unwrap_or(i64::MAX)
    }

    fn bulk(part: &str, quantity: i64, min: i64) -> Booked {
        Booked {
            part_id: part.into(),
            kind: PartKind::Bulk,
            quantity,
            serials: vec![],
            min_quantity: min,
        }
    }

    fn boards(part: &str, serials: &[&str]) -> Booked {
        Booked {
            part_id: part.into(),
            kind: PartKind::Serialised,
            quantity: as_count(serials.len()),
            serials: serials.iter().map(|s| (*s).to_owned()).collect(),
            min_quantity: 0,
        }
    }

    fn line(part: &str, quantity: Option<i64>, serials: &[&str]) -> LineInput {
        LineInput {
            part_id: part.into(),
            quantity,
            serials: serials.iter().map(|s| (*s).to_owned()).collect(),
            ..LineInput::default()
        }
    }

    fn checked(lines: Vec<(PartKind, LineInput)>) -> Vec<CountedLine> {
        check_lines(&lines).unwrap()
    }

    #[test]
    fn inv_7_a_count_that_matches_the_books_raises_nothing() {
        let books = [bulk("p1", 5, 2), boards("p2", &["S1", "S2"])];
        let counted = checked(vec![
            (PartKind::Bulk, line("p1", Some(5), &[])),
            (PartKind::Serialised, line("p2", None, &["S2", " S1 "])),
        ]);
        assert!(anomalies(&books, &counted).is_empty());
    }

    #[test]
    fn inv_7_one_unit_missing_is_a_difference_with_both_figures() {
        let books = [boards("p2", &["S1", "S2", "S3"])];
        let counted = checked(vec![(
            PartKind::Serialised,
            line("p2", None, &["S1", "S3"]),
        )]);
        let found = anomalies(&books, &counted);
        assert_eq!(found.len(), 1);
        let a = &found[0];
        assert_eq!(a.kind, AnomalyKind::Difference);
        assert_eq!(
            (a.expected_quantity, a.counted_quantity),
            (Some(3), Some(2))
        );
        assert_eq!(a.missing_serials, vec!["S2"]);
        assert!(a.unexpected_serials.is_empty());
        // The same number of units but another serial is a difference too.
        let counted = checked(vec![(
            PartKind::Serialised,
            line("p2", None, &["S1", "S2", "S9"]),
        )]);
        let found = anomalies(&books, &counted);
        assert_eq!(
            (
                found[0].missing_serials.clone(),
                found[0].unexpected_serials.clone()
            ),
            (vec!["S3".to_owned()], vec!["S9".to_owned()])
        );
    }

    #[test]
    fn inv_7_a_part_held_but_not_counted_was_counted_as_none() {
        let found = anomalies(&[bulk("p1", 4, 0)], &[]);
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].expected_quantity, found[0].counted_quantity),
            (Some(4), Some(0))
        );
        let counted = checked(vec![(PartKind::Bulk, line("p9", Some(1), &[]))]);
        let found = anomalies(&[], &counted);
        assert_eq!(
            (found[0].kind, found[0].expected_quantity),
            (AnomalyKind::Difference, Some(0))
        );
    }

    #[test]
    fn inv_7_damaged_units_and_stock_below_the_minimum() {
        let mut l = line("p1", Some(5), &[]);
        l.damaged_quantity = Some(2);
        let found = anomalies(&[bulk("p1", 5, 4)], &checked(vec![(PartKind::Bulk, l)]));
        let kinds: Vec<AnomalyKind> = found.iter().map(|a| a.kind).collect();
        assert_eq!(kinds, vec![AnomalyKind::Damaged, AnomalyKind::BelowMinimum]);
        assert_eq!(found[0].damaged_quantity, Some(2));
        assert_eq!(
            (found[1].counted_quantity, found[1].min_quantity),
            (Some(5), Some(4))
        );
        let mut l = line("p2", None, &["S1", "S2"]);
        l.damaged_serials = vec!["S2".into()];
        let found = anomalies(
            &[boards("p2", &["S1", "S2"])],
            &checked(vec![(PartKind::Serialised, l)]),
        );
        assert_eq!(found[0].kind, AnomalyKind::Damaged);
        assert_eq!(found[0].damaged_serials, vec!["S2"]);
        // No minimum set: nothing is below it.
        assert!(anomalies(&[bulk("p1", 0, 0)], &[]).is_empty());
    }

    fn fields(e: DomainError) -> Vec<(String, &'static str)> {
        assert_eq!(e.rule(), Some("INV-7"));
        match e {
            DomainError::Invalid(errors) => errors.into_iter().map(|e| (e.field, e.code)).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn inv_7_lines_fit_their_part() {
        let mut damaged = line("p1", Some(1), &[]);
        damaged.damaged_quantity = Some(2);
        let e = check_lines(&[
            (PartKind::Bulk, line("p1", None, &["S1"])),
            (PartKind::Bulk, damaged),
        ])
        .unwrap_err();
        assert_eq!(
            fields(e),
            vec![
                ("lines[0].serials".to_owned(), "not_allowed"),
                ("lines[0].quantity".to_owned(), "required"),
                ("lines[1].part_id".to_owned(), "duplicate"),
                ("lines[1].damaged_quantity".to_owned(), "range"),
            ]
        );
        let mut l = line("p2", Some(3), &["S1", "S1"]);
        l.damaged_serials = vec!["S7".into()];
        assert_eq!(
            fields(check_lines(&[(PartKind::Serialised, l)]).unwrap_err()),
            vec![
                ("lines[0].serials".to_owned(), "duplicate"),
                ("lines[0].quantity".to_owned(), "mismatch"),
                ("lines[0].damaged_serials".to_owned(), "not_present"),
            ]
        );
        // A serialised part with nothing present is a count of none.
        let none = checked(vec![(PartKind::Serialised, line("p2", None, &[]))]);
        assert_eq!(none[0].quantity, 0);
    }

    #[test]
    fn inv_7_counts_are_taken_at_the_service_centre() {
        assert!(check_location(LocationKind::ServiceCentre).is_ok());
        assert_eq!(
            check_location(LocationKind::Warehouse).unwrap_err().rule(),
            Some("INV-7")
        );
    }

    #[test]
    fn inv_7_a_day_lacks_the_counts_not_taken() {
        assert_eq!(missing(&[]), CountKind::ALL.to_vec());
        assert_eq!(missing(&[CountKind::Opening]), vec![CountKind::Closing]);
        assert!(missing(&CountKind::ALL).is_empty());
    }
}
