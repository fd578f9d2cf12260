use crate::kernel::access::Action;
use crate::kernel::auth::Caller;
use crate::kernel::command::Ctx;
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::extract::{IfMatch, StrictQuery, ValidJson};
use crate::kernel::page::Page;
use crate::kernel::respond::versioned;
use crate::kernel::rules::RuleDef;
use crate::kernel::state::AppState;
use crate::platform::dto::rules::{
    CommissionQuote, OnQuery, PutRuleVersion, QuoteQuery, RuleSetOut, RuleSetSummary,
    RuleVersionOut,
};
use crate::platform::service::rules as svc;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, delete, get, put, web};
use chrono::NaiveDate;
use kefu_billing::commissioning::CommissioningRates;
use kefu_core::FieldError;
use kefu_store::rules::RuleSetRecord;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_rule_sets)
        .service(get_rule_set)
        .service(get_rule_in_force)
        .service(put_rule_version)
        .service(delete_rule_version)
        .service(quote_commission);
}

fn out(def: &dyn RuleDef, record: &RuleSetRecord, today: NaiveDate) -> RuleSetOut {
    RuleSetOut {
        key: record.key.clone(),
        title: def.title().to_owned(),
        version: record.version,
        in_force_from: record
            .versions
            .iter()
            .filter(|v| v.effective_from <= today)
            .map(|v| v.effective_from)
            .max(),
        versions: record
            .versions
            .iter()
            .map(|v| RuleVersionOut::of(def, v))
            .collect(),
    }
}

fn parse_day(raw: &str) -> Result<NaiveDate, ApiError> {
    raw.parse().map_err(|_| ApiError::BadRequest {
        detail: format!("`{raw}` is not a date (YYYY-MM-DD)"),
        errors: vec![FieldError::new(
            "effective_from",
            "format",
            "must be YYYY-MM-DD",
        )],
    })
}

/// List the configurable rule sets with the version in force today.
///
/// Every configurable rule set (rates, deadlines, fines, `sla-policy`, `service-deadlines`,
/// `work-hours`, …) with the version in force today. Any signed-in user. Read-only.
#[utoipa::path(
    tag = "rules",
    operation_id = "listRuleSets",
    responses((status = 200, description = "Every rule set (one page)", body = Page<RuleSetSummary>))
)]
#[get("/rules")]
async fn list_rule_sets(
    state: web::Data<AppState>,
    _caller: Caller,
) -> Result<HttpResponse, ApiError> {
    let today = state.today();
    let records = state
        .db(move |conn| {
            crate::kernel::rules::REGISTRY
                .iter()
                .map(|def| svc::get(conn, def.key()))
                .collect::<Result<Vec<_>, _>>()
        })
        .await?;
    let items = records
        .into_iter()
        .map(|(def, record)| {
            let current = record
                .versions
                .iter()
                .filter(|v| v.effective_from <= today)
                .max_by_key(|v| v.effective_from);
            RuleSetSummary {
                key: record.key.clone(),
                title: def.title().to_owned(),
                version: record.version,
                in_force: current.map(|v| RuleVersionOut::of(def, v)),
                version_count: u32::try_from(record.versions.len()).unwrap_or(u32::MAX),
            }
        })
        .collect();
    Ok(HttpResponse::Ok().json(Page {
        items,
        next_cursor: None,
    }))
}

/// Get a rule set with all its versions.
///
/// The rule set with every dated version, and its version as `ETag` for `If-Match` on a change. Any
/// signed-in user; an unknown key is 404. Read-only.
#[utoipa::path(
    tag = "rules",
    operation_id = "getRuleSet",
    params(("key" = String, Path, description = "Rule set key, e.g. `commissioning-rates`")),
    responses((status = 200, description = "The rule set", body = RuleSetOut, headers(("ETag" = String))))
)]
#[get("/rules/{key}")]
async fn get_rule_set(
    state: web::Data<AppState>,
    _caller: Caller,
    key: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let key = key.into_inner();
    let (def, record) = state.db(move |conn| svc::get(conn, &key)).await?;
    let body = out(def, &record, state.today());
    Ok(versioned(StatusCode::OK, record.version, &body))
}

/// The version of a rule set in force on a day.
///
/// The version in force on `on` (default today, company date); 404 when the day lies before the
/// first version. Any signed-in user. Read-only.
#[utoipa::path(
    tag = "rules",
    operation_id = "getRuleInForce",
    params(("key" = String, Path, description = "Rule set key"), OnQuery),
    responses((status = 200, description = "The version in force", body = RuleVersionOut))
)]
#[get("/rules/{key}/in-force")]
async fn get_rule_in_force(
    state: web::Data<AppState>,
    _caller: Caller,
    key: web::Path<String>,
    StrictQuery(query): StrictQuery<OnQuery>,
) -> Result<HttpResponse, ApiError> {
    let day = query.on.unwrap_or_else(|| state.today());
    let key = key.into_inner();
    let (def, record) = state.db(move |conn| svc::get(conn, &key)).await?;
    let version = record
        .versions
        .iter()
        .filter(|v| v.effective_from <= day)
        .max_by_key(|v| v.effective_from)
        .ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok().json(RuleVersionOut::of(def, version)))
}

/// Set the values of a rule set from a day on.
///
/// Adds a version in force from `effective_from` (or replaces the one of that day). Days before it
/// keep the earlier version, so computations for past periods do not change unless the date lies in
/// them. The value must have the complete shape of the set (see `GET /rules/{key}`; 422 naming the
/// field otherwise).
///
/// Admins only (403 for others). Needs `If-Match` with the rule set's `ETag`. Triggers the audit
/// entry `rule.put_version`. New SLA due instants, deadlines and fines follow the version in force
/// on their own day (TKT-2, TKT-7, TKT-9, TKT-12).
#[utoipa::path(
    tag = "rules",
    operation_id = "putRuleVersion",
    params(
        ("key" = String, Path, description = "Rule set key"),
        ("effective_from" = String, Path, format = Date, description = "First day the values apply (YYYY-MM-DD)"),
        crate::kernel::openapi::IfMatchHeader
    ),
    request_body = PutRuleVersion,
    responses((status = 200, description = "The rule set after the change", body = RuleSetOut, headers(("ETag" = String))))
)]
#[put("/rules/{key}/versions/{effective_from}")]
async fn put_rule_version(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<PutRuleVersion>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::RuleSetEdit)?;
    let (key, day) = path.into_inner();
    let day = parse_day(&day)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let record = state
        .tx(move |conn| svc::put_version(conn, &ctx, &key, version, day, input.value, input.note))
        .await?;
    let def = crate::kernel::rules::find(&record.key)
        .ok_or_else(|| ApiError::internal("a rule set outside the registry"))?;
    Ok(versioned(
        StatusCode::OK,
        record.version,
        &out(def, &record, state.today()),
    ))
}

/// Remove the version of a rule set that starts on a day; the previous version then applies.
///
/// Admins only (403 for others). Needs `If-Match` with the rule set's `ETag`. 404 when no version
/// starts that day; 409 for the only version (put a new value instead). Triggers the audit entry
/// `rule.delete_version`.
#[utoipa::path(
    tag = "rules",
    operation_id = "deleteRuleVersion",
    params(
        ("key" = String, Path, description = "Rule set key"),
        ("effective_from" = String, Path, format = Date, description = "The version's first day (YYYY-MM-DD)"),
        crate::kernel::openapi::IfMatchHeader
    ),
    responses(
        (status = 200, description = "The rule set after the change", body = RuleSetOut, headers(("ETag" = String))),
        (status = 409, description = "The only version cannot be removed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/rules/{key}/versions/{effective_from}")]
async fn delete_rule_version(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    IfMatch(version): IfMatch,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::RuleSetEdit)?;
    let (key, day) = path.into_inner();
    let day = parse_day(&day)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let record = state
        .tx(move |conn| svc::delete_version(conn, &ctx, &key, version, day))
        .await?;
    let def = crate::kernel::rules::find(&record.key)
        .ok_or_else(|| ApiError::internal("a rule set outside the registry"))?;
    Ok(versioned(
        StatusCode::OK,
        record.version,
        &out(def, &record, state.today()),
    ))
}

/// BIL-9: the commissioning commission of a job under the rates in force on a day.
///
/// The rate per point and the commission of `points` (0 to 10000000) of a `class` under the
/// `commissioning-rates` version in force on `on` (default today), in fen; 404 when none is in
/// force that day. Any signed-in user. Read-only.
#[utoipa::path(
    tag = "rules",
    operation_id = "quoteCommissioningCommission",
    params(QuoteQuery),
    responses(
        (status = 200, description = "Rate and commission", body = CommissionQuote),
        (status = 404, description = "No commissioning rates are in force on `on` (it lies before the first version)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/commissioning-rates/quote")]
async fn quote_commission(
    state: web::Data<AppState>,
    _caller: Caller,
    StrictQuery(query): StrictQuery<QuoteQuery>,
) -> Result<HttpResponse, ApiError> {
    if !(0..=10_000_000).contains(&query.points) {
        return Err(ApiError::Invalid(vec![FieldError::new(
            "query.points",
            "range",
            "must be between 0 and 10000000",
        )]));
    }
    let day = query.on.unwrap_or_else(|| state.today());
    let rates = state
        .db(move |conn| crate::kernel::rules::load_in_force::<CommissioningRates>(conn, day))
        .await?;
    let rate = rates.value.rate(query.class, query.points);
    let commission = rates
        .value
        .commission(query.class, query.points)
        .ok_or_else(|| ApiError::internal("commission overflow"))?;
    Ok(HttpResponse::Ok().json(CommissionQuote {
        class: query.class,
        points: query.points,
        fen_per_point: rate.fen(),
        commission_fen: commission.fen(),
        currency: "CNY".to_owned(),
        rates_effective_from: rates.effective_from,
    }))
}
