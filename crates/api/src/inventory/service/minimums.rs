//! INV-7: the minimum stock of a part at a location, below which a daily count raises a
//! `below_minimum` anomaly (where none is set, the part's own `min_stock` applies).

use crate::inventory::dto::minimums::{CreateMinimum, MinimumOut, UpdateMinimum};
use crate::inventory::service::catalogue::{get_location, get_part};
use crate::kernel::command::{Ctx, snapshot, written};
use crate::kernel::error::ApiError;
use kefu_core::FieldError;
use kefu_store::inventory::StockScope;
use kefu_store::inventory::counts::{self as store, MinimumChanges, MinimumRow};
use kefu_store::{DbConnection, new_id, to_db_time};

/// A live minimum; anything else is 404.
pub fn get_minimum(conn: &mut DbConnection, id: &str) -> Result<MinimumRow, ApiError> {
    store::find_minimum(conn, id)?
        .filter(|m| m.deleted_at.is_none())
        .ok_or(ApiError::NotFound)
}

fn unknown(e: ApiError, name: &str, message: &str) -> ApiError {
    match e {
        ApiError::NotFound => ApiError::Invalid(vec![FieldError::new(name, "unknown", message)]),
        other => other,
    }
}

pub fn create(
    conn: &mut DbConnection,
    ctx: &Ctx,
    input: CreateMinimum,
) -> Result<MinimumOut, ApiError> {
    get_part(conn, &input.part_id).map_err(|e| unknown(e, "part_id", "no such part"))?;
    get_location(conn, &StockScope::everything(), &input.location_id)
        .map_err(|e| unknown(e, "location_id", "no such location"))?;
    let now = to_db_time(ctx.now);
    let row = MinimumRow {
        id: new_id(),
        part_id: input.part_id,
        location_id: input.location_id,
        min_quantity: input.min_quantity,
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
    };
    // One minimum per part and location: a second is the unique key's 409 naming `part_id`.
    store::insert_minimum(conn, &row)?;
    let out = MinimumOut::from(&get_minimum(conn, &row.id)?);
    ctx.audit(
        conn,
        "stock_minimum.create",
        ("stock_minimum", &out.id),
        None,
        snapshot(&out),
    )?;
    Ok(out)
}

pub fn update(
    conn: &mut DbConnection,
    ctx: &Ctx,
    id: &str,
    expected_version: i64,
    input: UpdateMinimum,
) -> Result<MinimumOut, ApiError> {
    let before = MinimumOut::from(&get_minimum(conn, id)?);
    let changes = MinimumChanges {
        min_quantity: Some(input.min_quantity),
    };
    written(store::update_minimum(
        conn,
        id,
        expected_version,
        &changes,
        ctx.now,
    )?)?;
    let after = MinimumOut::from(&get_minimum(conn, id)?);
    ctx.audit(
        conn,
        "stock_minimum.update",
        ("stock_minimum", id),
        snapshot(&before),
        snapshot(&after),
    )?;
    Ok(after)
}
