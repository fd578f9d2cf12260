//! INV-8 rotation: the units of a part in stock in the order to issue them, and the units an
//! issue passed over (recorded on the loan, never refused).

use crate::inventory::dto::rotation::{IdleUnitOut, IssueSuggestionOut};
use crate::inventory::service::catalogue::{get_location, get_part};
use crate::kernel::access::scope;
use crate::kernel::error::ApiError;
use chrono::{DateTime, Utc};
use kefu_core::Actor;
use kefu_inventory::catalogue::PartKind;
use kefu_inventory::rotation::{IdleUnit, passed_over, suggest};
use kefu_store::inventory::StockScope;
use kefu_store::inventory::stock::idle_units;
use kefu_store::{DbConnection, from_db_time};

fn candidates(
    conn: &mut DbConnection,
    part_id: &str,
    scope: &StockScope,
    location_id: Option<&str>,
) -> Result<Vec<IdleUnit>, ApiError> {
    Ok(idle_units(conn, part_id, scope, location_id)?
        .into_iter()
        .map(|(unit_id, serial, location_id, last_moved_at)| IdleUnit {
            unit_id,
            serial,
            location_id,
            last_moved_at,
        })
        .collect())
}

/// INV-8: the suggestion for issuing `part_id` (from `location_id` when given), within the
/// actor's ORG-5 stock scope: an unknown part, or a location whose stock they do not see, is
/// 404.
pub fn suggestion(
    conn: &mut DbConnection,
    actor: &Actor,
    now: DateTime<Utc>,
    part_id: &str,
    location_id: Option<&str>,
    limit: usize,
) -> Result<IssueSuggestionOut, ApiError> {
    let part = get_part(conn, part_id)?;
    let scope = scope::stock(conn, actor)?;
    if let Some(l) = location_id {
        let location = get_location(conn, &scope, l)?;
        if !scope.sees_stock_at(&location.id) {
            return Err(ApiError::NotFound);
        }
    }
    let units = match part.kind {
        PartKind::Bulk => Vec::new(),
        PartKind::Serialised => suggest(candidates(conn, &part.id, &scope, location_id)?),
    };
    Ok(IssueSuggestionOut {
        part_id: part.id,
        location_id: location_id.map(str::to_owned),
        items: units
            .into_iter()
            .take(limit)
            .map(|u| {
                let at = from_db_time(u.last_moved_at);
                IdleUnitOut {
                    serial_unit_id: u.unit_id,
                    serial: u.serial,
                    location_id: u.location_id,
                    last_moved_at: at,
                    idle_days: (now - at).num_days().max(0),
                }
            })
            .collect(),
    })
}

/// INV-8: the units at `location_id` older than those `serials` picks, read before they move.
pub fn passed_over_by(
    conn: &mut DbConnection,
    part_id: &str,
    location_id: &str,
    serials: &[String],
) -> Result<Vec<String>, ApiError> {
    let at = candidates(conn, part_id, &StockScope::everything(), Some(location_id))?;
    Ok(passed_over(&at, serials))
}
