use crate::kernel::access::{self, Action};
use crate::kernel::auth::Caller;
use crate::kernel::command::Ctx;
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::export::{self, Listed};
use crate::kernel::extract::{IfMatch, ValidJson};
use crate::kernel::page::{Page, paginate, row_key, window};
use crate::kernel::respond::{created, versioned};
use crate::kernel::state::AppState;
use crate::org::dto::employees::{
    ChangeEmploymentStatus, CreateEmployee, EXPORT, EmployeeOut, EmployeesQuery,
    EmploymentEventOut, UpdateEmployee,
};
use crate::org::service::employees as svc;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, delete, get, patch, post, web};
use kefu_store::employees::{self, EmployeeFilter};
use kefu_store::to_db_time;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_employees)
        .service(create_employee)
        .service(get_employee)
        .service(update_employee)
        .service(delete_employee)
        .service(change_employment_status)
        .service(employment_status_history);
}

fn outs(rows: Vec<kefu_store::employees::EmployeeRow>) -> Result<Vec<EmployeeOut>, ApiError> {
    rows.iter().map(EmployeeOut::try_from).collect()
}

/// List employees, or the changes since an instant (delta sync).
///
/// Any signed-in user; records outside the caller's scope (ORG-5) are left out: admins, HR,
/// managers, executives and finance see everyone; a supervisor the members of the teams they
/// supervise; everyone their own record. Filters `team_id`, `employment_status`, `q`. With
/// `updated_since`, deleted records come back as tombstones (`deleted: true`) in `(updated_at, id)`
/// order. `/export` (CSV or XLSX) exports the list. Read-only.
#[utoipa::path(
    tag = "employees",
    operation_id = "listEmployees",
    params(EmployeesQuery),
    responses((status = 200, description = "One page of employees: oldest first, or in update order with `updated_since`", body = Page<EmployeeOut>))
)]
#[get("/employees")]
async fn list_employees(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<EmployeesQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = state.clone();
    export::respond(&data, &EXPORT, listed, move |query| {
        employees_page(state.clone(), caller.clone(), query)
    })
    .await
}

/// One page of the list (also what an export reads page by page).
async fn employees_page(
    state: web::Data<AppState>,
    caller: Caller,
    query: EmployeesQuery,
) -> Result<Page<EmployeeOut>, ApiError> {
    let (limit, fetch, mode) = window(
        query.limit,
        query.updated_since.as_deref(),
        query.cursor.as_deref(),
    )?;
    let mut filter = EmployeeFilter {
        team_id: query.team_id,
        employment_status: query.employment_status.map(|s| s.as_str().to_owned()),
        q: query
            .q
            .map(|q| q.trim().to_owned())
            .filter(|q| !q.is_empty()),
        ..EmployeeFilter::default()
    };
    let actor = caller.actor.clone();
    let rows = state
        .db(move |conn| {
            filter.visible = svc::scope(conn, &actor)?;
            Ok((employees::list(conn, &filter, &mode, fetch)?, mode))
        })
        .await?;
    let (rows, mode) = rows;
    let items = outs(rows)?;
    let page = paginate(
        items,
        limit,
        |e| row_key(&mode, to_db_time(e.updated_at), &e.id),
        |e| e,
    );
    Ok(page)
}

/// Create an employee record.
///
/// Admins and HR only (403 for others). The team, the supervisor (an enabled supervisor or manager)
/// and the linked user must exist (422); a user may be linked to one employee only (409). Triggers
/// the audit entry and webhook event `employee.create`.
#[utoipa::path(
    tag = "employees",
    operation_id = "createEmployee",
    request_body = CreateEmployee,
    responses(
        (status = 201, description = "Created", body = EmployeeOut,
            headers(("Location" = String), ("ETag" = String))),
        (status = 409, description = "The user is already linked to an employee", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field breaks its rules, e.g. an unknown team or a negative salary", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/employees")]
async fn create_employee(
    state: web::Data<AppState>,
    caller: Caller,
    ValidJson(input): ValidJson<CreateEmployee>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::EmployeeEdit)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let today = state.today();
    let row = state
        .tx(move |conn| svc::create(conn, &ctx, input, today))
        .await?;
    let out = EmployeeOut::try_from(&row)?;
    Ok(created(
        format!("/api/v1/employees/{}", out.id),
        Some(out.version),
        &out,
    ))
}

/// Get an employee record (404 when outside the caller's scope).
///
/// The employee record with its version as `ETag`. Any signed-in user whose ORG-5 scope holds it
/// (as in `listEmployees`); any other record reads as 404. Read-only.
#[utoipa::path(
    tag = "employees",
    operation_id = "getEmployee",
    params(("id" = String, Path, description = "Employee id")),
    responses((status = 200, description = "The employee", body = EmployeeOut,
        headers(("ETag" = String))))
)]
#[get("/employees/{id}")]
async fn get_employee(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let actor = caller.actor.clone();
    let row = state
        .db(move |conn| {
            let scope = svc::scope(conn, &actor)?;
            svc::get(conn, &scope, &id)
        })
        .await?;
    Ok(versioned(
        StatusCode::OK,
        row.version,
        &EmployeeOut::try_from(&row)?,
    ))
}

/// Change an employee record.
///
/// Who: admins and HR may change every field; managers only `team_id`, `supervisor_user_id`,
/// `track` and `level` (403 otherwise, `base_salary_fen` above all); other roles 403. Needs
/// `If-Match`. A user may be linked to one employee only (409). The employment status changes
/// through `POST /employees/{id}/status`. Triggers the audit entry and webhook event
/// `employee.update`.
#[utoipa::path(
    tag = "employees",
    operation_id = "updateEmployee",
    params(("id" = String, Path, description = "Employee id"), crate::kernel::openapi::IfMatchHeader),
    request_body = UpdateEmployee,
    responses(
        (status = 200, description = "Updated", body = EmployeeOut, headers(("ETag" = String))),
        (status = 409, description = "The user is already linked to another employee", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/employees/{id}")]
async fn update_employee(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<UpdateEmployee>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::EmployeeOrganise)?;
    if !access::may(&caller.actor, Action::EmployeeEdit) && !input.is_organisational_only() {
        return Err(ApiError::Forbidden);
    }
    let ctx = Ctx::of(&caller, state.clock.now());
    let id = id.into_inner();
    let row = state
        .tx(move |conn| svc::update(conn, &ctx, &id, version, input))
        .await?;
    Ok(versioned(
        StatusCode::OK,
        row.version,
        &EmployeeOut::try_from(&row)?,
    ))
}

/// Delete an employee record (soft: delta sync reports it as a tombstone).
///
/// Admins and HR only (403 for others). Needs `If-Match`. Triggers the audit entry and webhook
/// event `employee.delete`.
#[utoipa::path(
    tag = "employees",
    operation_id = "deleteEmployee",
    params(("id" = String, Path, description = "Employee id"), crate::kernel::openapi::IfMatchHeader),
    responses(
        (status = 200, description = "The deleted employee (a tombstone)", body = EmployeeOut, headers(("ETag" = String))),
    )
)]
#[delete("/employees/{id}")]
async fn delete_employee(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::EmployeeEdit)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let id = id.into_inner();
    let row = state
        .tx(move |conn| svc::delete(conn, &ctx, &id, version))
        .await?;
    Ok(versioned(
        StatusCode::OK,
        row.version,
        &EmployeeOut::try_from(&row)?,
    ))
}

/// Change the employment status (ORG-2).
///
/// `training` → `probation` → `regular`, or `left` from any state; other changes are 409 naming
/// ORG-2. `effective_on` must not be before the current status began (422). The change is kept in
/// the status history with its effective day.
///
/// Admins and HR only (403 for others). Needs `If-Match`. Triggers the audit entry and webhook
/// event `employee.change_status`.
#[utoipa::path(
    tag = "employees",
    operation_id = "changeEmploymentStatus",
    params(("id" = String, Path, description = "Employee id"), crate::kernel::openapi::IfMatchHeader),
    request_body = ChangeEmploymentStatus,
    responses(
        (status = 200, description = "The employee in the new status", body = EmployeeOut, headers(("ETag" = String))),
        (status = 409, description = "ORG-2: the status cannot change that way", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field breaks its rules, e.g. `effective_on` before the current status began", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/employees/{id}/status")]
async fn change_employment_status(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<ChangeEmploymentStatus>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::EmployeeEdit)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let id = id.into_inner();
    let row = state
        .tx(move |conn| svc::change_status(conn, &ctx, &id, version, input))
        .await?;
    Ok(versioned(
        StatusCode::OK,
        row.version,
        &EmployeeOut::try_from(&row)?,
    ))
}

/// The employment status history of an employee, oldest first (one page).
///
/// Any signed-in user whose ORG-5 scope holds the employee (as in `listEmployees`; otherwise 404).
/// Read-only.
#[utoipa::path(
    tag = "employees",
    operation_id = "listEmploymentStatusHistory",
    params(("id" = String, Path, description = "Employee id")),
    responses((status = 200, description = "Every status change, oldest first", body = Page<EmploymentEventOut>))
)]
#[get("/employees/{id}/status-history")]
async fn employment_status_history(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let actor = caller.actor.clone();
    let events = state
        .db(move |conn| {
            let scope = svc::scope(conn, &actor)?;
            let employee = svc::get(conn, &scope, &id)?;
            Ok(employees::events(conn, &employee.id)?)
        })
        .await?;
    let items = events
        .iter()
        .map(EmploymentEventOut::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(HttpResponse::Ok().json(Page {
        items,
        next_cursor: None,
    }))
}
