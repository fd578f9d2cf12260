//! Installed equipment per site (ORG-4), filtered by ORG-5 visibility through its site's
//! customer. Soft-deleted: a deleted record stays as a tombstone for delta sync.

pub use crate::VersionedWrite;
use crate::delta::ListMode;
use crate::schema::{customers, equipment, sites};
use crate::users::escape_like;
use crate::visibility::{self, Visible};
use crate::{DbConnection, StoreError, to_db_time};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = equipment)]
pub struct EquipmentRow {
    pub id: String,
    pub site_id: String,
    pub product_id: String,
    pub serial: String,
    pub install_date: Option<NaiveDate>,
    pub warranty_end: Option<NaiveDate>,
    pub controller_points: Option<i64>,
    pub pure_alarm_controller: bool,
    pub note: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
}

/// The customer a site belongs to, with what ORG-5 decides visibility from.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct SiteOwner {
    pub site_id: String,
    pub customer_id: String,
    pub owner_user_id: Option<String>,
    pub team_id: Option<String>,
}

impl SiteOwner {
    /// ORG-5: the site (and what is installed there) is visible when its customer is
    /// ([`Visible::sees_customer`], the twin of the SQL filter [`list`] applies).
    pub fn visible_to(&self, scope: &Visible) -> bool {
        scope.sees_customer(self)
    }
}

/// The live site `site_id` of a live customer, with its customer's ownership.
pub fn site_owner(conn: &mut DbConnection, site_id: &str) -> Result<Option<SiteOwner>, StoreError> {
    Ok(sites::table
        .inner_join(customers::table)
        .filter(sites::id.eq(site_id))
        .filter(sites::deleted_at.is_null())
        .filter(customers::deleted_at.is_null())
        .select((
            sites::id,
            customers::id,
            customers::owner_user_id,
            customers::team_id,
        ))
        .first(conn)
        .optional()?)
}

pub fn insert(conn: &mut DbConnection, row: &EquipmentRow) -> Result<(), StoreError> {
    diesel::insert_into(equipment::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// The record `id`, deleted or not.
pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<EquipmentRow>, StoreError> {
    Ok(equipment::table
        .find(id)
        .select(EquipmentRow::as_select())
        .first(conn)
        .optional()?)
}

/// Whether a live record other than `except_id` has `serial` for `product_id`.
pub fn serial_taken(
    conn: &mut DbConnection,
    product_id: &str,
    serial: &str,
    except_id: Option<&str>,
) -> Result<bool, StoreError> {
    let mut query = equipment::table
        .filter(equipment::product_id.eq(product_id))
        .filter(equipment::serial.eq(serial))
        .filter(equipment::deleted_at.is_null())
        .select(equipment::id)
        .into_boxed();
    if let Some(except) = except_id {
        query = query.filter(equipment::id.ne(except.to_owned()));
    }
    Ok(query.first::<String>(conn).optional()?.is_some())
}

#[derive(Debug, Clone, Default)]
pub struct EquipmentFilter {
    pub site_id: Option<String>,
    pub customer_id: Option<String>,
    pub product_id: Option<String>,
    pub serial: Option<String>,
    /// Substring of the serial or the note.
    pub q: Option<String>,
}

/// One page of the records visible in `scope` (ORG-5, through site and customer).
pub fn list(
    conn: &mut DbConnection,
    scope: &Visible,
    filter: &EquipmentFilter,
    mode: &ListMode,
    limit: i64,
) -> Result<Vec<EquipmentRow>, StoreError> {
    let mut query = equipment::table
        .select(EquipmentRow::as_select())
        .into_boxed();
    if let Some(visible_customers) = visibility::visible_customer_ids(scope) {
        let visible_sites = sites::table
            .select(sites::id)
            .filter(sites::deleted_at.is_null())
            .filter(
                sites::customer_id
                    .eq_any(visible_customers.filter(customers::deleted_at.is_null())),
            );
        query = query.filter(equipment::site_id.eq_any(visible_sites));
    }
    if let Some(site_id) = &filter.site_id {
        query = query.filter(equipment::site_id.eq(site_id.clone()));
    }
    if let Some(customer_id) = &filter.customer_id {
        let of_customer = sites::table
            .select(sites::id)
            .filter(sites::customer_id.eq(customer_id.clone()));
        query = query.filter(equipment::site_id.eq_any(of_customer));
    }
    if let Some(product_id) = &filter.product_id {
        query = query.filter(equipment::product_id.eq(product_id.clone()));
    }
    if let Some(serial) = &filter.serial {
        query = query.filter(equipment::serial.eq(serial.clone()));
    }
    if let Some(q) = &filter.q {
        let pattern = format!("%{}%", escape_like(q));
        query = query.filter(
            equipment::serial
                .like(pattern.clone())
                .escape('\\')
                .or(equipment::note.like(pattern).escape('\\')),
        );
    }
    let query = crate::apply_list_mode!(query, equipment, mode);
    Ok(query.limit(limit).load(conn)?)
}

/// Fields to change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = equipment)]
pub struct EquipmentChanges {
    pub site_id: Option<String>,
    pub product_id: Option<String>,
    pub serial: Option<String>,
    pub install_date: Option<Option<NaiveDate>>,
    pub warranty_end: Option<Option<NaiveDate>>,
    pub controller_points: Option<Option<i64>>,
    pub pure_alarm_controller: Option<bool>,
    pub note: Option<Option<String>>,
    pub deleted_at: Option<Option<NaiveDateTime>>,
}

/// Applies `changes` to the live record if its version is `expected_version`, bumping the
/// version and `updated_at` (which delta sync orders by).
pub fn update(
    conn: &mut DbConnection,
    id: &str,
    expected_version: i64,
    changes: &EquipmentChanges,
    now: DateTime<Utc>,
) -> Result<VersionedWrite, StoreError> {
    let written = diesel::update(
        equipment::table
            .filter(equipment::id.eq(id))
            .filter(equipment::deleted_at.is_null())
            .filter(equipment::version.eq(expected_version)),
    )
    .set((
        changes,
        equipment::version.eq(equipment::version + 1),
        equipment::updated_at.eq(to_db_time(now)),
    ))
    .execute(conn)?;
    if written > 0 {
        return Ok(VersionedWrite::Written);
    }
    let current: Option<i64> = equipment::table
        .filter(equipment::id.eq(id))
        .filter(equipment::deleted_at.is_null())
        .select(equipment::version)
        .first(conn)
        .optional()?;
    Ok(current.map_or(VersionedWrite::NotFound, VersionedWrite::Stale))
}

/// Live equipment at a live site of a live customer, whose warranty ends in `from..=to`.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct WarrantyEnding {
    pub equipment_id: String,
    pub serial: String,
    pub warranty_end: NaiveDate,
    pub customer_id: String,
    pub customer_name: String,
    pub owner_user_id: Option<String>,
    pub team_supervisor_user_id: Option<String>,
}

/// Equipment whose warranty ends between `from` and `to` (inclusive), by end date.
pub fn warranty_ending(
    conn: &mut DbConnection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<WarrantyEnding>, StoreError> {
    use crate::schema::teams;
    Ok(equipment::table
        .inner_join(sites::table.inner_join(customers::table.left_join(teams::table)))
        .filter(equipment::deleted_at.is_null())
        .filter(sites::deleted_at.is_null())
        .filter(customers::deleted_at.is_null())
        .filter(equipment::warranty_end.ge(from))
        .filter(equipment::warranty_end.le(to))
        .select((
            equipment::id,
            equipment::serial,
            equipment::warranty_end.assume_not_null(),
            customers::id,
            customers::name,
            customers::owner_user_id,
            teams::supervisor_user_id.nullable(),
        ))
        .order((equipment::warranty_end.asc(), equipment::id.asc()))
        .load(conn)?)
}
