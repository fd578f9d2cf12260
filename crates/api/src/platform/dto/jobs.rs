use chrono::{DateTime, Utc};
use kefu_store::from_db_time;
use kefu_store::jobs::JobRow;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

kefu_core::string_enum! {
    #[derive(ToSchema)]
    pub enum JobStatus {
        /// Waiting for `run_at` (after a failed attempt too: then `last_error` says why).
        Queued = "queued",
        /// Leased by an instance (`leased_by`) until `lease_until`.
        Running = "running",
        Succeeded = "succeeded",
        /// Failed `max_attempts` times: the dead-letter list.
        Dead = "dead",
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct JobOut {
    /// The job's id.
    pub id: String,
    /// What the job does, e.g. `equipment.warranty_reminders`.
    #[schema(example = "equipment.warranty_reminders")]
    pub kind: String,
    /// The job's input, as its kind defines it.
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    /// Not run before this instant (after a failure: the next attempt's time).
    pub run_at: DateTime<Utc>,
    /// Where the job stands.
    pub status: JobStatus,
    /// Attempts started so far.
    pub attempts: i64,
    /// Attempts allowed before it goes to the dead-letter list (`dead`).
    pub max_attempts: i64,
    /// Why the last failed attempt failed.
    pub last_error: Option<String>,
    /// The instance that leased the job last.
    pub leased_by: Option<String>,
    /// Until when the lease holds; `null` if never leased.
    pub lease_until: Option<DateTime<Utc>>,
    /// Makes the job unique, e.g. a periodic kind and its period.
    pub dedupe_key: Option<String>,
    /// When the job was queued.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`; send it back in `If-Match` to re-run the job.
    pub version: i64,
}

impl From<&JobRow> for JobOut {
    fn from(r: &JobRow) -> Self {
        JobOut {
            id: r.id.clone(),
            kind: r.kind.clone(),
            payload: serde_json::from_str(&r.payload).unwrap_or_default(),
            run_at: from_db_time(r.run_at),
            // The column CHECK admits only the four names.
            status: JobStatus::parse(&r.status).unwrap_or(JobStatus::Queued),
            attempts: r.attempts,
            max_attempts: r.max_attempts,
            last_error: r.last_error.clone(),
            leased_by: r.leased_by.clone(),
            lease_until: r.lease_until.map(from_db_time),
            dedupe_key: r.dedupe_key.clone(),
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
            version: r.version,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct JobsQuery {
    /// Only jobs in this state (`dead`: the dead-letter list).
    pub status: Option<JobStatus>,
    /// Only jobs of this kind.
    #[param(example = "equipment.warranty_reminders")]
    pub kind: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}
