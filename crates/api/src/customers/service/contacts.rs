//! Customer contacts (ORG-3): who may be called and who may sign, and their own logins.

use crate::customers::dto::contacts::{ContactOut, CreateContact, UpdateContact};
use crate::customers::service::sites::visible_customers;
use crate::kernel::access;
use crate::kernel::command::{Ctx, snapshot, written};
use crate::kernel::error::ApiError;
use crate::org::dto::users::{CreateUser, UserKind};
use crate::org::service::users as user_svc;
use kefu_core::{Actor, FieldError, Role};
use kefu_store::contacts::{self, ContactChanges, ContactRow};
use kefu_store::users::UserRecord;
use kefu_store::{DbConnection, customers, new_id, sites, to_db_time};

fn field(name: &str, code: &'static str, message: &str) -> ApiError {
    ApiError::Invalid(vec![FieldError::new(name, code, message)])
}

pub fn get_visible(
    conn: &mut DbConnection,
    actor: &Actor,
    id: &str,
) -> Result<ContactRow, ApiError> {
    let scope = visible_customers(conn, actor)?;
    contacts::find_live(conn, id, scope.as_deref())?.ok_or(ApiError::NotFound)
}

/// A contact's site must be a live site of the same customer.
fn check_site(
    conn: &mut DbConnection,
    customer_id: &str,
    site: Option<&str>,
) -> Result<(), ApiError> {
    if let Some(site) = site {
        let ok = sites::find_live(conn, site, None)?.is_some_and(|s| s.customer_id == customer_id);
        if !ok {
            return Err(field(
                "site_id",
                "not_found",
                "no such site of this customer",
            ));
        }
    }
    Ok(())
}

pub fn create(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    input: CreateContact,
) -> Result<(ContactRow, bool), ApiError> {
    let scope = visible_customers(conn, actor)?;
    if let Some(id) = &input.id
        && contacts::exists(conn, id)?
    {
        return match contacts::find_live(conn, id, scope.as_deref())? {
            Some(row) => Ok((row, false)),
            // Another record, not visible to the caller, has the id.
            None => Err(ApiError::duplicate("contacts_pkey")),
        };
    }
    let visible = access::visible(conn, actor)?;
    if customers::find_visible(conn, &input.customer_id, &visible)?.is_none() {
        return Err(field("customer_id", "not_found", "no such customer"));
    }
    check_site(conn, &input.customer_id, input.site_id.as_deref())?;
    let now = to_db_time(ctx.now);
    let row = ContactRow {
        id: input.id.unwrap_or_else(new_id),
        customer_id: input.customer_id,
        site_id: input.site_id,
        name: input.name,
        phone: input.phone,
        title: input.title,
        authorised_signer: input.authorised_signer,
        user_id: None,
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
    };
    contacts::insert(conn, &row)?;
    ctx.audit(
        conn,
        "contact.create",
        ("contact", &row.id),
        None,
        snapshot(&ContactOut::from(&row)),
    )?;
    Ok((row, true))
}

fn record(
    conn: &mut DbConnection,
    ctx: &Ctx,
    action: &str,
    before: &ContactRow,
    expected_version: i64,
    changes: &ContactChanges,
) -> Result<ContactRow, ApiError> {
    written(contacts::update(
        conn,
        &before.id,
        expected_version,
        changes,
        ctx.now,
    )?)?;
    let after = contacts::find_live(conn, &before.id, None)?.ok_or(ApiError::NotFound)?;
    ctx.audit(
        conn,
        action,
        ("contact", &before.id),
        snapshot(&ContactOut::from(before)),
        snapshot(&ContactOut::from(&after)),
    )?;
    Ok(after)
}

pub fn update(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    id: &str,
    expected_version: i64,
    input: UpdateContact,
) -> Result<ContactRow, ApiError> {
    let before = get_visible(conn, actor, id)?;
    if let Some(site) = &input.site_id {
        check_site(conn, &before.customer_id, site.as_deref())?;
    }
    let changes = ContactChanges {
        site_id: input.site_id,
        name: input.name,
        phone: input.phone,
        title: input.title,
        authorised_signer: input.authorised_signer,
        user_id: None,
    };
    record(
        conn,
        ctx,
        "contact.update",
        &before,
        expected_version,
        &changes,
    )
}

pub fn delete(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    id: &str,
    expected_version: i64,
) -> Result<ContactRow, ApiError> {
    let before = get_visible(conn, actor, id)?;
    written(contacts::soft_delete(conn, id, expected_version, ctx.now)?)?;
    let mut after = before.clone();
    after.deleted_at = Some(to_db_time(ctx.now));
    after.updated_at = to_db_time(ctx.now);
    after.version = before.version + 1;
    ctx.audit(
        conn,
        "contact.delete",
        ("contact", id),
        snapshot(&ContactOut::from(&before)),
        snapshot(&ContactOut::from(&after)),
    )?;
    Ok(after)
}

/// Gives a contact a login with the `customer_contact` role (ORG-5: it sees its own customer
/// only). `new_user` is prepared outside the transaction (password hashing is slow).
pub fn create_login(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    id: &str,
    expected_version: i64,
    new_user: user_svc::NewUser,
) -> Result<(ContactRow, UserRecord), ApiError> {
    let before = get_visible(conn, actor, id)?;
    if before.user_id.is_some() {
        return Err(ApiError::Conflict(
            "the contact already has a login".to_owned(),
        ));
    }
    let user = user_svc::create(conn, ctx, new_user)?;
    let changes = ContactChanges {
        user_id: Some(Some(user.row.id.clone())),
        ..ContactChanges::default()
    };
    let after = record(
        conn,
        ctx,
        "contact.grant_login",
        &before,
        expected_version,
        &changes,
    )?;
    Ok((after, user))
}

/// The login a contact gets: a person with only the `customer_contact` role.
pub fn login_user(username: String, display_name: String) -> CreateUser {
    CreateUser {
        username,
        display_name,
        email: None,
        phone: None,
        kind: UserKind::Human,
        roles: vec![Role::CustomerContact],
        password: None,
    }
}
