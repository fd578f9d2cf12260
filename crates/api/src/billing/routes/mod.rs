// -- customer-facing money --
mod fee_items;
mod invoices;
mod payments;
mod quotes;
// -- commissions and payroll --

// -- expenses --

use utoipa_actix_web::service_config::ServiceConfig;

/// The billing domain's routes, one file per resource.
pub fn routes(cfg: &mut ServiceConfig) {
    // -- customer-facing money --
    fee_items::routes(cfg);
    quotes::routes(cfg);
    payments::routes(cfg);
    invoices::routes(cfg);

    // -- commissions and payroll --

    // -- expenses --
}
