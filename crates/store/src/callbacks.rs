//! Callbacks (TKT-9) and the manager's follow-ups of dissatisfied customers. A callback is
//! visible with its ticket (ORG-5); the API decides who sees all of them.

use crate::delta::ListMode;
use crate::schema::{callback_follow_ups, callbacks, tickets};
use crate::visibility::{self, Visible};
use crate::{DbConnection, NullableText, StoreError, VersionedWrite};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_tickets::callbacks::{
    CallbackSource, CallbackStatus, FeeKind, FollowUpDecision, FollowUpStatus,
};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = callbacks)]
pub struct CallbackRow {
    pub id: String,
    pub ticket_id: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub source: CallbackSource,
    pub feedback_form_id: Option<String>,
    pub shipped_on: Option<NaiveDate>,
    pub assignee_id: String,
    pub manager_id: Option<String>,
    pub due_date: NaiveDate,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub status: CallbackStatus,
    pub attempts: i64,
    pub last_attempt_at: Option<NaiveDateTime>,
    pub last_attempt_note: Option<String>,
    pub reached: Option<bool>,
    pub form_signed: Option<bool>,
    pub timeliness: Option<i64>,
    pub attitude: Option<i64>,
    pub technical: Option<i64>,
    pub result_ok: Option<bool>,
    pub satisfied: Option<bool>,
    pub fee_charged_fen: Option<i64>,
    #[diesel(deserialize_as = NullableText, serialize_as = NullableText)]
    pub fee_kind: Option<FeeKind>,
    pub fee_refunded: Option<bool>,
    pub invoice_given: Option<bool>,
    pub notes: Option<String>,
    pub completed_at: Option<NaiveDateTime>,
    pub completed_by: Option<String>,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConnection, row: &CallbackRow) -> Result<(), StoreError> {
    diesel::insert_into(callbacks::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<CallbackRow>, StoreError> {
    Ok(callbacks::table
        .find(id)
        .select(CallbackRow::as_select())
        .first(conn)
        .optional()?)
}

/// The callback made for a feedback form, if any (one per form).
pub fn find_by_form(
    conn: &mut DbConnection,
    form_id: &str,
) -> Result<Option<CallbackRow>, StoreError> {
    Ok(callbacks::table
        .filter(callbacks::feedback_form_id.eq(form_id))
        .select(CallbackRow::as_select())
        .first(conn)
        .optional()?)
}

#[derive(Debug, Clone, Default)]
pub struct CallbackFilter {
    pub assignee_id: Option<String>,
    pub ticket_id: Option<String>,
    pub status: Option<CallbackStatus>,
    /// Open and due before this day.
    pub overdue_before: Option<NaiveDate>,
    pub due_from: Option<NaiveDate>,
    pub due_to: Option<NaiveDate>,
}

/// One page of the callbacks whose ticket is visible in `scope`.
pub fn list(
    conn: &mut DbConnection,
    scope: &Visible,
    filter: &CallbackFilter,
    mode: &ListMode,
    limit: i64,
) -> Result<Vec<CallbackRow>, StoreError> {
    let mut query = callbacks::table
        .select(CallbackRow::as_select())
        .into_boxed();
    if let Some(visible_tickets) = visibility::visible_ticket_ids(scope) {
        query = query.filter(callbacks::ticket_id.eq_any(visible_tickets));
    }
    if let Some(v) = &filter.assignee_id {
        query = query.filter(callbacks::assignee_id.eq(v.clone()));
    }
    if let Some(v) = &filter.ticket_id {
        query = query.filter(callbacks::ticket_id.eq(v.clone()));
    }
    if let Some(v) = filter.status {
        query = query.filter(callbacks::status.eq(v.as_str()));
    }
    if let Some(day) = filter.overdue_before {
        query = query
            .filter(callbacks::status.eq(CallbackStatus::Open.as_str()))
            .filter(callbacks::due_date.lt(day));
    }
    if let Some(v) = filter.due_from {
        query = query.filter(callbacks::due_date.ge(v));
    }
    if let Some(v) = filter.due_to {
        query = query.filter(callbacks::due_date.le(v));
    }
    let query = crate::apply_list_mode!(query, callbacks, mode);
    Ok(query.limit(limit).load(conn)?)
}

/// Open callbacks per assignee among `user_ids` (those without any are absent).
pub fn open_counts(
    conn: &mut DbConnection,
    user_ids: &[String],
) -> Result<Vec<(String, i64)>, StoreError> {
    Ok(callbacks::table
        .filter(callbacks::assignee_id.eq_any(user_ids.to_vec()))
        .filter(callbacks::status.eq(CallbackStatus::Open.as_str()))
        .filter(callbacks::deleted_at.is_null())
        .group_by(callbacks::assignee_id)
        .select((callbacks::assignee_id, diesel::dsl::count_star()))
        .load(conn)?)
}

/// Live open callbacks due before `day`.
pub fn overdue(conn: &mut DbConnection, day: NaiveDate) -> Result<Vec<CallbackRow>, StoreError> {
    Ok(callbacks::table
        .filter(callbacks::status.eq(CallbackStatus::Open.as_str()))
        .filter(callbacks::deleted_at.is_null())
        .filter(callbacks::due_date.lt(day))
        .select(CallbackRow::as_select())
        .order(callbacks::id.asc())
        .load(conn)?)
}

/// A completed callback with its ticket's assignee, team and customer.
pub type ReportRow = (CallbackRow, Option<String>, Option<String>, String);

/// Live callbacks completed in `[from, until)` (UTC instants), with their ticket's (assignee, team,
/// customer), for the satisfaction report (TKT-13); optionally only tickets of `team_ids`.
pub fn completed_between(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    until: NaiveDateTime,
    team_ids: Option<&[String]>,
) -> Result<Vec<ReportRow>, StoreError> {
    let mut query = callbacks::table
        .inner_join(tickets::table)
        .filter(callbacks::status.eq(CallbackStatus::Done.as_str()))
        .filter(callbacks::deleted_at.is_null())
        .filter(callbacks::completed_at.ge(from))
        .filter(callbacks::completed_at.lt(until))
        .select((
            CallbackRow::as_select(),
            tickets::assignee_id,
            tickets::team_id,
            tickets::customer_id,
        ))
        .order(callbacks::id.asc())
        .into_boxed();
    if let Some(teams) = team_ids {
        query = query.filter(tickets::team_id.assume_not_null().eq_any(teams.to_vec()));
    }
    Ok(query.load(conn)?)
}

/// Fields a command changes; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = callbacks)]
pub struct CallbackChanges {
    #[diesel(serialize_as = String)]
    pub status: Option<CallbackStatus>,
    pub attempts: Option<i64>,
    pub last_attempt_at: Option<Option<NaiveDateTime>>,
    pub last_attempt_note: Option<Option<String>>,
    pub reached: Option<Option<bool>>,
    pub form_signed: Option<Option<bool>>,
    pub timeliness: Option<Option<i64>>,
    pub attitude: Option<Option<i64>>,
    pub technical: Option<Option<i64>>,
    pub result_ok: Option<Option<bool>>,
    pub satisfied: Option<Option<bool>>,
    pub fee_charged_fen: Option<Option<i64>>,
    #[diesel(serialize_as = NullableText)]
    pub fee_kind: Option<Option<FeeKind>>,
    pub fee_refunded: Option<Option<bool>>,
    pub invoice_given: Option<Option<bool>>,
    pub notes: Option<Option<String>>,
    pub manager_id: Option<Option<String>>,
    pub completed_at: Option<Option<NaiveDateTime>>,
    pub completed_by: Option<Option<String>>,
}

pub fn update(
    conn: &mut DbConnection,
    id: &str,
    expected_version: i64,
    changes: &CallbackChanges,
    now: DateTime<Utc>,
) -> Result<VersionedWrite, StoreError> {
    crate::versioned_update!(conn, callbacks, id, expected_version, changes.clone(), now)
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = callback_follow_ups)]
pub struct FollowUpRow {
    pub id: String,
    pub callback_id: String,
    pub ticket_id: String,
    pub owner_id: String,
    pub due_date: NaiveDate,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub status: FollowUpStatus,
    pub answer: Option<String>,
    pub answered_at: Option<NaiveDateTime>,
    pub answered_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
    #[diesel(deserialize_as = NullableText, serialize_as = NullableText)]
    pub decision: Option<FollowUpDecision>,
    pub decision_reason: Option<String>,
}

pub fn insert_follow_up(conn: &mut DbConnection, row: &FollowUpRow) -> Result<(), StoreError> {
    diesel::insert_into(callback_follow_ups::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

pub fn find_follow_up(
    conn: &mut DbConnection,
    id: &str,
) -> Result<Option<FollowUpRow>, StoreError> {
    Ok(callback_follow_ups::table
        .find(id)
        .select(FollowUpRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn follow_up_of(
    conn: &mut DbConnection,
    callback_id: &str,
) -> Result<Option<FollowUpRow>, StoreError> {
    Ok(callback_follow_ups::table
        .filter(callback_follow_ups::callback_id.eq(callback_id))
        .select(FollowUpRow::as_select())
        .first(conn)
        .optional()?)
}

#[derive(Debug, Clone, Default)]
pub struct FollowUpFilter {
    pub owner_id: Option<String>,
    pub status: Option<FollowUpStatus>,
    pub ticket_id: Option<String>,
}

/// One page of follow-ups; `owner` restricts to one owner's (ORG-5 is the API's).
pub fn list_follow_ups(
    conn: &mut DbConnection,
    filter: &FollowUpFilter,
    mode: &ListMode,
    limit: i64,
) -> Result<Vec<FollowUpRow>, StoreError> {
    let mut query = callback_follow_ups::table
        .select(FollowUpRow::as_select())
        .into_boxed();
    if let Some(v) = &filter.owner_id {
        query = query.filter(callback_follow_ups::owner_id.eq(v.clone()));
    }
    if let Some(v) = filter.status {
        query = query.filter(callback_follow_ups::status.eq(v.as_str()));
    }
    if let Some(v) = &filter.ticket_id {
        query = query.filter(callback_follow_ups::ticket_id.eq(v.clone()));
    }
    let query = crate::apply_list_mode!(query, callback_follow_ups, mode);
    Ok(query.limit(limit).load(conn)?)
}

/// Open follow-ups per owner among `user_ids` (those without any are absent).
pub fn open_follow_up_counts(
    conn: &mut DbConnection,
    user_ids: &[String],
) -> Result<Vec<(String, i64)>, StoreError> {
    Ok(callback_follow_ups::table
        .filter(callback_follow_ups::owner_id.eq_any(user_ids.to_vec()))
        .filter(callback_follow_ups::status.eq(FollowUpStatus::Open.as_str()))
        .filter(callback_follow_ups::deleted_at.is_null())
        .group_by(callback_follow_ups::owner_id)
        .select((callback_follow_ups::owner_id, diesel::dsl::count_star()))
        .load(conn)?)
}

/// Live open follow-ups due before `day`.
pub fn overdue_follow_ups(
    conn: &mut DbConnection,
    day: NaiveDate,
) -> Result<Vec<FollowUpRow>, StoreError> {
    Ok(callback_follow_ups::table
        .filter(callback_follow_ups::status.eq(FollowUpStatus::Open.as_str()))
        .filter(callback_follow_ups::deleted_at.is_null())
        .filter(callback_follow_ups::due_date.lt(day))
        .select(FollowUpRow::as_select())
        .order(callback_follow_ups::id.asc())
        .load(conn)?)
}

#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = callback_follow_ups)]
pub struct FollowUpChanges {
    #[diesel(serialize_as = String)]
    pub status: Option<FollowUpStatus>,
    pub answer: Option<Option<String>>,
    pub answered_at: Option<Option<NaiveDateTime>>,
    pub answered_by: Option<Option<String>>,
    #[diesel(serialize_as = NullableText)]
    pub decision: Option<Option<FollowUpDecision>>,
    pub decision_reason: Option<Option<String>>,
}

pub fn update_follow_up(
    conn: &mut DbConnection,
    id: &str,
    expected_version: i64,
    changes: &FollowUpChanges,
    now: DateTime<Utc>,
) -> Result<VersionedWrite, StoreError> {
    crate::versioned_update!(
        conn,
        callback_follow_ups,
        id,
        expected_version,
        changes.clone(),
        now
    )
}
