//! Assembles the actix application: routes, middleware, docs. The same assembly gives the
//! OpenAPI document, so the served routes and the published spec cannot differ.

use crate::kernel::auth::middleware::authenticate;
use crate::kernel::config::Config;
use crate::kernel::error::ApiError;
use crate::kernel::export::spec::ExportPaths;
use crate::kernel::jobs::Registry;
use crate::kernel::middleware::{
    QueryNames, idempotency, observe, rate_limit, reject_nul, reject_unknown_query,
};
use crate::kernel::openapi::{self, ApiDoc};
use crate::kernel::state::AppState;
use crate::{
    billing, calendar, contracts, customers, equipment, inventory, org, platform, scoring, tickets,
};
use actix_cors::Cors;
use actix_web::body::MessageBody;
use actix_web::dev::{ResourceDef, Service, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::from_fn;
use actix_web::{App, HttpRequest, HttpResponse, ResponseError, web};
use futures_util::future::LocalBoxFuture;
use std::time::Duration;
use utoipa::OpenApi;
use utoipa::openapi::OpenApi as OpenApiDoc;
use utoipa_actix_web::service_config::ServiceConfig;
use utoipa_actix_web::{AppExt, scope};
use utoipa_swagger_ui::SwaggerUi;

/// Adds the documented routes to `app`; returns the app and the document they make up.
fn with_routes<T>(app: App<T>) -> (App<T>, OpenApiDoc)
where
    T: ServiceFactory<ServiceRequest, Config = (), Error = actix_web::Error, InitError = ()>,
{
    app.into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(platform::routes::ops::routes)
        .service(
            scope::scope("/api/v1")
                .wrap(from_fn(idempotency))
                .wrap(from_fn(rate_limit))
                .wrap(from_fn(authenticate))
                .configure(api_v1),
        )
        .split_for_parts()
}

/// The published OpenAPI document.
pub fn openapi() -> OpenApiDoc {
    let mut doc = with_routes(App::new()).1;
    platform::routes::sync::document(&mut doc);
    openapi::finish(doc, platform::exports::LISTS)
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
    let query_names = web::Data::new(QueryNames::from_spec(&spec));
    let exports = std::sync::Arc::new(ExportPaths::from_spec(&spec, platform::exports::LISTS));
    openapi::limits::install(&spec);
    let docs = App::new()
        .app_data(state)
        .app_data(known)
        .app_data(query_names)
        .service(SwaggerUi::new("/api/docs/{_:.*}").url("/api/v1/openapi.json", spec))
        .service(web::redirect("/api/docs", "/api/docs/"));
    with_routes(docs)
        .0
        .default_service(web::to(unmatched))
        // Innermost: it reads the route, and an export's operation (below) by its mark.
        .wrap(from_fn(reject_unknown_query))
        // Routing sees the list's path while the logs keep the export's.
        .wrap_fn(
            move |mut req, srv| -> LocalBoxFuture<'static, Result<_, actix_web::Error>> {
                if exports.wrong_method(&req) {
                    let refusal = ApiError::MethodNotAllowed {
                        allowed: vec!["GET".to_owned()],
                    };
                    let res = req.into_response(refusal.error_response());
                    return Box::pin(async move { Ok(res) });
                }
                exports.route(&mut req);
                let answer = srv.call(req);
                Box::pin(async move { answer.await.map(ServiceResponse::map_into_boxed_body) })
            },
        )
        .wrap(from_fn(reject_nul))
        .wrap(cors(&origins))
        .wrap(from_fn(observe))
}

/// Everything under `/api/v1`.
pub fn api_v1(cfg: &mut ServiceConfig) {
    org::routes::auth::routes(cfg);
    org::routes::me::routes(cfg);
    org::routes::users::routes(cfg);
    org::routes::api_keys::routes(cfg);
    platform::routes::audit::routes(cfg);
    platform::routes::rules::routes(cfg);
    customers::routes::cities::routes(cfg);
    customers::routes::customers::routes(cfg);
    customers::routes::sites::routes(cfg);
    customers::routes::contacts::routes(cfg);
    calendar::routes::routes(cfg);
    equipment::routes::products::routes(cfg);
    equipment::routes::equipment::routes(cfg);
    org::routes::teams::routes(cfg);
    org::routes::employees::routes(cfg);
    platform::routes::webhooks::routes(cfg);
    platform::routes::jobs::routes(cfg);
    platform::routes::notifications::routes(cfg);
    platform::routes::sync::routes(cfg);
    tickets::routes::tickets::routes(cfg);
    tickets::routes::visits::routes(cfg);
    tickets::routes::feedback_forms::routes(cfg);
    tickets::routes::change_requests::routes(cfg);
    tickets::routes::complaints::routes(cfg);
    tickets::routes::callbacks::routes(cfg);
    tickets::routes::desk::routes(cfg);
    platform::routes::attachments::routes(cfg);
    tickets::routes::kb::routes(cfg);
    tickets::routes::work_orders::routes(cfg);
    inventory::routes::catalogue::routes(cfg);
    inventory::routes::stock::routes(cfg);
    inventory::routes::loans::routes(cfg);
    inventory::routes::counts::routes(cfg);
    inventory::routes::minimums::routes(cfg);
    inventory::routes::report::routes(cfg);
    inventory::routes::rma::routes(cfg);
    inventory::routes::intakes::routes(cfg);
    inventory::routes::rotation::routes(cfg);
    scoring::routes::attendance::routes(cfg);
    scoring::routes::fines::routes(cfg);
    scoring::routes::score_events::routes(cfg);
    scoring::routes::scorecards::routes(cfg);
    scoring::routes::standings::routes(cfg);
    scoring::routes::leave::routes(cfg);
    scoring::routes::exams::routes(cfg);
    scoring::routes::probations::routes(cfg);
    scoring::routes::promotion::routes(cfg);
    contracts::routes::contracts::routes(cfg);
    contracts::routes::reminders::routes(cfg);
    contracts::routes::commissioning::routes(cfg);
    contracts::routes::warranty::routes(cfg);
    contracts::routes::maintenance::routes(cfg);
    contracts::routes::licences::routes(cfg);
    contracts::routes::controller_data::routes(cfg);
    billing::routes::routes(cfg);
}

/// Every kind of job this build runs.
pub fn job_registry(config: &Config) -> Registry {
    let timezone = config.timezone;
    let registry = Registry::default()
        .handler(platform::webhooks::job::DeliverWebhook::new(config))
        .every(
            Duration::from_secs(60),
            equipment::jobs::WarrantyReminderScan,
        )
        .every(Duration::from_secs(3_600), calendar::jobs::ScheduleWatch)
        .every(
            Duration::from_secs(60),
            tickets::jobs::sla::SlaWatch { tz: timezone },
        )
        .every(
            Duration::from_secs(60),
            tickets::jobs::change_requests::DelayWatch,
        )
        .every(
            Duration::from_secs(60),
            tickets::jobs::callbacks::CallbackOverdueWatch,
        )
        .every(Duration::from_secs(60), inventory::jobs::LoanOverdueWatch)
        .every(Duration::from_secs(60), inventory::jobs::RmaOverdueWatch)
        .every(
            Duration::from_secs(60),
            inventory::jobs::CountWatch { tz: timezone },
        )
        .every(Duration::from_secs(60), scoring::jobs::FinaliseReminders)
        .every(Duration::from_secs(60), contracts::jobs::ContractLifecycle)
        .every(Duration::from_secs(60), contracts::jobs::OverduePayments)
        .every(Duration::from_secs(60), contracts::jobs::ExpiryReminders)
        .every(
            Duration::from_secs(60),
            contracts::programme_jobs::OverdueProgrammeSteps,
        )
        .every(
            Duration::from_secs(60),
            contracts::commissioning_jobs::LateDocuments,
        )
        .every(
            Duration::from_secs(3_600),
            scoring::service::lateness_fines::LatenessFinesJob { timezone },
        )
        .every(Duration::from_secs(60), billing::jobs::AdvanceClaimOverdue)
        .every(
            Duration::from_secs(60),
            billing::jobs::PromiseWatch { tz: timezone },
        )
        .every(Duration::from_secs(600), billing::jobs::CommissionRefresh)
        .every(
            config.audit_checkpoint_every,
            platform::jobs::audit_checkpoint::AuditCheckpoint::new(config),
        )
        .every(
            Duration::from_secs(3_600),
            platform::jobs::purge::PurgeJobs {
                retention: config.jobs.retention,
            },
        );
    if config.jobs.test_kinds {
        registry.handler(platform::jobs::testing::Flaky)
    } else {
        registry
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_kinds_are_registered_only_on_request() {
        let mut config = Config::from_lookup(|_| None).unwrap();
        assert!(!job_registry(&config).kinds().contains(&"test.flaky"));
        config.jobs.test_kinds = true;
        assert!(job_registry(&config).kinds().contains(&"test.flaky"));
    }
}
