//! BIL-12b approvals of a paid repair's labour line: the manager's, then the executive's (seed
//! 002 §5.2 (5)). Each is recorded once per repair quote (`kefu_store::repair_labour`) and the
//! line is recomputed at once, so after the executive's approval it is `due` with the salary
//! of this month; the month close computes the same line from the same facts.

use crate::billing::dto::commission_lines::CommissionLineOut;
use crate::billing::service::commission_lines;
use crate::billing::service::commission_months::{recomputed_line, status_changed};
use crate::kernel::command::{Ctx, snapshot};
use crate::kernel::error::ApiError;
use crate::kernel::rules::load_in_force;
use chrono::NaiveDate;
use kefu_billing::engine::repair::{self, Approval, PaidRepair, check_approval};
use kefu_billing::engine::{LineKind, LineStatus};
use kefu_billing::repair::RepairLabourShare;
use kefu_core::{Actor, YearMonth};
use kefu_store::DbConnection;
use kefu_store::commission_lines as lines_store;
use kefu_store::repair_labour as store;

fn refused(message: &str) -> ApiError {
    ApiError::State {
        rule: "BIL-12b",
        message: message.to_owned(),
    }
}

/// BIL-12b: gives `approval` to the repair labour line `id` (seen by the caller, else 404; at
/// `expected`, else 412) on `today`, in order (409 `BIL-12b` otherwise), and recomputes it.
pub fn approve(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    today: NaiveDate,
    (id, expected): (&str, i64),
    approval: Approval,
) -> Result<CommissionLineOut, ApiError> {
    let before = commission_lines::get(conn, actor, id)?;
    if before.version != expected {
        return Err(ApiError::PreconditionFailed {
            current: before.version,
        });
    }
    if before.kind != LineKind::RepairLabour.as_str() {
        return Err(refused("only a repair labour line is approved"));
    }
    let quote_id = before.source_id.clone();
    let approvals = store::approvals_of(conn, std::slice::from_ref(&quote_id))?;
    let given = approvals.get(&quote_id);
    let open = LineStatus::parse(&before.status).is_some_and(LineStatus::is_open);
    check_approval(
        approval,
        open,
        given.is_some(),
        given.is_some_and(|a| a.executive_approved_by.is_some()),
    )?;
    let written = match approval {
        Approval::Manager => {
            store::approve_by_manager(conn, &quote_id, &actor.user_id, today, ctx.now)?
        }
        Approval::Executive => {
            store::approve_by_executive(conn, &quote_id, &actor.user_id, today, ctx.now)?
        }
    };
    if !written {
        return Err(refused("another approval came first"));
    }
    // The line as the month close computes it now, from the repair earned in its month.
    let month: YearMonth = before
        .earned_month
        .parse()
        .map_err(|_| ApiError::internal("a line's month is malformed"))?;
    let (first, last) = month
        .first_day()
        .zip(month.next().first_day().and_then(|d| d.pred_opt()))
        .ok_or_else(|| ApiError::internal("month out of range"))?;
    let paid = store::paid_between(conn, first, last)?
        .into_iter()
        .find(|p| p.quote_id == quote_id)
        .ok_or_else(|| refused("the repair is no longer paid in full in the line's month"))?;
    let approvals = store::approvals_of(conn, std::slice::from_ref(&quote_id))?;
    let given = approvals.get(&quote_id);
    let table = load_in_force::<RepairLabourShare>(conn, last)?;
    let line = repair::compute(
        &PaidRepair {
            rebate_fen: kefu_store::rebates::total_for(conn, "repair_quote", &quote_id)?,
            manager_approved_on: given.map(|a| a.manager_approved_on),
            executive_approved_on: given.and_then(|a| a.executive_approved_on),
            quote_id: paid.quote_id,
            engineer_id: before.person_id.clone(),
            fee_fen: paid.fee_fen,
            floor_fen: paid.floor_fen,
            paid_on: paid.paid_on,
        },
        &table,
    )?;
    let next = recomputed_line(line.clone())?;
    if !lines_store::update_open(conn, id, expected, &next, ctx.now)? {
        return Err(ApiError::PreconditionFailed {
            current: expected + 1,
        });
    }
    let after = CommissionLineOut::from(&commission_lines::get(conn, actor, id)?);
    let action = match approval {
        Approval::Manager => "commission_line.manager_approve",
        Approval::Executive => "commission_line.executive_approve",
    };
    ctx.audit(
        conn,
        action,
        ("commission_line", id),
        snapshot(&CommissionLineOut::from(&before)),
        snapshot(&after),
    )?;
    if before.status != next.status {
        status_changed(conn, ctx, id, Some(&before.status), &line)?;
    }
    Ok(after)
}
