//! Employees (ORG-2) and who may see them (ORG-5: salaries are private).

use crate::kernel::access;
use crate::kernel::command::{Ctx, snapshot};
use crate::kernel::error::ApiError;
use crate::org::dto::employees::{
    ChangeEmploymentStatus, CreateEmployee, EmployeeOut, UpdateEmployee,
};
use crate::org::service::teams::check_supervisor;
use chrono::NaiveDate;
use kefu_core::{Actor, EmploymentStatus, FieldError};
use kefu_store::employees::{self, EmployeeChanges, EmployeeRow, EmploymentEventRow};
use kefu_store::visibility::Visible;
use kefu_store::{DbConnection, new_id, teams, to_db_time, users};

/// ORG-5 for employee records (see `kernel::access::scope::employees`).
pub fn scope(conn: &mut DbConnection, actor: &Actor) -> Result<Visible, ApiError> {
    access::scope::employees(conn, actor)
}

pub fn is_visible(scope: &Visible, row: &EmployeeRow) -> bool {
    scope.all
        || row
            .user_id
            .as_ref()
            .is_some_and(|u| scope.user_ids.contains(u))
        || row
            .team_id
            .as_ref()
            .is_some_and(|t| scope.team_ids.contains(t))
}

/// The employee if it exists, is not deleted and is visible; 404 otherwise.
pub fn get(conn: &mut DbConnection, scope: &Visible, id: &str) -> Result<EmployeeRow, ApiError> {
    employees::find(conn, id)?
        .filter(|e| e.deleted_at.is_none() && is_visible(scope, e))
        .ok_or(ApiError::NotFound)
}

fn check_team(conn: &mut DbConnection, team_id: &str) -> Result<(), ApiError> {
    match teams::find(conn, team_id)? {
        Some(team) if team.deleted_at.is_none() => Ok(()),
        _ => Err(ApiError::Invalid(vec![FieldError::new(
            "team_id",
            "unknown",
            "no such team",
        )])),
    }
}

fn check_user_link(
    conn: &mut DbConnection,
    user_id: &str,
    except_id: Option<&str>,
) -> Result<(), ApiError> {
    if !users::exists(conn, user_id)? {
        return Err(ApiError::Invalid(vec![FieldError::new(
            "user_id",
            "unknown",
            "no such user",
        )]));
    }
    match employees::find_by_user(conn, user_id)? {
        Some(other) if Some(other.id.as_str()) != except_id => {
            Err(ApiError::duplicate("employees_user_id_key"))
        }
        _ => Ok(()),
    }
}

fn out(row: &EmployeeRow) -> Option<serde_json::Value> {
    EmployeeOut::try_from(row).ok().and_then(|o| snapshot(&o))
}

pub fn create(
    conn: &mut DbConnection,
    ctx: &Ctx,
    input: CreateEmployee,
    today: NaiveDate,
) -> Result<EmployeeRow, ApiError> {
    if let Some(team_id) = &input.team_id {
        check_team(conn, team_id)?;
    }
    if let Some(supervisor) = &input.supervisor_user_id {
        check_supervisor(conn, "supervisor_user_id", supervisor)?;
    }
    if let Some(user_id) = &input.user_id {
        check_user_link(conn, user_id, None)?;
    }
    let now = to_db_time(ctx.now);
    let status = input
        .employment_status
        .unwrap_or(EmploymentStatus::Training);
    let row = EmployeeRow {
        id: new_id(),
        user_id: input.user_id,
        name: input.name,
        phone: input.phone,
        team_id: input.team_id,
        supervisor_user_id: input.supervisor_user_id,
        track: input.track.map(|t| t.as_str().to_owned()),
        level: input.level.map(|l| l.as_str().to_owned()),
        station_city: input.station_city,
        employment_status: status.as_str().to_owned(),
        status_since: input.status_since.unwrap_or(today),
        base_salary_fen: input.base_salary_fen,
        phone_allowance_class: input.phone_allowance_class,
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
    };
    employees::insert(conn, &row)?;
    // Read back: the database keeps times at its own precision.
    let row = employees::find(conn, &row.id)?.ok_or(ApiError::NotFound)?;
    // The starting status is the first entry of the history.
    record_event(conn, ctx, &row.id, status, row.status_since, None)?;
    ctx.audit(
        conn,
        "employee.create",
        ("employee", &row.id),
        None,
        out(&row),
    )?;
    Ok(row)
}

fn record_event(
    conn: &mut DbConnection,
    ctx: &Ctx,
    employee_id: &str,
    status: EmploymentStatus,
    effective_on: NaiveDate,
    note: Option<String>,
) -> Result<(), ApiError> {
    employees::insert_event(
        conn,
        &EmploymentEventRow {
            id: new_id(),
            employee_id: employee_id.to_owned(),
            status: status.as_str().to_owned(),
            effective_on,
            note,
            recorded_at: to_db_time(ctx.now),
            recorded_by: ctx.actor_id.clone(),
        },
    )?;
    Ok(())
}

fn write(
    conn: &mut DbConnection,
    ctx: &Ctx,
    action: &str,
    before: &EmployeeRow,
    expected_version: i64,
    changes: &EmployeeChanges,
) -> Result<EmployeeRow, ApiError> {
    crate::kernel::command::written(employees::update(
        conn,
        &before.id,
        expected_version,
        changes,
        ctx.now,
    )?)?;
    let after = employees::find(conn, &before.id)?.ok_or(ApiError::NotFound)?;
    ctx.audit(
        conn,
        action,
        ("employee", &after.id),
        out(before),
        out(&after),
    )?;
    Ok(after)
}

pub fn update(
    conn: &mut DbConnection,
    ctx: &Ctx,
    id: &str,
    expected_version: i64,
    input: UpdateEmployee,
) -> Result<EmployeeRow, ApiError> {
    let before = get(conn, &Visible::everything(), id)?;
    if let Some(Some(team_id)) = &input.team_id {
        check_team(conn, team_id)?;
    }
    if let Some(Some(supervisor)) = &input.supervisor_user_id {
        check_supervisor(conn, "supervisor_user_id", supervisor)?;
    }
    if let Some(Some(user_id)) = &input.user_id {
        check_user_link(conn, user_id, Some(id))?;
    }
    let changes = EmployeeChanges {
        user_id: input.user_id,
        name: input.name,
        phone: input.phone,
        team_id: input.team_id,
        supervisor_user_id: input.supervisor_user_id,
        track: input.track.map(|t| t.map(|t| t.as_str().to_owned())),
        level: input.level.map(|l| l.map(|l| l.as_str().to_owned())),
        station_city: input.station_city,
        base_salary_fen: input.base_salary_fen,
        phone_allowance_class: input.phone_allowance_class,
        ..EmployeeChanges::default()
    };
    let after = write(
        conn,
        ctx,
        "employee.update",
        &before,
        expected_version,
        &changes,
    )?;
    if after.team_id != before.team_id || after.user_id != before.user_id {
        left_team(conn, ctx, &before)?;
    }
    Ok(after)
}

/// The employee `before` no longer sits where they did: their login loses the old team's
/// customers and the old team's supervisor loses the member's records (ORG-5), so both must
/// start their delta syncs over.
fn left_team(conn: &mut DbConnection, ctx: &Ctx, before: &EmployeeRow) -> Result<(), ApiError> {
    let mut losers: Vec<String> = before.user_id.iter().cloned().collect();
    if let Some(team_id) = &before.team_id
        && let Some(team) = teams::find(conn, team_id)?
    {
        losers.extend(team.supervisor_user_id);
    }
    users::mark_scope_changed(conn, &losers, ctx.now)?;
    Ok(())
}

/// ORG-2: moves the employee to a new employment status from `effective_on` and keeps the
/// change in the history.
pub fn change_status(
    conn: &mut DbConnection,
    ctx: &Ctx,
    id: &str,
    expected_version: i64,
    input: ChangeEmploymentStatus,
) -> Result<EmployeeRow, ApiError> {
    let before = get(conn, &Visible::everything(), id)?;
    if before.version != expected_version {
        return Err(ApiError::PreconditionFailed {
            current: before.version,
        });
    }
    let current: EmploymentStatus = before
        .employment_status
        .parse()
        .map_err(|e: String| ApiError::from(kefu_store::StoreError::Corrupt(e)))?;
    let next = current.change_to(input.status)?;
    if input.effective_on < before.status_since {
        return Err(ApiError::Invalid(vec![FieldError::new(
            "effective_on",
            "before_status_since",
            format!(
                "must not be before {}, when the current status took effect",
                before.status_since
            ),
        )]));
    }
    let changes = EmployeeChanges {
        employment_status: Some(next.as_str().to_owned()),
        status_since: Some(input.effective_on),
        ..EmployeeChanges::default()
    };
    let after = write(
        conn,
        ctx,
        "employee.change_status",
        &before,
        expected_version,
        &changes,
    )?;
    record_event(conn, ctx, id, next, input.effective_on, input.note)?;
    Ok(after)
}

/// Soft delete: the record stays as a tombstone for delta sync.
pub fn delete(
    conn: &mut DbConnection,
    ctx: &Ctx,
    id: &str,
    expected_version: i64,
) -> Result<EmployeeRow, ApiError> {
    let before = get(conn, &Visible::everything(), id)?;
    let changes = EmployeeChanges {
        deleted_at: Some(Some(to_db_time(ctx.now))),
        ..EmployeeChanges::default()
    };
    let after = write(
        conn,
        ctx,
        "employee.delete",
        &before,
        expected_version,
        &changes,
    )?;
    left_team(conn, ctx, &before)?;
    Ok(after)
}
