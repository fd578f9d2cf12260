use crate::equipment::dto::equipment::{
    CreateEquipment, EXPORT, EquipmentOut, EquipmentQuery, UpdateEquipment,
};
use crate::equipment::service::equipment as svc;
use crate::kernel::access::{Action, visible};
use crate::kernel::auth::Caller;
use crate::kernel::command::Ctx;
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::export::{self, Listed};
use crate::kernel::extract::{IfMatch, ValidJson, trimmed};
use crate::kernel::page::{Page, paginate, row_key, window};
use crate::kernel::respond::{created, versioned};
use crate::kernel::state::AppState;
use crate::kernel::sync::{Registry, Written};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, delete, get, patch, post, web};

use kefu_store::equipment::{self as store, EquipmentFilter};
use kefu_store::to_db_time;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_equipment)
        .service(create_equipment)
        .service(get_equipment)
        .service(update_equipment)
        .service(delete_equipment);
}

/// The equipment commands of an offline sync batch, as the endpoints below run them.
pub fn sync_ops(ops: &mut Registry) {
    ops.create(
        "equipment.create",
        Action::EquipmentEdit,
        |conn, cmd, input: CreateEquipment| {
            let scope = visible(conn, cmd.actor)?;
            let out = svc::create(conn, &cmd.ctx, &scope, cmd.today, input)?;
            Written::new(StatusCode::CREATED, out.version, &out)
        },
    );
    ops.update(
        "equipment.update",
        Action::EquipmentEdit,
        |conn, cmd, id, version, input: UpdateEquipment| {
            let scope = visible(conn, cmd.actor)?;
            let out = svc::update(conn, &cmd.ctx, &scope, cmd.today, id, version, input)?;
            Written::ok(out.version, &out)
        },
    );
    ops.delete(
        "equipment.delete",
        Action::EquipmentEdit,
        |conn, cmd, id, version| {
            let scope = visible(conn, cmd.actor)?;
            let out = svc::delete(conn, &cmd.ctx, &scope, cmd.today, id, version)?;
            Written::ok(out.version, &out)
        },
    );
    ops.reader("equipment", |conn, cmd, id| {
        let scope = visible(conn, cmd.actor)?;
        let out = svc::get(conn, &scope, cmd.today, id)?;
        Written::ok(out.version, &out)
    });
}

/// List or delta-sync equipment
///
/// Without `updated_since`: records not deleted, in id order. With it: every record changed at or
/// after that instant, deleted ones included as tombstones (`deleted: true`), in `(updated_at, id)`
/// order; page on with `next_cursor`.
///
/// Any signed-in user; only the equipment at sites of customers visible to the caller (ORG-5, as
/// for customers). `/export` (CSV or XLSX) exports the list. Read-only.
#[utoipa::path(
    tag = "equipment",
    operation_id = "listEquipment",
    params(EquipmentQuery),
    responses((status = 200, description = "One page of equipment", body = Page<EquipmentOut>))
)]
#[get("/equipment")]
async fn list_equipment(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<EquipmentQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = state.clone();
    export::respond(&data, &EXPORT, listed, move |query| {
        equipment_page(state.clone(), caller.clone(), query)
    })
    .await
}

/// One page of the list (also what an export reads page by page).
async fn equipment_page(
    state: web::Data<AppState>,
    caller: Caller,
    query: EquipmentQuery,
) -> Result<Page<EquipmentOut>, ApiError> {
    let (limit, fetch, mode) = window(
        query.limit,
        query.updated_since.as_deref(),
        query.cursor.as_deref(),
    )?;
    let filter = EquipmentFilter {
        site_id: trimmed(query.site_id),
        customer_id: trimmed(query.customer_id),
        product_id: trimmed(query.product_id),
        serial: trimmed(query.serial),
        q: trimmed(query.q),
    };
    let today = state.today();
    let actor = caller.actor.clone();
    let items = state
        .db(move |conn| {
            let scope = visible(conn, &actor)?;
            let rows = store::list(conn, &scope, &filter, &mode, fetch)?;
            Ok((mode, svc::render(conn, &rows, today)?))
        })
        .await?;
    let (mode, items) = items;
    let page = paginate(
        items,
        limit,
        |e| row_key(&mode, to_db_time(e.updated_at), &e.id),
        |e| e,
    );
    Ok(page)
}

/// Create equipment
///
/// Records installed equipment at a site (ORG-4). Admins, managers, supervisors, clerks and
/// engineers (403 for others), only at sites of customers they see (ORG-5; otherwise 422
/// `site_id`); the product must be live (422 `product_id`). 409 on a duplicate serial for the
/// product. Triggers the audit entry and webhook event `equipment.create`.
#[utoipa::path(
    tag = "equipment",
    operation_id = "createEquipment",
    request_body = CreateEquipment,
    responses(
        (status = 201, description = "Created", body = EquipmentOut,
            headers(("Location" = String), ("ETag" = String))),
        (status = 409, description = "Duplicate serial for the product", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/equipment")]
async fn create_equipment(
    state: web::Data<AppState>,
    caller: Caller,
    ValidJson(input): ValidJson<CreateEquipment>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::EquipmentEdit)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let today = state.today();
    let actor = caller.actor.clone();
    let out = state
        .tx(move |conn| {
            let scope = visible(conn, &actor)?;
            svc::create(conn, &ctx, &scope, today, input)
        })
        .await?;
    Ok(created(
        format!("/api/v1/equipment/{}", out.id),
        Some(out.version),
        &out,
    ))
}

/// Get equipment
///
/// With its product and CON-8 effective points under the rules in force today, and its version as
/// `ETag`. Any signed-in user who sees the site's customer (ORG-5); otherwise 404. Read-only.
#[utoipa::path(
    tag = "equipment",
    operation_id = "getEquipment",
    params(("id" = String, Path, description = "Equipment id")),
    responses((status = 200, description = "The equipment", body = EquipmentOut,
        headers(("ETag" = String))))
)]
#[get("/equipment/{id}")]
async fn get_equipment(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let today = state.today();
    let actor = caller.actor.clone();
    let out = state
        .db(move |conn| {
            let scope = visible(conn, &actor)?;
            svc::get(conn, &scope, today, &id)
        })
        .await?;
    Ok(versioned(StatusCode::OK, out.version, &out))
}

/// Update equipment
///
/// Admins, managers, supervisors, clerks and engineers (403 for others), on equipment they see
/// (ORG-5: otherwise 404); a new site must be visible too (422). Needs `If-Match`. 409 on a
/// duplicate serial for the product. Triggers the audit entry and webhook event `equipment.update`.
#[utoipa::path(
    tag = "equipment",
    operation_id = "updateEquipment",
    params(("id" = String, Path, description = "Equipment id"), crate::kernel::openapi::IfMatchHeader),
    request_body = UpdateEquipment,
    responses(
        (status = 200, description = "Updated", body = EquipmentOut, headers(("ETag" = String))),
        (status = 409, description = "Duplicate serial for the product", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/equipment/{id}")]
async fn update_equipment(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<UpdateEquipment>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::EquipmentEdit)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let today = state.today();
    let actor = caller.actor.clone();
    let id = id.into_inner();
    let out = state
        .tx(move |conn| {
            let scope = visible(conn, &actor)?;
            svc::update(conn, &ctx, &scope, today, &id, version, input)
        })
        .await?;
    Ok(versioned(StatusCode::OK, out.version, &out))
}

/// Delete equipment
///
/// Soft delete: it stays as a tombstone for delta sync, and its serial may be used again. Admins,
/// managers, supervisors, clerks and engineers (403 for others), on equipment they see (ORG-5:
/// otherwise 404). Needs `If-Match`. Triggers the audit entry and webhook event `equipment.delete`.
#[utoipa::path(
    tag = "equipment",
    operation_id = "deleteEquipment",
    params(("id" = String, Path, description = "Equipment id"), crate::kernel::openapi::IfMatchHeader),
    responses(
        (status = 200, description = "Deleted; the record as a tombstone", body = EquipmentOut, headers(("ETag" = String))),
    )
)]
#[delete("/equipment/{id}")]
async fn delete_equipment(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::EquipmentEdit)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let today = state.today();
    let actor = caller.actor.clone();
    let id = id.into_inner();
    let out = state
        .tx(move |conn| {
            let scope = visible(conn, &actor)?;
            svc::delete(conn, &ctx, &scope, today, &id, version)
        })
        .await?;
    Ok(versioned(StatusCode::OK, out.version, &out))
}
