//! INV-9 monthly spare-parts report (备品统计月报表) for finance: per part, the stock at the
//! start of the month, what came in, what went out, what was lent and lost in it, and the
//! stock at its end — all from the ledger (INV-1), so `closing = opening + in − out` holds
//! by construction and, for the month in progress, equals the live stock.
//!
//! The report covers a set of locations: all of them (the company's stock: a movement between
//! two locations moves nothing in or out) or one (a movement into it is `in`, out of it is
//! `out`).

use crate::catalogue::MovementKind;
use std::collections::BTreeMap;

/// One ledger row as the report reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerEntry {
    pub part_id: String,
    pub kind: MovementKind,
    pub quantity: i64,
    pub from_location_id: Option<String>,
    pub to_location_id: Option<String>,
    /// Recorded before the month began (it counts towards the opening stock).
    pub before_month: bool,
}

/// One part's line of the report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportLine {
    pub part_id: String,
    pub opening: i64,
    /// Into the covered locations from outside them (receipts, counts that found more,
    /// units back from the manufacturer; into one location, also issues and returns).
    pub received: i64,
    /// Out of the covered locations (consumption, losses, damage, write-offs, RMA; out of one
    /// location, also issues, loans and returns).
    pub sent: i64,
    /// Of the month's movements, the units lent to engineers (INV-2).
    pub loans: i64,
    /// Of `sent`, the units lost or damaged (INV-3).
    pub losses: i64,
    pub closing: i64,
}

/// INV-9: the report lines, in part id order, of `entries` (every ledger row up to the end of
/// the month) for the location `location_id`, or for all locations when `None`.
pub fn monthly(entries: &[LedgerEntry], location_id: Option<&str>) -> Vec<ReportLine> {
    let covered = |at: &Option<String>| match location_id {
        None => at.is_some(),
        Some(l) => at.as_deref() == Some(l),
    };
    let mut lines: BTreeMap<&str, ReportLine> = BTreeMap::new();
    for e in entries {
        let into = covered(&e.to_location_id) && !covered(&e.from_location_id);
        let out_of = covered(&e.from_location_id) && !covered(&e.to_location_id);
        let touches = covered(&e.to_location_id) || covered(&e.from_location_id);
        if !touches {
            continue;
        }
        let line = lines.entry(e.part_id.as_str()).or_default();
        let net = if into {
            e.quantity
        } else if out_of {
            -e.quantity
        } else {
            0
        };
        if e.before_month {
            line.opening += net;
            continue;
        }
        if into {
            line.received += e.quantity;
        }
        if out_of {
            line.sent += e.quantity;
            if matches!(e.kind, MovementKind::Loss | MovementKind::Damage) {
                line.losses += e.quantity;
            }
        }
        if e.kind == MovementKind::Loan {
            line.loans += e.quantity;
        }
    }
    lines
        .into_iter()
        .map(|(part, mut line)| {
            line.part_id = part.to_owned();
            line.closing = line.opening + line.received - line.sent;
            line
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(
        kind: MovementKind,
        q: i64,
        from: Option<&str>,
        to: Option<&str>,
        before: bool,
    ) -> LedgerEntry {
        LedgerEntry {
            part_id: "p".into(),
            kind,
            quantity: q,
            from_location_id: from.map(str::to_owned),
            to_location_id: to.map(str::to_owned),
            before_month: before,
        }
    }

    fn ledger() -> Vec<LedgerEntry> {
        use MovementKind::*;
        vec![
            e(Receipt, 10, None, Some("w"), true),
            e(Issue, 2, Some("w"), Some("e"), true),
            e(Receipt, 5, None, Some("w"), false),
            e(Loan, 3, Some("w"), Some("e"), false),
            e(Consumption, 1, Some("e"), None, false),
            e(Loss, 1, Some("e"), None, false),
            e(Return, 1, Some("e"), Some("w"), false),
            e(RmaOut, 2, Some("w"), None, false),
        ]
    }

    #[test]
    fn inv_9_the_company_report_moves_nothing_between_locations() {
        let lines = monthly(&ledger(), None);
        assert_eq!(lines.len(), 1);
        let l = &lines[0];
        assert_eq!(
            (l.opening, l.received, l.sent, l.loans, l.losses, l.closing),
            (10, 5, 4, 3, 1, 11)
        );
        assert_eq!(l.closing, l.opening + l.received - l.sent);
    }

    #[test]
    fn inv_9_one_location_counts_transfers_in_and_out() {
        let w = &monthly(&ledger(), Some("w"))[0];
        assert_eq!((w.opening, w.received, w.sent, w.closing), (8, 6, 5, 9));
        let eng = &monthly(&ledger(), Some("e"))[0];
        assert_eq!(
            (eng.opening, eng.received, eng.sent, eng.losses, eng.closing),
            (2, 3, 3, 1, 2)
        );
        // The two locations together hold the company's stock.
        assert_eq!(w.closing + eng.closing, monthly(&ledger(), None)[0].closing);
        assert!(monthly(&ledger(), Some("x")).is_empty());
    }
}
