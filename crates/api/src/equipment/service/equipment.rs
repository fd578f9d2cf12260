//! Installed equipment (ORG-4): every read and write goes through the caller's ORG-5 scope,
//! through the equipment's site and that site's customer.

use crate::equipment::dto::equipment::{
    CreateEquipment, EquipmentOut, EquipmentView, UpdateEquipment,
};
use crate::kernel::command::{Ctx, snapshot};
use crate::kernel::error::ApiError;
use chrono::NaiveDate;
use kefu_contracts::deadlines::ContractRules;
use kefu_core::FieldError;
use kefu_store::equipment::{self, EquipmentChanges, EquipmentRow};
use kefu_store::products::{self, ProductRow};
use kefu_store::visibility::Visible;
use kefu_store::{DbConnection, StoreError, new_id, to_db_time};
use std::collections::BTreeMap;

/// CON-8: the points a pure alarm controller counts as, from the rules in force on `day`.
pub fn pure_alarm_points(conn: &mut DbConnection, day: NaiveDate) -> Result<i64, ApiError> {
    Ok(
        crate::kernel::rules::load_in_force::<ContractRules>(conn, day)?
            .value
            .pure_alarm_controller_points,
    )
}

/// Shapes rows into responses, loading their products and (only when one of them needs it)
/// the CON-8 rule.
pub fn render(
    conn: &mut DbConnection,
    rows: &[EquipmentRow],
    today: NaiveDate,
) -> Result<Vec<EquipmentOut>, ApiError> {
    let pure_alarm_points = if rows.iter().any(|r| r.pure_alarm_controller) {
        pure_alarm_points(conn, today)?
    } else {
        0
    };
    let mut ids: Vec<String> = rows.iter().map(|r| r.product_id.clone()).collect();
    ids.sort();
    ids.dedup();
    let by_id: BTreeMap<String, ProductRow> = products::find_many(conn, &ids)?
        .into_iter()
        .map(|p| (p.id.clone(), p))
        .collect();
    Ok(rows
        .iter()
        .map(|row| {
            EquipmentOut::from(EquipmentView {
                row,
                product: by_id.get(&row.product_id),
                pure_alarm_points,
                today,
            })
        })
        .collect())
}

fn render_one(
    conn: &mut DbConnection,
    row: &EquipmentRow,
    today: NaiveDate,
) -> Result<EquipmentOut, ApiError> {
    render(conn, std::slice::from_ref(row), today)?
        .pop()
        .ok_or_else(|| ApiError::internal("rendering lost the record"))
}

fn invalid(field: &str, code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::Invalid(vec![FieldError::new(field, code, message)])
}

/// The site must exist, not be deleted and be visible to the caller; an invisible site reads
/// exactly as an unknown one (ORG-5: never leak existence).
fn check_site(conn: &mut DbConnection, scope: &Visible, site_id: &str) -> Result<(), ApiError> {
    match equipment::site_owner(conn, site_id)? {
        Some(owner) if owner.visible_to(scope) => Ok(()),
        _ => Err(invalid("site_id", "unknown", "no such site")),
    }
}

fn check_product(conn: &mut DbConnection, product_id: &str) -> Result<(), ApiError> {
    match products::find(conn, product_id)? {
        Some(p) if p.deleted_at.is_none() => Ok(()),
        _ => Err(invalid("product_id", "unknown", "no such product")),
    }
}

fn check_warranty(install: Option<NaiveDate>, end: Option<NaiveDate>) -> Result<(), ApiError> {
    if let (Some(install), Some(end)) = (install, end)
        && end < install
    {
        return Err(invalid(
            "warranty_end",
            "before_install_date",
            format!("the warranty cannot end ({end}) before the install date ({install})"),
        ));
    }
    Ok(())
}

fn duplicate_serial() -> ApiError {
    ApiError::duplicate("equipment_serial_key")
}

/// A clear 409 before writing; the partial unique index decides races the same way.
fn check_serial(
    conn: &mut DbConnection,
    product_id: &str,
    serial: &str,
    except_id: Option<&str>,
) -> Result<(), ApiError> {
    if equipment::serial_taken(conn, product_id, serial, except_id)? {
        return Err(duplicate_serial());
    }
    Ok(())
}

fn map_duplicate(e: StoreError) -> ApiError {
    match e {
        StoreError::Duplicate(_) => duplicate_serial(),
        other => ApiError::from(other),
    }
}

pub fn create(
    conn: &mut DbConnection,
    ctx: &Ctx,
    scope: &Visible,
    today: NaiveDate,
    input: CreateEquipment,
) -> Result<EquipmentOut, ApiError> {
    check_warranty(input.install_date, input.warranty_end)?;
    check_site(conn, scope, &input.site_id)?;
    check_product(conn, &input.product_id)?;
    check_serial(conn, &input.product_id, &input.serial, None)?;
    let now = to_db_time(ctx.now);
    let row = EquipmentRow {
        id: new_id(),
        site_id: input.site_id,
        product_id: input.product_id,
        serial: input.serial,
        install_date: input.install_date,
        warranty_end: input.warranty_end,
        controller_points: input.controller_points,
        pure_alarm_controller: input.pure_alarm_controller,
        note: input.note,
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
    };
    equipment::insert(conn, &row).map_err(map_duplicate)?;
    // Read back: the database's precision is what later reads (and sync cursors) see.
    let stored = equipment::find(conn, &row.id)?.ok_or(ApiError::NotFound)?;
    let out = render_one(conn, &stored, today)?;
    ctx.audit(
        conn,
        "equipment.create",
        ("equipment", &stored.id),
        None,
        snapshot(&out),
    )?;
    Ok(out)
}

/// A record not deleted and visible to the caller; anything else is 404.
pub fn get_row(
    conn: &mut DbConnection,
    scope: &Visible,
    id: &str,
) -> Result<EquipmentRow, ApiError> {
    let row = equipment::find(conn, id)?
        .filter(|r| r.deleted_at.is_none())
        .ok_or(ApiError::NotFound)?;
    match equipment::site_owner(conn, &row.site_id)? {
        Some(owner) if owner.visible_to(scope) => Ok(row),
        _ => Err(ApiError::NotFound),
    }
}

pub fn get(
    conn: &mut DbConnection,
    scope: &Visible,
    today: NaiveDate,
    id: &str,
) -> Result<EquipmentOut, ApiError> {
    let row = get_row(conn, scope, id)?;
    render_one(conn, &row, today)
}

#[allow(clippy::too_many_arguments)]
fn write(
    conn: &mut DbConnection,
    ctx: &Ctx,
    today: NaiveDate,
    action: &str,
    before: &EquipmentRow,
    expected_version: i64,
    changes: &EquipmentChanges,
) -> Result<EquipmentOut, ApiError> {
    let before_out = render_one(conn, before, today)?;
    crate::kernel::command::written(
        equipment::update(conn, &before.id, expected_version, changes, ctx.now)
            .map_err(map_duplicate)?,
    )?;
    let after = equipment::find(conn, &before.id)?.ok_or(ApiError::NotFound)?;
    let out = render_one(conn, &after, today)?;
    ctx.audit(
        conn,
        action,
        ("equipment", &after.id),
        snapshot(&before_out),
        snapshot(&out),
    )?;
    Ok(out)
}

pub fn update(
    conn: &mut DbConnection,
    ctx: &Ctx,
    scope: &Visible,
    today: NaiveDate,
    id: &str,
    expected_version: i64,
    input: UpdateEquipment,
) -> Result<EquipmentOut, ApiError> {
    let before = get_row(conn, scope, id)?;
    check_warranty(
        input.install_date.unwrap_or(before.install_date),
        input.warranty_end.unwrap_or(before.warranty_end),
    )?;
    if let Some(site_id) = &input.site_id {
        check_site(conn, scope, site_id)?;
    }
    if let Some(product_id) = &input.product_id {
        check_product(conn, product_id)?;
    }
    let product_id = input.product_id.as_deref().unwrap_or(&before.product_id);
    let serial = input
        .serial
        .clone()
        .unwrap_or_else(|| before.serial.clone());
    if input.product_id.is_some() || input.serial.is_some() {
        check_serial(conn, product_id, &serial, Some(id))?;
    }
    let changes = EquipmentChanges {
        site_id: input.site_id,
        product_id: input.product_id,
        serial: input.serial,
        install_date: input.install_date,
        warranty_end: input.warranty_end,
        controller_points: input.controller_points,
        pure_alarm_controller: input.pure_alarm_controller,
        note: input.note,
        deleted_at: None,
    };
    write(
        conn,
        ctx,
        today,
        "equipment.update",
        &before,
        expected_version,
        &changes,
    )
}

/// Soft delete: the record stays as a tombstone for delta sync and frees its serial.
pub fn delete(
    conn: &mut DbConnection,
    ctx: &Ctx,
    scope: &Visible,
    today: NaiveDate,
    id: &str,
    expected_version: i64,
) -> Result<EquipmentOut, ApiError> {
    let before = get_row(conn, scope, id)?;
    let changes = EquipmentChanges {
        deleted_at: Some(Some(to_db_time(ctx.now))),
        ..EquipmentChanges::default()
    };
    write(
        conn,
        ctx,
        today,
        "equipment.delete",
        &before,
        expected_version,
        &changes,
    )
}
