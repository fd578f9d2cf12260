//! Complaints (TKT-10) and the per-employee counts of valid ones that HR scoring reads
//! (HR-C1, HR-S5). Which complaints a caller sees is decided by the API and handed in as a
//! [`ComplaintScope`].

use crate::delta::ListMode;
use crate::schema::complaints;
use crate::{DbConnection, NullableText, StoreError, VersionedWrite};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::Bool;
use kefu_tickets::channel::Channel;
use kefu_tickets::complaints::{ComplaintStatus, Validity};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = complaints)]
pub struct ComplaintRow {
    pub id: String,
    pub ticket_id: Option<String>,
    pub customer_id: String,
    pub employee_id: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub channel: Channel,
    pub description: String,
    pub received_at: NaiveDateTime,
    pub recorded_by: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub status: ComplaintStatus,
    #[diesel(deserialize_as = NullableText, serialize_as = NullableText)]
    pub validity: Option<Validity>,
    pub validity_reason: Option<String>,
    pub judged_by: Option<String>,
    pub judged_at: Option<NaiveDateTime>,
    pub corrective_measures: Option<String>,
    pub reply_to_customer: Option<String>,
    pub replied_by: Option<String>,
    pub replied_at: Option<NaiveDateTime>,
    pub closed_by: Option<String>,
    pub closed_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
}

/// A record-level filter for complaints: visible when about one of `employee_ids`, about one
/// of `judged_employee_ids` once judged (status not `open`), of one of `customer_ids`, or
/// recorded by one of `recorded_by`; `all` lifts the filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ComplaintScope {
    pub all: bool,
    pub employee_ids: Vec<String>,
    pub judged_employee_ids: Vec<String>,
    pub customer_ids: Vec<String>,
    pub recorded_by: Vec<String>,
}

impl ComplaintScope {
    pub fn admits(&self, row: &ComplaintRow) -> bool {
        self.all
            || self.employee_ids.contains(&row.employee_id)
            || (row.status != ComplaintStatus::Open
                && self.judged_employee_ids.contains(&row.employee_id))
            || self.customer_ids.contains(&row.customer_id)
            || self.recorded_by.contains(&row.recorded_by)
    }
}

type Backend = <DbConnection as Connection>::Backend;
type Predicate = Box<dyn BoxableExpression<complaints::table, Backend, SqlType = Bool>>;

/// The scope as SQL; `None` when everything is visible.
fn predicate(scope: &ComplaintScope) -> Option<Predicate> {
    if scope.all {
        return None;
    }
    Some(Box::new(
        complaints::employee_id
            .eq_any(scope.employee_ids.clone())
            .or(complaints::status
                .ne(ComplaintStatus::Open.as_str())
                .and(complaints::employee_id.eq_any(scope.judged_employee_ids.clone())))
            .or(complaints::customer_id.eq_any(scope.customer_ids.clone()))
            .or(complaints::recorded_by.eq_any(scope.recorded_by.clone())),
    ))
}

pub fn insert(conn: &mut DbConnection, row: &ComplaintRow) -> Result<(), StoreError> {
    diesel::insert_into(complaints::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

/// The complaint `id`, deleted or not, visible or not.
pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<ComplaintRow>, StoreError> {
    Ok(complaints::table
        .find(id)
        .select(ComplaintRow::as_select())
        .first(conn)
        .optional()?)
}

#[derive(Debug, Clone, Default)]
pub struct ComplaintFilter {
    pub employee_id: Option<String>,
    pub customer_id: Option<String>,
    pub validity: Option<Validity>,
    pub status: Option<ComplaintStatus>,
    /// `received_at` at or after (UTC).
    pub received_from: Option<NaiveDateTime>,
    /// `received_at` before (UTC).
    pub received_before: Option<NaiveDateTime>,
}

/// One page of the complaints visible in `scope`.
pub fn list(
    conn: &mut DbConnection,
    scope: &ComplaintScope,
    filter: &ComplaintFilter,
    mode: &ListMode,
    limit: i64,
) -> Result<Vec<ComplaintRow>, StoreError> {
    let mut query = complaints::table
        .select(ComplaintRow::as_select())
        .into_boxed();
    if let Some(p) = predicate(scope) {
        query = query.filter(p);
    }
    if let Some(v) = &filter.employee_id {
        query = query.filter(complaints::employee_id.eq(v.clone()));
    }
    if let Some(v) = &filter.customer_id {
        query = query.filter(complaints::customer_id.eq(v.clone()));
    }
    if let Some(v) = filter.validity {
        query = query.filter(complaints::validity.eq(v.as_str()));
    }
    if let Some(v) = filter.status {
        query = query.filter(complaints::status.eq(v.as_str()));
    }
    if let Some(v) = filter.received_from {
        query = query.filter(complaints::received_at.ge(v));
    }
    if let Some(v) = filter.received_before {
        query = query.filter(complaints::received_at.lt(v));
    }
    let query = crate::apply_list_mode!(query, complaints, mode);
    Ok(query.limit(limit).load(conn)?)
}

/// Fields a command changes; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = complaints)]
pub struct ComplaintChanges {
    #[diesel(serialize_as = String)]
    pub status: Option<ComplaintStatus>,
    #[diesel(serialize_as = NullableText)]
    pub validity: Option<Option<Validity>>,
    pub validity_reason: Option<Option<String>>,
    pub judged_by: Option<Option<String>>,
    pub judged_at: Option<Option<NaiveDateTime>>,
    pub corrective_measures: Option<Option<String>>,
    pub reply_to_customer: Option<Option<String>>,
    pub replied_by: Option<Option<String>>,
    pub replied_at: Option<Option<NaiveDateTime>>,
    pub closed_by: Option<Option<String>>,
    pub closed_at: Option<Option<NaiveDateTime>>,
}

pub fn update(
    conn: &mut DbConnection,
    id: &str,
    expected_version: i64,
    changes: &ComplaintChanges,
    now: DateTime<Utc>,
) -> Result<VersionedWrite, StoreError> {
    crate::versioned_update!(conn, complaints, id, expected_version, changes.clone(), now)
}

/// HR-C1 / HR-S5: per employee (user id), the number of live complaints judged valid that
/// were received in `[from, to)` (UTC instants), optionally of one employee; ordered by
/// employee. Employees without a valid complaint are absent (their count is 0).
pub fn valid_counts(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    to: NaiveDateTime,
    employee_id: Option<&str>,
) -> Result<Vec<(String, i64)>, StoreError> {
    valid_counts_in(
        conn,
        &ComplaintScope {
            all: true,
            ..ComplaintScope::default()
        },
        from,
        to,
        employee_id,
    )
}

/// [`valid_counts`] restricted to the complaints visible in `scope`.
pub fn valid_counts_in(
    conn: &mut DbConnection,
    scope: &ComplaintScope,
    from: NaiveDateTime,
    to: NaiveDateTime,
    employee_id: Option<&str>,
) -> Result<Vec<(String, i64)>, StoreError> {
    let mut query = complaints::table
        .filter(complaints::deleted_at.is_null())
        .filter(complaints::validity.eq(Validity::Valid.as_str()))
        .filter(complaints::received_at.ge(from))
        .filter(complaints::received_at.lt(to))
        .into_boxed();
    if let Some(p) = predicate(scope) {
        query = query.filter(p);
    }
    if let Some(e) = employee_id {
        query = query.filter(complaints::employee_id.eq(e.to_owned()));
    }
    let mut ids: Vec<String> = query.select(complaints::employee_id).load(conn)?;
    // Counted here rather than with GROUP BY: the boxed scope predicate and a grouped
    // select do not combine in diesel's type system, and a period holds few complaints.
    ids.sort();
    let mut out: Vec<(String, i64)> = Vec::new();
    for id in ids {
        match out.last_mut() {
            Some((last, n)) if *last == id => *n += 1,
            _ => out.push((id, 1)),
        }
    }
    Ok(out)
}

/// HR-C1: when the live complaints about `employee_id` judged valid were received, in
/// `[from, to)` (UTC instants), oldest first.
pub fn valid_received_at(
    conn: &mut DbConnection,
    employee_id: &str,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<NaiveDateTime>, StoreError> {
    Ok(complaints::table
        .filter(complaints::deleted_at.is_null())
        .filter(complaints::validity.eq(Validity::Valid.as_str()))
        .filter(complaints::employee_id.eq(employee_id))
        .filter(complaints::received_at.ge(from))
        .filter(complaints::received_at.lt(to))
        .select(complaints::received_at)
        .order(complaints::received_at.asc())
        .load(conn)?)
}
