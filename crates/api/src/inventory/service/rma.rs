//! INV-6 RMA (返修): a faulty unit leaves stock for its manufacturer with an `rma_out` ledger
//! row, and comes back — itself repaired, or a replacement serial — with an `rma_in` row, or
//! is written off. The unit's moves are conditional updates (`stock::apply` out, the unit's
//! `at_manufacturer` status back), in the command's one transaction.

use crate::calendar::service::add_working_days;
use crate::inventory::dto::rma::{CloseRma, RmaOut, SendRma};
use crate::inventory::dto::stock::MovementOut;
use crate::inventory::service::catalogue::{get_location, get_part};
use crate::inventory::service::stock;
use crate::kernel::access::scope;
use crate::kernel::command::{Ctx, snapshot, written};
use crate::kernel::error::ApiError;
use crate::kernel::extract::trimmed;
use crate::kernel::rules::load_in_force;
use chrono::NaiveDate;
use kefu_core::{Actor, FieldError};
use kefu_inventory::catalogue::{MovementKind, PartKind, UnitStatus};
use kefu_inventory::movements::{Movement, unit_not_there};
use kefu_inventory::rma::{
    CloseCommand, RmaFacts, RmaOutcome, RmaPolicy, RmaStatus, SendFacts, check_send, decide_close,
    is_overdue,
};
use kefu_store::inventory::StockScope;
use kefu_store::inventory::catalogue::PartRow;
use kefu_store::inventory::rma::{self as store, RmaChanges, RmaRow};
use kefu_store::inventory::stock::{self as stock_store, MovementRow};
use kefu_store::{DbConnection, from_db_time, new_id, to_db_time};

pub fn render(row: &RmaRow, today: NaiveDate) -> RmaOut {
    let t = |v: Option<chrono::NaiveDateTime>| v.map(from_db_time);
    RmaOut {
        id: row.id.clone(),
        part_id: row.part_id.clone(),
        serial_unit_id: row.serial_unit_id.clone(),
        serial: row.serial.clone(),
        from_location_id: row.from_location_id.clone(),
        manufacturer: row.manufacturer.clone(),
        batch: row.batch.clone(),
        fault_reason: row.fault_reason.clone(),
        sent_on: row.sent_on,
        expected_back_on: row.expected_back_on,
        overdue: is_overdue(row.status, row.expected_back_on, today),
        status: row.status,
        returned_on: row.returned_on,
        to_location_id: row.to_location_id.clone(),
        replacement_serial: row.replacement_serial.clone(),
        replacement_unit_id: row.replacement_unit_id.clone(),
        outcome_note: row.outcome_note.clone(),
        note: row.note.clone(),
        sent_by: row.sent_by.clone(),
        closed_by: row.closed_by.clone(),
        closed_at: t(row.closed_at),
        overdue_flagged_at: t(row.overdue_flagged_at),
        deleted: row.deleted_at.is_some(),
        created_at: from_db_time(row.created_at),
        updated_at: from_db_time(row.updated_at),
        version: row.version,
    }
}

/// A live RMA the actor sees (ORG-5: one sent from outside their stock scope is 404).
pub fn get_row(conn: &mut DbConnection, actor: &Actor, id: &str) -> Result<RmaRow, ApiError> {
    let scope = scope::stock(conn, actor)?;
    store::find_rma(conn, id)?
        .filter(|r| r.deleted_at.is_none() && scope.sees_stock_at(&r.from_location_id))
        .ok_or(ApiError::NotFound)
}

fn unknown(name: &str, message: &str) -> ApiError {
    ApiError::Invalid(vec![
        FieldError::new(name, "unknown", message).by_rule("INV-6"),
    ])
}

fn location(conn: &mut DbConnection, name: &str, id: &str) -> Result<(), ApiError> {
    get_location(conn, &StockScope::everything(), id)
        .map(|_| ())
        .map_err(|e| match e {
            ApiError::NotFound => unknown(name, "no such location"),
            other => other,
        })
}

/// INV-6: the unit leaves `from_location_id` for its manufacturer.
pub fn send(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    today: NaiveDate,
    input: SendRma,
) -> Result<RmaOut, ApiError> {
    let part = get_part(conn, input.part_id.trim()).map_err(|e| match e {
        ApiError::NotFound => unknown("part_id", "no such part"),
        other => other,
    })?;
    let serial = input.serial.trim().to_owned();
    let from = input.from_location_id.trim().to_owned();
    let manufacturer = input.manufacturer.trim().to_owned();
    let fault_reason = input.fault_reason.trim().to_owned();
    let sent_on = input.sent_on.unwrap_or(today);
    check_send(
        &SendFacts {
            serialised: part.kind == PartKind::Serialised,
            manufacturer: manufacturer.clone(),
            fault_reason: fault_reason.clone(),
            sent_on,
        },
        today,
    )?;
    location(conn, "from_location_id", &from)?;
    let unit = stock_store::find_unit(conn, &part.id, &serial)?
        .ok_or_else(|| unknown("serial", "no unit with this serial on the books"))?;
    let policy = load_in_force::<RmaPolicy>(conn, sent_on)?.value;
    let days = u32::try_from(policy.expected_back_days).unwrap_or(u32::MAX);
    let expected_back_on = add_working_days(conn, sent_on, days)?;
    // The unit leaves only if it is in stock there (409 INV-4 otherwise).
    let movement = Movement {
        kind: MovementKind::RmaOut,
        quantity: 1,
        serials: vec![serial.clone()],
        from_location_id: Some(from.clone()),
        to_location_id: None,
        unit_status: UnitStatus::AtManufacturer,
        new_units: false,
    };
    let note = trimmed(input.note);
    stock::apply(conn, ctx, &part, &movement, note.as_deref())?;
    let now = to_db_time(ctx.now);
    let row = RmaRow {
        id: new_id(),
        part_id: part.id,
        serial_unit_id: unit.id,
        serial,
        from_location_id: from,
        manufacturer,
        batch: trimmed(input.batch),
        fault_reason,
        sent_on,
        expected_back_on,
        status: RmaStatus::Sent,
        returned_on: None,
        to_location_id: None,
        replacement_serial: None,
        replacement_unit_id: None,
        outcome_note: None,
        note,
        sent_by: Some(actor.user_id.clone()),
        closed_by: None,
        closed_at: None,
        overdue_flagged_at: None,
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
    };
    store::insert_rma(conn, &row)?;
    let out = render(&get_row(conn, actor, &row.id)?, today);
    ctx.audit(
        conn,
        "part_rma.send",
        ("part_rma", &out.id),
        None,
        snapshot(&out),
    )?;
    Ok(out)
}

/// INV-6: records how the RMA `id` ended, at `expected_version`.
pub fn close(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    today: NaiveDate,
    id: &str,
    expected_version: i64,
    input: CloseRma,
) -> Result<RmaOut, ApiError> {
    let before = get_row(conn, actor, id)?;
    if before.version != expected_version {
        return Err(ApiError::PreconditionFailed {
            current: before.version,
        });
    }
    let to = trimmed(input.to_location_id);
    let replacement = input.replacement_serial.map(|s| s.trim().to_owned());
    let returned_on = input.returned_on.unwrap_or(today);
    let status = decide_close(
        &RmaFacts {
            status: before.status,
            serial: before.serial.clone(),
            sent_on: before.sent_on,
        },
        &CloseCommand {
            outcome: input.outcome,
            returned_on,
            has_location: to.is_some(),
            replacement_serial: replacement.clone(),
        },
        today,
    )?;
    if let Some(to) = &to {
        location(conn, "to_location_id", to)?;
    }
    let part = get_part(conn, &before.part_id)?;
    let mut changes = RmaChanges {
        status: Some(status.as_str().to_owned()),
        returned_on: Some(returned_on),
        to_location_id: to.clone(),
        replacement_serial: replacement.clone(),
        outcome_note: trimmed(input.outcome_note),
        closed_by: Some(actor.user_id.clone()),
        closed_at: Some(to_db_time(ctx.now)),
        ..RmaChanges::default()
    };
    match (input.outcome, to, replacement) {
        (RmaOutcome::Returned, Some(to), _) => {
            // The same unit comes back into stock, once (the status condition).
            if !store::unit_back(conn, &before.serial_unit_id, Some(&to), ctx.now)? {
                return Err(unit_not_there(&before.serial).into());
            }
            stock_store::put(conn, &part.id, &to, 1, ctx.now)?;
            rma_in(conn, ctx, &part, &before, &to)?;
        }
        (RmaOutcome::Replaced, Some(to), Some(serial)) => {
            // The old unit stays with the manufacturer: off the books.
            if !store::unit_back(conn, &before.serial_unit_id, None, ctx.now)? {
                return Err(unit_not_there(&before.serial).into());
            }
            // A new unit enters the books; a serial already on them is 409 naming the field
            // the client wrote (a racing close still meets the unique key).
            if stock_store::find_unit(conn, &part.id, &serial)?.is_some() {
                return Err(ApiError::Duplicate(kefu_store::UniqueViolation {
                    field: Some("replacement_serial"),
                    ..kefu_store::UniqueViolation::of("serial_units_part_id_serial_key")
                }));
            }
            let movement = Movement {
                kind: MovementKind::RmaIn,
                quantity: 1,
                serials: vec![serial.clone()],
                from_location_id: None,
                to_location_id: Some(to),
                unit_status: UnitStatus::InStock,
                new_units: true,
            };
            let note = format!("RMA {}: replaces {}", before.id, before.serial);
            stock::apply(conn, ctx, &part, &movement, Some(&note))?;
            changes.replacement_unit_id =
                stock_store::find_unit(conn, &part.id, &serial)?.map(|u| u.id);
        }
        _ => {
            if !store::unit_back(conn, &before.serial_unit_id, None, ctx.now)? {
                return Err(unit_not_there(&before.serial).into());
            }
        }
    }
    written(store::update_rma(
        conn,
        id,
        expected_version,
        &changes,
        ctx.now,
    )?)?;
    let after = render(&get_row(conn, actor, id)?, today);
    ctx.audit(
        conn,
        "part_rma.close",
        ("part_rma", id),
        snapshot(&render(&before, today)),
        snapshot(&after),
    )?;
    Ok(after)
}

/// The `rma_in` ledger row of a repaired unit, audited as `stock_movement.rma_in` like every
/// movement.
fn rma_in(
    conn: &mut DbConnection,
    ctx: &Ctx,
    part: &PartRow,
    rma: &RmaRow,
    to: &str,
) -> Result<(), ApiError> {
    let row = MovementRow {
        id: new_id(),
        kind: MovementKind::RmaIn,
        part_id: part.id.clone(),
        serial_unit_id: Some(rma.serial_unit_id.clone()),
        serial: Some(rma.serial.clone()),
        quantity: 1,
        from_location_id: None,
        to_location_id: Some(to.to_owned()),
        note: Some(format!("RMA {}: repaired", rma.id)),
        actor_id: ctx.actor_id.clone(),
        created_at: to_db_time(ctx.now),
        rotation_passed_over: None,
        ticket_id: None,
    };
    stock_store::insert_movement(conn, &row)?;
    ctx.audit(
        conn,
        "stock_movement.rma_in",
        ("stock_movement", &row.id),
        None,
        snapshot(&MovementOut::from(&row)),
    )?;
    Ok(())
}
