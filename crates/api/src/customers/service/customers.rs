//! Customers (ORG-3, CUS-1) under ORG-5 visibility.

use crate::customers::dto::customers::{CreateCustomer, CustomerOut, UpdateCustomer};
use crate::kernel::access::{self, Action};
use crate::kernel::command::{Ctx, snapshot, written};
use crate::kernel::error::ApiError;
use kefu_core::{Actor, FieldError};
use kefu_store::customers::{self, CustomerChanges, CustomerRow};
use kefu_store::visibility::{Visible, team_exists};
use kefu_store::{DbConnection, new_id, to_db_time, users};

/// Who may assign a customer to an engineer or a team.
fn may_assign(actor: &Actor) -> bool {
    access::may(actor, Action::CustomerAssign)
}

fn field(name: &str, code: &'static str, message: &str) -> ApiError {
    ApiError::Invalid(vec![FieldError::new(name, code, message)])
}

fn check_refs(
    conn: &mut DbConnection,
    owner: Option<&str>,
    team: Option<&str>,
) -> Result<(), ApiError> {
    if let Some(owner) = owner
        && users::find(conn, owner)?.is_none_or(|u| u.row.disabled)
    {
        return Err(field("owner_user_id", "not_found", "no such enabled user"));
    }
    if let Some(team) = team
        && !team_exists(conn, team)?
    {
        return Err(field("team_id", "not_found", "no such team"));
    }
    Ok(())
}

/// A live customer the actor may see; anything else is 404.
pub fn get_visible(
    conn: &mut DbConnection,
    visible: &Visible,
    id: &str,
) -> Result<CustomerRow, ApiError> {
    customers::find_visible(conn, id, visible)?.ok_or(ApiError::NotFound)
}

/// Creates a customer; with a client-chosen id that exists already, returns that customer
/// (`false`) instead — the offline create is retried, not repeated.
pub fn create(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    input: CreateCustomer,
) -> Result<(CustomerRow, bool), ApiError> {
    let visible = access::visible(conn, actor)?;
    if let Some(id) = &input.id
        && customers::exists(conn, id)?
    {
        return match customers::find_visible(conn, id, &visible)? {
            Some(row) => Ok((row, false)),
            // Another record, not visible to the caller, has the id.
            None => Err(ApiError::duplicate("customers_pkey")),
        };
    }
    let owner = match input.owner_user_id {
        Some(owner) if !may_assign(actor) && owner != actor.user_id => {
            return Err(ApiError::Forbidden);
        }
        Some(owner) => Some(owner),
        None if !may_assign(actor) => Some(actor.user_id.clone()),
        None => None,
    };
    if input.team_id.is_some() && !may_assign(actor) {
        return Err(ApiError::Forbidden);
    }
    if input.dealer_consent && input.dealer_name.is_none() {
        return Err(field(
            "dealer_consent",
            "not_allowed",
            "only a customer sold through a dealer needs the dealer's consent (CUS-1)",
        ));
    }
    check_refs(conn, owner.as_deref(), input.team_id.as_deref())?;
    let now = to_db_time(ctx.now);
    let row = CustomerRow {
        id: input.id.unwrap_or_else(new_id),
        name: input.name,
        phone: input.phone,
        key_account: input.key_account,
        dealer_name: input.dealer_name,
        dealer_consent: input.dealer_consent,
        owner_user_id: owner,
        team_id: input.team_id,
        note: input.note,
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
    };
    customers::insert(conn, &row)?;
    ctx.audit(
        conn,
        "customer.create",
        ("customer", &row.id),
        None,
        snapshot(&CustomerOut::from(&row)),
    )?;
    Ok((row, true))
}

pub fn update(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    id: &str,
    expected_version: i64,
    input: UpdateCustomer,
) -> Result<CustomerRow, ApiError> {
    let visible = access::visible(conn, actor)?;
    let before = get_visible(conn, &visible, id)?;
    if (input.owner_user_id.is_some() || input.team_id.is_some()) && !may_assign(actor) {
        return Err(ApiError::Forbidden);
    }
    check_refs(
        conn,
        input.owner_user_id.as_ref().and_then(|o| o.as_deref()),
        input.team_id.as_ref().and_then(|t| t.as_deref()),
    )?;
    let dealer_after = match &input.dealer_name {
        Some(d) => d.is_some(),
        None => before.dealer_name.is_some(),
    };
    let consent_after = input.dealer_consent.unwrap_or(before.dealer_consent);
    if consent_after && !dealer_after {
        return Err(field(
            "dealer_consent",
            "not_allowed",
            "only a customer sold through a dealer needs the dealer's consent (CUS-1)",
        ));
    }
    let changes = CustomerChanges {
        name: input.name,
        phone: input.phone,
        key_account: input.key_account,
        dealer_name: input.dealer_name,
        dealer_consent: input.dealer_consent,
        owner_user_id: input.owner_user_id,
        team_id: input.team_id,
        note: input.note,
    };
    written(customers::update(
        conn,
        id,
        expected_version,
        &changes,
        ctx.now,
    )?)?;
    let after = get_visible(conn, &Visible::everything(), id)?;
    ctx.audit(
        conn,
        "customer.update",
        ("customer", id),
        snapshot(&CustomerOut::from(&before)),
        snapshot(&CustomerOut::from(&after)),
    )?;
    Ok(after)
}

/// Deletes the customer with its sites and contacts, leaving tombstones for delta sync.
pub fn delete(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    id: &str,
    expected_version: i64,
) -> Result<CustomerRow, ApiError> {
    let visible = access::visible(conn, actor)?;
    let before = get_visible(conn, &visible, id)?;
    written(customers::soft_delete(conn, id, expected_version, ctx.now)?)?;
    let mut after = before.clone();
    after.deleted_at = Some(to_db_time(ctx.now));
    after.version = before.version + 1;
    after.updated_at = to_db_time(ctx.now);
    ctx.audit(
        conn,
        "customer.delete",
        ("customer", id),
        snapshot(&CustomerOut::from(&before)),
        snapshot(&CustomerOut::from(&after)),
    )?;
    Ok(after)
}
