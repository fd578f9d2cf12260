//! The billing domain's scheduled work (registered in `app::job_registry`), on the platform
//! scheduler (exactly once across instances: each line's write is a conditional claim).
//!
//! - `billing.commission_refresh` (BIL-11, HR-F4): keeps every closed commission month in step
//!   with the facts — lines `pending` → `due` once documents and callback, acceptance or year
//!   end come; `withheld` for late documents (with the HR-F4 fine proposal, once); `forfeited`
//!   for people who left — with the audit entries, webhook events and notices of a close.
//! - `cash_advances.claim_overdue` (BIL-16): a paid-out advance whose claim is overdue is told
//!   once to the traveller and finance.

use crate::billing::service::commission_months;
use crate::billing::service::tidings::Tidings;
use crate::kernel::error::ApiError;
use crate::kernel::jobs::{JobHandler, JobRun};
use kefu_core::Role;
use kefu_store::expenses as store;
use kefu_store::{DbConnection, write_tx};

// -- customer-facing money --

// -- commissions and payroll --

pub struct CommissionRefresh;

impl JobHandler for CommissionRefresh {
    fn kind(&self) -> &'static str {
        "billing.commission_refresh"
    }

    fn run(&self, conn: &mut DbConnection, job: &JobRun<'_>) -> Result<(), ApiError> {
        let ctx = job.ctx();
        for month in commission_months::months_to_refresh(conn, job.today)? {
            // One transaction per month: a failure leaves the other months' work done.
            write_tx(conn, |conn| {
                commission_months::refresh(conn, &ctx, month, job.today)
            })?;
        }
        Ok(())
    }
}

// -- expenses --

/// BIL-16: a paid-out advance whose trip has no claim by its due day (the week after the
/// return): the traveller and finance are told once, and the advance's audit trail records
/// it. The flag is a conditional update, so of any number of instances one tells.
pub struct AdvanceClaimOverdue;

impl JobHandler for AdvanceClaimOverdue {
    fn kind(&self) -> &'static str {
        "cash_advances.claim_overdue"
    }

    fn max_attempts(&self) -> i64 {
        3
    }

    fn run(&self, conn: &mut DbConnection, job: &JobRun<'_>) -> Result<(), ApiError> {
        let ctx = job.ctx();
        for advance in store::overdue_unflagged(conn, job.today, 200)? {
            // One transaction per advance: a failure leaves the others told.
            write_tx(conn, |conn| {
                if !store::flag_overdue(conn, &advance.id, job.now)? {
                    return Ok::<_, ApiError>(());
                }
                let after = store::find_advance(conn, &advance.id)?.ok_or(ApiError::NotFound)?;
                ctx.audit(
                    conn,
                    "cash_advance.overdue",
                    ("cash_advance", &advance.id),
                    crate::kernel::command::snapshot(
                        &crate::billing::dto::advances::AdvanceOut::from(&advance),
                    ),
                    crate::kernel::command::snapshot(
                        &crate::billing::dto::advances::AdvanceOut::from(&after),
                    ),
                )?;
                let due = advance.due_date.map(|d| d.to_string()).unwrap_or_default();
                let body = format!("借支的差旅报销应于 {due} 前提交，已逾期（BIL-16）");
                // Keyed on the advance alone: told once whatever its version.
                let told = Tidings {
                    kind: "advance.claim_overdue",
                    title: "借支报销逾期",
                    body: &body,
                    about: ("cash_advance", &advance.id, 0),
                };
                told.tell(conn, &ctx, &advance.user_id)?;
                told.tell_role(conn, &ctx, Role::Finance)
            })?;
        }
        Ok(())
    }
}
