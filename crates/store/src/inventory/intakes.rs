//! INV-5 repair intakes. Every change is a versioned update, so an edit racing the customer's
//! signature loses (412) rather than rewriting what was signed; ORG-5 filters by who took the
//! device in or brought it, by the tickets the caller sees, and by a contact's customer.

use crate::delta::ListMode;
use crate::schema::repair_intakes;
use crate::visibility::{self, Visible};
use crate::{DbConnection, StoreError, VersionedWrite};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_inventory::intake::IntakeStatus;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = repair_intakes)]
pub struct IntakeRow {
    pub id: String,
    pub ticket_id: Option<String>,
    pub customer_id: String,
    pub product_id: Option<String>,
    pub model: Option<String>,
    pub serial: String,
    pub visible_damage: Option<String>,
    /// JSON array of names.
    pub accessories: String,
    pub reported_fault: String,
    pub fault_reproduced: bool,
    pub reproduction_notes: Option<String>,
    pub brought_by: Option<String>,
    pub received_by: String,
    pub received_at: NaiveDateTime,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub status: IntakeStatus,
    pub status_note: Option<String>,
    pub signer_contact_id: Option<String>,
    pub signer_name: Option<String>,
    pub signature_attachment_id: Option<String>,
    pub signature_sha256: Option<String>,
    pub signed_at: Option<NaiveDateTime>,
    pub signed_recorded_by: Option<String>,
    pub returned_at: Option<NaiveDateTime>,
    pub returned_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
    /// `service_centre` or `factory`, from the move to `in_repair` (BIL-4).
    pub repair_site: Option<String>,
}

impl IntakeRow {
    /// ORG-5, the Rust twin of [`list_intakes`]' filter: the caller took the device in or
    /// brought it, sees its ticket, or is a contact of its customer.
    pub fn seen_by(&self, scope: &Visible, ticket_visible: bool) -> bool {
        let mine = |id: Option<&String>| id.is_some_and(|id| scope.user_ids.contains(id));
        scope.all
            || mine(Some(&self.received_by))
            || mine(self.brought_by.as_ref())
            || scope.customer_ids.contains(&self.customer_id)
            || (self.ticket_id.is_some() && ticket_visible)
    }
}

pub fn insert_intake(conn: &mut DbConnection, row: &IntakeRow) -> Result<(), StoreError> {
    diesel::insert_into(repair_intakes::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

pub fn find_intake(conn: &mut DbConnection, id: &str) -> Result<Option<IntakeRow>, StoreError> {
    Ok(repair_intakes::table
        .find(id)
        .select(IntakeRow::as_select())
        .first(conn)
        .optional()?)
}

/// Fields an edit, the signature or a status move set; `None` leaves a field, `Some(None)`
/// clears a nullable one.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = repair_intakes)]
pub struct IntakeChanges {
    pub ticket_id: Option<Option<String>>,
    pub product_id: Option<Option<String>>,
    pub model: Option<Option<String>>,
    pub serial: Option<String>,
    pub visible_damage: Option<Option<String>>,
    pub accessories: Option<String>,
    pub reported_fault: Option<String>,
    pub fault_reproduced: Option<bool>,
    pub reproduction_notes: Option<Option<String>>,
    pub brought_by: Option<Option<String>>,
    pub status: Option<String>,
    pub status_note: Option<Option<String>>,
    pub signer_contact_id: Option<Option<String>>,
    pub signer_name: Option<Option<String>>,
    pub signature_attachment_id: Option<Option<String>>,
    pub signature_sha256: Option<Option<String>>,
    pub signed_at: Option<Option<NaiveDateTime>>,
    pub signed_recorded_by: Option<Option<String>>,
    pub returned_at: Option<Option<NaiveDateTime>>,
    pub returned_by: Option<Option<String>>,
    pub repair_site: Option<Option<String>>,
}

pub fn update_intake(
    conn: &mut DbConnection,
    id: &str,
    expected: i64,
    changes: &IntakeChanges,
    now: DateTime<Utc>,
) -> Result<VersionedWrite, StoreError> {
    crate::versioned_update!(conn, repair_intakes, id, expected, changes, now)
}

#[derive(Debug, Clone, Default)]
pub struct IntakeFilter {
    pub status: Option<IntakeStatus>,
    pub customer_id: Option<String>,
    pub ticket_id: Option<String>,
    pub serial: Option<String>,
    pub received_by: Option<String>,
    /// `true`: only signed intakes; `false`: only those still waiting for the signature.
    pub signed: Option<bool>,
}

/// One page of the intakes `scope` sees (ORG-5, as [`IntakeRow::seen_by`]).
pub fn list_intakes(
    conn: &mut DbConnection,
    scope: &Visible,
    filter: &IntakeFilter,
    mode: &ListMode,
    limit: i64,
) -> Result<Vec<IntakeRow>, StoreError> {
    let mut query = repair_intakes::table
        .select(IntakeRow::as_select())
        .into_boxed();
    if let Some(visible_tickets) = visibility::visible_ticket_ids(scope) {
        query = query.filter(
            repair_intakes::received_by
                .eq_any(scope.user_ids.clone())
                .or(repair_intakes::brought_by
                    .assume_not_null()
                    .eq_any(scope.user_ids.clone()))
                .or(repair_intakes::customer_id.eq_any(scope.customer_ids.clone()))
                .or(repair_intakes::ticket_id
                    .assume_not_null()
                    .eq_any(visible_tickets)),
        );
    }
    if let Some(v) = filter.status {
        query = query.filter(repair_intakes::status.eq(v.as_str()));
    }
    if let Some(v) = &filter.customer_id {
        query = query.filter(repair_intakes::customer_id.eq(v.clone()));
    }
    if let Some(v) = &filter.ticket_id {
        query = query.filter(repair_intakes::ticket_id.eq(v.clone()));
    }
    if let Some(v) = &filter.serial {
        query = query.filter(repair_intakes::serial.eq(v.clone()));
    }
    if let Some(v) = &filter.received_by {
        query = query.filter(repair_intakes::received_by.eq(v.clone()));
    }
    match filter.signed {
        Some(true) => query = query.filter(repair_intakes::signed_at.is_not_null()),
        Some(false) => query = query.filter(repair_intakes::signed_at.is_null()),
        None => {}
    }
    let query = crate::apply_list_mode!(query, repair_intakes, mode);
    Ok(query.limit(limit).load(conn)?)
}
