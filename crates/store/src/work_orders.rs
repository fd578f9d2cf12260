//! Internal work orders (TKT-11), visible with their ticket (ORG-5) and to their assignee.

use crate::delta::ListMode;
use crate::schema::work_orders;
use crate::visibility::{self, Visible};
use crate::{DbConnection, StoreError, VersionedWrite};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_tickets::work_orders::{WorkOrderStatus, WorkOrderTarget};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = work_orders)]
pub struct WorkOrderRow {
    pub id: String,
    pub ticket_id: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub target: WorkOrderTarget,
    pub title: String,
    pub description: String,
    pub raised_by: String,
    pub assignee_id: Option<String>,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub status: WorkOrderStatus,
    pub started_at: Option<NaiveDateTime>,
    pub solution: Option<String>,
    pub solved_by: Option<String>,
    pub solved_at: Option<NaiveDateTime>,
    pub kb_article_id: Option<String>,
    pub closed_by: Option<String>,
    pub closed_at: Option<NaiveDateTime>,
    pub cancelled_at: Option<NaiveDateTime>,
    pub cancel_reason: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConnection, row: &WorkOrderRow) -> Result<(), StoreError> {
    diesel::insert_into(work_orders::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<WorkOrderRow>, StoreError> {
    Ok(work_orders::table
        .find(id)
        .select(WorkOrderRow::as_select())
        .first(conn)
        .optional()?)
}

#[derive(Debug, Clone, Default)]
pub struct WorkOrderFilter {
    pub target: Option<WorkOrderTarget>,
    pub status: Option<WorkOrderStatus>,
    pub ticket_id: Option<String>,
    pub assignee_id: Option<String>,
}

/// One page of the work orders visible in `scope` (their ticket visible) or assigned to
/// `assignee_self`.
pub fn list(
    conn: &mut DbConnection,
    scope: &Visible,
    assignee_self: &str,
    filter: &WorkOrderFilter,
    mode: &ListMode,
    limit: i64,
) -> Result<Vec<WorkOrderRow>, StoreError> {
    let mut query = work_orders::table
        .select(WorkOrderRow::as_select())
        .into_boxed();
    if let Some(visible_tickets) = visibility::visible_ticket_ids(scope) {
        query = query.filter(
            work_orders::ticket_id
                .eq_any(visible_tickets)
                .or(work_orders::assignee_id
                    .assume_not_null()
                    .eq(assignee_self.to_owned())),
        );
    }
    if let Some(v) = filter.target {
        query = query.filter(work_orders::target.eq(v.as_str()));
    }
    if let Some(v) = filter.status {
        query = query.filter(work_orders::status.eq(v.as_str()));
    }
    if let Some(v) = &filter.ticket_id {
        query = query.filter(work_orders::ticket_id.eq(v.clone()));
    }
    if let Some(v) = &filter.assignee_id {
        query = query.filter(work_orders::assignee_id.eq(v.clone()));
    }
    let query = crate::apply_list_mode!(query, work_orders, mode);
    Ok(query.limit(limit).load(conn)?)
}

/// The statuses of a ticket's live work orders (TKT-11's resolution check).
pub fn statuses_of_ticket(
    conn: &mut DbConnection,
    ticket_id: &str,
) -> Result<Vec<WorkOrderStatus>, StoreError> {
    let names: Vec<String> = work_orders::table
        .filter(work_orders::ticket_id.eq(ticket_id))
        .filter(work_orders::deleted_at.is_null())
        .select(work_orders::status)
        .load(conn)?;
    names
        .into_iter()
        .map(|name| WorkOrderStatus::try_from(name).map_err(|e| StoreError::Corrupt(e.to_string())))
        .collect()
}

/// The statuses of the live work orders of each of `ticket_ids`, as (ticket id, status): the
/// TKT-11 fact of a page of tickets in one query.
pub fn statuses_of_tickets(
    conn: &mut DbConnection,
    ticket_ids: &[String],
) -> Result<Vec<(String, WorkOrderStatus)>, StoreError> {
    if ticket_ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(String, String)> = work_orders::table
        .filter(work_orders::ticket_id.eq_any(ticket_ids.to_vec()))
        .filter(work_orders::deleted_at.is_null())
        .select((work_orders::ticket_id, work_orders::status))
        .load(conn)?;
    rows.into_iter()
        .map(|(ticket, name)| {
            let status =
                WorkOrderStatus::try_from(name).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            Ok((ticket, status))
        })
        .collect()
}

/// Fields a command changes; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = work_orders)]
pub struct WorkOrderChanges {
    #[diesel(serialize_as = String)]
    pub status: Option<WorkOrderStatus>,
    pub assignee_id: Option<Option<String>>,
    pub started_at: Option<Option<NaiveDateTime>>,
    pub solution: Option<Option<String>>,
    pub solved_by: Option<Option<String>>,
    pub solved_at: Option<Option<NaiveDateTime>>,
    pub kb_article_id: Option<Option<String>>,
    pub closed_by: Option<Option<String>>,
    pub closed_at: Option<Option<NaiveDateTime>>,
    pub cancelled_at: Option<Option<NaiveDateTime>>,
    pub cancel_reason: Option<Option<String>>,
}

pub fn update(
    conn: &mut DbConnection,
    id: &str,
    expected_version: i64,
    changes: &WorkOrderChanges,
    now: DateTime<Utc>,
) -> Result<VersionedWrite, StoreError> {
    crate::versioned_update!(
        conn,
        work_orders,
        id,
        expected_version,
        changes.clone(),
        now
    )
}
