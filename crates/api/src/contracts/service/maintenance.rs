//! The acceptance of a maintenance agreement (CON-5): the site conditions and the pre-signing
//! inspection, recorded on the draft, and the check `signContract` runs before signing one.
//! Visibility is the contract's (ORG-5): a contract the caller does not see is 404.

use crate::contracts::dto::maintenance::{
    AcceptanceChecks, AcceptanceOut, CheckResult, RecordAcceptance, SiteConditions, StepOut, passed,
};
use crate::contracts::service::contracts::{contract_scope, get_row, today_of};
use crate::kernel::command::{Ctx, Versioned, snapshot, written};
use crate::kernel::error::ApiError;
use chrono::NaiveDate;
use chrono_tz::Tz;
use kefu_contracts::contract::ContractKind;
use kefu_contracts::contract::ContractStatus;
use kefu_contracts::deadlines::ContractRules;
use kefu_contracts::maintenance::{self as rules, Acceptance};
use kefu_contracts::programme::{Approval, Step, StepCommand, StepStatus, decide_step};
use kefu_contracts::programme_overdue::is_overdue;
use kefu_core::{Actor, FieldError};
use kefu_store::contracts::{self as contracts_store, ContractChanges, ContractRow};
use kefu_store::maintenance::{self as store, AcceptanceRow, StepChanges, StepRow};
use kefu_store::{DbConnection, from_db_time, to_db_time};

impl Versioned for AcceptanceOut {
    fn version(&self) -> i64 {
        self.contract_version
    }
}

fn checks_of(row: &AcceptanceRow) -> AcceptanceChecks {
    let r = |passed: bool, note: &Option<String>| CheckResult {
        passed,
        note: note.clone(),
    };
    AcceptanceChecks {
        alarm_host: r(row.alarm_host_passed, &row.alarm_host_note),
        device_count: r(row.device_count_passed, &row.device_count_note),
        sprinkler_hydrant: r(row.sprinkler_hydrant_passed, &row.sprinkler_hydrant_note),
        gas_extinguishing: r(row.gas_extinguishing_passed, &row.gas_extinguishing_note),
        smoke_control: r(row.smoke_control_passed, &row.smoke_control_note),
    }
}

/// The acceptance as the rules see it.
fn typed(row: &AcceptanceRow) -> Acceptance {
    Acceptance {
        fire_inspected: row.fire_inspected,
        well_managed: row.well_managed,
        duty_person: row.duty_person,
        passed: passed(&checks_of(row)),
    }
}

fn render(row: &AcceptanceRow, contract_version: i64) -> AcceptanceOut {
    let failed: Vec<String> = rules::failures(&typed(row))
        .into_iter()
        .map(|f| f.field)
        .collect();
    AcceptanceOut {
        contract_id: row.contract_id.clone(),
        conditions: SiteConditions {
            fire_inspected: row.fire_inspected,
            well_managed: row.well_managed,
            duty_person: row.duty_person,
        },
        inspected_on: row.inspected_on,
        inspector_id: row.inspector_id.clone(),
        checks: checks_of(row),
        ready_to_sign: failed.is_empty(),
        failed,
        recorded_by: row.recorded_by.clone(),
        updated_at: from_db_time(row.updated_at),
        contract_version,
    }
}

/// CON-5, run by `signContract`: a maintenance agreement is signed only when its recorded
/// acceptance passes (422 `CON-5` listing every unmet condition and failed check).
pub fn check_signing(conn: &mut DbConnection, contract: &ContractRow) -> Result<(), ApiError> {
    let acceptance = store::find(conn, &contract.id)?.map(|r| typed(&r));
    Ok(rules::check_signing(contract.kind, acceptance.as_ref())?)
}

fn note(n: &Option<String>) -> Option<String> {
    n.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// CON-5: records (or replaces) the acceptance of a draft maintenance agreement the caller sees;
/// the contract's version moves, so a concurrent sign or edit sees the change (412).
pub fn record(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    tz: Tz,
    id: &str,
    expected_version: i64,
    input: RecordAcceptance,
) -> Result<AcceptanceOut, ApiError> {
    let scope = contract_scope(conn, actor)?;
    let (contract, _) = get_row(conn, &scope, id)?;
    if contract.version != expected_version {
        return Err(ApiError::PreconditionFailed {
            current: contract.version,
        });
    }
    rules::check_recording(contract.kind, contract.status)?;
    let mut errors = Vec::new();
    if input.inspected_on > today_of(tz, ctx.now) {
        errors.push(FieldError::new(
            "inspected_on",
            "range",
            "must not lie in the future",
        ));
    }
    let inspector = input
        .inspector_id
        .as_deref()
        .map(str::trim)
        .unwrap_or(&actor.user_id)
        .to_owned();
    if !kefu_store::users::exists(conn, &inspector)? {
        errors.push(FieldError::new("inspector_id", "not_found", "no such user"));
    }
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    let before = store::find(conn, id)?.map(|r| render(&r, contract.version));
    let c = &input.checks;
    let row = AcceptanceRow {
        contract_id: id.to_owned(),
        fire_inspected: input.conditions.fire_inspected,
        well_managed: input.conditions.well_managed,
        duty_person: input.conditions.duty_person,
        inspected_on: input.inspected_on,
        inspector_id: inspector,
        alarm_host_passed: c.alarm_host.passed,
        alarm_host_note: note(&c.alarm_host.note),
        device_count_passed: c.device_count.passed,
        device_count_note: note(&c.device_count.note),
        sprinkler_hydrant_passed: c.sprinkler_hydrant.passed,
        sprinkler_hydrant_note: note(&c.sprinkler_hydrant.note),
        gas_extinguishing_passed: c.gas_extinguishing.passed,
        gas_extinguishing_note: note(&c.gas_extinguishing.note),
        smoke_control_passed: c.smoke_control.passed,
        smoke_control_note: note(&c.smoke_control.note),
        recorded_by: actor.user_id.clone(),
        updated_at: to_db_time(ctx.now),
    };
    written(contracts_store::update(
        conn,
        id,
        expected_version,
        &ContractChanges::default(),
        ctx.now,
    )?)?;
    store::replace(conn, &row)?;
    let out = render(&row, expected_version + 1);
    ctx.audit(
        conn,
        "contract.record_acceptance",
        ("contract", id),
        before.as_ref().and_then(snapshot),
        snapshot(&out),
    )?;
    Ok(out)
}

/// CON-5: the acceptance recorded for a contract the caller sees (404 when none is recorded).
pub fn get(conn: &mut DbConnection, actor: &Actor, id: &str) -> Result<AcceptanceOut, ApiError> {
    let scope = contract_scope(conn, actor)?;
    let (contract, _) = get_row(conn, &scope, id)?;
    let row = store::find(conn, id)?.ok_or(ApiError::NotFound)?;
    Ok(render(&row, contract.version))
}

/// CON-6, run by `signContract`: a maintenance agreement signed on `signed_on` gets its
/// programme, its working-day deadlines from the work calendar from that day on.
pub fn start_programme(
    conn: &mut DbConnection,
    ctx: &Ctx,
    contract: &ContractRow,
    signed_on: NaiveDate,
    rules: &ContractRules,
) -> Result<(), ApiError> {
    if contract.kind != ContractKind::Maintenance {
        return Ok(());
    }
    let calendar = crate::calendar::service::load_work_calendar_from(conn, signed_on)?;
    let planned = kefu_contracts::programme::plan(
        rules,
        &calendar,
        signed_on,
        contract.period_start,
        contract.period_end,
    )?;
    let now = to_db_time(ctx.now);
    let rows: Vec<StepRow> = planned
        .into_iter()
        .map(|p| StepRow {
            id: kefu_store::new_id(),
            contract_id: contract.id.clone(),
            kind: p.kind,
            seq: p.seq,
            due_on: p.due_on,
            status: StepStatus::Open,
            completed_on: None,
            completed_by: None,
            created_at: now,
            updated_at: now,
            version: 1,
            deleted_at: None,
            customer_signatory: None,
            manager_approved_by: None,
            manager_approved_on: None,
            executive_approved_by: None,
            executive_approved_on: None,
            overdue_noticed_on: None,
        })
        .collect();
    store::insert_steps(conn, &rows)?;
    Ok(())
}

/// Whether `row` of a contract in `contract_status` is overdue on `today` (CON-6: from the
/// first working day after its due day, while the contract runs).
fn overdue_of(
    conn: &mut DbConnection,
    rows: &[StepRow],
    contract_status: ContractStatus,
    today: NaiveDate,
) -> Result<Vec<bool>, ApiError> {
    let from = rows
        .iter()
        .map(|r| r.due_on)
        .min()
        .unwrap_or(today)
        .min(today);
    let calendar = crate::calendar::service::load_work_calendar(conn, from, today)?;
    Ok(rows
        .iter()
        .map(|r| is_overdue(&calendar, r.status, contract_status, r.due_on, today))
        .collect())
}

fn render_step(row: StepRow, overdue: bool) -> StepOut {
    StepOut {
        overdue,
        customer_signs: row.kind.customer_signs(),
        approvals_required: row.kind.approvals(),
        id: row.id,
        contract_id: row.contract_id,
        kind: row.kind,
        seq: row.seq,
        due_on: row.due_on,
        status: row.status,
        completed_on: row.completed_on,
        completed_by: row.completed_by,
        customer_signatory: row.customer_signatory,
        manager_approved_by: row.manager_approved_by,
        manager_approved_on: row.manager_approved_on,
        executive_approved_by: row.executive_approved_by,
        executive_approved_on: row.executive_approved_on,
        overdue_noticed_on: row.overdue_noticed_on,
        created_at: from_db_time(row.created_at),
        updated_at: from_db_time(row.updated_at),
        version: row.version,
    }
}

/// One step as shown, its `overdue` judged on `today`.
fn render_one(
    conn: &mut DbConnection,
    row: StepRow,
    contract_status: ContractStatus,
    today: NaiveDate,
) -> Result<StepOut, ApiError> {
    let overdue = overdue_of(conn, std::slice::from_ref(&row), contract_status, today)?;
    Ok(render_step(row, overdue.first().copied().unwrap_or(false)))
}

/// CON-6, when a contract ends (terminated, or expired by the lifecycle job): every step not
/// done is cancelled — owed no more, on no dashboard, taking no command — each with its audit
/// entry and webhook event `maintenance_step.cancel`.
pub fn stop_programme(
    conn: &mut DbConnection,
    ctx: &Ctx,
    contract_id: &str,
) -> Result<(), ApiError> {
    for before in store::cancel_unfinished_of(conn, contract_id, ctx.now)? {
        let id = before.id.clone();
        let before = render_step(before, false);
        let after = store::find_step(conn, &id)?.map(|r| render_step(r, false));
        ctx.audit(
            conn,
            "maintenance_step.cancel",
            ("maintenance_step", &id),
            snapshot(&before),
            after.as_ref().and_then(snapshot),
        )?;
    }
    Ok(())
}

/// CON-6: the programme of a contract the caller sees (404 for any other), by due day.
pub fn steps(
    conn: &mut DbConnection,
    actor: &Actor,
    id: &str,
    today: NaiveDate,
) -> Result<Vec<StepOut>, ApiError> {
    let scope = contract_scope(conn, actor)?;
    let (contract, _) = get_row(conn, &scope, id)?;
    let rows = store::steps_of(conn, id)?;
    let overdue = overdue_of(conn, &rows, contract.status, today)?;
    Ok(rows
        .into_iter()
        .zip(overdue)
        .map(|(r, o)| render_step(r, o))
        .collect())
}

/// CON-6: runs a command on a step of a contract the caller sees (404 otherwise): load, check
/// the version, decide, save, audit.
pub fn act_on_step(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    tz: Tz,
    id: &str,
    expected_version: i64,
    command: StepCommand,
) -> Result<StepOut, ApiError> {
    let row = store::find_step(conn, id)?
        .filter(|r| r.deleted_at.is_none())
        .ok_or(ApiError::NotFound)?;
    let scope = contract_scope(conn, actor)?;
    let (contract, _) = get_row(conn, &scope, &row.contract_id)?;
    if row.version != expected_version {
        return Err(ApiError::PreconditionFailed {
            current: row.version,
        });
    }
    let today = today_of(tz, ctx.now);
    let step = Step {
        kind: row.kind,
        status: row.status,
        manager_approved: row.manager_approved_on.is_some(),
    };
    let outcome = decide_step(&step, &command, &actor.roles, today)?;
    let mut changes = StepChanges {
        status: Some(outcome.status),
        ..StepChanges::default()
    };
    let action = match &command {
        StepCommand::Complete {
            on,
            customer_signatory,
        } => {
            changes.completed_on = Some(*on);
            changes.completed_by = Some(actor.user_id.clone());
            changes.customer_signatory = customer_signatory.clone();
            "maintenance_step.complete"
        }
        StepCommand::Approve => {
            match outcome.approval {
                Some(Approval::Manager) => {
                    changes.manager_approved_by = Some(actor.user_id.clone());
                    changes.manager_approved_on = Some(today);
                }
                Some(Approval::Executive) => {
                    changes.executive_approved_by = Some(actor.user_id.clone());
                    changes.executive_approved_on = Some(today);
                }
                None => {}
            }
            "maintenance_step.approve"
        }
    };
    let before = render_one(conn, row, contract.status, today)?;
    written(store::update_step(
        conn,
        id,
        expected_version,
        &changes,
        ctx.now,
    )?)?;
    let saved = store::find_step(conn, id)?.ok_or(ApiError::NotFound)?;
    let out = render_one(conn, saved, contract.status, today)?;
    ctx.audit(
        conn,
        action,
        ("maintenance_step", id),
        snapshot(&before),
        snapshot(&out),
    )?;
    Ok(out)
}
