//! BIL-1 the fee schedule: finance and management keep it; every staff member reads it. A
//! change never reaches a quote already drawn up (its lines copied the prices).

use crate::billing::dto::fee_items::{CreateFeeItem, FeeItemOut, UpdateFeeItem};
use crate::kernel::command::{Ctx, snapshot, written};
use crate::kernel::error::ApiError;
use crate::kernel::extract::trimmed;
use kefu_billing::fees::check_prices;
use kefu_core::{Actor, FieldError};
use kefu_store::fee_items::{self as store, FeeItemChanges, FeeItemRow};
use kefu_store::{DbConnection, new_id, to_db_time};

/// A live item, else 404.
pub fn get_row(conn: &mut DbConnection, id: &str) -> Result<FeeItemRow, ApiError> {
    store::find(conn, id)?
        .filter(|r| r.deleted_at.is_none())
        .ok_or(ApiError::NotFound)
}

fn check_part(conn: &mut DbConnection, part_id: Option<&str>) -> Result<(), ApiError> {
    if let Some(id) = part_id {
        let live = kefu_store::inventory::catalogue::find_part(conn, id)?
            .is_some_and(|p| p.deleted_at.is_none());
        if !live {
            return Err(ApiError::Invalid(vec![
                FieldError::new("part_id", "not_found", "no such part").by_rule("BIL-1"),
            ]));
        }
    }
    Ok(())
}

/// BIL-1: adds an item to the schedule, in use.
pub fn create(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    input: CreateFeeItem,
) -> Result<FeeItemOut, ApiError> {
    check_prices(input.list_price_fen, input.floor_price_fen)?;
    let part_id = trimmed(input.part_id);
    check_part(conn, part_id.as_deref())?;
    let now = to_db_time(ctx.now);
    let row = FeeItemRow {
        id: new_id(),
        code: input.code.trim().to_owned(),
        name: input.name.trim().to_owned(),
        kind: input.kind.as_str().to_owned(),
        unit: input.unit.trim().to_owned(),
        list_price_fen: input.list_price_fen,
        floor_price_fen: input.floor_price_fen,
        part_id,
        active: true,
        note: trimmed(input.note),
        created_by: actor.user_id.clone(),
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
    };
    store::insert(conn, &row)?;
    let out = FeeItemOut::from(&row);
    ctx.audit(
        conn,
        "fee_item.create",
        ("fee_item", &row.id),
        None,
        snapshot(&out),
    )?;
    Ok(out)
}

fn commit(
    conn: &mut DbConnection,
    ctx: &Ctx,
    action: &str,
    before: &FeeItemRow,
    changes: &FeeItemChanges,
) -> Result<FeeItemOut, ApiError> {
    written(store::update(
        conn,
        &before.id,
        before.version,
        changes,
        ctx.now,
    )?)?;
    let after = FeeItemOut::from(&get_row(conn, &before.id)?);
    ctx.audit(
        conn,
        action,
        ("fee_item", &before.id),
        snapshot(&FeeItemOut::from(before)),
        snapshot(&after),
    )?;
    Ok(after)
}

fn check_version(row: &FeeItemRow, expected: i64) -> Result<(), ApiError> {
    if row.version == expected {
        Ok(())
    } else {
        Err(ApiError::PreconditionFailed {
            current: row.version,
        })
    }
}

/// BIL-1: changes an item; the prices as they will stand keep floor ≤ list.
pub fn update(
    conn: &mut DbConnection,
    ctx: &Ctx,
    id: &str,
    expected: i64,
    input: UpdateFeeItem,
) -> Result<FeeItemOut, ApiError> {
    let before = get_row(conn, id)?;
    check_version(&before, expected)?;
    check_prices(
        input.list_price_fen.unwrap_or(before.list_price_fen),
        input.floor_price_fen.unwrap_or(before.floor_price_fen),
    )?;
    let part_id = input.part_id.map(trimmed);
    if let Some(Some(part)) = &part_id {
        check_part(conn, Some(part))?;
    }
    let changes = FeeItemChanges {
        code: input.code.map(|s| s.trim().to_owned()),
        name: input.name.map(|s| s.trim().to_owned()),
        kind: input.kind.map(|k| k.as_str().to_owned()),
        unit: input.unit.map(|s| s.trim().to_owned()),
        list_price_fen: input.list_price_fen,
        floor_price_fen: input.floor_price_fen,
        part_id,
        active: input.active,
        note: input.note.map(trimmed),
    };
    commit(conn, ctx, "fee_item.update", &before, &changes)
}

/// BIL-1: retires an item in use (409 `BIL-1` when retired already): it takes no new quote
/// lines; the quotes that used it keep it.
pub fn retire(
    conn: &mut DbConnection,
    ctx: &Ctx,
    id: &str,
    expected: i64,
) -> Result<FeeItemOut, ApiError> {
    let before = get_row(conn, id)?;
    check_version(&before, expected)?;
    if !before.active {
        return Err(ApiError::State {
            rule: "BIL-1",
            message: "the item is retired already".to_owned(),
        });
    }
    let changes = FeeItemChanges {
        active: Some(false),
        ..FeeItemChanges::default()
    };
    commit(conn, ctx, "fee_item.retire", &before, &changes)
}
