//! HR-T1/HR-T2 and the exam items of HR-S2/HR-S4: exam sessions and their results; the
//! monthly results a month's card counts.

use crate::delta::ListMode;
use crate::schema::{exam_results, exam_sessions, scorecards};
use crate::scorecards::ScorecardRow;
use crate::{DbConnection, StoreError, VersionedWrite};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = exam_sessions)]
pub struct SessionRow {
    pub id: String,
    pub kind: String,
    pub title: String,
    pub exam_date: NaiveDate,
    /// Comma-separated parts: `knowledge`, `operation`.
    pub parts: String,
    pub department: Option<String>,
    pub pass_mark: i64,
    pub retake_of: Option<String>,
    pub attempt: i64,
    pub status: String,
    pub created_by: String,
    pub closed_by: Option<String>,
    pub closed_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = exam_results)]
pub struct ResultRow {
    pub id: String,
    pub session_id: String,
    pub user_id: String,
    pub presence: String,
    pub knowledge_written: Option<i64>,
    pub operation_written: Option<i64>,
    pub knowledge_counted: Option<i64>,
    pub operation_counted: Option<i64>,
    pub passed: bool,
    pub top_place: bool,
    /// Comma-separated recommendations: `retake`, `dismissal`, `not_hired`.
    pub flags: String,
    pub note: Option<String>,
    pub recorded_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
    /// HR-S4: the finalised card graded D that a re-test (or its retake) re-tests.
    pub card_id: Option<String>,
}

pub fn insert_session(conn: &mut DbConnection, row: &SessionRow) -> Result<(), StoreError> {
    diesel::insert_into(exam_sessions::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

pub fn find_session(conn: &mut DbConnection, id: &str) -> Result<Option<SessionRow>, StoreError> {
    Ok(exam_sessions::table
        .find(id)
        .select(SessionRow::as_select())
        .first(conn)
        .optional()?)
}

#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = exam_sessions)]
pub struct SessionChanges {
    pub status: Option<String>,
    pub closed_by: Option<Option<String>>,
    pub closed_at: Option<Option<NaiveDateTime>>,
}

pub fn update_session(
    conn: &mut DbConnection,
    id: &str,
    expected: i64,
    changes: &SessionChanges,
    now: DateTime<Utc>,
) -> Result<VersionedWrite, StoreError> {
    crate::versioned_update!(conn, exam_sessions, id, expected, changes, now)
}

/// Which sessions a list shows.
#[derive(Debug, Clone, Default)]
pub struct SessionFilter {
    pub kind: Option<String>,
    pub status: Option<String>,
}

pub fn list_sessions(
    conn: &mut DbConnection,
    filter: &SessionFilter,
    mode: &ListMode,
    limit: i64,
) -> Result<Vec<SessionRow>, StoreError> {
    let mut query = exam_sessions::table
        .select(SessionRow::as_select())
        .into_boxed();
    if let Some(kind) = &filter.kind {
        query = query.filter(exam_sessions::kind.eq(kind.clone()));
    }
    if let Some(status) = &filter.status {
        query = query.filter(exam_sessions::status.eq(status.clone()));
    }
    let query = crate::apply_list_mode!(query, exam_sessions, mode);
    Ok(query.limit(limit).load(conn)?)
}

/// The live sessions that retake `id`.
pub fn retakes_of(conn: &mut DbConnection, id: &str) -> Result<Vec<SessionRow>, StoreError> {
    Ok(exam_sessions::table
        .filter(exam_sessions::retake_of.eq(id))
        .filter(exam_sessions::deleted_at.is_null())
        .select(SessionRow::as_select())
        .load(conn)?)
}

pub fn insert_result(conn: &mut DbConnection, row: &ResultRow) -> Result<(), StoreError> {
    diesel::insert_into(exam_results::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

/// A corrected result (HR-S2/HR-T1/HR-T2): what was written, what counts and what follows.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = exam_results)]
pub struct ResultChanges {
    pub presence: Option<String>,
    pub knowledge_written: Option<Option<i64>>,
    pub operation_written: Option<Option<i64>>,
    pub knowledge_counted: Option<Option<i64>>,
    pub operation_counted: Option<Option<i64>>,
    pub passed: Option<bool>,
    pub flags: Option<String>,
    pub note: Option<Option<String>>,
}

pub fn update_result(
    conn: &mut DbConnection,
    id: &str,
    expected: i64,
    changes: &ResultChanges,
    now: DateTime<Utc>,
) -> Result<VersionedWrite, StoreError> {
    crate::versioned_update!(conn, exam_results, id, expected, changes, now)
}

pub fn find_result(conn: &mut DbConnection, id: &str) -> Result<Option<ResultRow>, StoreError> {
    Ok(exam_results::table
        .find(id)
        .select(ResultRow::as_select())
        .first(conn)
        .optional()?)
}

/// `user_id`'s live result in session `session_id`.
pub fn result_of(
    conn: &mut DbConnection,
    session_id: &str,
    user_id: &str,
) -> Result<Option<ResultRow>, StoreError> {
    Ok(exam_results::table
        .filter(exam_results::session_id.eq(session_id))
        .filter(exam_results::user_id.eq(user_id))
        .filter(exam_results::deleted_at.is_null())
        .select(ResultRow::as_select())
        .first(conn)
        .optional()?)
}

/// The live results of a session, in id order.
pub fn session_results(
    conn: &mut DbConnection,
    session_id: &str,
) -> Result<Vec<ResultRow>, StoreError> {
    Ok(exam_results::table
        .filter(exam_results::session_id.eq(session_id))
        .filter(exam_results::deleted_at.is_null())
        .select(ResultRow::as_select())
        .order(exam_results::id.asc())
        .load(conn)?)
}

/// Marks the session's results in `ids` as among the top places (HR-S2), bumping each
/// version so delta sync sees the change.
pub fn mark_top_places(
    conn: &mut DbConnection,
    ids: &[String],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(exam_results::table.filter(exam_results::id.eq_any(ids)))
        .set((
            exam_results::top_place.eq(true),
            exam_results::version.eq(exam_results::version + 1),
            exam_results::updated_at.eq(crate::to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// `user_id`'s live finalised cards that no live result re-tests yet, the latest month
/// first: the cards an HR-S4 re-test may be for.
pub fn cards_not_retested(
    conn: &mut DbConnection,
    user_id: &str,
) -> Result<Vec<ScorecardRow>, StoreError> {
    let retested: Vec<Option<String>> = exam_results::table
        .filter(exam_results::user_id.eq(user_id))
        .filter(exam_results::card_id.is_not_null())
        .filter(exam_results::deleted_at.is_null())
        .select(exam_results::card_id)
        .load(conn)?;
    let retested: Vec<String> = retested.into_iter().flatten().collect();
    Ok(scorecards::table
        .filter(scorecards::user_id.eq(user_id))
        .filter(scorecards::deleted_at.is_null())
        .filter(scorecards::id.ne_all(retested))
        .order(scorecards::month.desc())
        .select(ScorecardRow::as_select())
        .load(conn)?)
}

/// Which results a list shows: `user_ids` limits them to those people (privacy), `None` is
/// everyone's.
#[derive(Debug, Clone, Default)]
pub struct ResultFilter {
    pub user_ids: Option<Vec<String>>,
    pub session_id: Option<String>,
    pub card_id: Option<String>,
}

pub fn list_results(
    conn: &mut DbConnection,
    filter: &ResultFilter,
    mode: &ListMode,
    limit: i64,
) -> Result<Vec<ResultRow>, StoreError> {
    let mut query = exam_results::table
        .select(ResultRow::as_select())
        .into_boxed();
    if let Some(ids) = &filter.user_ids {
        query = query.filter(exam_results::user_id.eq_any(ids.clone()));
    }
    if let Some(session) = &filter.session_id {
        query = query.filter(exam_results::session_id.eq(session.clone()));
    }
    if let Some(card) = &filter.card_id {
        query = query.filter(exam_results::card_id.eq(card.clone()));
    }
    let query = crate::apply_list_mode!(query, exam_results, mode);
    Ok(query.limit(limit).load(conn)?)
}

/// `user_id`'s live results of `kind` sessions held in `[from, to]`, with their session,
/// the latest session first.
pub fn results_between(
    conn: &mut DbConnection,
    user_id: &str,
    kind: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(SessionRow, ResultRow)>, StoreError> {
    Ok(exam_results::table
        .inner_join(exam_sessions::table)
        .filter(exam_results::user_id.eq(user_id))
        .filter(exam_results::deleted_at.is_null())
        .filter(exam_sessions::deleted_at.is_null())
        .filter(exam_sessions::kind.eq(kind))
        .filter(exam_sessions::exam_date.ge(from))
        .filter(exam_sessions::exam_date.le(to))
        .select((SessionRow::as_select(), ResultRow::as_select()))
        .order((exam_sessions::exam_date.desc(), exam_sessions::id.desc()))
        .load(conn)?)
}

/// `user_id`'s live results of `kind` sessions, any date, with their session.
pub fn results_of_kind(
    conn: &mut DbConnection,
    user_id: &str,
    kind: &str,
) -> Result<Vec<(SessionRow, ResultRow)>, StoreError> {
    Ok(exam_results::table
        .inner_join(exam_sessions::table)
        .filter(exam_results::user_id.eq(user_id))
        .filter(exam_results::deleted_at.is_null())
        .filter(exam_sessions::deleted_at.is_null())
        .filter(exam_sessions::kind.eq(kind))
        .select((SessionRow::as_select(), ResultRow::as_select()))
        .order((exam_sessions::exam_date.desc(), exam_sessions::id.desc()))
        .load(conn)?)
}
