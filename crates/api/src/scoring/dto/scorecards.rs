//! HR-S1..S6 over HTTP: score events, a month's measured scores, cards and appeals.
//! Scores are tenths of a point (`_tenths`); money is fen.

use crate::kernel::export::{Column, Exportable};
use chrono::{DateTime, Utc};
use kefu_scoring::card::{CardScore, Outcome};
use kefu_store::from_db_time;
use kefu_store::scorecards::{AppealRow, ScoreEventRow};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::openapi::schema::{KnownFormat, SchemaFormat};
use utoipa::openapi::{ObjectBuilder, Type};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

kefu_core::string_enum! {
    /// `active` counts on the card; `cancelled` by an upheld appeal (HR-S6) does not.
    #[derive(ToSchema)]
    pub enum EventStatus {
        Active = "active",
        Cancelled = "cancelled",
    }
}

/// HR-S2/HR-S6: a deduction or bonus against a person for a month.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScoreEventOut {
    /// The event's id.
    pub id: String,
    /// The person (login) the event is against.
    pub user_id: String,
    /// The month whose card the event counts on, `YYYY-MM`.
    #[schema(pattern = r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])$", example = "2026-03")]
    pub month: String,
    /// The item of the `scorecard-templates` rule set: a template item or an HR-S2 event.
    pub item_key: String,
    /// The item's title as the rules name it.
    pub item_title: String,
    /// Occurrences, or days for items counted per day.
    pub units: i64,
    /// Signed whole points as the rules in force on the month's first day gave them.
    pub points: i64,
    /// The measured score (item key) the event replaces, e.g. cheating: exam score 0.
    pub sets_measure_key: Option<String>,
    /// The score it sets for `sets_measure_key` (e.g. 0 for cheating, 70 for an excused absence, HR-S2).
    pub sets_measure_score: Option<i64>,
    /// What happened, as the issuer wrote it (HR-S6).
    pub evidence: String,
    /// Evidence files: attachments uploaded with `owner_type` `score_event`.
    pub attachment_ids: Vec<String>,
    /// `active`, or `cancelled` by an upheld appeal (HR-S6).
    pub status: EventStatus,
    /// The upheld appeal that cancelled it; `null` while `active`.
    pub cancelled_by_appeal_id: Option<String>,
    /// HR-S6: set on the issuer's −10 when an appeal against this event was upheld.
    pub penalty_for_event_id: Option<String>,
    /// Who issued the event.
    pub issued_by: String,
    /// When it was issued.
    pub issued_at: DateTime<Utc>,
    /// The last day an appeal is taken (HR-S6).
    pub appeal_until: DateTime<Utc>,
    /// A tombstone: only delta sync (`updated_since`) returns deleted records.
    pub deleted: bool,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`.
    pub version: i64,
}

impl ScoreEventOut {
    pub fn of(r: &ScoreEventRow, attachment_ids: Vec<String>, appeal_days: i64) -> Self {
        let issued_at = from_db_time(r.issued_at);
        ScoreEventOut {
            id: r.id.clone(),
            user_id: r.user_id.clone(),
            month: r.month.clone(),
            item_key: r.item_key.clone(),
            item_title: r.item_title.clone(),
            units: r.units,
            points: r.points,
            sets_measure_key: r.sets_measure_key.clone(),
            sets_measure_score: r.sets_measure_score,
            evidence: r.evidence.clone(),
            attachment_ids,
            status: r.status.parse().unwrap_or(EventStatus::Active),
            cancelled_by_appeal_id: r.cancelled_by_appeal_id.clone(),
            penalty_for_event_id: r.penalty_for_event_id.clone(),
            issued_by: r.issued_by.clone(),
            issued_at,
            appeal_until: issued_at + chrono::Duration::days(appeal_days),
            deleted: r.deleted_at.is_some(),
            updated_at: from_db_time(r.updated_at),
            version: r.version,
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"user_id": "0190f0e0-0000-7000-8000-000000000001", "month": "2026-03",
    "item_key": "record_unclear", "units": 1, "evidence": "3月5日工单受理记录不清"}))]
pub struct IssueScoreEvent {
    /// The person (login) the event is against.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub user_id: String,
    /// The month whose card it counts on, `YYYY-MM`.
    #[validate(length(equal = 7))]
    #[schema(
        max_length = 7,
        pattern = r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])$",
        example = "2026-03"
    )]
    pub month: String,
    /// A counted (per occurrence or day) item of the person's template, or an HR-S2 event.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64, pattern = r"^[a-z0-9_]+$")]
    pub item_key: String,
    /// Occurrences or days, 1–31 (default 1).
    #[validate(range(min = 1, max = 31))]
    #[schema(minimum = 1, maximum = 31)]
    pub units: Option<i64>,
    /// For an event that sets an exam score (cheating, excused absence): the measured item it
    /// replaces (`knowledge_exam`, `operation_exam`); required there, refused elsewhere.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64, pattern = r"^[a-z0-9_]+$")]
    pub measure_key: Option<String>,
    /// What happened (HR-S6: every deduction has evidence); the person is notified.
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub evidence: String,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ScoreEventQuery {
    /// One person's events (within what the caller may see).
    pub user_id: Option<String>,
    #[param(pattern = r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])$", example = "2026-03")]
    pub month: Option<String>,
    pub status: Option<EventStatus>,
    #[param(example = "2026-03-01T08:00:00+08:00")]
    pub updated_since: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

crate::paged!(ScoreEventQuery);

/// HR-S1: the month's position and measured scores, in tenths (92 is 920).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"position": "call_centre_representative", "qa_average_tenths": 920,
    "measures": {"satisfaction": 870, "knowledge_exam": 750, "operation_exam": 640}}))]
pub struct CardInputsIn {
    /// A template's position in the `scorecard-templates` rule set in force.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64, pattern = r"^[a-z0-9_]+$")]
    pub position: String,
    /// The month's average QA score, 0–1000 tenths.
    #[validate(range(min = 0, max = 1000))]
    #[schema(minimum = 0, maximum = 1000)]
    pub qa_average_tenths: Option<i64>,
    /// Measured scores by the template's `points_below` item key, 0–1000 tenths each.
    #[validate(length(max = 32))]
    #[schema(schema_with = measures_schema)]
    pub measures: BTreeMap<String, i64>,
}

/// Item keys as the templates name them, each score 0–1000 tenths.
fn measures_schema() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .description(Some(
            "Measured scores by the template's `points_below` item key, in tenths (92 is 920), \
             0–1000 each.",
        ))
        .property_names(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(64))
                .pattern(Some(r"^[a-z0-9_]+$")),
        ))
        .additional_properties(Some(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
                .minimum(Some(0))
                .maximum(Some(1000)),
        ))
        .max_properties(Some(32))
}

/// HR-S1: a month's measured scores as entered.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CardInputsOut {
    /// The inputs' id.
    pub id: String,
    /// Whose card (a user id).
    pub user_id: String,
    /// The month, `YYYY-MM`.
    pub month: String,
    /// The template's position in the `scorecard-templates` rule set.
    pub position: String,
    /// The month's average QA score in tenths (92 is 920); `null` if not entered.
    pub qa_average_tenths: Option<i64>,
    /// Measured scores by item key, in tenths.
    #[schema(schema_with = measures_schema)]
    pub measures: BTreeMap<String, i64>,
    /// Who last entered them.
    pub entered_by: String,
    /// When they last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`; send it back in `If-Match` to change them.
    pub version: i64,
}

/// HR-S1..S5: a person's card for a month: live (a preview) until finalised, then the stored
/// snapshot, which nothing changes any more.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScorecardOut {
    /// The finalised card's id; `null` for a preview.
    pub id: Option<String>,
    /// Whose card (a user id).
    pub user_id: String,
    /// The month, `YYYY-MM`.
    #[schema(pattern = r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])$", example = "2026-03")]
    pub month: String,
    /// The card is finalised and stored (HR-S3); `false` for a live preview.
    pub finalised: bool,
    /// HR-S3: `false` when the person was absent more than 2 months in the period (no
    /// clock-in on any working day of the month and the two before, or left before the month):
    /// no card, grade or reward.
    pub scored: bool,
    /// The sections, items and total; `null` when not `scored`.
    pub card: Option<CardScore>,
    /// Grade, rewards, stars and flags (recommendations for a person, never automatic acts).
    pub outcome: Option<Outcome>,
    /// The assessor's written justification (HR-S4); `null` for a preview or when none was needed.
    pub justification: Option<String>,
    /// The assessor who finalised it; `null` for a preview.
    pub finalised_by: Option<String>,
    /// When it was finalised; `null` for a preview.
    pub finalised_at: Option<DateTime<Utc>>,
    /// The finalisation window (HR-S3): the next month's working days 1 to N.
    pub finalise_from: Option<chrono::NaiveDate>,
    /// The last day of the finalisation window.
    pub finalise_until: Option<chrono::NaiveDate>,
    /// The stored card's version; 0 for a preview.
    pub version: i64,
}

#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"justification": "本月满意度与考试均达标，表现突出"}))]
pub struct FinaliseCard {
    /// HR-S4: required for the grades that need one (A, C, D by default), 422 otherwise.
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub justification: Option<String>,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ScorecardQuery {
    pub user_id: Option<String>,
    #[param(pattern = r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])$", example = "2026-03")]
    pub month: Option<String>,
    /// A grade of the `scorecard-grades` rule set (`A`, `B`, `C`, `D` by default).
    pub grade: Option<String>,
    #[param(example = "2026-03-01T08:00:00+08:00")]
    pub updated_since: Option<String>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

crate::paged!(ScorecardQuery);

/// One finalised card in a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScorecardRowOut {
    /// The card's id.
    pub id: String,
    /// Whose card (a user id).
    pub user_id: String,
    /// The month, `YYYY-MM`.
    pub month: String,
    /// The template's position the card was scored by.
    pub position: String,
    /// The card's total in tenths (92 is 920).
    pub total_tenths: i64,
    /// The grade (A, B, C, D by default, HR-S4).
    pub grade: String,
    /// The grade's reward (positive) or deduction (negative), in fen.
    pub grade_amount_fen: i64,
    /// HR-S4: three consecutive A grades, paid in the third month, in fen.
    pub streak_bonus_fen: i64,
    /// Stars earned (HR-S5).
    pub stars: i64,
    /// The stars' reward, in fen (HR-S5).
    pub star_reward_fen: i64,
    /// Comma-separated flags (`dismissal`, `retest`).
    pub flags: String,
    /// The assessor's written justification; `null` when none was needed.
    pub justification: Option<String>,
    /// The assessor who finalised it.
    pub finalised_by: String,
    /// When it was finalised.
    pub finalised_at: DateTime<Utc>,
    /// A tombstone: only delta sync (`updated_since`) returns deleted records.
    pub deleted: bool,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`.
    pub version: i64,
}

kefu_core::string_enum! {
    /// `pending` → `upheld` (the event is cancelled, its issuer gets −10 and a warning) or
    /// `rejected`.
    #[derive(ToSchema)]
    pub enum AppealStatus {
        Pending = "pending",
        Upheld = "upheld",
        Rejected = "rejected",
    }
}

kefu_core::string_enum! {
    #[derive(ToSchema)]
    pub enum AppealOutcome {
        Upheld = "upheld",
        Rejected = "rejected",
    }
}

/// HR-S6: an appeal against a score event.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AppealOut {
    /// The appeal's id.
    pub id: String,
    /// The score event appealed against (HR-S6).
    pub event_id: String,
    /// The appellant: the person the event was against.
    pub user_id: String,
    /// Why the person appeals.
    pub reason: String,
    /// `pending` → `upheld` or `rejected` by a supervisor (HR-S6).
    pub status: AppealStatus,
    /// The supervisor who decided; `null` while `pending`.
    pub decided_by: Option<String>,
    /// When it was decided; `null` while `pending`.
    pub decided_at: Option<DateTime<Utc>>,
    /// The supervisor's note; `null` while `pending`.
    pub decision_note: Option<String>,
    /// The issuer's −10 event of an upheld appeal.
    pub penalty_event_id: Option<String>,
    /// A tombstone: only delta sync (`updated_since`) returns deleted records.
    pub deleted: bool,
    /// When it was filed.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`; send it back in `If-Match` to decide it.
    pub version: i64,
}

impl From<&AppealRow> for AppealOut {
    fn from(r: &AppealRow) -> Self {
        AppealOut {
            id: r.id.clone(),
            event_id: r.event_id.clone(),
            user_id: r.user_id.clone(),
            reason: r.reason.clone(),
            status: r.status.parse().unwrap_or(AppealStatus::Pending),
            decided_by: r.decided_by.clone(),
            decided_at: r.decided_at.map(from_db_time),
            decision_note: r.decision_note.clone(),
            penalty_event_id: r.penalty_event_id.clone(),
            deleted: r.deleted_at.is_some(),
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
            version: r.version,
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "当天记录完整，见工单截图"}))]
pub struct FileAppeal {
    /// Why the person appeals; taken until the event's `appeal_until` (HR-S6).
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"outcome": "upheld", "note": "核实记录完整，扣分撤销"}))]
pub struct DecideAppeal {
    /// `upheld` cancels the event and gives its issuer −10 and a warning; `rejected` keeps it (HR-S6).
    pub outcome: AppealOutcome,
    /// The supervisor's reasons.
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub note: String,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AppealQuery {
    pub user_id: Option<String>,
    pub status: Option<AppealStatus>,
    #[param(example = "2026-03-01T08:00:00+08:00")]
    pub updated_since: Option<String>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

crate::paged!(AppealQuery);

/// Whether `month` is `YYYY-MM`.
pub fn parse_month(month: &str) -> Option<kefu_core::YearMonth> {
    (month.len() == 7).then(|| month.parse().ok()).flatten()
}

const fn col(field: &'static str, zh: &'static str) -> Column {
    Column { field, zh }
}

pub const EVENTS_EXPORT: Exportable = Exportable {
    operation_id: "listScoreEvents",
    file: "score-events",
    columns: &[
        col("id", "编号"),
        col("user_id", "员工"),
        col("month", "月份"),
        col("item_key", "考核项"),
        col("item_title", "考核项名称"),
        col("units", "次数"),
        col("points", "分值"),
        col("sets_measure_key", "改写成绩项"),
        col("sets_measure_score", "改写成绩"),
        col("evidence", "依据"),
        col("attachment_ids", "证据附件"),
        col("status", "状态"),
        col("cancelled_by_appeal_id", "撤销申诉"),
        col("penalty_for_event_id", "申诉成立的原记录"),
        col("issued_by", "开单人"),
        col("issued_at", "开单时间"),
        col("appeal_until", "申诉截止"),
        col("deleted", "已删除"),
        col("updated_at", "更新时间"),
        col("version", "版本"),
    ],
};

pub const CARDS_EXPORT: Exportable = Exportable {
    operation_id: "listScorecards",
    file: "scorecards",
    columns: &[
        col("id", "编号"),
        col("user_id", "员工"),
        col("month", "月份"),
        col("position", "岗位"),
        col("total_tenths", "总分（0.1分）"),
        col("grade", "等级"),
        col("grade_amount_fen", "等级奖罚（分）"),
        col("streak_bonus_fen", "连续奖励（分）"),
        col("stars", "星级"),
        col("star_reward_fen", "星级奖励（分）"),
        col("flags", "提示"),
        col("justification", "评语"),
        col("finalised_by", "考核人"),
        col("finalised_at", "定稿时间"),
        col("deleted", "已删除"),
        col("updated_at", "更新时间"),
        col("version", "版本"),
    ],
};

pub const APPEALS_EXPORT: Exportable = Exportable {
    operation_id: "listScoreAppeals",
    file: "score-appeals",
    columns: &[
        col("id", "编号"),
        col("event_id", "考核记录"),
        col("user_id", "申诉人"),
        col("reason", "理由"),
        col("status", "状态"),
        col("decided_by", "处理人"),
        col("decided_at", "处理时间"),
        col("decision_note", "处理意见"),
        col("penalty_event_id", "开单人扣分记录"),
        col("deleted", "已删除"),
        col("created_at", "创建时间"),
        col("updated_at", "更新时间"),
        col("version", "版本"),
    ],
};
