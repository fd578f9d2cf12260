//! The products catalogue (INV-1, ORG-4), kept by admins and managers.

use crate::equipment::dto::products::{CreateProduct, ProductOut, UpdateProduct};
use crate::kernel::command::{Ctx, snapshot};
use crate::kernel::error::ApiError;
use kefu_core::FieldError;
use kefu_store::products::{self, ProductChanges, ProductRow};
use kefu_store::{DbConnection, StoreError, new_id, to_db_time};

/// 422 naming `floor_price_fen` when the floor is above the unit price.
fn check_floor(unit_price_fen: i64, floor_price_fen: i64) -> Result<(), ApiError> {
    if floor_price_fen > unit_price_fen {
        return Err(ApiError::Invalid(vec![FieldError::new(
            "floor_price_fen",
            "above_unit_price",
            format!(
                "the floor price ({floor_price_fen} fen) must not exceed the unit price ({unit_price_fen} fen)"
            ),
        )]));
    }
    Ok(())
}

fn model_taken() -> ApiError {
    ApiError::duplicate("products_model_key")
}

/// 409 when another live product has `model`.
fn check_model_free(
    conn: &mut DbConnection,
    model: &str,
    except_id: Option<&str>,
) -> Result<(), ApiError> {
    match products::find_by_model(conn, model)? {
        Some(other) if Some(other.id.as_str()) != except_id => Err(model_taken()),
        _ => Ok(()),
    }
}

/// A concurrent writer may still win the race to the unique index: its violation is the same 409.
fn map_duplicate(e: StoreError) -> ApiError {
    match e {
        StoreError::Duplicate(_) => model_taken(),
        other => ApiError::from(other),
    }
}

pub fn create(
    conn: &mut DbConnection,
    ctx: &Ctx,
    input: CreateProduct,
) -> Result<ProductRow, ApiError> {
    check_floor(input.unit_price_fen, input.floor_price_fen)?;
    check_model_free(conn, &input.model, None)?;
    let now = to_db_time(ctx.now);
    let row = ProductRow {
        id: new_id(),
        model: input.model,
        name: input.name,
        category: input.category,
        unit_price_fen: input.unit_price_fen,
        unit_cost_fen: input.unit_cost_fen,
        floor_price_fen: input.floor_price_fen,
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
    };
    products::insert(conn, &row).map_err(map_duplicate)?;
    // Read back: the database's precision is what later reads return.
    let stored = get(conn, &row.id)?;
    ctx.audit(
        conn,
        "product.create",
        ("product", &stored.id),
        None,
        snapshot(&ProductOut::from(&stored)),
    )?;
    Ok(stored)
}

/// A product not deleted.
pub fn get(conn: &mut DbConnection, id: &str) -> Result<ProductRow, ApiError> {
    products::find(conn, id)?
        .filter(|p| p.deleted_at.is_none())
        .ok_or(ApiError::NotFound)
}

fn write(
    conn: &mut DbConnection,
    ctx: &Ctx,
    action: &str,
    before: &ProductRow,
    expected_version: i64,
    changes: &ProductChanges,
) -> Result<ProductRow, ApiError> {
    crate::kernel::command::written(
        products::update(conn, &before.id, expected_version, changes, ctx.now)
            .map_err(map_duplicate)?,
    )?;
    let after = products::find(conn, &before.id)?.ok_or(ApiError::NotFound)?;
    ctx.audit(
        conn,
        action,
        ("product", &after.id),
        snapshot(&ProductOut::from(before)),
        snapshot(&ProductOut::from(&after)),
    )?;
    Ok(after)
}

pub fn update(
    conn: &mut DbConnection,
    ctx: &Ctx,
    id: &str,
    expected_version: i64,
    input: UpdateProduct,
) -> Result<ProductRow, ApiError> {
    let before = get(conn, id)?;
    check_floor(
        input.unit_price_fen.unwrap_or(before.unit_price_fen),
        input.floor_price_fen.unwrap_or(before.floor_price_fen),
    )?;
    if let Some(model) = &input.model {
        check_model_free(conn, model, Some(id))?;
    }
    let changes = ProductChanges {
        model: input.model,
        name: input.name,
        category: input.category,
        unit_price_fen: input.unit_price_fen,
        unit_cost_fen: input.unit_cost_fen,
        floor_price_fen: input.floor_price_fen,
        deleted_at: None,
    };
    write(
        conn,
        ctx,
        "product.update",
        &before,
        expected_version,
        &changes,
    )
}

/// Soft delete; refused (409) while equipment not deleted is of this product.
pub fn delete(
    conn: &mut DbConnection,
    ctx: &Ctx,
    id: &str,
    expected_version: i64,
) -> Result<ProductRow, ApiError> {
    let before = get(conn, id)?;
    if before.version != expected_version {
        return Err(ApiError::PreconditionFailed {
            current: before.version,
        });
    }
    let in_use = products::live_equipment_count(conn, id)?;
    if in_use > 0 {
        return Err(ApiError::Conflict(format!(
            "the product is used by {in_use} installed equipment record(s); delete or move them first"
        )));
    }
    let changes = ProductChanges {
        deleted_at: Some(Some(to_db_time(ctx.now))),
        ..ProductChanges::default()
    };
    write(
        conn,
        ctx,
        "product.delete",
        &before,
        expected_version,
        &changes,
    )
}
