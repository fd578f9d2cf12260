use crate::customers::dto::sites::{CreateSite, EXPORT, SiteOut, SitesQuery, UpdateSite};
use crate::customers::service::sites as svc;
use crate::kernel::access::Action;
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
use kefu_store::sites::{self, SiteFilter};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_sites)
        .service(create_site)
        .service(get_site)
        .service(update_site)
        .service(delete_site);
}

/// The site commands of an offline sync batch, as the endpoints below run them.
pub fn sync_ops(ops: &mut Registry) {
    ops.create(
        "sites.create",
        Action::SiteEdit,
        |conn, cmd, input: CreateSite| {
            let (row, fresh) = svc::create(conn, &cmd.ctx, cmd.actor, input)?;
            let status = if fresh {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            Written::new(status, row.version, &svc::out(conn, &row)?)
        },
    );
    ops.update(
        "sites.update",
        Action::SiteEdit,
        |conn, cmd, id, version, input: UpdateSite| {
            let row = svc::update(conn, &cmd.ctx, cmd.actor, id, version, input)?;
            Written::ok(row.version, &svc::out(conn, &row)?)
        },
    );
    ops.delete(
        "sites.delete",
        Action::SiteDelete,
        |conn, cmd, id, version| {
            let row = svc::delete(conn, &cmd.ctx, cmd.actor, id, version)?;
            Written::ok(row.version, &svc::out(conn, &row)?)
        },
    );
    ops.reader("sites", |conn, cmd, id| {
        let row = svc::get_visible(conn, cmd.actor, id)?;
        Written::ok(row.version, &svc::out(conn, &row)?)
    });
}

/// List the sites of the customers the caller may see (ORG-5).
///
/// Any signed-in user; the sites of the customers visible to the caller (ORG-5, as for customers).
/// With `updated_since`, a delta: every site changed since then, tombstones included. `/export`
/// (CSV or XLSX) exports the list. Read-only.
#[utoipa::path(
    tag = "customers",
    operation_id = "listSites",
    params(SitesQuery),
    responses((status = 200, description = "One page of sites", body = Page<SiteOut>))
)]
#[get("/sites")]
async fn list_sites(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<SitesQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = state.clone();
    export::respond(&data, &EXPORT, listed, move |query| {
        sites_page(state.clone(), caller.clone(), query)
    })
    .await
}

/// One page of the list (also what an export reads page by page).
async fn sites_page(
    state: web::Data<AppState>,
    caller: Caller,
    query: SitesQuery,
) -> Result<Page<SiteOut>, ApiError> {
    let (limit, fetch) = fetch_size(query.limit)?;
    let mode = list_mode(query.updated_since, query.cursor.as_deref())?;
    let filter = SiteFilter {
        customer_id: query.customer_id,
        city: query.city,
        q: query
            .q
            .map(|q| q.trim().to_owned())
            .filter(|q| !q.is_empty()),
    };
    let actor = caller.actor.clone();
    let page = state
        .db(move |conn| {
            let scope = svc::visible_customers(conn, &actor)?;
            let rows = sites::list(conn, scope.as_deref(), &filter, &mode, fetch)?;
            let page = paginate(rows, limit, |r| row_key(&mode, r.updated_at, &r.id), |r| r);
            Ok(Page {
                items: svc::outs(conn, &page.items)?,
                next_cursor: page.next_cursor,
            })
        })
        .await?;
    Ok(page)
}

/// Add a site to a customer. The city must be one of `GET /api/v1/cities`; the location
/// class follows from it unless overridden. A retried offline create (same `id`) returns the
/// site with 200.
///
/// Who: admins, managers, supervisors, clerks and engineers (403 for others); the customer must be
/// visible to the caller (ORG-5; 422 `customer_id` otherwise). The city and county must be known
/// (422 `city`/`county`). With a client-chosen `id` of a site the caller cannot see, 409. Triggers
/// the audit entry and webhook event `site.create`.
#[utoipa::path(
    tag = "customers",
    operation_id = "createSite",
    request_body = CreateSite,
    responses(
        (status = 201, description = "Created", body = SiteOut, headers(("Location" = String), ("ETag" = String))),
        (status = 200, description = "Already created with this id", body = SiteOut, headers(("ETag" = String))),
        (status = 409, description = "The id belongs to another record", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/sites")]
async fn create_site(
    state: web::Data<AppState>,
    caller: Caller,
    ValidJson(input): ValidJson<CreateSite>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::SiteEdit)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let (out, fresh) = state
        .tx(move |conn| {
            let (row, fresh) = svc::create(conn, &ctx, &actor, input)?;
            Ok((svc::out(conn, &row)?, fresh))
        })
        .await?;
    Ok(if fresh {
        created(format!("/api/v1/sites/{}", out.id), Some(out.version), &out)
    } else {
        versioned(StatusCode::OK, out.version, &out)
    })
}

/// Get a site.
///
/// The site with its derived location class and its version as `ETag`. Any signed-in user who sees
/// its customer (ORG-5); otherwise 404. Read-only.
#[utoipa::path(
    tag = "customers",
    operation_id = "getSite",
    params(("id" = String, Path, description = "Site id")),
    responses((status = 200, description = "The site", body = SiteOut, headers(("ETag" = String))))
)]
#[get("/sites/{id}")]
async fn get_site(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (actor, id) = (caller.actor.clone(), id.into_inner());
    let out = state
        .db(move |conn| {
            let row = svc::get_visible(conn, &actor, &id)?;
            svc::out(conn, &row)
        })
        .await?;
    Ok(versioned(StatusCode::OK, out.version, &out))
}

/// Change a site; `location_class_override: null` returns to the derived class.
///
/// Who: admins, managers, supervisors, clerks and engineers (403 for others), on a site of a
/// customer they see (ORG-5: otherwise 404). Needs `If-Match`. City and county must be known (422).
/// Triggers the audit entry and webhook event `site.update`.
#[utoipa::path(
    tag = "customers",
    operation_id = "updateSite",
    params(("id" = String, Path, description = "Site id"), crate::kernel::openapi::IfMatchHeader),
    request_body = UpdateSite,
    responses((status = 200, description = "Updated", body = SiteOut, headers(("ETag" = String))))
)]
#[patch("/sites/{id}")]
async fn update_site(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<UpdateSite>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::SiteEdit)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let (actor, id) = (caller.actor.clone(), id.into_inner());
    let out = state
        .tx(move |conn| {
            let row = svc::update(conn, &ctx, &actor, &id, version, input)?;
            svc::out(conn, &row)
        })
        .await?;
    Ok(versioned(StatusCode::OK, out.version, &out))
}

/// Delete a site (kept as a tombstone for delta sync).
///
/// Admins, managers, supervisors and clerks (403 for others), on a site of a customer they see
/// (ORG-5: otherwise 404). Needs `If-Match`. Triggers the audit entry and webhook event
/// `site.delete`.
#[utoipa::path(
    tag = "customers",
    operation_id = "deleteSite",
    params(("id" = String, Path, description = "Site id"), crate::kernel::openapi::IfMatchHeader),
    responses((status = 200, description = "The deleted site's tombstone", body = SiteOut))
)]
#[delete("/sites/{id}")]
async fn delete_site(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::SiteDelete)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let (actor, id) = (caller.actor.clone(), id.into_inner());
    let out = state
        .tx(move |conn| {
            let row = svc::delete(conn, &ctx, &actor, &id, version)?;
            svc::out(conn, &row)
        })
        .await?;
    Ok(HttpResponse::Ok().json(out))
}
