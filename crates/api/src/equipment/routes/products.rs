use crate::equipment::dto::products::{
    CreateProduct, EXPORT, ProductOut, ProductsQuery, UpdateProduct,
};
use crate::equipment::service::products as svc;
use crate::kernel::access::Action;
use crate::kernel::auth::Caller;
use crate::kernel::command::Ctx;
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::export::{self, Listed};
use crate::kernel::extract::{IfMatch, ValidJson, trimmed};
use crate::kernel::page::{Page, decode_cursor, fetch_size, paginate};
use crate::kernel::respond::{created, versioned};
use crate::kernel::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, delete, get, patch, post, web};
use kefu_store::products::{self, ProductFilter};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_products)
        .service(create_product)
        .service(get_product)
        .service(update_product)
        .service(delete_product);
}

/// List products
///
/// The catalogue, filtered by `q` and `category`. Every staff role — all but `customer_contact`
/// (403), who see the products of their own equipment through the equipment endpoints. `/export`
/// (CSV or XLSX) exports the list. Read-only.
#[utoipa::path(
    tag = "products",
    operation_id = "listProducts",
    params(ProductsQuery),
    responses((status = 200, description = "One page of products not deleted, oldest first", body = Page<ProductOut>))
)]
#[get("/products")]
async fn list_products(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<ProductsQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = state.clone();
    export::respond(&data, &EXPORT, listed, move |query| {
        products_page(state.clone(), caller.clone(), query)
    })
    .await
}

/// One page of the list (also what an export reads page by page).
async fn products_page(
    state: web::Data<AppState>,
    caller: Caller,
    query: ProductsQuery,
) -> Result<Page<ProductOut>, ApiError> {
    caller.require(Action::ProductRead)?;
    let (limit, fetch) = fetch_size(query.limit)?;
    let after = decode_cursor(query.cursor.as_deref())?;
    let filter = ProductFilter {
        q: trimmed(query.q),
        category: trimmed(query.category),
    };
    let rows = state
        .db(move |conn| Ok(products::list(conn, &filter, after.as_deref(), fetch)?))
        .await?;
    let page = paginate(rows, limit, |p| p.id.clone(), |p| ProductOut::from(&p));
    Ok(page)
}

/// Create a product
///
/// Admins and managers (403 for others). 409 when a live product has the model (a deleted
/// product's model is free). Triggers the audit entry and webhook event `product.create`.
#[utoipa::path(
    tag = "products",
    operation_id = "createProduct",
    request_body = CreateProduct,
    responses(
        (status = 201, description = "Created", body = ProductOut,
            headers(("Location" = String), ("ETag" = String))),
        (status = 409, description = "The model exists already", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/products")]
async fn create_product(
    state: web::Data<AppState>,
    caller: Caller,
    ValidJson(input): ValidJson<CreateProduct>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::ProductEdit)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let row = state.tx(move |conn| svc::create(conn, &ctx, input)).await?;
    let out = ProductOut::from(&row);
    Ok(created(
        format!("/api/v1/products/{}", out.id),
        Some(out.version),
        &out,
    ))
}

/// Get a product
///
/// The product with its version as `ETag`. Every staff role — all but `customer_contact` (403).
/// Read-only.
#[utoipa::path(
    tag = "products",
    operation_id = "getProduct",
    params(("id" = String, Path, description = "Product id")),
    responses((status = 200, description = "The product", body = ProductOut,
        headers(("ETag" = String))))
)]
#[get("/products/{id}")]
async fn get_product(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::ProductRead)?;
    let id = id.into_inner();
    let row = state.db(move |conn| svc::get(conn, &id)).await?;
    Ok(versioned(
        StatusCode::OK,
        row.version,
        &ProductOut::from(&row),
    ))
}

/// Update a product
///
/// Admins and managers (403 for others). Needs `If-Match`. 409 when the model exists already.
/// Triggers the audit entry and webhook event `product.update`.
#[utoipa::path(
    tag = "products",
    operation_id = "updateProduct",
    params(("id" = String, Path, description = "Product id"), crate::kernel::openapi::IfMatchHeader),
    request_body = UpdateProduct,
    responses(
        (status = 200, description = "Updated", body = ProductOut, headers(("ETag" = String))),
        (status = 409, description = "The model exists already", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/products/{id}")]
async fn update_product(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<UpdateProduct>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::ProductEdit)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let id = id.into_inner();
    let row = state
        .tx(move |conn| svc::update(conn, &ctx, &id, version, input))
        .await?;
    Ok(versioned(
        StatusCode::OK,
        row.version,
        &ProductOut::from(&row),
    ))
}

/// Delete a product
///
/// Soft delete, refused (409) while equipment not deleted is of this product. Admins and managers
/// (403 for others). Needs `If-Match`. Triggers the audit entry and webhook event `product.delete`.
#[utoipa::path(
    tag = "products",
    operation_id = "deleteProduct",
    params(("id" = String, Path, description = "Product id"), crate::kernel::openapi::IfMatchHeader),
    responses(
        (status = 200, description = "Deleted; the record as a tombstone", body = ProductOut, headers(("ETag" = String))),
        (status = 409, description = "Installed equipment uses the product", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/products/{id}")]
async fn delete_product(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::ProductEdit)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let id = id.into_inner();
    let row = state
        .tx(move |conn| svc::delete(conn, &ctx, &id, version))
        .await?;
    Ok(versioned(
        StatusCode::OK,
        row.version,
        &ProductOut::from(&row),
    ))
}
