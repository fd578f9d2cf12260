//! On-site visits (TKT-5, TKT-8) and service records (TKT-6). A visit is visible with its
//! ticket, and to the engineer who makes it.

use crate::delta::ListMode;
use crate::schema::{service_records, visits};
use crate::visibility::{self, Visible};
use crate::{DbConnection, StoreError, VersionedWrite};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_tickets::service::{ServiceKind, ServiceMode};
use kefu_tickets::visits::VisitStatus;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = visits)]
pub struct VisitRow {
    pub id: String,
    pub ticket_id: String,
    pub engineer_id: String,
    pub planned_date: NaiveDate,
    pub purpose: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub status: VisitStatus,
    pub decided_by: Option<String>,
    pub decided_at: Option<NaiveDateTime>,
    pub decision_note: Option<String>,
    pub departed_at: Option<NaiveDateTime>,
    pub arrived_at: Option<NaiveDateTime>,
    pub arrived_lat_e6: Option<i64>,
    pub arrived_lng_e6: Option<i64>,
    pub arrived_accuracy_m: Option<i64>,
    pub finished_at: Option<NaiveDateTime>,
    pub finished_lat_e6: Option<i64>,
    pub finished_lng_e6: Option<i64>,
    pub finished_accuracy_m: Option<i64>,
    pub resolved: Option<bool>,
    pub outcome_note: Option<String>,
    pub escalated_at: Option<NaiveDateTime>,
    pub escalated_by: Option<String>,
    pub escalation_reason: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConnection, row: &VisitRow) -> Result<(), StoreError> {
    diesel::insert_into(visits::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<VisitRow>, StoreError> {
    Ok(visits::table
        .find(id)
        .select(VisitRow::as_select())
        .first(conn)
        .optional()?)
}

/// Visits by id (for rendering feedback forms with their visits).
pub fn find_many(conn: &mut DbConnection, ids: &[String]) -> Result<Vec<VisitRow>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(visits::table
        .filter(visits::id.eq_any(ids.to_vec()))
        .select(VisitRow::as_select())
        .load(conn)?)
}

#[derive(Debug, Clone, Default)]
pub struct VisitFilter {
    pub ticket_id: Option<String>,
    pub engineer_id: Option<String>,
    pub status: Option<VisitStatus>,
    pub planned_date: Option<NaiveDate>,
    /// TKT-8: finished unresolved without an escalation.
    pub unresolved_not_escalated: Option<bool>,
}

/// One page of the visits visible in `scope` (their ticket visible, or made by the caller).
pub fn list(
    conn: &mut DbConnection,
    scope: &Visible,
    filter: &VisitFilter,
    mode: &ListMode,
    limit: i64,
) -> Result<Vec<VisitRow>, StoreError> {
    let mut query = visits::table.select(VisitRow::as_select()).into_boxed();
    if let Some(visible_tickets) = visibility::visible_ticket_ids(scope) {
        query = query.filter(
            visits::ticket_id
                .eq_any(visible_tickets)
                .or(visits::engineer_id.eq_any(scope.user_ids.clone())),
        );
    }
    if let Some(v) = &filter.ticket_id {
        query = query.filter(visits::ticket_id.eq(v.clone()));
    }
    if let Some(v) = &filter.engineer_id {
        query = query.filter(visits::engineer_id.eq(v.clone()));
    }
    if let Some(v) = filter.status {
        query = query.filter(visits::status.eq(v.as_str()));
    }
    if let Some(v) = filter.planned_date {
        query = query.filter(visits::planned_date.eq(v));
    }
    if let Some(flag) = filter.unresolved_not_escalated {
        let flagged = visits::status
            .eq(VisitStatus::Finished.as_str())
            .and(visits::resolved.eq(false))
            .and(visits::escalated_at.is_null());
        query = if flag {
            query.filter(flagged)
        } else {
            query.filter(diesel::dsl::not(flagged))
        };
    }
    let query = crate::apply_list_mode!(query, visits, mode);
    Ok(query.limit(limit).load(conn)?)
}

/// Visits of `day` (not rejected) visible in `scope`, optionally of one engineer.
pub fn of_day(
    conn: &mut DbConnection,
    scope: &Visible,
    day: NaiveDate,
    engineer_id: Option<&str>,
) -> Result<Vec<VisitRow>, StoreError> {
    let mode = ListMode::Live { after_id: None };
    let filter = VisitFilter {
        engineer_id: engineer_id.map(str::to_owned),
        planned_date: Some(day),
        ..VisitFilter::default()
    };
    let mut rows = list(conn, scope, &filter, &mode, i64::from(u16::MAX))?;
    rows.retain(|v| v.status != VisitStatus::Rejected);
    Ok(rows)
}

/// Fields a command changes; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = visits)]
pub struct VisitChanges {
    #[diesel(serialize_as = String)]
    pub status: Option<VisitStatus>,
    pub decided_by: Option<Option<String>>,
    pub decided_at: Option<Option<NaiveDateTime>>,
    pub decision_note: Option<Option<String>>,
    pub departed_at: Option<Option<NaiveDateTime>>,
    pub arrived_at: Option<Option<NaiveDateTime>>,
    pub arrived_lat_e6: Option<Option<i64>>,
    pub arrived_lng_e6: Option<Option<i64>>,
    pub arrived_accuracy_m: Option<Option<i64>>,
    pub finished_at: Option<Option<NaiveDateTime>>,
    pub finished_lat_e6: Option<Option<i64>>,
    pub finished_lng_e6: Option<Option<i64>>,
    pub finished_accuracy_m: Option<Option<i64>>,
    pub resolved: Option<Option<bool>>,
    pub outcome_note: Option<Option<String>>,
    pub escalated_at: Option<Option<NaiveDateTime>>,
    pub escalated_by: Option<Option<String>>,
    pub escalation_reason: Option<Option<String>>,
}

pub fn update(
    conn: &mut DbConnection,
    id: &str,
    expected_version: i64,
    changes: &VisitChanges,
    now: DateTime<Utc>,
) -> Result<VersionedWrite, StoreError> {
    crate::versioned_update!(conn, visits, id, expected_version, changes.clone(), now)
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = service_records)]
pub struct ServiceRecordRow {
    pub id: String,
    pub ticket_id: String,
    pub visit_id: Option<String>,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub mode: ServiceMode,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub kind: ServiceKind,
    pub work_done: String,
    pub details: String,
    pub promised_date: Option<NaiveDate>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
}

pub fn insert_record(conn: &mut DbConnection, row: &ServiceRecordRow) -> Result<(), StoreError> {
    diesel::insert_into(service_records::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

pub fn find_record(
    conn: &mut DbConnection,
    id: &str,
) -> Result<Option<ServiceRecordRow>, StoreError> {
    Ok(service_records::table
        .find(id)
        .select(ServiceRecordRow::as_select())
        .first(conn)
        .optional()?)
}

/// The live records of a ticket, oldest first.
pub fn records_of_ticket(
    conn: &mut DbConnection,
    ticket_id: &str,
) -> Result<Vec<ServiceRecordRow>, StoreError> {
    Ok(service_records::table
        .filter(service_records::ticket_id.eq(ticket_id))
        .filter(service_records::deleted_at.is_null())
        .select(ServiceRecordRow::as_select())
        .order(service_records::id.asc())
        .load(conn)?)
}
