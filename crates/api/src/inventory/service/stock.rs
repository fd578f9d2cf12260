//! INV-1/INV-4: recording a movement — the decision checks its shape, then stock leaves and
//! enters locations by conditional updates in the one transaction that appends its ledger
//! rows, so levels always equal the ledger and never go below zero, and a unit is never in
//! two places.

use crate::inventory::dto::stock::{MovementOut, RecordMovement, RecordedMovements};
use crate::inventory::service::catalogue::get_part;
use crate::inventory::service::rotation;
use crate::kernel::command::{Ctx, snapshot};
use crate::kernel::error::ApiError;
use kefu_core::FieldError;
use kefu_inventory::catalogue::{MovementKind, PartKind, UnitStatus};
use kefu_inventory::movements::{Movement, MovementCommand, plan, short_of_stock, unit_not_there};
use kefu_store::inventory::StockScope;
use kefu_store::inventory::catalogue::PartRow;
use kefu_store::inventory::stock::{self as store, MovementRow, UnitRow};
use kefu_store::{DbConnection, new_id, to_db_time};

fn field(name: &str, code: &'static str, message: String) -> ApiError {
    ApiError::Invalid(vec![FieldError::new(name, code, message).by_rule("INV-1")])
}

/// 422 naming `name` unless `id` is a live location.
fn check_location(conn: &mut DbConnection, name: &str, id: Option<&str>) -> Result<(), ApiError> {
    let Some(id) = id else { return Ok(()) };
    crate::inventory::service::catalogue::get_location(conn, &StockScope::everything(), id)
        .map(|_| ())
        .map_err(|e| match e {
            ApiError::NotFound => field(name, "unknown", format!("no such location {id}")),
            other => other,
        })
}

/// Records `input` and returns its ledger rows. Each row is audited as
/// `stock_movement.<kind>` (with its webhook event).
pub fn record(
    conn: &mut DbConnection,
    ctx: &Ctx,
    input: RecordMovement,
) -> Result<RecordedMovements, ApiError> {
    let part = get_part(conn, &input.part_id).map_err(|e| match e {
        ApiError::NotFound => field("part_id", "unknown", "no such part".to_owned()),
        other => other,
    })?;
    let command = MovementCommand {
        kind: input.kind,
        quantity: input.quantity,
        serials: input.serials,
        from_location_id: input.from_location_id,
        to_location_id: input.to_location_id,
    };
    let movement = plan(part.kind, &command)?;
    check_location(
        conn,
        "from_location_id",
        movement.from_location_id.as_deref(),
    )?;
    check_location(conn, "to_location_id", movement.to_location_id.as_deref())?;
    let note = input
        .note
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty());
    // INV-8: a plain issue of named units records the older ones it passed over, read before
    // the units move — as a loan's issue does on the loan; never refused.
    let passed_over = match (&movement.from_location_id, movement.kind, part.kind) {
        (Some(from), MovementKind::Issue, PartKind::Serialised) => Some(
            serde_json::to_string(&rotation::passed_over_by(
                conn,
                &part.id,
                from,
                &movement.serials,
            )?)
            .map_err(ApiError::internal)?,
        ),
        _ => None,
    };
    Ok(RecordedMovements {
        items: apply_tagged(
            conn,
            ctx,
            &part,
            &movement,
            note.as_deref(),
            &Tags {
                rotation_passed_over: passed_over,
                ticket_id: None,
            },
        )?,
    })
}

/// Applies a decided movement of `part`: units and levels change by conditional updates, then
/// the ledger rows are appended and each audited as `stock_movement.<kind>` (with its webhook
/// event). Loans (INV-2) move their stock through here too.
pub fn apply(
    conn: &mut DbConnection,
    ctx: &Ctx,
    part: &PartRow,
    movement: &Movement,
    note: Option<&str>,
) -> Result<Vec<MovementOut>, ApiError> {
    apply_tagged(conn, ctx, part, movement, note, &Tags::default())
}

/// What a movement's ledger rows say beyond the movement itself.
#[derive(Debug, Clone, Default)]
pub struct Tags {
    /// INV-8: a plain issue's units passed over (JSON array).
    pub rotation_passed_over: Option<String>,
    /// INV-2: the ticket a consumption used its units on.
    pub ticket_id: Option<String>,
}

/// [`apply`], with `tags` on each of the movement's rows.
pub fn apply_tagged(
    conn: &mut DbConnection,
    ctx: &Ctx,
    part: &PartRow,
    movement: &Movement,
    note: Option<&str>,
    tags: &Tags,
) -> Result<Vec<MovementOut>, ApiError> {
    let note = note.map(str::to_owned);
    let mut rows = match part.kind {
        PartKind::Bulk => vec![ledger_row(
            ctx,
            part,
            movement,
            None,
            movement.quantity,
            &note,
        )],
        PartKind::Serialised => move_units(conn, ctx, part, movement, &note)?,
    };
    for row in &mut rows {
        row.rotation_passed_over
            .clone_from(&tags.rotation_passed_over);
        row.ticket_id.clone_from(&tags.ticket_id);
    }
    // The level changes after the units moved, so a lost race names the unit, not the count.
    if let Some(from) = &movement.from_location_id
        && !store::take(conn, &part.id, from, movement.quantity, ctx.now)?
    {
        return Err(short_of_stock(movement.quantity).into());
    }
    if let Some(to) = &movement.to_location_id {
        store::put(conn, &part.id, to, movement.quantity, ctx.now)?;
    }
    let mut ids = Vec::with_capacity(rows.len());
    for row in rows {
        store::insert_movement(conn, &row)?;
        ctx.audit(
            conn,
            &format!("stock_movement.{}", row.kind),
            ("stock_movement", &row.id),
            None,
            snapshot(&MovementOut::from(&row)),
        )?;
        ids.push(row.id);
    }
    // Read back: the database's precision is what later reads return.
    let stored = store::find_movements(conn, &ids)?;
    Ok(stored.iter().map(MovementOut::from).collect())
}

fn ledger_row(
    ctx: &Ctx,
    part: &PartRow,
    movement: &Movement,
    unit: Option<&UnitRow>,
    quantity: i64,
    note: &Option<String>,
) -> MovementRow {
    MovementRow {
        id: new_id(),
        kind: movement.kind,
        part_id: part.id.clone(),
        serial_unit_id: unit.map(|u| u.id.clone()),
        serial: unit.map(|u| u.serial.clone()),
        quantity,
        from_location_id: movement.from_location_id.clone(),
        to_location_id: movement.to_location_id.clone(),
        note: note.clone(),
        actor_id: ctx.actor_id.clone(),
        created_at: to_db_time(ctx.now),
        rotation_passed_over: None,
        ticket_id: None,
    }
}

/// Serialised parts: new units enter the books at `to`; known units leave `from` only if they
/// are in stock there (one conditional UPDATE each). One ledger row per unit.
fn move_units(
    conn: &mut DbConnection,
    ctx: &Ctx,
    part: &PartRow,
    movement: &Movement,
    note: &Option<String>,
) -> Result<Vec<MovementRow>, ApiError> {
    let now = to_db_time(ctx.now);
    let mut rows = Vec::with_capacity(movement.serials.len());
    for serial in &movement.serials {
        let unit = match (&movement.from_location_id, movement.new_units) {
            (Some(from), false) => {
                let unit = catalogue_unit(conn, part, serial)?;
                let to = movement.to_location_id.as_deref();
                if !store::move_unit(conn, &unit.id, from, to, movement.unit_status, ctx.now)? {
                    return Err(unit_not_there(serial).into());
                }
                unit
            }
            _ => {
                let unit = UnitRow {
                    id: new_id(),
                    part_id: part.id.clone(),
                    serial: serial.clone(),
                    status: UnitStatus::InStock,
                    location_id: movement.to_location_id.clone(),
                    created_at: now,
                    updated_at: now,
                };
                // A serial already on the books is the unique key's 409 naming `serials`.
                store::insert_unit(conn, &unit)?;
                unit
            }
        };
        rows.push(ledger_row(ctx, part, movement, Some(&unit), 1, note));
    }
    Ok(rows)
}

/// The unit of `part` with `serial`; 422 naming `serials` when the books have none.
fn catalogue_unit(
    conn: &mut DbConnection,
    part: &PartRow,
    serial: &str,
) -> Result<UnitRow, ApiError> {
    store::find_unit(conn, &part.id, serial)?.ok_or_else(|| {
        field(
            "serials",
            "unknown",
            format!("no unit {serial} of part {} on the books", part.code),
        )
    })
}
