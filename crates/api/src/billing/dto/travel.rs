//! BIL-14: travel requests on the wire.

use crate::kernel::export::{Column, Exportable};
use chrono::{DateTime, NaiveDate, Utc};
use kefu_billing::expenses::TravelStatus;
use kefu_billing::travel::{CityTier, TransportClass, TravelStandard};
use kefu_store::expenses::TravelRow;
use kefu_store::from_db_time;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

/// BIL-14: a trip asked for before it happens.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TravelOut {
    /// The travel request's id.
    pub id: String,
    /// The traveller (a user id).
    pub user_id: String,
    /// The city travelled to.
    pub destination_city: String,
    /// A county of the city: reimbursed at the county standard (`county_city_tier`).
    pub destination_county: Option<String>,
    /// The city's tier as asked for (none for a county trip).
    pub city_tier: Option<CityTier>,
    /// Why the trip.
    pub purpose: String,
    /// The ticket or contract the trip is for.
    pub reference: Option<String>,
    /// The day the trip is to leave.
    pub planned_departure: NaiveDate,
    /// The day the trip is to come back.
    pub planned_return: NaiveDate,
    /// The class of transport asked for.
    pub transport: TransportClass,
    /// `requested` → `approved`/`rejected` by the manager before the trip, or `cancelled` (BIL-14).
    pub status: TravelStatus,
    /// The manager who decided; `null` while `requested`.
    pub decided_by: Option<String>,
    /// When it was decided; `null` while `requested`.
    pub decided_at: Option<DateTime<Utc>>,
    /// Why it was refused, when it was.
    pub decision_note: Option<String>,
    /// The standard that applies, copied when approved (a later rule change does not move it).
    pub standard: Option<TravelStandard>,
    /// The day the `travel-standards` version it was copied from took effect.
    pub standard_effective_from: Option<NaiveDate>,
    /// A tombstone: only delta sync (`updated_since`) returns deleted records.
    pub deleted: bool,
    /// When it was requested.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`; send it back in `If-Match` to change the record.
    pub version: i64,
}

impl crate::kernel::command::Versioned for TravelOut {
    fn version(&self) -> i64 {
        self.version
    }
}

impl From<&TravelRow> for TravelOut {
    fn from(r: &TravelRow) -> Self {
        TravelOut {
            id: r.id.clone(),
            user_id: r.user_id.clone(),
            destination_city: r.destination_city.clone(),
            destination_county: r.destination_county.clone(),
            city_tier: r.city_tier.as_deref().and_then(|t| t.parse().ok()),
            purpose: r.purpose.clone(),
            reference: r.reference.clone(),
            planned_departure: r.planned_departure,
            planned_return: r.planned_return,
            transport: r
                .transport
                .parse()
                .unwrap_or(TransportClass::TrainHardSleeper),
            status: r.status.parse().unwrap_or(TravelStatus::Requested),
            decided_by: r.decided_by.clone(),
            decided_at: r.decided_at.map(from_db_time),
            decision_note: r.decision_note.clone(),
            standard: r
                .standard_json
                .as_deref()
                .and_then(|s| serde_json::from_str(s).ok()),
            standard_effective_from: r.standard_effective_from,
            deleted: r.deleted_at.is_some(),
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
            version: r.version,
        }
    }
}

/// BIL-14: a trip for the caller. A city trip names the city's tier; a county trip names the
/// county instead (and no tier).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"destination_city": "温州", "city_tier": "second",
    "purpose": "瑞安项目调试", "reference": "合同 HT-2026-031",
    "planned_departure": "2026-03-02", "planned_return": "2026-03-04",
    "transport": "train_hard_sleeper"}))]
pub struct RequestTravel {
    /// The city travelled to.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub destination_city: String,
    /// A county of the city: reimbursed at the county standard.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub destination_county: Option<String>,
    /// Required for a city trip, absent for a county trip.
    pub city_tier: Option<CityTier>,
    /// Why the trip.
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub purpose: String,
    /// The ticket or contract the trip is for.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub reference: Option<String>,
    /// The day the trip is to leave.
    pub planned_departure: NaiveDate,
    /// Not before `planned_departure`, at most 366 days after it.
    pub planned_return: NaiveDate,
    /// The class of transport asked for.
    pub transport: TransportClass,
}

/// Why a request, claim or advance is refused.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"note": "请改派就近工程师"}))]
pub struct RejectExpense {
    /// Why it is refused, told to the traveller.
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub note: String,
}

/// The filters every expense list takes.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TravelQuery {
    /// One person's records (within what the caller may see).
    pub user_id: Option<String>,
    pub status: Option<TravelStatus>,
    #[param(example = "2026-03-01T08:00:00+08:00")]
    pub updated_since: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page (of a query with the same `updated_since`).
    pub cursor: Option<String>,
}

crate::paged!(TravelQuery);

pub(super) const fn col(field: &'static str, zh: &'static str) -> Column {
    Column { field, zh }
}

pub const TRAVEL_EXPORT: Exportable = Exportable {
    operation_id: "listTravelRequests",
    file: "travel-requests",
    columns: &[
        col("id", "编号"),
        col("user_id", "出差人"),
        col("destination_city", "目的城市"),
        col("destination_county", "目的县"),
        col("city_tier", "城市类别"),
        col("purpose", "事由"),
        col("reference", "关联单据"),
        col("planned_departure", "计划出发"),
        col("planned_return", "计划返回"),
        col("transport", "交通工具"),
        col("status", "状态"),
        col("decided_by", "审批人"),
        col("decided_at", "审批时间"),
        col("decision_note", "驳回原因"),
        col("standard.grade", "职级"),
        col("standard.city_tier", "标准城市类别"),
        col("standard.transport", "标准交通工具"),
        col("standard.lodging_cap_fen_per_day", "住宿标准(分/天)"),
        col("standard.meals_fen_per_day", "伙食标准(分/天)"),
        col(
            "standard.local_transport_cap_fen_per_day",
            "市内交通标准(分/天)",
        ),
        col("standard_effective_from", "标准生效日"),
        col("deleted", "已删除"),
        col("created_at", "创建时间"),
        col("updated_at", "更新时间"),
        col("version", "版本"),
    ],
};
