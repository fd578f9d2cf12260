//! Customers (ORG-3, CUS-1), filtered by ORG-5 visibility.

use crate::delta::ListMode;
use crate::schema::{contacts, customers, sites};
use crate::visibility::{self, Visible};
use crate::{DbConnection, StoreError, VersionedWrite, to_db_time};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = customers)]
pub struct CustomerRow {
    pub id: String,
    pub name: String,
    pub phone: Option<String>,
    pub key_account: bool,
    pub dealer_name: Option<String>,
    pub dealer_consent: bool,
    pub owner_user_id: Option<String>,
    pub team_id: Option<String>,
    pub note: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConnection, row: &CustomerRow) -> Result<(), StoreError> {
    diesel::insert_into(customers::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Any customer with this id, deleted or not, visible or not (for id collisions).
pub fn exists(conn: &mut DbConnection, id: &str) -> Result<bool, StoreError> {
    Ok(customers::table.find(id).count().get_result::<i64>(conn)? > 0)
}

/// A live customer the caller may see.
pub fn find_visible(
    conn: &mut DbConnection,
    id: &str,
    visible: &Visible,
) -> Result<Option<CustomerRow>, StoreError> {
    let mut query = customers::table
        .filter(customers::id.eq(id.to_owned()))
        .filter(customers::deleted_at.is_null())
        .select(CustomerRow::as_select())
        .into_boxed();
    if let Some(p) = visibility::customer_visible(visible) {
        query = query.filter(p);
    }
    Ok(query.first(conn).optional()?)
}

/// Ids of the live customers the caller may see; `None` when they may see all.
pub fn visible_ids(
    conn: &mut DbConnection,
    visible: &Visible,
) -> Result<Option<Vec<String>>, StoreError> {
    if visible.all {
        return Ok(None);
    }
    let mut query = customers::table
        .filter(customers::deleted_at.is_null())
        .select(customers::id)
        .into_boxed();
    if let Some(p) = visibility::customer_visible(visible) {
        query = query.filter(p);
    }
    Ok(Some(query.load(conn)?))
}

#[derive(Debug, Clone, Default)]
pub struct CustomerFilter {
    /// Substring of the name, the phone, or a site's city.
    pub q: Option<String>,
    pub key_account: Option<bool>,
    pub owner_user_id: Option<String>,
    pub team_id: Option<String>,
}

pub fn list(
    conn: &mut DbConnection,
    visible: &Visible,
    filter: &CustomerFilter,
    mode: &ListMode,
    limit: i64,
) -> Result<Vec<CustomerRow>, StoreError> {
    let mut query = customers::table
        .select(CustomerRow::as_select())
        .into_boxed();
    if let Some(p) = visibility::customer_visible(visible) {
        query = query.filter(p);
    }
    if let Some(q) = &filter.q {
        let pattern = format!("%{}%", crate::users::escape_like(q));
        let by_city = sites::table
            .filter(sites::city.like(pattern.clone()).escape('\\'))
            .filter(sites::deleted_at.is_null())
            .select(sites::customer_id);
        query = query.filter(
            customers::name
                .like(pattern.clone())
                .escape('\\')
                .or(customers::phone
                    .assume_not_null()
                    .like(pattern)
                    .escape('\\'))
                .or(customers::id.eq_any(by_city)),
        );
    }
    if let Some(k) = filter.key_account {
        query = query.filter(customers::key_account.eq(k));
    }
    if let Some(o) = &filter.owner_user_id {
        query = query.filter(customers::owner_user_id.eq(o.clone()));
    }
    if let Some(t) = &filter.team_id {
        query = query.filter(customers::team_id.eq(t.clone()));
    }
    let query = crate::apply_list_mode!(query, customers, mode);
    Ok(query.limit(limit).load(conn)?)
}

#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = customers)]
pub struct CustomerChanges {
    pub name: Option<String>,
    pub phone: Option<Option<String>>,
    pub key_account: Option<bool>,
    pub dealer_name: Option<Option<String>>,
    pub dealer_consent: Option<bool>,
    pub owner_user_id: Option<Option<String>>,
    pub team_id: Option<Option<String>>,
    pub note: Option<Option<String>>,
}

pub fn update(
    conn: &mut DbConnection,
    id: &str,
    expected_version: i64,
    changes: &CustomerChanges,
    now: DateTime<Utc>,
) -> Result<VersionedWrite, StoreError> {
    crate::versioned_update!(conn, customers, id, expected_version, changes, now)
}

/// Marks the customer and its sites and contacts deleted, leaving tombstones for delta sync.
pub fn soft_delete(
    conn: &mut DbConnection,
    id: &str,
    expected_version: i64,
    now: DateTime<Utc>,
) -> Result<VersionedWrite, StoreError> {
    let at = Some(to_db_time(now));
    let outcome = crate::versioned_update!(
        conn,
        customers,
        id,
        expected_version,
        customers::deleted_at.eq(at),
        now
    )?;
    if outcome == VersionedWrite::Written {
        diesel::update(
            sites::table
                .filter(sites::customer_id.eq(id))
                .filter(sites::deleted_at.is_null()),
        )
        .set((
            sites::deleted_at.eq(at),
            sites::updated_at.eq(to_db_time(now)),
            sites::version.eq(sites::version + 1),
        ))
        .execute(conn)?;
        diesel::update(
            contacts::table
                .filter(contacts::customer_id.eq(id))
                .filter(contacts::deleted_at.is_null()),
        )
        .set((
            contacts::deleted_at.eq(at),
            contacts::updated_at.eq(to_db_time(now)),
            contacts::version.eq(contacts::version + 1),
        ))
        .execute(conn)?;
    }
    Ok(outcome)
}
