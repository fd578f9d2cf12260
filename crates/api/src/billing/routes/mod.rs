use utoipa_actix_web::service_config::ServiceConfig;

// -- customer-facing money --
mod fee_items;
mod invoices;
mod payments;
mod quotes;
mod receivables;

// -- commissions and payroll --
mod commissions;

// -- expenses --
mod advances;
mod claims;
mod phone;
mod travel;

/// The billing domain's routes, one file per resource.
pub fn routes(cfg: &mut ServiceConfig) {
    // -- customer-facing money --
    fee_items::routes(cfg);
    quotes::routes(cfg);
    payments::routes(cfg);
    invoices::routes(cfg);
    receivables::routes(cfg);

    // -- commissions and payroll --
    commissions::routes(cfg);
    // -- expenses --
    travel::routes(cfg);
    claims::routes(cfg);
    advances::routes(cfg);
    phone::routes(cfg);
}
