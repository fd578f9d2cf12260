//! BIL-7 customer rebates: money returned to the customer of a contract, a repair quote or a
//! commissioning job, borne by the engineer who earns from that record (fixed when recorded).
//! The commission computations read them through `kefu_store::rebates::total_for`, so a
//! rebate reduces the next computation of its record's lines; a mistaken one is cancelled
//! (once, by a conditional UPDATE). Visibility (ORG-5) is the customer's.

use crate::billing::dto::rebates::{CancelRebate, RebateOut, RecordRebate};
use crate::billing::service::quotes::{sees_customer, visible_or_404};
use crate::kernel::command::{Ctx, snapshot};
use crate::kernel::error::ApiError;
use chrono::NaiveDate;
use kefu_billing::rebates::{RebateSource, RebateStatus, check_cancel};
use kefu_core::{Actor, FieldError};
use kefu_store::rebates::{self as store, RebateRow};
use kefu_store::{DbConnection, new_id, to_db_time};

fn invalid(field: &str, code: &'static str, message: &str) -> ApiError {
    ApiError::Invalid(vec![FieldError::new(field, code, message).by_rule("BIL-7")])
}

/// A live rebate of a customer the caller sees; anything else is 404.
pub fn get_row(conn: &mut DbConnection, actor: &Actor, id: &str) -> Result<RebateRow, ApiError> {
    let row = store::find(conn, id)?;
    visible_or_404(conn, actor, row, |r| {
        (r.deleted_at.is_none(), &r.customer_id)
    })
}

/// The customer of the live record a rebate is returned on and the engineer who bears it.
fn source_facts(
    conn: &mut DbConnection,
    kind: RebateSource,
    id: &str,
) -> Result<Option<(String, String)>, ApiError> {
    Ok(match kind {
        RebateSource::Contract => kefu_store::contracts::find(conn, id)?
            .filter(|r| r.deleted_at.is_none())
            .map(|r| (r.customer_id, r.signer_id)),
        RebateSource::RepairQuote => kefu_store::repair_quotes::find(conn, id)?
            .filter(|r| r.deleted_at.is_none())
            .map(|r| (r.customer_id, r.engineer_id)),
        RebateSource::CommissioningJob => kefu_store::commissioning::find(conn, id)?
            .filter(|r| r.deleted_at.is_none())
            .map(|r| (r.customer_id, r.engineer_id)),
    })
}

/// BIL-7: records a rebate on a record of a customer the caller sees (422 `source_id`
/// otherwise), returned on a day not in the future (422 `returned_on`).
pub fn record(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    today: NaiveDate,
    input: RecordRebate,
) -> Result<RebateOut, ApiError> {
    let source_id = input.source_id.trim().to_owned();
    let (customer_id, engineer_id) = match source_facts(conn, input.source_kind, &source_id)? {
        Some((customer, engineer)) if sees_customer(conn, actor, &customer)? => {
            (customer, engineer)
        }
        _ => {
            return Err(invalid(
                "source_id",
                "not_found",
                "no such contract, repair quote or commissioning job",
            ));
        }
    };
    let returned_on = input.returned_on.unwrap_or(today);
    if returned_on > today {
        return Err(invalid(
            "returned_on",
            "future",
            "a rebate is booked once it was returned",
        ));
    }
    let now = to_db_time(ctx.now);
    let row = RebateRow {
        id: new_id(),
        customer_id,
        source_kind: input.source_kind.as_str().to_owned(),
        source_id,
        engineer_id,
        amount_fen: input.amount_fen,
        returned_on,
        reason: input.reason.trim().to_owned(),
        status: RebateStatus::Recorded.as_str().to_owned(),
        cancelled_by: None,
        cancelled_at: None,
        cancel_reason: None,
        recorded_by: actor.user_id.clone(),
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
    };
    store::insert(conn, &row)?;
    let out = RebateOut::from(&row);
    ctx.audit(
        conn,
        "rebate.record",
        ("rebate", &row.id),
        None,
        snapshot(&out),
    )?;
    Ok(out)
}

/// BIL-7: cancels a recorded rebate the caller sees, once (409 `BIL-7` after).
pub fn cancel(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    id: &str,
    expected: i64,
    input: CancelRebate,
) -> Result<RebateOut, ApiError> {
    let before = get_row(conn, actor, id)?;
    if before.version != expected {
        return Err(ApiError::PreconditionFailed {
            current: before.version,
        });
    }
    check_cancel(RebateStatus::parse(&before.status).unwrap_or(RebateStatus::Cancelled))?;
    let reason = input.reason.trim();
    if !store::cancel(conn, id, expected, &actor.user_id, reason, ctx.now)? {
        return Err(ApiError::State {
            rule: "BIL-7",
            message: "the rebate was cancelled meanwhile".to_owned(),
        });
    }
    let after = RebateOut::from(&get_row(conn, actor, id)?);
    ctx.audit(
        conn,
        "rebate.cancel",
        ("rebate", id),
        snapshot(&RebateOut::from(&before)),
        snapshot(&after),
    )?;
    Ok(after)
}
