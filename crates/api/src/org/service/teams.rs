//! Teams with their supervisor (ORG-2).

use crate::kernel::command::{Ctx, snapshot};
use crate::kernel::error::ApiError;
use crate::org::dto::teams::{CreateTeam, TeamOut, UpdateTeam};
use kefu_core::FieldError;
use kefu_store::teams::{self, TeamChanges, TeamRow};
use kefu_store::{DbConnection, new_id, to_db_time, users};

pub use crate::kernel::access::roles::SUPERVISOR_ROLES;

/// 422 on `field` unless `user_id` is an enabled user holding the `supervisor` or `manager`
/// role.
pub fn check_supervisor(
    conn: &mut DbConnection,
    field: &str,
    user_id: &str,
) -> Result<(), ApiError> {
    if users::is_enabled_with_any_role(conn, user_id, SUPERVISOR_ROLES)? {
        Ok(())
    } else {
        Err(ApiError::Invalid(vec![FieldError::new(
            field,
            "not_a_supervisor",
            "must be an enabled user holding the supervisor or manager role",
        )]))
    }
}

fn check_name_free(
    conn: &mut DbConnection,
    name: &str,
    except_id: Option<&str>,
) -> Result<(), ApiError> {
    match teams::find_by_name(conn, name)? {
        Some(other) if Some(other.id.as_str()) != except_id => {
            Err(ApiError::duplicate("teams_name_key"))
        }
        _ => Ok(()),
    }
}

pub fn create(conn: &mut DbConnection, ctx: &Ctx, input: CreateTeam) -> Result<TeamRow, ApiError> {
    if let Some(supervisor) = &input.supervisor_user_id {
        check_supervisor(conn, "supervisor_user_id", supervisor)?;
    }
    check_name_free(conn, &input.name, None)?;
    let now = to_db_time(ctx.now);
    let row = TeamRow {
        id: new_id(),
        name: input.name,
        supervisor_user_id: input.supervisor_user_id,
        station_city: input.station_city,
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
    };
    teams::insert(conn, &row)?;
    // Read back: the database keeps times at its own precision.
    let row = teams::find(conn, &row.id)?.ok_or(ApiError::NotFound)?;
    ctx.audit(
        conn,
        "team.create",
        ("team", &row.id),
        None,
        snapshot(&TeamOut::from(&row)),
    )?;
    Ok(row)
}

/// The team; a deleted one is 404.
pub fn get(conn: &mut DbConnection, id: &str) -> Result<TeamRow, ApiError> {
    teams::find(conn, id)?
        .filter(|t| t.deleted_at.is_none())
        .ok_or(ApiError::NotFound)
}

fn write(
    conn: &mut DbConnection,
    ctx: &Ctx,
    action: &str,
    before: &TeamRow,
    expected_version: i64,
    changes: &TeamChanges,
) -> Result<TeamRow, ApiError> {
    crate::kernel::command::written(teams::update(
        conn,
        &before.id,
        expected_version,
        changes,
        ctx.now,
    )?)?;
    let after = teams::find(conn, &before.id)?.ok_or(ApiError::NotFound)?;
    ctx.audit(
        conn,
        action,
        ("team", &after.id),
        snapshot(&TeamOut::from(before)),
        snapshot(&TeamOut::from(&after)),
    )?;
    Ok(after)
}

pub fn update(
    conn: &mut DbConnection,
    ctx: &Ctx,
    id: &str,
    expected_version: i64,
    input: UpdateTeam,
) -> Result<TeamRow, ApiError> {
    let before = get(conn, id)?;
    if let Some(Some(supervisor)) = &input.supervisor_user_id {
        check_supervisor(conn, "supervisor_user_id", supervisor)?;
    }
    if let Some(name) = &input.name {
        check_name_free(conn, name, Some(id))?;
    }
    let changes = TeamChanges {
        name: input.name,
        supervisor_user_id: input.supervisor_user_id,
        station_city: input.station_city,
        deleted_at: None,
    };
    let after = write(
        conn,
        ctx,
        "team.update",
        &before,
        expected_version,
        &changes,
    )?;
    if after.supervisor_user_id != before.supervisor_user_id {
        lost_supervision(conn, ctx, &before)?;
    }
    Ok(after)
}

/// The team's former supervisor no longer sees its records (ORG-5): their delta syncs from
/// before now must start over.
fn lost_supervision(conn: &mut DbConnection, ctx: &Ctx, before: &TeamRow) -> Result<(), ApiError> {
    let former: Vec<String> = before.supervisor_user_id.iter().cloned().collect();
    users::mark_scope_changed(conn, &former, ctx.now)?;
    Ok(())
}

/// Soft delete: refused while employees are in the team.
pub fn delete(
    conn: &mut DbConnection,
    ctx: &Ctx,
    id: &str,
    expected_version: i64,
) -> Result<TeamRow, ApiError> {
    let before = get(conn, id)?;
    if before.version != expected_version {
        return Err(ApiError::PreconditionFailed {
            current: before.version,
        });
    }
    let members = teams::count_members(conn, id)?;
    if members > 0 {
        return Err(ApiError::Conflict(format!(
            "the team still has {members} employee(s); move them to another team first"
        )));
    }
    let changes = TeamChanges {
        deleted_at: Some(Some(to_db_time(ctx.now))),
        ..TeamChanges::default()
    };
    let after = write(
        conn,
        ctx,
        "team.delete",
        &before,
        expected_version,
        &changes,
    )?;
    lost_supervision(conn, ctx, &before)?;
    Ok(after)
}
