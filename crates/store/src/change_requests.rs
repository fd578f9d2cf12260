//! Change requests (TKT-12) with their stage log and delay notices. A request is visible with
//! its ticket (ORG-5, the rule of `tickets::visible_to`) and to the engineer who requested it.

use crate::delta::ListMode;
use crate::schema::{change_request_delays, change_request_events, change_requests};
use crate::visibility::{self, Visible};
use crate::{DbConnection, NullableText, StoreError, VersionedWrite};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_tickets::change_requests::Stage;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = change_requests)]
pub struct ChangeRequestRow {
    pub id: String,
    pub ticket_id: String,
    pub customer_id: String,
    pub service_record_id: Option<String>,
    pub title: String,
    pub requirements: String,
    pub customer_stamp_ref: Option<String>,
    pub requested_by: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub stage: Stage,
    pub review_note: Option<String>,
    pub promised_date: Option<NaiveDate>,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<NaiveDateTime>,
    pub tested_by: Option<String>,
    pub tested_at: Option<NaiveDateTime>,
    pub delivered_at: Option<NaiveDateTime>,
    pub customer_feedback: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = change_request_events)]
pub struct EventRow {
    pub id: String,
    pub change_request_id: String,
    /// A command's wire name, or `create`: not one closed set.
    pub action: String,
    #[diesel(deserialize_as = NullableText, serialize_as = NullableText)]
    pub from_stage: Option<Stage>,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub to_stage: Stage,
    pub actor_id: Option<String>,
    pub reason: Option<String>,
    pub at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = change_request_delays)]
pub struct DelayRow {
    pub id: String,
    pub change_request_id: String,
    pub old_promised_date: NaiveDate,
    pub new_promised_date: NaiveDate,
    pub reason: String,
    pub notified_contact: String,
    pub noticed_by: Option<String>,
    pub noticed_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, row: &ChangeRequestRow) -> Result<(), StoreError> {
    diesel::insert_into(change_requests::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<ChangeRequestRow>, StoreError> {
    Ok(change_requests::table
        .find(id)
        .select(ChangeRequestRow::as_select())
        .first(conn)
        .optional()?)
}

/// The live change request raised by the service record `record_id` (TKT-6 bug), if any.
pub fn id_of_service_record(
    conn: &mut DbConnection,
    record_id: &str,
) -> Result<Option<String>, StoreError> {
    Ok(change_requests::table
        .filter(change_requests::service_record_id.eq(record_id))
        .filter(change_requests::deleted_at.is_null())
        .select(change_requests::id)
        .first(conn)
        .optional()?)
}

#[derive(Debug, Clone, Default)]
pub struct ChangeRequestFilter {
    pub stage: Option<Stage>,
    pub ticket_id: Option<String>,
    pub customer_id: Option<String>,
    /// Only undelivered requests in one of these stages whose promised date is on or before
    /// this day (delay notice due, TKT-12).
    pub promised_by: Option<(Vec<Stage>, NaiveDate)>,
}

/// One page of the change requests visible in `scope`.
pub fn list(
    conn: &mut DbConnection,
    scope: &Visible,
    filter: &ChangeRequestFilter,
    mode: &ListMode,
    limit: i64,
) -> Result<Vec<ChangeRequestRow>, StoreError> {
    let mut query = change_requests::table
        .select(ChangeRequestRow::as_select())
        .into_boxed();
    if let Some(visible_tickets) = visibility::visible_ticket_ids(scope) {
        query = query.filter(
            change_requests::ticket_id
                .eq_any(visible_tickets)
                .or(change_requests::requested_by.eq_any(scope.user_ids.clone())),
        );
    }
    if let Some(v) = filter.stage {
        query = query.filter(change_requests::stage.eq(v.as_str()));
    }
    if let Some(v) = &filter.ticket_id {
        query = query.filter(change_requests::ticket_id.eq(v.clone()));
    }
    if let Some(v) = &filter.customer_id {
        query = query.filter(change_requests::customer_id.eq(v.clone()));
    }
    if let Some((stages, by)) = &filter.promised_by {
        query = query
            .filter(change_requests::stage.eq_any(crate::wire_names(stages)))
            .filter(change_requests::promised_date.le(*by));
    }
    let query = crate::apply_list_mode!(query, change_requests, mode);
    Ok(query.limit(limit).load(conn)?)
}

/// Every live request in one of `stages` promised on or before `by`, whatever its
/// visibility (the delay watch job).
pub fn promised_by(
    conn: &mut DbConnection,
    stages: &[Stage],
    by: NaiveDate,
) -> Result<Vec<ChangeRequestRow>, StoreError> {
    Ok(change_requests::table
        .filter(change_requests::deleted_at.is_null())
        .filter(change_requests::stage.eq_any(crate::wire_names(stages)))
        .filter(change_requests::promised_date.le(by))
        .select(ChangeRequestRow::as_select())
        .order(change_requests::id.asc())
        .load(conn)?)
}

/// Fields a command changes; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = change_requests)]
pub struct ChangeRequestChanges {
    #[diesel(serialize_as = String)]
    pub stage: Option<Stage>,
    pub requirements: Option<String>,
    pub customer_stamp_ref: Option<Option<String>>,
    pub review_note: Option<Option<String>>,
    pub promised_date: Option<Option<NaiveDate>>,
    pub reviewed_by: Option<Option<String>>,
    pub reviewed_at: Option<Option<NaiveDateTime>>,
    pub tested_by: Option<Option<String>>,
    pub tested_at: Option<Option<NaiveDateTime>>,
    pub delivered_at: Option<Option<NaiveDateTime>>,
    pub customer_feedback: Option<Option<String>>,
}

pub fn update(
    conn: &mut DbConnection,
    id: &str,
    expected_version: i64,
    changes: &ChangeRequestChanges,
    now: DateTime<Utc>,
) -> Result<VersionedWrite, StoreError> {
    crate::versioned_update!(
        conn,
        change_requests,
        id,
        expected_version,
        changes.clone(),
        now
    )
}

pub fn insert_event(conn: &mut DbConnection, row: &EventRow) -> Result<(), StoreError> {
    diesel::insert_into(change_request_events::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

/// The stage log of a request, oldest first.
pub fn events_of(conn: &mut DbConnection, id: &str) -> Result<Vec<EventRow>, StoreError> {
    Ok(change_request_events::table
        .filter(change_request_events::change_request_id.eq(id))
        .select(EventRow::as_select())
        .order((
            change_request_events::at.asc(),
            change_request_events::id.asc(),
        ))
        .load(conn)?)
}

pub fn insert_delay(conn: &mut DbConnection, row: &DelayRow) -> Result<(), StoreError> {
    diesel::insert_into(change_request_delays::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// The delay notices of a request (the history of its promised dates), oldest first.
pub fn delays_of(conn: &mut DbConnection, id: &str) -> Result<Vec<DelayRow>, StoreError> {
    Ok(change_request_delays::table
        .filter(change_request_delays::change_request_id.eq(id))
        .select(DelayRow::as_select())
        .order((
            change_request_delays::noticed_at.asc(),
            change_request_delays::id.asc(),
        ))
        .load(conn)?)
}
