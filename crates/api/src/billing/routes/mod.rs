// -- expenses --
mod advances;
mod claims;
mod phone;
mod travel;

use utoipa_actix_web::service_config::ServiceConfig;

// -- commissions and payroll --
mod commissions;

/// The billing domain's routes, one file per resource.
pub fn routes(cfg: &mut ServiceConfig) {
    // -- customer-facing money --

    // -- commissions and payroll --
    commissions::routes(cfg);
    // -- expenses --
    travel::routes(cfg);
    claims::routes(cfg);
    advances::routes(cfg);
    phone::routes(cfg);
}
