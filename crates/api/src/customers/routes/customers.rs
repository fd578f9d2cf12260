use crate::customers::dto::customers::{
    CreateCustomer, CustomerOut, CustomersQuery, EXPORT, UpdateCustomer,
};
use crate::customers::service::customers as svc;
use crate::kernel::access::{self, Action};
use crate::kernel::auth::Caller;
use crate::kernel::command::Ctx;
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::export::{self, Listed};
use crate::kernel::extract::{IfMatch, ValidJson};
use crate::kernel::page::{Page, fetch_size, list_mode, paginate, row_key};
use crate::kernel::respond::{created, versioned};
use crate::kernel::state::AppState;
use crate::kernel::sync::{Registry, Written};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, delete, get, patch, post, web};
use kefu_store::customers::{self, CustomerFilter};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_customers)
        .service(create_customer)
        .service(get_customer)
        .service(update_customer)
        .service(delete_customer);
}

/// The customer commands of an offline sync batch, as the endpoints below run them.
pub fn sync_ops(ops: &mut Registry) {
    ops.create(
        "customers.create",
        Action::CustomerEdit,
        |conn, cmd, input: CreateCustomer| {
            let (row, fresh) = svc::create(conn, &cmd.ctx, cmd.actor, input)?;
            let status = if fresh {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            Written::new(status, row.version, &CustomerOut::from(&row))
        },
    );
    ops.update(
        "customers.update",
        Action::CustomerEdit,
        |conn, cmd, id, version, input: UpdateCustomer| {
            let row = svc::update(conn, &cmd.ctx, cmd.actor, id, version, input)?;
            Written::ok(row.version, &CustomerOut::from(&row))
        },
    );
    ops.delete(
        "customers.delete",
        Action::CustomerDelete,
        |conn, cmd, id, version| {
            let row = svc::delete(conn, &cmd.ctx, cmd.actor, id, version)?;
            Written::ok(row.version, &CustomerOut::from(&row))
        },
    );
    ops.reader("customers", |conn, cmd, id| {
        let visible = access::visible(conn, cmd.actor)?;
        let row = svc::get_visible(conn, &visible, id)?;
        Written::ok(row.version, &CustomerOut::from(&row))
    });
}

/// List the customers the caller may see (ORG-5).
///
/// Any signed-in user; the list holds only the customers visible to the caller (ORG-5): admins,
/// managers, executives, finance, HR, clerks, callback agents and QA inspectors see all; an
/// engineer the customers they own or of their team; a supervisor also those of the teams they
/// supervise and of their members; a customer contact their own customer. With `updated_since`, a
/// delta for the mobile app: every customer changed after that instant, deleted ones as tombstones,
/// in order of change. `q` searches name, phone and site city. `/export` (CSV or XLSX)
/// exports the list. Read-only.
#[utoipa::path(
    tag = "customers",
    operation_id = "listCustomers",
    params(CustomersQuery),
    responses((status = 200, description = "One page of customers", body = Page<CustomerOut>))
)]
#[get("/customers")]
async fn list_customers(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<CustomersQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = state.clone();
    export::respond(&data, &EXPORT, listed, move |query| {
        customers_page(state.clone(), caller.clone(), query)
    })
    .await
}

/// One page of the list (also what an export reads page by page).
async fn customers_page(
    state: web::Data<AppState>,
    caller: Caller,
    query: CustomersQuery,
) -> Result<Page<CustomerOut>, ApiError> {
    let (limit, fetch) = fetch_size(query.limit)?;
    let mode = list_mode(query.updated_since, query.cursor.as_deref())?;
    let filter = CustomerFilter {
        q: query
            .q
            .map(|q| q.trim().to_owned())
            .filter(|q| !q.is_empty()),
        key_account: query.key_account,
        owner_user_id: query.owner_user_id,
        team_id: query.team_id,
    };
    let actor = caller.actor.clone();
    let (rows, mode) = state
        .db(move |conn| {
            let visible = access::visible(conn, &actor)?;
            let rows = customers::list(conn, &visible, &filter, &mode, fetch)?;
            Ok((rows, mode))
        })
        .await?;
    let page = paginate(
        rows,
        limit,
        |c| row_key(&mode, c.updated_at, &c.id),
        |c| CustomerOut::from(&c),
    );
    Ok(page)
}

/// Create a customer.
///
/// Who: admins, managers, supervisors, clerks and engineers (403 for others). Only supervisors and
/// the see-all roles (admins, managers, executives, finance, HR, clerks, callback agents, QA) may
/// name another `owner_user_id` or a `team_id` (403 otherwise); an engineer's new customer is owned
/// by them. Owner and team must exist (422). CUS-1: `dealer_consent` only for a customer sold
/// through a dealer (`dealer_name`), else 422. With a client-chosen `id` that exists already and is
/// visible, that customer is returned with 200 and nothing is written (an offline create retried);
/// an id of a record the caller cannot see is 409. Triggers the audit entry and webhook event
/// `customer.create`.
#[utoipa::path(
    tag = "customers",
    operation_id = "createCustomer",
    request_body = CreateCustomer,
    responses(
        (status = 201, description = "Created", body = CustomerOut, headers(("Location" = String), ("ETag" = String))),
        (status = 200, description = "Already created with this id", body = CustomerOut, headers(("ETag" = String))),
        (status = 409, description = "The id belongs to another record", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/customers")]
async fn create_customer(
    state: web::Data<AppState>,
    caller: Caller,
    ValidJson(input): ValidJson<CreateCustomer>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::CustomerEdit)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let (row, fresh) = state
        .tx(move |conn| svc::create(conn, &ctx, &actor, input))
        .await?;
    let out = CustomerOut::from(&row);
    Ok(if fresh {
        created(
            format!("/api/v1/customers/{}", row.id),
            Some(row.version),
            &out,
        )
    } else {
        versioned(StatusCode::OK, row.version, &out)
    })
}

/// Get a customer.
///
/// The customer with its version as `ETag`. Any signed-in user who sees it (ORG-5, as in
/// `listCustomers`); any other customer reads as 404. Read-only.
#[utoipa::path(
    tag = "customers",
    operation_id = "getCustomer",
    params(("id" = String, Path, description = "Customer id")),
    responses((status = 200, description = "The customer", body = CustomerOut, headers(("ETag" = String))))
)]
#[get("/customers/{id}")]
async fn get_customer(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id) = (caller.actor.clone(), id.into_inner());
    let row = state
        .db(move |conn| {
            let visible = access::visible(conn, &actor)?;
            svc::get_visible(conn, &visible, &id)
        })
        .await?;
    Ok(versioned(
        StatusCode::OK,
        row.version,
        &CustomerOut::from(&row),
    ))
}

/// Change a customer. Reassigning it (`owner_user_id`, `team_id`) is for supervisors,
/// managers and the office.
///
/// Who: admins, managers, supervisors, clerks and engineers (403 for others), on a customer they
/// see (ORG-5: otherwise 404); changing `owner_user_id` or `team_id` only for supervisors and the
/// see-all roles (403 otherwise). Needs `If-Match`. CUS-1: `dealer_consent` only with a dealer
/// (422). Triggers the audit entry and webhook event `customer.update`.
#[utoipa::path(
    tag = "customers",
    operation_id = "updateCustomer",
    params(("id" = String, Path, description = "Customer id"), crate::kernel::openapi::IfMatchHeader),
    request_body = UpdateCustomer,
    responses((status = 200, description = "Updated", body = CustomerOut, headers(("ETag" = String))))
)]
#[patch("/customers/{id}")]
async fn update_customer(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<UpdateCustomer>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::CustomerEdit)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let (actor, id) = (caller.actor.clone(), id.into_inner());
    let row = state
        .tx(move |conn| svc::update(conn, &ctx, &actor, &id, version, input))
        .await?;
    Ok(versioned(
        StatusCode::OK,
        row.version,
        &CustomerOut::from(&row),
    ))
}

/// Delete a customer with its sites and contacts (kept as tombstones for delta sync).
///
/// Soft delete: the customer, its sites and contacts become tombstones for delta sync. Admins and
/// managers only (403 for others), on a customer they see (ORG-5: otherwise 404). Needs `If-Match`.
/// Triggers the audit entry and webhook event `customer.delete`.
#[utoipa::path(
    tag = "customers",
    operation_id = "deleteCustomer",
    params(("id" = String, Path, description = "Customer id"), crate::kernel::openapi::IfMatchHeader),
    responses((status = 200, description = "The deleted customer's tombstone", body = CustomerOut))
)]
#[delete("/customers/{id}")]
async fn delete_customer(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::CustomerDelete)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let (actor, id) = (caller.actor.clone(), id.into_inner());
    let row = state
        .tx(move |conn| svc::delete(conn, &ctx, &actor, &id, version))
        .await?;
    Ok(HttpResponse::Ok().json(CustomerOut::from(&row)))
}
