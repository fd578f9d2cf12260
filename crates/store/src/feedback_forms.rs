//! TKT-7 feedback forms and their versions. A form is visible with its ticket, and to the
//! engineer of its visit. A signed version's row is never written again: every update of a
//! version is conditional on `signed_at IS NULL`.

use crate::delta::ListMode;
use crate::schema::{feedback_form_versions, feedback_forms, visits};
use crate::visibility::{self, Visible};
use crate::{DbConnection, StoreError, VersionedWrite};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_tickets::forms::{FormResult, FormStatus};
use kefu_tickets::visits::VisitStatus;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = feedback_forms)]
pub struct FormRow {
    pub id: String,
    pub ticket_id: String,
    pub visit_id: String,
    pub engineer_id: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub status: FormStatus,
    pub current_version_no: i64,
    pub signed_version_no: Option<i64>,
    pub signer_authorised: Option<bool>,
    pub due_date: Option<NaiveDate>,
    pub due_at: Option<NaiveDateTime>,
    pub received_at: Option<NaiveDateTime>,
    pub received_by: Option<String>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = feedback_form_versions)]
pub struct FormVersionRow {
    pub id: String,
    pub form_id: String,
    pub version_no: i64,
    pub work_done: String,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub result: FormResult,
    pub parts_used: String,
    pub customer_opinion: Option<String>,
    pub amendment_reason: Option<String>,
    pub signer_contact_id: Option<String>,
    pub signer_name: Option<String>,
    pub signer_authorised: Option<bool>,
    pub signature_attachment_id: Option<String>,
    pub signature_sha256: Option<String>,
    pub signed_at: Option<NaiveDateTime>,
    pub signed_recorded_by: Option<String>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, row: &FormRow) -> Result<(), StoreError> {
    diesel::insert_into(feedback_forms::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<FormRow>, StoreError> {
    Ok(feedback_forms::table
        .find(id)
        .select(FormRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn find_by_visit(
    conn: &mut DbConnection,
    visit_id: &str,
) -> Result<Option<FormRow>, StoreError> {
    Ok(feedback_forms::table
        .filter(feedback_forms::visit_id.eq(visit_id))
        .select(FormRow::as_select())
        .first(conn)
        .optional()?)
}

/// The live forms of any of `visit_ids`.
pub fn of_visits(
    conn: &mut DbConnection,
    visit_ids: &[String],
) -> Result<Vec<FormRow>, StoreError> {
    Ok(feedback_forms::table
        .filter(feedback_forms::visit_id.eq_any(visit_ids.to_vec()))
        .filter(feedback_forms::deleted_at.is_null())
        .select(FormRow::as_select())
        .load(conn)?)
}

#[derive(Debug, Clone, Default)]
pub struct FormFilter {
    pub ticket_id: Option<String>,
    pub visit_id: Option<String>,
    pub engineer_id: Option<String>,
    pub status: Option<FormStatus>,
    /// TKT-7: received after the due day, or not received and past it, as of `now`.
    pub late: Option<bool>,
    /// TKT-7: the effective signature is not an authorised contact's.
    pub signer_unauthorised: Option<bool>,
}

/// One page of the forms visible in `scope` (their ticket visible, or the caller's visit).
pub fn list(
    conn: &mut DbConnection,
    scope: &Visible,
    filter: &FormFilter,
    now: DateTime<Utc>,
    mode: &ListMode,
    limit: i64,
) -> Result<Vec<FormRow>, StoreError> {
    let mut query = feedback_forms::table
        .select(FormRow::as_select())
        .into_boxed();
    if let Some(visible_tickets) = visibility::visible_ticket_ids(scope) {
        query = query.filter(
            feedback_forms::ticket_id
                .eq_any(visible_tickets)
                .or(feedback_forms::engineer_id.eq_any(scope.user_ids.clone())),
        );
    }
    if let Some(v) = &filter.ticket_id {
        query = query.filter(feedback_forms::ticket_id.eq(v.clone()));
    }
    if let Some(v) = &filter.visit_id {
        query = query.filter(feedback_forms::visit_id.eq(v.clone()));
    }
    if let Some(v) = &filter.engineer_id {
        query = query.filter(feedback_forms::engineer_id.eq(v.clone()));
    }
    if let Some(v) = filter.status {
        query = query.filter(feedback_forms::status.eq(v.as_str()));
    }
    if let Some(flag) = filter.late {
        let now = crate::to_db_time(now);
        // Every branch is TRUE or FALSE, never NULL, so `late=false` is the exact complement.
        let late = feedback_forms::due_at.is_not_null().and(
            feedback_forms::received_at
                .is_not_null()
                .and(
                    feedback_forms::received_at
                        .assume_not_null()
                        .ge(feedback_forms::due_at.assume_not_null()),
                )
                .or(feedback_forms::received_at
                    .is_null()
                    .and(feedback_forms::due_at.assume_not_null().le(now))),
        );
        query = if flag {
            query.filter(late)
        } else {
            query.filter(diesel::dsl::not(late))
        };
    }
    if let Some(flag) = filter.signer_unauthorised {
        query = if flag {
            query.filter(feedback_forms::signer_authorised.eq(false))
        } else {
            query.filter(
                feedback_forms::signer_authorised
                    .is_null()
                    .or(feedback_forms::signer_authorised.eq(true)),
            )
        };
    }
    let query = crate::apply_list_mode!(query, feedback_forms, mode);
    Ok(query.limit(limit).load(conn)?)
}

/// Fields a command changes on the form; `None` leaves a field as it is. Every command sets
/// `current_version_no` (to its value when unchanged), so a change set is never empty.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = feedback_forms)]
pub struct FormChanges {
    #[diesel(serialize_as = String)]
    pub status: Option<FormStatus>,
    pub current_version_no: Option<i64>,
    pub signed_version_no: Option<Option<i64>>,
    pub signer_authorised: Option<Option<bool>>,
    pub due_date: Option<Option<NaiveDate>>,
    pub due_at: Option<Option<NaiveDateTime>>,
    pub received_at: Option<Option<NaiveDateTime>>,
    pub received_by: Option<Option<String>>,
}

pub fn update(
    conn: &mut DbConnection,
    id: &str,
    expected_version: i64,
    changes: &FormChanges,
    now: DateTime<Utc>,
) -> Result<VersionedWrite, StoreError> {
    crate::versioned_update!(
        conn,
        feedback_forms,
        id,
        expected_version,
        changes.clone(),
        now
    )
}

pub fn insert_version(conn: &mut DbConnection, row: &FormVersionRow) -> Result<(), StoreError> {
    diesel::insert_into(feedback_form_versions::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

pub fn find_version(
    conn: &mut DbConnection,
    form_id: &str,
    version_no: i64,
) -> Result<Option<FormVersionRow>, StoreError> {
    Ok(feedback_form_versions::table
        .filter(feedback_form_versions::form_id.eq(form_id))
        .filter(feedback_form_versions::version_no.eq(version_no))
        .select(FormVersionRow::as_select())
        .first(conn)
        .optional()?)
}

/// Every version of a form, oldest first.
pub fn versions(conn: &mut DbConnection, form_id: &str) -> Result<Vec<FormVersionRow>, StoreError> {
    Ok(feedback_form_versions::table
        .filter(feedback_form_versions::form_id.eq(form_id))
        .select(FormVersionRow::as_select())
        .order(feedback_form_versions::version_no.asc())
        .load(conn)?)
}

/// The content of an unsigned version; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = feedback_form_versions)]
pub struct VersionChanges {
    pub work_done: Option<String>,
    #[diesel(serialize_as = String)]
    pub result: Option<FormResult>,
    pub parts_used: Option<String>,
    pub customer_opinion: Option<Option<String>>,
    pub signer_contact_id: Option<Option<String>>,
    pub signer_name: Option<Option<String>>,
    pub signer_authorised: Option<Option<bool>>,
    pub signature_attachment_id: Option<Option<String>>,
    pub signature_sha256: Option<Option<String>>,
    pub signed_at: Option<Option<NaiveDateTime>>,
    pub signed_recorded_by: Option<Option<String>>,
}

/// Writes `changes` to the version `id` only while it is unsigned; `false` when it is signed
/// (or gone), so a signed version can never be rewritten whatever the caller checked before.
pub fn update_unsigned_version(
    conn: &mut DbConnection,
    id: &str,
    changes: &VersionChanges,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let written = diesel::update(
        feedback_form_versions::table
            .filter(feedback_form_versions::id.eq(id))
            .filter(feedback_form_versions::signed_at.is_null()),
    )
    .set((
        changes.clone(),
        feedback_form_versions::updated_at.eq(crate::to_db_time(now)),
    ))
    .execute(conn)?;
    Ok(written == 1)
}

/// Finished, live visits visible in `scope` whose finish instant is in `[from, to)` (UTC),
/// oldest first: the visits that owe a feedback form.
pub fn finished_visits(
    conn: &mut DbConnection,
    scope: &Visible,
    from: NaiveDateTime,
    to: NaiveDateTime,
    engineer_id: Option<&str>,
) -> Result<Vec<crate::visits::VisitRow>, StoreError> {
    let mut query = visits::table
        .select(crate::visits::VisitRow::as_select())
        .filter(visits::status.eq(VisitStatus::Finished.as_str()))
        .filter(visits::deleted_at.is_null())
        .filter(visits::finished_at.assume_not_null().ge(from))
        .filter(visits::finished_at.assume_not_null().lt(to))
        .into_boxed();
    if let Some(visible_tickets) = visibility::visible_ticket_ids(scope) {
        query = query.filter(
            visits::ticket_id
                .eq_any(visible_tickets)
                .or(visits::engineer_id.eq_any(scope.user_ids.clone())),
        );
    }
    if let Some(e) = engineer_id {
        query = query.filter(visits::engineer_id.eq(e.to_owned()));
    }
    Ok(query
        .order((visits::finished_at.asc(), visits::id.asc()))
        .load(conn)?)
}

/// The live contacts of `customer_id` named exactly `name`: who a signer named on paper may
/// be (TKT-7 checks them against the site's authorised signers).
pub fn contacts_named(
    conn: &mut DbConnection,
    customer_id: &str,
    name: &str,
) -> Result<Vec<crate::contacts::ContactRow>, StoreError> {
    use crate::schema::contacts;
    Ok(contacts::table
        .filter(contacts::customer_id.eq(customer_id))
        .filter(contacts::name.eq(name))
        .filter(contacts::deleted_at.is_null())
        .select(crate::contacts::ContactRow::as_select())
        .order(contacts::id.asc())
        .load(conn)?)
}
