use utoipa_actix_web::service_config::ServiceConfig;

// -- customer-facing money --
mod fee_items;
mod invoices;
mod payments;
mod quotes;
mod rebates;
mod receivables;

// -- commissions and payroll --
mod commissions;
mod fund;
mod line_commands;
mod payroll;

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
    rebates::routes(cfg);
    receivables::routes(cfg);

    // -- commissions and payroll --
    commissions::routes(cfg);
    line_commands::routes(cfg);
    payroll::routes(cfg);
    fund::routes(cfg);
    // -- expenses --
    travel::routes(cfg);
    claims::routes(cfg);
    advances::routes(cfg);
    phone::routes(cfg);
}

/// One page of customer-facing money the caller sees (ORG-5 through the record's customer):
/// `list` reads a window of the rows `scope::visible` admits, `key` gives a row's
/// `(updated_at, id)` for the cursor and `out` renders it.
async fn visible_page<R, T>(
    state: &actix_web::web::Data<crate::kernel::state::AppState>,
    actor: kefu_core::Actor,
    (limit, fetch, mode): (usize, i64, kefu_store::delta::ListMode),
    list: impl FnOnce(
        &mut kefu_store::DbConnection,
        &kefu_store::visibility::Visible,
        &kefu_store::delta::ListMode,
        i64,
    ) -> Result<Vec<R>, kefu_store::StoreError>
    + Send
    + 'static,
    key: impl Fn(&R) -> (chrono::NaiveDateTime, &str),
    out: impl FnMut(R) -> T,
) -> Result<crate::kernel::page::Page<T>, crate::kernel::error::ApiError>
where
    R: Send + 'static,
{
    let (mode, rows) = state
        .db(move |conn| {
            let scope = crate::kernel::access::visible(conn, &actor)?;
            let rows = list(conn, &scope, &mode, fetch)?;
            Ok((mode, rows))
        })
        .await?;
    Ok(crate::kernel::page::paginate(
        rows,
        limit,
        |r| {
            let (at, id) = key(r);
            crate::kernel::page::row_key(&mode, at, id)
        },
        out,
    ))
}
