//! Commissioning jobs (CON-7, CON-8). Which jobs a caller sees is decided by the API and handed
//! in as a [`JobScope`]; [`JobScope::admits`] is the Rust twin of its SQL.

use crate::delta::ListMode;
use crate::schema::commissioning_jobs;
use crate::{DbConnection, StoreError, VersionedWrite};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_contracts::commissioning::CommissioningStatus;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = commissioning_jobs)]
pub struct JobRow {
    pub id: String,
    pub title: String,
    pub notice_no: String,
    pub customer_id: String,
    pub site_id: String,
    pub location_class: String,
    pub original_job_id: Option<String>,
    pub controller_points: i64,
    pub pure_alarm_controller: bool,
    pub billable_points: i64,
    pub engineer_id: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub status: CommissioningStatus,
    pub approved_by: Option<String>,
    pub approved_on: Option<NaiveDate>,
    pub started_on: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
    pub documents_due_on: Option<NaiveDate>,
    pub project_file_on: Option<NaiveDate>,
    pub questionnaire_on: Option<NaiveDate>,
    pub settlement_notice_on: Option<NaiveDate>,
    pub documents_late_noticed_on: Option<NaiveDate>,
    pub callback_confirmed_by: Option<String>,
    pub callback_confirmed_on: Option<NaiveDate>,
    pub recheck_required: bool,
    pub rechecked_by: Option<String>,
    pub rechecked_on: Option<NaiveDate>,
    pub acceptance_on: Option<NaiveDate>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
}

/// ORG-5 for commissioning jobs: visible when assigned to one of `engineer_ids`; `all` lifts
/// the filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobScope {
    pub all: bool,
    pub engineer_ids: Vec<String>,
}

impl JobScope {
    pub fn admits(&self, row: &JobRow) -> bool {
        self.all || self.engineer_ids.contains(&row.engineer_id)
    }
}

pub fn insert(conn: &mut DbConnection, row: &JobRow) -> Result<(), StoreError> {
    diesel::insert_into(commissioning_jobs::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

/// The job `id`, deleted or not, visible or not.
pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<JobRow>, StoreError> {
    Ok(commissioning_jobs::table
        .find(id)
        .select(JobRow::as_select())
        .first(conn)
        .optional()?)
}

#[derive(Debug, Clone, Default)]
pub struct JobFilter {
    pub customer_id: Option<String>,
    pub site_id: Option<String>,
    pub engineer_id: Option<String>,
    pub status: Option<CommissioningStatus>,
    pub original_job_id: Option<String>,
    /// Jobs whose work ended on or after this day (a billing month's first).
    pub ended_from: Option<NaiveDate>,
    /// Jobs whose work ended on or before this day.
    pub ended_to: Option<NaiveDate>,
}

/// One page of the jobs visible in `scope`.
pub fn list(
    conn: &mut DbConnection,
    scope: &JobScope,
    filter: &JobFilter,
    mode: &ListMode,
    limit: i64,
) -> Result<Vec<JobRow>, StoreError> {
    let mut query = commissioning_jobs::table
        .select(JobRow::as_select())
        .into_boxed();
    if !scope.all {
        query = query.filter(commissioning_jobs::engineer_id.eq_any(scope.engineer_ids.clone()));
    }
    if let Some(v) = &filter.customer_id {
        query = query.filter(commissioning_jobs::customer_id.eq(v.clone()));
    }
    if let Some(v) = &filter.site_id {
        query = query.filter(commissioning_jobs::site_id.eq(v.clone()));
    }
    if let Some(v) = &filter.engineer_id {
        query = query.filter(commissioning_jobs::engineer_id.eq(v.clone()));
    }
    if let Some(v) = filter.status {
        query = query.filter(commissioning_jobs::status.eq(v.as_str()));
    }
    if let Some(v) = &filter.original_job_id {
        query = query.filter(commissioning_jobs::original_job_id.eq(v.clone()));
    }
    if let Some(from) = filter.ended_from {
        query = query.filter(commissioning_jobs::ended_on.ge(from));
    }
    if let Some(to) = filter.ended_to {
        query = query.filter(commissioning_jobs::ended_on.le(to));
    }
    let query = crate::apply_list_mode!(query, commissioning_jobs, mode);
    Ok(query.limit(limit).load(conn)?)
}

/// Fields a command changes; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = commissioning_jobs)]
pub struct JobChanges {
    #[diesel(serialize_as = String)]
    pub status: Option<CommissioningStatus>,
    pub approved_by: Option<Option<String>>,
    pub approved_on: Option<Option<NaiveDate>>,
    pub started_on: Option<Option<NaiveDate>>,
    pub ended_on: Option<Option<NaiveDate>>,
    pub documents_due_on: Option<Option<NaiveDate>>,
    pub project_file_on: Option<Option<NaiveDate>>,
    pub questionnaire_on: Option<Option<NaiveDate>>,
    pub settlement_notice_on: Option<Option<NaiveDate>>,
    pub callback_confirmed_by: Option<Option<String>>,
    pub callback_confirmed_on: Option<Option<NaiveDate>>,
    pub recheck_required: Option<bool>,
    pub rechecked_by: Option<Option<String>>,
    pub rechecked_on: Option<Option<NaiveDate>>,
    pub acceptance_on: Option<Option<NaiveDate>>,
}

pub fn update(
    conn: &mut DbConnection,
    id: &str,
    expected_version: i64,
    changes: &JobChanges,
    now: DateTime<Utc>,
) -> Result<VersionedWrite, StoreError> {
    crate::versioned_update!(
        conn,
        commissioning_jobs,
        id,
        expected_version,
        changes.clone(),
        now
    )
}

/// CON-7: live commissioned jobs whose documents were due before `today`, with one still
/// missing, whose engineer was not told yet.
pub fn documents_late_unnoticed(
    conn: &mut DbConnection,
    today: NaiveDate,
) -> Result<Vec<JobRow>, StoreError> {
    Ok(commissioning_jobs::table
        .filter(commissioning_jobs::deleted_at.is_null())
        .filter(commissioning_jobs::status.eq(CommissioningStatus::Commissioned.as_str()))
        .filter(commissioning_jobs::documents_due_on.lt(today))
        .filter(commissioning_jobs::documents_late_noticed_on.is_null())
        .filter(
            commissioning_jobs::project_file_on
                .is_null()
                .or(commissioning_jobs::questionnaire_on.is_null())
                .or(commissioning_jobs::settlement_notice_on.is_null()),
        )
        .order(commissioning_jobs::id)
        .select(JobRow::as_select())
        .load(conn)?)
}

/// CON-7: marks the job's documents late (noticed on `today`) unless it was already — the
/// conditional update is the claim, so of two job runs exactly one tells the engineer. The
/// version and `updated_at` move, so delta sync brings the job.
pub fn claim_late_notice(
    conn: &mut DbConnection,
    id: &str,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        commissioning_jobs::table
            .filter(commissioning_jobs::id.eq(id))
            .filter(commissioning_jobs::documents_late_noticed_on.is_null()),
    )
    .set((
        commissioning_jobs::documents_late_noticed_on.eq(today),
        commissioning_jobs::version.eq(commissioning_jobs::version + 1),
        commissioning_jobs::updated_at.eq(crate::to_db_time(now)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}
