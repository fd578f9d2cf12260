//! HR-S1..S6: score events, a month's measured scores (card inputs), finalised cards and
//! appeals. Which people a caller sees is decided by the API and handed in as `user_ids`.

use crate::delta::ListMode;
use crate::schema::{score_appeals, score_events, scorecard_inputs, scorecards};
use crate::{DbConnection, StoreError, VersionedWrite};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = score_events)]
pub struct ScoreEventRow {
    pub id: String,
    pub user_id: String,
    pub month: String,
    pub item_key: String,
    pub item_title: String,
    pub units: i64,
    pub points: i64,
    pub sets_measure_key: Option<String>,
    pub sets_measure_score: Option<i64>,
    pub evidence: String,
    pub status: String,
    pub cancelled_by_appeal_id: Option<String>,
    pub penalty_for_event_id: Option<String>,
    pub issued_by: String,
    pub issued_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = scorecard_inputs)]
pub struct CardInputsRow {
    pub id: String,
    pub user_id: String,
    pub month: String,
    pub position: String,
    pub qa_average_tenths: Option<i64>,
    pub measures_json: String,
    pub entered_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = scorecards)]
pub struct ScorecardRow {
    pub id: String,
    pub user_id: String,
    pub month: String,
    pub position: String,
    pub total_tenths: i64,
    pub grade: String,
    pub card_json: String,
    pub outcome_json: String,
    pub justification: Option<String>,
    pub finalised_by: String,
    pub finalised_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = score_appeals)]
pub struct AppealRow {
    pub id: String,
    pub event_id: String,
    pub user_id: String,
    pub reason: String,
    pub status: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<NaiveDateTime>,
    pub decision_note: Option<String>,
    pub penalty_event_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
}

/// Which records a list shows: `user_ids` limits them to those people (privacy), `None` is
/// everyone's.
#[derive(Debug, Clone, Default)]
pub struct CardFilter {
    pub user_ids: Option<Vec<String>>,
    pub month: Option<String>,
    pub status: Option<String>,
}

pub fn insert_event(conn: &mut DbConnection, row: &ScoreEventRow) -> Result<(), StoreError> {
    diesel::insert_into(score_events::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

pub fn find_event(conn: &mut DbConnection, id: &str) -> Result<Option<ScoreEventRow>, StoreError> {
    Ok(score_events::table
        .find(id)
        .select(ScoreEventRow::as_select())
        .first(conn)
        .optional()?)
}

#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = score_events)]
pub struct EventChanges {
    pub status: Option<String>,
    pub cancelled_by_appeal_id: Option<Option<String>>,
}

pub fn update_event(
    conn: &mut DbConnection,
    id: &str,
    expected: i64,
    changes: &EventChanges,
    now: DateTime<Utc>,
) -> Result<VersionedWrite, StoreError> {
    crate::versioned_update!(conn, score_events, id, expected, changes, now)
}

pub fn list_events(
    conn: &mut DbConnection,
    filter: &CardFilter,
    mode: &ListMode,
    limit: i64,
) -> Result<Vec<ScoreEventRow>, StoreError> {
    let mut query = score_events::table
        .select(ScoreEventRow::as_select())
        .into_boxed();
    if let Some(ids) = &filter.user_ids {
        query = query.filter(score_events::user_id.eq_any(ids.clone()));
    }
    if let Some(month) = &filter.month {
        query = query.filter(score_events::month.eq(month.clone()));
    }
    if let Some(status) = &filter.status {
        query = query.filter(score_events::status.eq(status.clone()));
    }
    let query = crate::apply_list_mode!(query, score_events, mode);
    Ok(query.limit(limit).load(conn)?)
}

/// One person's live, uncancelled events of a month, in issue order.
pub fn month_events(
    conn: &mut DbConnection,
    user_id: &str,
    month: &str,
) -> Result<Vec<ScoreEventRow>, StoreError> {
    Ok(score_events::table
        .filter(score_events::user_id.eq(user_id))
        .filter(score_events::month.eq(month))
        .filter(score_events::status.eq("active"))
        .filter(score_events::deleted_at.is_null())
        .select(ScoreEventRow::as_select())
        .order((score_events::issued_at.asc(), score_events::id.asc()))
        .load(conn)?)
}

pub fn insert_inputs(conn: &mut DbConnection, row: &CardInputsRow) -> Result<(), StoreError> {
    diesel::insert_into(scorecard_inputs::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

pub fn find_inputs(
    conn: &mut DbConnection,
    user_id: &str,
    month: &str,
) -> Result<Option<CardInputsRow>, StoreError> {
    Ok(scorecard_inputs::table
        .filter(scorecard_inputs::user_id.eq(user_id))
        .filter(scorecard_inputs::month.eq(month))
        .filter(scorecard_inputs::deleted_at.is_null())
        .select(CardInputsRow::as_select())
        .first(conn)
        .optional()?)
}

#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = scorecard_inputs)]
pub struct InputsChanges {
    pub position: Option<String>,
    pub qa_average_tenths: Option<Option<i64>>,
    pub measures_json: Option<String>,
    pub entered_by: Option<String>,
}

pub fn update_inputs(
    conn: &mut DbConnection,
    id: &str,
    expected: i64,
    changes: &InputsChanges,
    now: DateTime<Utc>,
) -> Result<VersionedWrite, StoreError> {
    crate::versioned_update!(conn, scorecard_inputs, id, expected, changes, now)
}

pub fn insert_card(conn: &mut DbConnection, row: &ScorecardRow) -> Result<(), StoreError> {
    diesel::insert_into(scorecards::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

pub fn find_card(
    conn: &mut DbConnection,
    user_id: &str,
    month: &str,
) -> Result<Option<ScorecardRow>, StoreError> {
    Ok(scorecards::table
        .filter(scorecards::user_id.eq(user_id))
        .filter(scorecards::month.eq(month))
        .filter(scorecards::deleted_at.is_null())
        .select(ScorecardRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn find_card_by_id(
    conn: &mut DbConnection,
    id: &str,
) -> Result<Option<ScorecardRow>, StoreError> {
    Ok(scorecards::table
        .find(id)
        .select(ScorecardRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn list_cards(
    conn: &mut DbConnection,
    filter: &CardFilter,
    mode: &ListMode,
    limit: i64,
) -> Result<Vec<ScorecardRow>, StoreError> {
    let mut query = scorecards::table
        .select(ScorecardRow::as_select())
        .into_boxed();
    if let Some(ids) = &filter.user_ids {
        query = query.filter(scorecards::user_id.eq_any(ids.clone()));
    }
    if let Some(month) = &filter.month {
        query = query.filter(scorecards::month.eq(month.clone()));
    }
    if let Some(grade) = &filter.status {
        query = query.filter(scorecards::grade.eq(grade.clone()));
    }
    let query = crate::apply_list_mode!(query, scorecards, mode);
    Ok(query.limit(limit).load(conn)?)
}

pub fn insert_appeal(conn: &mut DbConnection, row: &AppealRow) -> Result<(), StoreError> {
    diesel::insert_into(score_appeals::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

pub fn find_appeal(conn: &mut DbConnection, id: &str) -> Result<Option<AppealRow>, StoreError> {
    Ok(score_appeals::table
        .find(id)
        .select(AppealRow::as_select())
        .first(conn)
        .optional()?)
}

#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = score_appeals)]
pub struct AppealChanges {
    pub status: Option<String>,
    pub decided_by: Option<Option<String>>,
    pub decided_at: Option<Option<NaiveDateTime>>,
    pub decision_note: Option<Option<String>>,
    pub penalty_event_id: Option<Option<String>>,
}

pub fn update_appeal(
    conn: &mut DbConnection,
    id: &str,
    expected: i64,
    changes: &AppealChanges,
    now: DateTime<Utc>,
) -> Result<VersionedWrite, StoreError> {
    crate::versioned_update!(conn, score_appeals, id, expected, changes, now)
}

pub fn list_appeals(
    conn: &mut DbConnection,
    filter: &CardFilter,
    mode: &ListMode,
    limit: i64,
) -> Result<Vec<AppealRow>, StoreError> {
    let mut query = score_appeals::table
        .select(AppealRow::as_select())
        .into_boxed();
    if let Some(ids) = &filter.user_ids {
        query = query.filter(score_appeals::user_id.eq_any(ids.clone()));
    }
    if let Some(status) = &filter.status {
        query = query.filter(score_appeals::status.eq(status.clone()));
    }
    let query = crate::apply_list_mode!(query, score_appeals, mode);
    Ok(query.limit(limit).load(conn)?)
}

/// The live attachments of the score events `event_ids` (owner type `score_event`), as
/// (event id, attachment id) pairs in upload order.
pub fn evidence_files(
    conn: &mut DbConnection,
    event_ids: &[String],
) -> Result<Vec<(String, String)>, StoreError> {
    use crate::schema::attachments;
    if event_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(attachments::table
        .filter(attachments::owner_type.eq("score_event"))
        .filter(attachments::owner_id.eq_any(event_ids))
        .filter(attachments::deleted_at.is_null())
        .order((attachments::created_at.asc(), attachments::id.asc()))
        .select((attachments::owner_id, attachments::id))
        .load(conn)?)
}

/// The months of `user_id`'s finalised cards among `months`, with their grades.
pub fn grades_of(
    conn: &mut DbConnection,
    user_id: &str,
    months: &[String],
) -> Result<Vec<(String, String, i64)>, StoreError> {
    Ok(scorecards::table
        .filter(scorecards::user_id.eq(user_id))
        .filter(scorecards::month.eq_any(months))
        .filter(scorecards::deleted_at.is_null())
        .select((
            scorecards::month,
            scorecards::grade,
            scorecards::total_tenths,
        ))
        .load(conn)?)
}

/// The finalised cards of `months` as (month, user, position, total in tenths), by month and
/// user: the HR-S5 standings' facts.
pub fn finalised_in(
    conn: &mut DbConnection,
    months: &[String],
) -> Result<Vec<(String, String, String, i64)>, StoreError> {
    Ok(scorecards::table
        .filter(scorecards::month.eq_any(months))
        .filter(scorecards::deleted_at.is_null())
        .order((scorecards::month.asc(), scorecards::user_id.asc()))
        .select((
            scorecards::month,
            scorecards::user_id,
            scorecards::position,
            scorecards::total_tenths,
        ))
        .load(conn)?)
}

/// Live teams with a supervisor, as (team id, supervisor's login), by team id.
pub fn supervised_teams(conn: &mut DbConnection) -> Result<Vec<(String, String)>, StoreError> {
    use crate::schema::teams;
    let rows: Vec<(String, Option<String>)> = teams::table
        .filter(teams::deleted_at.is_null())
        .filter(teams::supervisor_user_id.is_not_null())
        .order(teams::id.asc())
        .select((teams::id, teams::supervisor_user_id))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(t, s)| s.map(|s| (t, s)))
        .collect())
}

/// The people whose card of `month` is finalised.
pub fn finalised_user_ids(conn: &mut DbConnection, month: &str) -> Result<Vec<String>, StoreError> {
    Ok(scorecards::table
        .filter(scorecards::month.eq(month))
        .filter(scorecards::deleted_at.is_null())
        .select(scorecards::user_id)
        .load(conn)?)
}
