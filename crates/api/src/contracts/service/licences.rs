//! Software licences (CON-4): issued under a contract the caller sees for an installation it
//! covers; carried over to the next period when the contract is renewed (signing an express
//! renewal, or the lifecycle job's tacit one); checked by the installed software.
//!
//! Visibility is the contract's (ORG-5, `kernel::access::scope::contracts`): a licence of a
//! contract the caller does not see is 404.

use crate::contracts::dto::licences::{IssueLicence, LicenceOut};
use crate::contracts::service::contracts::{contract_scope, get_row, today_of};
use crate::kernel::command::{Ctx, snapshot};
use crate::kernel::error::ApiError;
use chrono::NaiveDate;
use chrono_tz::Tz;
use kefu_contracts::contract::ContractStatus;
use kefu_contracts::licence::{self as rules, CheckAnswer, LicenceContract};
use kefu_core::{Actor, DomainError, FieldError};
use kefu_store::contracts::{ContractItems, ContractRow};
use kefu_store::licences::{self as store, LicenceRow, LicenceWithContract};
use kefu_store::{DbConnection, StoreError, from_db_time, new_id, savepoint, to_db_time};
use rand::RngCore;

pub fn render((row, status): &LicenceWithContract, today: NaiveDate) -> LicenceOut {
    let status = ContractStatus::parse(status).unwrap_or(ContractStatus::Active);
    LicenceOut {
        id: row.id.clone(),
        serial: row.serial.clone(),
        contract_id: row.contract_id.clone(),
        customer_id: row.customer_id.clone(),
        equipment_id: row.equipment_id.clone(),
        valid_from: row.valid_from,
        valid_until: row.valid_until,
        state: rules::recorded_state(
            row.voided_on.is_some(),
            row.valid_from,
            row.valid_until,
            status,
            today,
        ),
        voided_on: row.voided_on,
        replaces_id: row.replaces_id.clone(),
        replaced_by_id: row.replaced_by_id.clone(),
        issued_by: row.issued_by.clone(),
        note: row.note.clone(),
        deleted: row.deleted_at.is_some(),
        created_at: from_db_time(row.created_at),
        updated_at: from_db_time(row.updated_at),
        version: row.version,
    }
}

fn typed(row: &ContractRow) -> LicenceContract {
    LicenceContract {
        status: row.status,
        period_start: row.period_start,
        period_end: row.period_end,
        signed_on: row.signed_on,
        renewal: row.predecessor_id.is_some(),
    }
}

fn new_serial() -> String {
    let mut bytes = [0u8; 13];
    rand::rng().fill_bytes(&mut bytes);
    rules::serial_from(bytes)
}

/// A licence row for `contract` and `equipment_id` over `period`.
fn row_of(
    contract: &ContractRow,
    equipment_id: &str,
    period: (NaiveDate, NaiveDate),
    issued_by: &str,
    note: Option<String>,
    ctx: &Ctx,
) -> LicenceRow {
    let now = to_db_time(ctx.now);
    LicenceRow {
        id: new_id(),
        serial: new_serial(),
        contract_id: contract.id.clone(),
        customer_id: contract.customer_id.clone(),
        equipment_id: equipment_id.to_owned(),
        valid_from: period.0,
        valid_until: period.1,
        replaces_id: None,
        replaced_by_id: None,
        issued_by: issued_by.to_owned(),
        note,
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
        voided_on: None,
    }
}

/// Inserts a licence; the installation licensed under the contract already (another request
/// first) is 409 `CON-4`.
fn insert(conn: &mut DbConnection, row: &LicenceRow) -> Result<(), ApiError> {
    savepoint(conn, |conn| store::insert(conn, row)).map_err(|e| match e {
        StoreError::Duplicate(_) => DomainError::State {
            rule: "CON-4",
            message: "the installation has its licence under this contract already".to_owned(),
        }
        .into(),
        other => other.into(),
    })
}

/// CON-4: issues the serial of an installation the contract covers, for the rest of the
/// contract's service period.
pub fn issue(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    tz: Tz,
    contract_id: &str,
    input: IssueLicence,
) -> Result<LicenceOut, ApiError> {
    let scope = contract_scope(conn, actor)?;
    let (contract, items): (ContractRow, ContractItems) = get_row(conn, &scope, contract_id)?;
    let equipment_id = input.equipment_id.trim().to_owned();
    if !items.equipment_ids.contains(&equipment_id) {
        return Err(ApiError::Invalid(vec![
            FieldError::new(
                "equipment_id",
                "not_covered",
                "CON-4: the contract does not cover this installation",
            )
            .by_rule("CON-4"),
        ]));
    }
    let installed_on =
        kefu_store::equipment::find(conn, &equipment_id)?.and_then(|e| e.install_date);
    let licensed = store::exists_for(conn, contract_id, &equipment_id)?;
    let period = rules::decide_issue(&typed(&contract), installed_on, input.valid_from, licensed)?;
    let note = input
        .note
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty());
    let row = row_of(&contract, &equipment_id, period, &actor.user_id, note, ctx);
    insert(conn, &row)?;
    let out = render(
        &(row, contract.status.as_str().to_owned()),
        today_of(tz, ctx.now),
    );
    ctx.audit(
        conn,
        "licence.issue",
        ("licence", &out.id),
        None,
        snapshot(&out),
    )?;
    Ok(out)
}

/// CON-4 renewal: the contract `successor` (an express renewal just signed, or a tacit one just
/// started) continues its predecessor, so each installation licensed under the predecessor and
/// still covered gets a new serial for the new period, and the old licence is linked to it.
/// Exactly once per licence: the conditional link is the claim.
pub fn carry_over(
    conn: &mut DbConnection,
    ctx: &Ctx,
    successor: &ContractRow,
    issued_by: &str,
    today: NaiveDate,
) -> Result<(), ApiError> {
    let Some(predecessor) = successor.predecessor_id.as_deref() else {
        return Ok(());
    };
    let covered = kefu_store::contracts::items_of(conn, std::slice::from_ref(&successor.id))?
        .pop()
        .unwrap_or_default()
        .equipment_ids;
    let status = successor.status.as_str().to_owned();
    for old in store::unreplaced_of(conn, predecessor)? {
        if !covered.contains(&old.equipment_id)
            || store::exists_for(conn, &successor.id, &old.equipment_id)?
        {
            continue;
        }
        let period = (successor.period_start, successor.period_end);
        let mut row = row_of(successor, &old.equipment_id, period, issued_by, None, ctx);
        row.replaces_id = Some(old.id.clone());
        insert(conn, &row)?;
        if !store::claim_replacement(conn, &old.id, &row.id, ctx.now)? {
            return Err(DomainError::State {
                rule: "CON-4",
                message: "the licence was replaced already".to_owned(),
            }
            .into());
        }
        let new_out = render(&(row, status.clone()), today);
        ctx.audit(
            conn,
            "licence.renew",
            ("licence", &new_out.id),
            None,
            snapshot(&new_out),
        )?;
        let before = render(&(old.clone(), status.clone()), today);
        if let Some(after) = store::find(conn, &old.id)? {
            ctx.audit(
                conn,
                "licence.supersede",
                ("licence", &old.id),
                snapshot(&before),
                snapshot(&render(&after, today)),
            )?;
        }
    }
    Ok(())
}

/// A live licence of a contract the caller sees, else 404.
pub fn get(
    conn: &mut DbConnection,
    actor: &Actor,
    id: &str,
    today: NaiveDate,
) -> Result<LicenceOut, ApiError> {
    let found = store::find(conn, id)?
        .filter(|(r, _)| r.deleted_at.is_none())
        .ok_or(ApiError::NotFound)?;
    let scope = contract_scope(conn, actor)?;
    get_row(conn, &scope, &found.0.contract_id)?;
    Ok(render(&found, today))
}

/// CON-4: the history of the licence's installation — every licence of it the caller sees,
/// oldest period first (404 for a licence the caller does not see).
pub fn history(
    conn: &mut DbConnection,
    actor: &Actor,
    id: &str,
    today: NaiveDate,
) -> Result<Vec<LicenceOut>, ApiError> {
    let licence = get(conn, actor, id, today)?;
    let scope = contract_scope(conn, actor)?;
    Ok(store::history(conn, &scope, &licence.equipment_id)?
        .iter()
        .map(|l| render(l, today))
        .collect())
}

/// CON-4: whether `serial` is valid on `today` and until when; the same answer for every serial
/// that is not valid, known or not.
pub fn check(
    conn: &mut DbConnection,
    serial: &str,
    today: NaiveDate,
) -> Result<CheckAnswer, ApiError> {
    Ok(rules::check(
        store::check_serial(conn, serial.trim())?,
        today,
    ))
}

/// CON-4, run by `terminateContract`: the terminated contract's licences are voided — kept for
/// the installation's history, `void` for good, answered by the check as unknown serials —
/// each with its audit entry and webhook event `licence.void`.
pub fn void_of_terminated(
    conn: &mut DbConnection,
    ctx: &Ctx,
    contract_id: &str,
    today: NaiveDate,
) -> Result<(), ApiError> {
    for before in store::void_of_contract(conn, contract_id, today, ctx.now)? {
        let id = before.id.clone();
        // Before the termination the licence was judged under a running contract.
        let before = render(&(before, ContractStatus::Active.as_str().to_owned()), today);
        let after = store::find(conn, &id)?.map(|l| render(&l, today));
        ctx.audit(
            conn,
            "licence.void",
            ("licence", &id),
            snapshot(&before),
            after.as_ref().and_then(snapshot),
        )?;
    }
    Ok(())
}
