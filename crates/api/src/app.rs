//! Assembles the actix application: routes, middleware, docs. The same assembly gives the
//! OpenAPI document, so the served routes and the published spec cannot differ.

use crate::auth::middleware::authenticate;
use crate::error::ApiError;
use crate::middleware::{idempotency, observe, rate_limit, reject_nul};
use crate::openapi::{self, ApiDoc};
use crate::routes;
use crate::state::AppState;
use actix_cors::Cors;
use actix_web::body::MessageBody;
use actix_web::dev::{ResourceDef, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::from_fn;
use actix_web::{App, HttpRequest, HttpResponse, web};
use utoipa::OpenApi;
use utoipa::openapi::OpenApi as OpenApiDoc;
use utoipa_actix_web::{AppExt, scope};
use utoipa_swagger_ui::SwaggerUi;

/// Adds the documented routes to `app`; returns the app and the document they make up.
fn with_routes<T>(app: App<T>) -> (App<T>, OpenApiDoc)
where
    T: ServiceFactory<ServiceRequest, Config = (), Error = actix_web::Error, InitError = ()>,
{
    app.into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(routes::ops::routes)
        .service(
            scope::scope("/api/v1")
                .wrap(from_fn(idempotency))
                .wrap(from_fn(rate_limit))
                .wrap(from_fn(authenticate))
                .configure(routes::api_v1),
        )
        .split_for_parts()
}

/// The published OpenAPI document.
pub fn openapi() -> OpenApiDoc {
    openapi::finish(with_routes(App::new()).1)
}

/// The documented paths and their methods, to tell "no such path" (404) from "not with this
/// method" (405 with `Allow`).
pub struct KnownRoutes(Vec<(ResourceDef, Vec<String>)>);

impl KnownRoutes {
    pub fn from_spec(spec: &OpenApiDoc) -> Self {
        KnownRoutes(
            spec.paths
                .paths
                .iter()
                .map(|(path, item)| {
                    let methods = [
                        ("GET", item.get.is_some()),
                        ("POST", item.post.is_some()),
                        ("PUT", item.put.is_some()),
                        ("PATCH", item.patch.is_some()),
                        ("DELETE", item.delete.is_some()),
                    ]
                    .into_iter()
                    .filter(|(_, present)| *present)
                    .map(|(m, _)| m.to_owned())
                    .collect();
                    (ResourceDef::new(path.as_str()), methods)
                })
                .collect(),
        )
    }

    fn allowed(&self, path: &str) -> Option<Vec<String>> {
        self.0
            .iter()
            .find(|(def, _)| def.is_match(path))
            .map(|(_, methods)| methods.clone())
    }
}

async fn unmatched(
    req: HttpRequest,
    known: web::Data<KnownRoutes>,
) -> Result<HttpResponse, ApiError> {
    match known.allowed(req.path()) {
        Some(allowed) => Err(ApiError::MethodNotAllowed { allowed }),
        None => Err(ApiError::NotFound),
    }
}

fn cors(origins: &[String]) -> Cors {
    let cors = origins
        .iter()
        .fold(Cors::default(), |cors, origin| cors.allowed_origin(origin));
    cors.allowed_methods([
        Method::GET,
        Method::POST,
        Method::PATCH,
        Method::PUT,
        Method::DELETE,
    ])
    .allowed_headers([
        header::AUTHORIZATION,
        header::CONTENT_TYPE,
        header::IF_MATCH,
        header::ACCEPT_LANGUAGE,
        header::HeaderName::from_static("idempotency-key"),
        header::HeaderName::from_static("x-request-id"),
    ])
    .expose_headers([
        header::ETAG,
        header::LOCATION,
        header::RETRY_AFTER,
        header::HeaderName::from_static("x-request-id"),
        header::HeaderName::from_static("idempotent-replayed"),
        header::HeaderName::from_static(rate_limit::LIMIT),
        header::HeaderName::from_static(rate_limit::REMAINING),
        header::HeaderName::from_static(rate_limit::RESET),
    ])
    .max_age(3600)
}

/// The application one server worker runs.
pub fn build(
    state: web::Data<AppState>,
    spec: OpenApiDoc,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let origins = state.config.cors_origins.clone();
    // The spec and the docs are registered before the `/api/v1` scope, which would otherwise
    // claim `/api/v1/openapi.json`.
    let known = web::Data::new(KnownRoutes::from_spec(&spec));
    let docs = App::new()
        .app_data(state)
        .app_data(known)
        .service(SwaggerUi::new("/api/docs/{_:.*}").url("/api/v1/openapi.json", spec))
        .service(web::redirect("/api/docs", "/api/docs/"));
    with_routes(docs)
        .0
        .default_service(web::to(unmatched))
        .wrap(from_fn(reject_nul))
        .wrap(cors(&origins))
        .wrap(from_fn(observe))
}
