//! HR-T1/HR-T2/HR-S2: exam sessions and results on the wire.

use crate::kernel::export::{Column, Exportable};
use chrono::{DateTime, NaiveDate, Utc};
use kefu_scoring::exams::{ExamFlag, ExamKind, ExamPart, Presence};
use kefu_store::exams::{ResultRow, SessionRow};
use kefu_store::from_db_time;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

kefu_core::string_enum! {
    /// An open session takes results; a closed one is ranked and takes none.
    #[derive(ToSchema)]
    pub enum SessionStatus {
        Open = "open",
        Closed = "closed",
    }
}

/// HR-T1/HR-T2/HR-S2: an exam session.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExamSessionOut {
    /// The session's id.
    pub id: String,
    /// New-hire (HR-T1), annual (HR-T2), re-test of a D grade (HR-S4) or monthly (HR-S2).
    pub kind: ExamKind,
    /// The session's title.
    #[schema(max_length = 200)]
    pub title: String,
    /// The day of the exam.
    pub exam_date: NaiveDate,
    /// The parts tested: knowledge, operation or both.
    #[schema(min_items = 1, max_items = 2)]
    pub parts: Vec<ExamPart>,
    /// The `training-rules` department whose override applied, if any.
    pub department: Option<String>,
    /// Every part passes at this score, taken from `training-rules` when the session was
    /// created (a later rule change does not move it).
    #[schema(minimum = 0, maximum = 100)]
    pub pass_mark: i64,
    /// The session this one retakes.
    pub retake_of: Option<String>,
    /// 1 for a first sitting, 2 for its retake.
    pub attempt: i64,
    /// `open` takes results; `closed` is ranked and takes none.
    pub status: SessionStatus,
    /// Who created the session.
    pub created_by: String,
    /// Who closed it; `null` while `open`.
    pub closed_by: Option<String>,
    /// When it was closed; `null` while `open`.
    pub closed_at: Option<DateTime<Utc>>,
    /// A tombstone: only delta sync (`updated_since`) returns deleted records.
    pub deleted: bool,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`; send it back in `If-Match` to change the record.
    pub version: i64,
}

/// The parts stored comma-separated.
pub fn parse_parts(raw: &str) -> Vec<ExamPart> {
    raw.split(',').filter_map(|p| p.parse().ok()).collect()
}

impl From<&SessionRow> for ExamSessionOut {
    fn from(r: &SessionRow) -> Self {
        ExamSessionOut {
            id: r.id.clone(),
            kind: r.kind.parse().unwrap_or(ExamKind::Monthly),
            title: r.title.clone(),
            exam_date: r.exam_date,
            parts: parse_parts(&r.parts),
            department: r.department.clone(),
            pass_mark: r.pass_mark,
            retake_of: r.retake_of.clone(),
            attempt: r.attempt,
            status: r.status.parse().unwrap_or(SessionStatus::Open),
            created_by: r.created_by.clone(),
            closed_by: r.closed_by.clone(),
            closed_at: r.closed_at.map(from_db_time),
            deleted: r.deleted_at.is_some(),
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
            version: r.version,
        }
    }
}

/// HR-T1/HR-T2/HR-S2: a session to hold.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "monthly", "title": "3 月业务知识考试",
    "exam_date": "2026-03-20", "parts": ["knowledge"]}))]
pub struct CreateExamSession {
    /// New-hire (HR-T1), annual (HR-T2), re-test (HR-S4) or monthly (HR-S2).
    pub kind: ExamKind,
    /// The session's title.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// Not in the future when results are recorded.
    pub exam_date: NaiveDate,
    /// The parts tested, each once; a retake tests its session's parts.
    #[validate(length(min = 1, max = 2))]
    #[schema(min_items = 1, max_items = 2)]
    pub parts: Vec<ExamPart>,
    /// A department of `training-rules` whose override applies (e.g. `technical_service`).
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64, pattern = r"^[a-z0-9_]+$")]
    pub department: Option<String>,
    /// The session this one retakes (of the same kind; one retake).
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub retake_of: Option<String>,
}

/// HR-T1/HR-T2/HR-S2: a person's result.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExamResultOut {
    /// The result's id.
    pub id: String,
    /// The exam session.
    pub session_id: String,
    /// The person (a user id).
    pub user_id: String,
    /// Sat, cheated, or absent (excused or not), HR-S2.
    pub presence: Presence,
    /// The scores written, by part (only when the person sat the exam).
    pub written: ExamScores,
    /// The scores counted: as written; cheating 0; an excused absence from a monthly exam 70.
    pub counted: ExamScores,
    /// Sat (or excused) and every counted part reached the session's `pass_mark`.
    pub passed: bool,
    /// HR-S2: among the session's top places (set when a monthly session is closed).
    pub top_place: bool,
    /// Recommendations for a person to act on, never automatic acts.
    #[schema(max_items = 3)]
    pub flags: Vec<ExamFlag>,
    /// Free notes, or the reason of the last correction.
    #[schema(max_length = 500)]
    pub note: Option<String>,
    /// Who recorded the result.
    pub recorded_by: String,
    /// HR-S4: for a `retest` session (and its retake), the finalised card graded D it
    /// re-tests (the card's `retest` flag); `null` for other kinds.
    pub card_id: Option<String>,
    /// A tombstone: only delta sync (`updated_since`) returns deleted records.
    pub deleted: bool,
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`; send it back in `If-Match` to correct it.
    pub version: i64,
}

/// Scores by part, 0–100; a part the session does not test, or not counted, is `null`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExamScores {
    /// The knowledge part's score, 0–100.
    #[validate(range(min = 0, max = 100))]
    #[schema(minimum = 0, maximum = 100)]
    pub knowledge: Option<i64>,
    /// The operation part's score, 0–100.
    #[validate(range(min = 0, max = 100))]
    #[schema(minimum = 0, maximum = 100)]
    pub operation: Option<i64>,
}

impl From<&ResultRow> for ExamResultOut {
    fn from(r: &ResultRow) -> Self {
        ExamResultOut {
            id: r.id.clone(),
            session_id: r.session_id.clone(),
            user_id: r.user_id.clone(),
            presence: r.presence.parse().unwrap_or(Presence::Sat),
            written: ExamScores {
                knowledge: r.knowledge_written,
                operation: r.operation_written,
            },
            counted: ExamScores {
                knowledge: r.knowledge_counted,
                operation: r.operation_counted,
            },
            passed: r.passed,
            top_place: r.top_place,
            flags: r.flags.split(',').filter_map(|f| f.parse().ok()).collect(),
            note: r.note.clone(),
            recorded_by: r.recorded_by.clone(),
            card_id: r.card_id.clone(),
            deleted: r.deleted_at.is_some(),
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
            version: r.version,
        }
    }
}

/// HR-T1/HR-T2/HR-S2: a person's result to record.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"user_id": "0192f3a0-0000-7000-8000-000000000001",
    "presence": "sat", "scores": {"knowledge": 85}}))]
pub struct RecordExamResult {
    /// The person examined (a user id).
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub user_id: String,
    /// Sat, cheated, or absent (excused or not), HR-S2.
    pub presence: Presence,
    /// Required, for every part of the session, when the person sat it; refused otherwise.
    #[validate(nested)]
    pub scores: Option<ExamScores>,
    /// Free notes.
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub note: Option<String>,
}

/// A correction of a recorded result: the whole result again, and why.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"presence": "sat", "scores": {"knowledge": 85, "operation": 90},
                          "reason": "阅卷漏计第 3 题"}))]
pub struct CorrectExamResult {
    /// Sat, cheated, or absent (excused or not).
    pub presence: Presence,
    /// Required, for every part of the session, when the person sat it; refused otherwise.
    #[validate(nested)]
    pub scores: Option<ExamScores>,
    /// Why the result changes; kept as the result's note (the audit entry holds the old one).
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExamSessionQuery {
    pub kind: Option<ExamKind>,
    pub status: Option<SessionStatus>,
    #[param(example = "2026-03-01T08:00:00+08:00")]
    pub updated_since: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page (of a query with the same `updated_since`).
    pub cursor: Option<String>,
}

crate::paged!(ExamSessionQuery);

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExamResultQuery {
    /// One person's results (within what the caller may see).
    pub user_id: Option<String>,
    pub session_id: Option<String>,
    /// HR-S4: the re-test results of one card graded D (its `retest` flag).
    pub card_id: Option<String>,
    #[param(example = "2026-03-01T08:00:00+08:00")]
    pub updated_since: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page (of a query with the same `updated_since`).
    pub cursor: Option<String>,
}

crate::paged!(ExamResultQuery);

const fn col(field: &'static str, zh: &'static str) -> Column {
    Column { field, zh }
}

pub const SESSIONS_EXPORT: Exportable = Exportable {
    operation_id: "listExamSessions",
    file: "exam-sessions",
    columns: &[
        col("id", "编号"),
        col("kind", "类型"),
        col("title", "名称"),
        col("exam_date", "考试日期"),
        col("parts", "科目"),
        col("department", "部门"),
        col("pass_mark", "及格分"),
        col("retake_of", "补考对象"),
        col("attempt", "次数"),
        col("status", "状态"),
        col("created_by", "创建人"),
        col("closed_by", "结束人"),
        col("closed_at", "结束时间"),
        col("deleted", "已删除"),
        col("created_at", "创建时间"),
        col("updated_at", "更新时间"),
        col("version", "版本"),
    ],
};

pub const RESULTS_EXPORT: Exportable = Exportable {
    operation_id: "listExamResults",
    file: "exam-results",
    columns: &[
        col("id", "编号"),
        col("session_id", "考试"),
        col("user_id", "考生"),
        col("presence", "参考情况"),
        col("written.knowledge", "知识卷面"),
        col("written.operation", "操作卷面"),
        col("counted.knowledge", "知识计分"),
        col("counted.operation", "操作计分"),
        col("passed", "及格"),
        col("top_place", "前三名"),
        col("flags", "建议"),
        col("note", "备注"),
        col("recorded_by", "登记人"),
        col("card_id", "重测对应考核表"),
        col("deleted", "已删除"),
        col("created_at", "创建时间"),
        col("updated_at", "更新时间"),
        col("version", "版本"),
    ],
};
