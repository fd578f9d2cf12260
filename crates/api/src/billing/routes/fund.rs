//! The department fund's spending (HR-F0 ledger): confirmed fines pay in (scoring), a
//! spending pays out — never more than the fund holds.

use crate::kernel::auth::Caller;
use crate::kernel::command::Ctx;
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::extract::ValidJson;
use crate::kernel::respond::created;
use crate::kernel::state::AppState;
use crate::scoring::dto::fines::LedgerOut;
use actix_web::{HttpResponse, post, web};
use kefu_billing::access::{self, Action};
use kefu_core::DomainError;
use kefu_store::fines::{self as store, LedgerRow};
use kefu_store::{DbConnection, new_id, to_db_time};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create_fund_spending);
}

/// HR-F0: money paid out of the department fund.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"amount_fen": 30000, "purpose": "部门团建聚餐"}))]
pub struct CreateFundSpending {
    /// The amount paid out, in fen; not more than the fund's balance.
    #[validate(range(min = 1, max = 100_000_000_i64))]
    #[schema(minimum = 1, maximum = 100_000_000_i64)]
    pub amount_fen: i64,
    /// What the money was spent on.
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub purpose: String,
}

fn spend(
    conn: &mut DbConnection,
    ctx: &Ctx,
    input: CreateFundSpending,
) -> Result<LedgerOut, ApiError> {
    store::lock_fund(conn)?;
    let balance = store::balance(conn)?;
    if balance < input.amount_fen {
        return Err(DomainError::Rule {
            rule: "HR-F0",
            message: format!(
                "the department fund holds {balance} fen: it cannot pay out {}",
                input.amount_fen
            ),
        }
        .into());
    }
    let now = to_db_time(ctx.now);
    let row = LedgerRow {
        id: new_id(),
        fine_id: None,
        user_id: None,
        rule: "HR-F0".to_owned(),
        entry: "spending".to_owned(),
        amount_fen: -input.amount_fen,
        posted_by: ctx.actor_id.clone(),
        created_at: now,
        updated_at: now,
        deleted_at: None,
        purpose: Some(input.purpose.trim().to_owned()),
    };
    store::insert_entry(conn, &row)?;
    ctx.audit(
        conn,
        "fund_ledger.post",
        ("fund_ledger", &row.id),
        None,
        Some(serde_json::json!({
            "entry": row.entry, "amount_fen": row.amount_fen, "purpose": row.purpose,
        })),
    )?;
    Ok(LedgerOut::of(&row, balance - input.amount_fen))
}

/// Pay out of the department fund
///
/// HR-F0: records money paid out of the department fund (a `spending` entry of the
/// `listFundLedger` ledger, negative) for a purpose; the fund never pays out more than it
/// holds (422 `HR-F0`). Confirmed fines pay in (`confirmFine`). Admins, managers and finance
/// (403 `HR-F0` otherwise). Triggers the audit entry and webhook event `fund_ledger.post`.
#[utoipa::path(
    tag = "fines",
    operation_id = "createFundSpending",
    request_body = CreateFundSpending,
    responses(
        (status = 201, description = "Paid out: the entry with the balance after it", body = LedgerOut, headers(("Location" = String))),
        (status = 422, description = "More than the fund holds (HR-F0)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/fund-spendings")]
async fn create_fund_spending(
    state: web::Data<AppState>,
    caller: Caller,
    ValidJson(input): ValidJson<CreateFundSpending>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::FundSpend, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let out = state.tx(move |conn| spend(conn, &ctx, input)).await?;
    Ok(created("/api/v1/fund-ledger".to_owned(), None, &out))
}
