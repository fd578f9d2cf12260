//! HR-T3: the managers' assessments and promotion eligibility on the wire.

use crate::kernel::export::{Column, Exportable};
use chrono::{DateTime, NaiveDate, Utc};
use kefu_scoring::promotion::Reason;
use kefu_store::from_db_time;
use kefu_store::promotion::AssessmentRow;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

/// HR-T3: a manager's assessment of a candidate's abilities.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssessmentOut {
    /// The assessment's id.
    pub id: String,
    /// The candidate (a user id).
    pub user_id: String,
    /// The listed abilities are met (seed 002: independent commissioning, repair,
    /// maintenance and callbacks; solving customers' problems; training and technical
    /// guidance; allocating and managing work).
    pub meets_abilities: bool,
    /// The manager's assessment in words.
    #[schema(max_length = 2000)]
    pub note: String,
    /// The day of the assessment.
    pub assessed_on: NaiveDate,
    /// The manager who assessed.
    pub assessed_by: String,
    /// A tombstone: only delta sync (`updated_since`) returns deleted records.
    pub deleted: bool,
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`.
    pub version: i64,
}

impl From<&AssessmentRow> for AssessmentOut {
    fn from(r: &AssessmentRow) -> Self {
        AssessmentOut {
            id: r.id.clone(),
            user_id: r.user_id.clone(),
            meets_abilities: r.meets_abilities,
            note: r.note.clone(),
            assessed_on: r.assessed_on,
            assessed_by: r.assessed_by.clone(),
            deleted: r.deleted_at.is_some(),
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
            version: r.version,
        }
    }
}

/// HR-T3: an assessment to record.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"user_id": "0192f3a0-0000-7000-8000-000000000001",
    "meets_abilities": true, "note": "能独立完成调试、维修和培训"}))]
pub struct RecordAssessment {
    /// The candidate (a user id).
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub user_id: String,
    /// The listed abilities are met (HR-T3).
    pub meets_abilities: bool,
    /// The manager's assessment in words.
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub note: String,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AssessmentQuery {
    /// One person's assessments (within what the caller may see).
    pub user_id: Option<String>,
    #[param(example = "2026-03-01T08:00:00+08:00")]
    pub updated_since: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page (of a query with the same `updated_since`).
    pub cursor: Option<String>,
}

crate::paged!(AssessmentQuery);

/// HR-T3: whether a person may be promoted to team lead, with a reason per condition.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EligibilityOut {
    /// The candidate (a user id).
    pub user_id: String,
    /// The day the conditions were read for (today in the company time zone).
    pub as_of: NaiveDate,
    /// Every reason is met.
    pub eligible: bool,
    /// The first employment change of the person's employee record.
    pub hired_on: Option<NaiveDate>,
    /// One entry per HR-T3 condition, met or not, with why.
    #[schema(max_items = 5)]
    pub reasons: Vec<Reason>,
}

const fn col(field: &'static str, zh: &'static str) -> Column {
    Column { field, zh }
}

pub const ASSESSMENTS_EXPORT: Exportable = Exportable {
    operation_id: "listPromotionAssessments",
    file: "promotion-assessments",
    columns: &[
        col("id", "编号"),
        col("user_id", "员工"),
        col("meets_abilities", "能力达标"),
        col("note", "评价"),
        col("assessed_on", "评价日期"),
        col("assessed_by", "评价人"),
        col("deleted", "已删除"),
        col("created_at", "创建时间"),
        col("updated_at", "更新时间"),
        col("version", "版本"),
    ],
};
