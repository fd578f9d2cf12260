//! Customer contacts (ORG-3): who may be called, who may sign; visible when their customer is.

use crate::delta::ListMode;
use crate::schema::contacts;
use crate::{DbConnection, StoreError, VersionedWrite, to_db_time};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = contacts)]
pub struct ContactRow {
    pub id: String,
    pub customer_id: String,
    pub site_id: Option<String>,
    pub name: String,
    pub phone: String,
    pub title: Option<String>,
    pub authorised_signer: bool,
    pub user_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConnection, row: &ContactRow) -> Result<(), StoreError> {
    diesel::insert_into(contacts::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn exists(conn: &mut DbConnection, id: &str) -> Result<bool, StoreError> {
    Ok(contacts::table.find(id).count().get_result::<i64>(conn)? > 0)
}

pub fn find_live(
    conn: &mut DbConnection,
    id: &str,
    customer_ids: Option<&[String]>,
) -> Result<Option<ContactRow>, StoreError> {
    let mut query = contacts::table
        .filter(contacts::id.eq(id.to_owned()))
        .filter(contacts::deleted_at.is_null())
        .select(ContactRow::as_select())
        .into_boxed();
    if let Some(ids) = customer_ids {
        query = query.filter(contacts::customer_id.eq_any(ids.to_vec()));
    }
    Ok(query.first(conn).optional()?)
}

#[derive(Debug, Clone, Default)]
pub struct ContactFilter {
    pub customer_id: Option<String>,
    pub site_id: Option<String>,
    pub authorised_signer: Option<bool>,
    /// Substring of the name or phone.
    pub q: Option<String>,
}

pub fn list(
    conn: &mut DbConnection,
    customer_ids: Option<&[String]>,
    filter: &ContactFilter,
    mode: &ListMode,
    limit: i64,
) -> Result<Vec<ContactRow>, StoreError> {
    let mut query = contacts::table.select(ContactRow::as_select()).into_boxed();
    if let Some(ids) = customer_ids {
        query = query.filter(contacts::customer_id.eq_any(ids.to_vec()));
    }
    if let Some(c) = &filter.customer_id {
        query = query.filter(contacts::customer_id.eq(c.clone()));
    }
    if let Some(s) = &filter.site_id {
        query = query.filter(contacts::site_id.eq(s.clone()));
    }
    if let Some(a) = filter.authorised_signer {
        query = query.filter(contacts::authorised_signer.eq(a));
    }
    if let Some(q) = &filter.q {
        let pattern = format!("%{}%", crate::users::escape_like(q));
        query = query.filter(
            contacts::name
                .like(pattern.clone())
                .escape('\\')
                .or(contacts::phone.like(pattern).escape('\\')),
        );
    }
    let query = crate::apply_list_mode!(query, contacts, mode);
    Ok(query.limit(limit).load(conn)?)
}

#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = contacts)]
pub struct ContactChanges {
    pub site_id: Option<Option<String>>,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub title: Option<Option<String>>,
    pub authorised_signer: Option<bool>,
    pub user_id: Option<Option<String>>,
}

pub fn update(
    conn: &mut DbConnection,
    id: &str,
    expected_version: i64,
    changes: &ContactChanges,
    now: DateTime<Utc>,
) -> Result<VersionedWrite, StoreError> {
    crate::versioned_update!(conn, contacts, id, expected_version, changes, now)
}

pub fn soft_delete(
    conn: &mut DbConnection,
    id: &str,
    expected_version: i64,
    now: DateTime<Utc>,
) -> Result<VersionedWrite, StoreError> {
    let at = Some(to_db_time(now));
    crate::versioned_update!(
        conn,
        contacts,
        id,
        expected_version,
        contacts::deleted_at.eq(at),
        now
    )
}
