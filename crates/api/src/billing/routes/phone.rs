use crate::billing::dto::phone::{PHONE_EXPORT, PhoneAllowanceOut, PhoneAllowanceQuery};
use crate::billing::service::phone::{allowance_of, policy_for};
use crate::billing::service::privacy::{Reach, scope};
use crate::kernel::auth::Caller;
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::export::{self, Listed};
use crate::kernel::page::{Page, paginate, row_key, window};
use crate::kernel::state::AppState;
use actix_web::{HttpResponse, get, web};
use kefu_billing::access::{self, Action};
use kefu_core::{FieldError, YearMonth};
use kefu_store::employees::{self, EmployeeFilter};
use kefu_store::visibility::Visible;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_phone_allowances);
}

/// List the month's phone allowances
///
/// BIL-17: each employee's phone allowance for `month` (`YYYY-MM`), by their position class
/// (`phone_allowance_class`) priced by the `expense-policy` version in force on the month's
/// first day (an employee without a class, or of a class not in it, gets its default; one who
/// left before the month 0), in employee id order; `/export` (CSV or XLSX) exports. Computed, not
/// stored: there is no delta sync, read the month again. Privacy (people's money): staff see
/// their own; admins, managers, finance, HR and executives everyone's. Customer contacts get
/// 403; a `month` not `YYYY-MM` is 400; a month before any `expense-policy` version took
/// effect is 404. Read-only.
#[utoipa::path(
    tag = "expenses",
    operation_id = "listPhoneAllowances",
    params(PhoneAllowanceQuery),
    responses(
        (status = 200, description = "One page of the month's allowances", body = Page<PhoneAllowanceOut>),
        (status = 404, description = "No `expense-policy` version in force in that month", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/phone-allowances")]
async fn list_phone_allowances(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<PhoneAllowanceQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = state.clone();
    export::respond(&data, &PHONE_EXPORT, listed, move |query| {
        page(state.clone(), caller.clone(), query)
    })
    .await
}

async fn page(
    state: web::Data<AppState>,
    caller: Caller,
    query: PhoneAllowanceQuery,
) -> Result<Page<PhoneAllowanceOut>, ApiError> {
    access::require(Action::PhoneAllowanceRead, &caller.actor.roles)?;
    let parsed = (query.month.len() == 7).then(|| query.month.parse::<YearMonth>().ok());
    let month = parsed.flatten().ok_or_else(|| ApiError::BadRequest {
        detail: "month must be YYYY-MM".to_owned(),
        errors: vec![FieldError::new(
            "query.month",
            "format",
            "a month in the form YYYY-MM",
        )],
    })?;
    let (limit, fetch, mode) = window(query.limit, None, query.cursor.as_deref())?;
    let actor = caller.actor.clone();
    let (mode, rows, policy) = state
        .db(move |conn| {
            let visible = match scope(conn, &actor, Reach::OwnOnly)? {
                None => Visible::everything(),
                Some(user_ids) => Visible {
                    user_ids,
                    ..Visible::default()
                },
            };
            let filter = EmployeeFilter {
                visible,
                ..EmployeeFilter::default()
            };
            let rows = employees::list(conn, &filter, &mode, fetch)?;
            Ok((mode.clone(), rows, policy_for(conn, month)?))
        })
        .await?;
    Ok(paginate(
        rows,
        limit,
        |r| row_key(&mode, r.updated_at, &r.id),
        |r| allowance_of(&policy, month, &r),
    ))
}
