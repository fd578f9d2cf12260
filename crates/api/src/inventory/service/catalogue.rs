//! INV-1: the parts catalogue on the products of master data, and the stock locations, kept
//! by the store's office.

use crate::inventory::dto::catalogue::{
    CreateLocation, CreatePart, LocationOut, PartOut, UpdatePart,
};
use crate::kernel::command::{Ctx, snapshot, written};
use crate::kernel::error::ApiError;
use kefu_core::{FieldError, Role};
use kefu_inventory::catalogue::LocationKind;
use kefu_store::inventory::StockScope;
use kefu_store::inventory::catalogue::{self as store, LocationRow, PartChanges, PartRow};
use kefu_store::{DbConnection, new_id, to_db_time};

fn field(name: &str, code: &'static str, message: &str) -> ApiError {
    ApiError::Invalid(vec![FieldError::new(name, code, message)])
}

/// A part not deleted; anything else is 404.
pub fn get_part(conn: &mut DbConnection, id: &str) -> Result<PartRow, ApiError> {
    store::find_part(conn, id)?
        .filter(|p| p.deleted_at.is_none())
        .ok_or(ApiError::NotFound)
}

pub fn create_part(
    conn: &mut DbConnection,
    ctx: &Ctx,
    input: CreatePart,
) -> Result<PartOut, ApiError> {
    // The part hangs on a live product of master data (the equipment domain's catalogue).
    crate::equipment::service::products::get(conn, &input.product_id).map_err(|e| match e {
        ApiError::NotFound => field("product_id", "unknown", "no such product"),
        other => other,
    })?;
    let now = to_db_time(ctx.now);
    let row = PartRow {
        id: new_id(),
        product_id: input.product_id,
        code: input.code.trim().to_owned(),
        name: input.name.trim().to_owned(),
        kind: input.kind,
        sale_price_fen: input.sale_price_fen,
        unit_cost_fen: input.unit_cost_fen,
        min_stock: input.min_stock,
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
    };
    store::insert_part(conn, &row)?;
    let out = PartOut::from(&get_part(conn, &row.id)?);
    ctx.audit(conn, "part.create", ("part", &out.id), None, snapshot(&out))?;
    Ok(out)
}

pub fn update_part(
    conn: &mut DbConnection,
    ctx: &Ctx,
    id: &str,
    expected_version: i64,
    input: UpdatePart,
) -> Result<PartOut, ApiError> {
    let before = PartOut::from(&get_part(conn, id)?);
    let changes = PartChanges {
        name: input.name.map(|n| n.trim().to_owned()),
        sale_price_fen: input.sale_price_fen,
        unit_cost_fen: input.unit_cost_fen,
        min_stock: input.min_stock,
    };
    written(store::update_part(
        conn,
        id,
        expected_version,
        &changes,
        ctx.now,
    )?)?;
    let after = PartOut::from(&get_part(conn, id)?);
    ctx.audit(
        conn,
        "part.update",
        ("part", id),
        snapshot(&before),
        snapshot(&after),
    )?;
    Ok(after)
}

/// A live location `scope` sees (ORG-5: another engineer's hands read as 404).
pub fn get_location(
    conn: &mut DbConnection,
    scope: &StockScope,
    id: &str,
) -> Result<LocationRow, ApiError> {
    store::find_location(conn, id)?
        .filter(|l| l.deleted_at.is_none() && store::location_visible(l, scope))
        .ok_or(ApiError::NotFound)
}

/// INV-1: an engineer's location names an enabled engineer; the shared ones name nobody.
fn check_engineer(conn: &mut DbConnection, input: &CreateLocation) -> Result<(), ApiError> {
    match (input.kind, &input.engineer_id) {
        (LocationKind::Engineer, None) => Err(field(
            "engineer_id",
            "required",
            "an engineer's location names the engineer",
        )),
        (LocationKind::Engineer, Some(user)) => {
            if kefu_store::users::is_enabled_with_any_role(conn, user, &[Role::Engineer])? {
                Ok(())
            } else {
                Err(field("engineer_id", "unknown", "no such enabled engineer"))
            }
        }
        (_, Some(_)) => Err(field(
            "engineer_id",
            "not_allowed",
            "only an engineer's location names an engineer",
        )),
        (_, None) => Ok(()),
    }
}

pub fn create_location(
    conn: &mut DbConnection,
    ctx: &Ctx,
    input: CreateLocation,
) -> Result<LocationOut, ApiError> {
    check_engineer(conn, &input)?;
    let now = to_db_time(ctx.now);
    let row = LocationRow {
        id: new_id(),
        kind: input.kind,
        name: input.name.trim().to_owned(),
        engineer_id: input.engineer_id,
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
    };
    // A second location for the same engineer breaks the unique key: 409 naming the field.
    store::insert_location(conn, &row)?;
    let out = LocationOut::from(&get_location(conn, &StockScope::everything(), &row.id)?);
    ctx.audit(
        conn,
        "stock_location.create",
        ("stock_location", &out.id),
        None,
        snapshot(&out),
    )?;
    Ok(out)
}
