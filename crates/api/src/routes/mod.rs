//! HTTP routes, one module per resource. Handlers stay thin: extract and check the caller,
//! run the service in a transaction on the blocking pool, shape the response.

pub mod api_keys;
pub mod attachments;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod callbacks;
pub mod change_requests;
pub mod cities;
pub mod complaints;
pub mod contacts;
pub mod customers;
pub mod employees;
pub mod equipment;
pub mod feedback_forms;
pub mod jobs;
pub mod kb;
pub mod me;
pub mod notifications;
pub mod ops;
pub mod products;
pub mod rules;
pub mod sites;
pub mod sync;
pub mod teams;
pub mod tickets;
pub mod users;
pub mod visits;
pub mod webhooks;
pub mod work_orders;

use crate::extract::etag;
use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{ETAG, LOCATION};
use serde::Serialize;
use utoipa_actix_web::service_config::ServiceConfig;

/// Everything under `/api/v1`.
pub fn api_v1(cfg: &mut ServiceConfig) {
    auth::routes(cfg);
    me::routes(cfg);
    users::routes(cfg);
    api_keys::routes(cfg);
    audit::routes(cfg);
    rules::routes(cfg);
    cities::routes(cfg);
    customers::routes(cfg);
    sites::routes(cfg);
    contacts::routes(cfg);
    calendar::routes(cfg);
    products::routes(cfg);
    equipment::routes(cfg);
    teams::routes(cfg);
    employees::routes(cfg);
    webhooks::routes(cfg);
    jobs::routes(cfg);
    notifications::routes(cfg);
    sync::routes(cfg);
    tickets::routes(cfg);
    visits::routes(cfg);
    feedback_forms::routes(cfg);
    change_requests::routes(cfg);
    complaints::routes(cfg);
    callbacks::routes(cfg);
    attachments::routes(cfg);
    kb::routes(cfg);
    work_orders::routes(cfg);
}

/// A JSON response for one versioned record, with its `ETag`.
pub fn versioned<T: Serialize>(status: StatusCode, version: i64, body: &T) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((ETAG, etag(version)))
        .json(body)
}

/// 201 with `Location` (and `ETag` when the record is versioned).
pub fn created<T: Serialize>(location: String, version: Option<i64>, body: &T) -> HttpResponse {
    let mut res = HttpResponse::Created();
    res.insert_header((LOCATION, location));
    if let Some(v) = version {
        res.insert_header((ETAG, etag(v)));
    }
    res.json(body)
}
