//! INV-8 rotation: when issuing, the unit of a part idle longest at the location is suggested
//! first, so stock does not age on the shelf. A unit's idle time runs from its last ledger
//! movement. Issuing another unit is allowed; it is recorded as a deviation (the older units
//! passed over), never refused.

use chrono::NaiveDateTime;
use std::cmp::Ordering;

/// A unit in stock at a location and when it last moved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdleUnit {
    pub unit_id: String,
    pub serial: String,
    pub location_id: String,
    pub last_moved_at: NaiveDateTime,
}

fn oldest_first(a: &IdleUnit, b: &IdleUnit) -> Ordering {
    a.last_moved_at
        .cmp(&b.last_moved_at)
        .then_with(|| a.serial.cmp(&b.serial))
}

/// INV-8: the units in the order to issue them: idle longest first (ties by serial).
pub fn suggest(mut units: Vec<IdleUnit>) -> Vec<IdleUnit> {
    units.sort_by(oldest_first);
    units
}

/// INV-8: the units passed over by issuing `chosen` from `candidates` (the units at the
/// location before the issue): those not chosen that have been idle longer than the most
/// recently moved chosen unit. Empty when the issue followed the rotation.
pub fn passed_over(candidates: &[IdleUnit], chosen: &[String]) -> Vec<String> {
    let Some(newest_chosen) = candidates
        .iter()
        .filter(|u| chosen.contains(&u.serial))
        .map(|u| u.last_moved_at)
        .max()
    else {
        return Vec::new();
    };
    suggest(
        candidates
            .iter()
            .filter(|u| !chosen.contains(&u.serial) && u.last_moved_at < newest_chosen)
            .cloned()
            .collect(),
    )
    .into_iter()
    .map(|u| u.serial)
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn unit(serial: &str, day: u32) -> IdleUnit {
        IdleUnit {
            unit_id: format!("u-{serial}"),
            serial: serial.into(),
            location_id: "w".into(),
            last_moved_at: NaiveDate::from_ymd_opt(2026, 3, day)
                .unwrap()
                .and_hms_opt(9, 0, 0)
                .unwrap(),
        }
    }

    fn serials(units: &[IdleUnit]) -> Vec<&str> {
        units.iter().map(|u| u.serial.as_str()).collect()
    }

    #[test]
    fn inv_8_the_unit_idle_longest_comes_first() {
        let order = suggest(vec![unit("C", 5), unit("B", 1), unit("A", 5)]);
        assert_eq!(serials(&order), vec!["B", "A", "C"]);
    }

    #[test]
    fn inv_8_an_issue_of_younger_units_records_the_older_ones_passed_over() {
        let at = vec![
            unit("OLD", 1),
            unit("MID", 3),
            unit("NEW", 5),
            unit("TIE", 5),
        ];
        assert!(passed_over(&at, &["OLD".into()]).is_empty());
        assert!(passed_over(&at, &["OLD".into(), "MID".into()]).is_empty());
        assert_eq!(passed_over(&at, &["NEW".into()]), vec!["OLD", "MID"]);
        // Same idle time is no deviation.
        assert_eq!(passed_over(&at, &["TIE".into(), "OLD".into()]), vec!["MID"]);
        assert!(passed_over(&at, &["ELSEWHERE".into()]).is_empty());
    }
}
