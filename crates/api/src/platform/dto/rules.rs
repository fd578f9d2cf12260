use crate::kernel::rules::RuleDef;
use chrono::{DateTime, NaiveDate, Utc};
use kefu_billing::commissioning::RateClass;
use kefu_store::from_db_time;
use kefu_store::rules::RuleVersionRow;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

#[derive(Debug, Serialize, ToSchema)]
pub struct RuleVersionOut {
    /// In force from this day (company time zone) until the next version's.
    pub effective_from: NaiveDate,
    /// The rule values; their shape depends on the rule set (see its defaults).
    #[schema(value_type = Object)]
    pub value: serde_json::Value,
    /// Why this version was set; `null` if not given.
    pub note: Option<String>,
    /// When the version was set.
    pub created_at: DateTime<Utc>,
    /// The user who set this version; `null` for seeded defaults.
    pub created_by: Option<String>,
}

impl RuleVersionOut {
    /// A stored version of the set `def`, its value as the rules read it.
    pub fn of(def: &dyn RuleDef, r: &RuleVersionRow) -> Self {
        RuleVersionOut {
            effective_from: r.effective_from,
            value: def.shown(&r.value_json),
            note: r.note.clone(),
            created_at: from_db_time(r.created_at),
            created_by: r.created_by.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RuleSetOut {
    /// The rule set's key, e.g. `service-deadlines`.
    #[schema(example = "commissioning-rates")]
    pub key: String,
    /// The rule set's title.
    pub title: String,
    /// Echoed as the `ETag`; send it in `If-Match` to change the set.
    pub version: i64,
    /// The effective date of the version in force today.
    pub in_force_from: Option<NaiveDate>,
    /// Every version, oldest first.
    pub versions: Vec<RuleVersionOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RuleSetSummary {
    /// The rule set's key, e.g. `service-deadlines`.
    pub key: String,
    /// The rule set's title.
    pub title: String,
    /// Echoed as the `ETag` of the set; send it in `If-Match` to change it.
    pub version: i64,
    /// The version in force today.
    pub in_force: Option<RuleVersionOut>,
    /// How many versions the set has.
    pub version_count: u32,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "value": {"local": [{"min_points": 0, "fen_per_point": 22}, {"min_points": 510, "fen_per_point": 10}],
              "county": [{"min_points": 0, "fen_per_point": 30}],
              "remote": [{"min_points": 0, "fen_per_point": 60}, {"min_points": 510, "fen_per_point": 45}, {"min_points": 4080, "fen_per_point": 35}],
              "partner": [{"min_points": 0, "fen_per_point": 10}]},
    "note": "2026 年 4 月起本地调试单价上调"
}))]
pub struct PutRuleVersion {
    /// The complete rule values, in the shape of the set's defaults.
    #[schema(value_type = Object)]
    pub value: serde_json::Value,
    /// Why the version is set, at most 500 characters.
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OnQuery {
    /// The day (company time zone); default today.
    pub on: Option<NaiveDate>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct QuoteQuery {
    pub class: RateClass,
    /// Controller points of the job (CON-8: a pure alarm controller counts as its configured points).
    #[param(minimum = 0, maximum = 10_000_000)]
    pub points: i64,
    /// The day whose rates apply (company time zone); default today.
    pub on: Option<NaiveDate>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CommissionQuote {
    /// The rate class asked about (BIL-9).
    pub class: RateClass,
    /// The points asked about.
    pub points: i64,
    /// The rate per point, in fen (BIL-9).
    pub fen_per_point: i64,
    /// `points` × the rate, in fen, rounded half away from zero.
    pub commission_fen: i64,
    /// Always `CNY`.
    #[schema(example = "CNY")]
    pub currency: String,
    /// The rates applied: the version in force from this day.
    pub rates_effective_from: NaiveDate,
}
