//! BIL-11 hand-over: the unpaid 20% of a commissioning job goes to the engineer who takes the
//! job over. The former engineer's line becomes `transferred` (final) and links to a new line
//! of the taker, which the month close then keeps in step with the job's facts
//! ([`transfers_of`] feeds `kefu_billing::engine::carry_transfers`).

use crate::billing::dto::commission_lines::{CommissionLineOut, TransferLine};
use crate::billing::service::commission_lines;
use crate::kernel::command::{Ctx, snapshot};
use crate::kernel::error::ApiError;
use kefu_billing::engine::{LineKind, LineStatus, Transfer, check_transfer};
use kefu_core::{Actor, FieldError, Role};
use kefu_store::commission_lines::{self as store, LineRow};
use kefu_store::{DbConnection, new_id, to_db_time};
use std::collections::BTreeMap;

/// BIL-11: the hand-overs recorded in a month's ledger rows.
pub fn transfers_of(ledger: &[LineRow]) -> Vec<Transfer> {
    let by_id: BTreeMap<&str, &LineRow> = ledger.iter().map(|r| (r.id.as_str(), r)).collect();
    ledger
        .iter()
        .filter(|r| r.status == LineStatus::Transferred.as_str())
        .filter_map(|r| {
            let to = by_id.get(r.transferred_to.as_deref()?)?;
            Some(Transfer {
                source_id: r.source_id.clone(),
                from_person: r.person_id.clone(),
                to_person: to.person_id.clone(),
            })
        })
        .collect()
}

/// BIL-11: hands the open 20% line `id` (seen by the caller, else 404; at `expected`, else 412)
/// over to `input.to_person_id`, an enabled engineer other than its person (422
/// `to_person_id`, `BIL-11`).
pub fn transfer(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    (id, expected): (&str, i64),
    input: TransferLine,
) -> Result<CommissionLineOut, ApiError> {
    let before = commission_lines::get(conn, actor, id)?;
    if before.version != expected {
        return Err(ApiError::PreconditionFailed {
            current: before.version,
        });
    }
    let kind = LineKind::parse(&before.kind).unwrap_or(LineKind::CommissioningFirst);
    let status = LineStatus::parse(&before.status).unwrap_or(LineStatus::Paid);
    check_transfer(kind, status)?;
    let to = input.to_person_id.trim().to_owned();
    let engineer = kefu_store::users::enabled_with_role(conn, Role::Engineer)?.contains(&to);
    if !engineer || to == before.person_id {
        return Err(ApiError::Invalid(vec![
            FieldError::new(
                "to_person_id",
                "not_found",
                "name another enabled engineer, the one taking the job over",
            )
            .by_rule("BIL-11"),
        ]));
    }
    let now = to_db_time(ctx.now);
    let taker = LineRow {
        id: new_id(),
        person_id: to,
        transferred_to: None,
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
        ..before.clone()
    };
    let written = store::insert_new(conn, std::slice::from_ref(&taker))?;
    if written.is_empty() || !store::mark_transferred(conn, id, expected, &taker.id, ctx.now)? {
        return Err(ApiError::State {
            rule: "BIL-11",
            message: "the line was handed over or changed meanwhile".to_owned(),
        });
    }
    let after = CommissionLineOut::from(&commission_lines::get(conn, actor, id)?);
    ctx.audit(
        conn,
        "commission_line.transferred",
        ("commission_line", id),
        snapshot(&CommissionLineOut::from(&before)),
        snapshot(&after),
    )?;
    ctx.audit(
        conn,
        &format!("commission_line.{}", taker.status),
        ("commission_line", &taker.id),
        None,
        snapshot(&CommissionLineOut::from(&taker)),
    )?;
    Ok(after)
}
