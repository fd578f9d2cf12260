use crate::inventory::dto::rotation::{IssueSuggestionOut, SuggestionQuery};
use crate::inventory::service::rotation as svc;
use crate::kernel::auth::Caller;
use crate::kernel::error::ApiError;
use crate::kernel::extract::{StrictQuery, trimmed};
use crate::kernel::page::fetch_size;
use crate::kernel::state::AppState;
use actix_web::{HttpResponse, get, web};
use kefu_inventory::access::{self, Action};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(issue_suggestion);
}

/// Suggest which units of a part to issue
///
/// INV-8: before issuing a serialised part (a loan's issue, or a stock movement), its units in
/// stock — at `location_id` when given — in the order to issue them: idle longest first, by
/// their last ledger movement, with `idle_days`. A bulk part has no units to choose (empty
/// `items`). Stock readers (403 for other roles), within their ORG-5 scope (engineers and
/// supervisors the stock in their own hands); an unknown part, or a `location_id` whose stock
/// the caller does not see, is 404. Issuing other units is
/// not refused: a loan's issue records the older units it passed over
/// (`rotation_passed_over`). Read-only.
#[utoipa::path(
    tag = "inventory",
    operation_id = "getPartIssueSuggestion",
    params(("id" = String, Path, description = "Part id"), SuggestionQuery),
    responses((status = 200, description = "The units, idle longest first", body = IssueSuggestionOut))
)]
#[get("/parts/{id}/issue-suggestion")]
async fn issue_suggestion(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    StrictQuery(query): StrictQuery<SuggestionQuery>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::StockRead, &caller.actor.roles)?;
    let (limit, _) = fetch_size(query.limit)?;
    let id = id.into_inner();
    let now = state.clock.now();
    let actor = caller.actor.clone();
    let out = state
        .db(move |conn| {
            svc::suggestion(
                conn,
                &actor,
                now,
                &id,
                trimmed(query.location_id).as_deref(),
                limit,
            )
        })
        .await?;
    Ok(HttpResponse::Ok().json(out))
}
