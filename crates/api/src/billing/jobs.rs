//! The billing domain's scheduled work (registered in `app::job_registry`), on the platform
//! scheduler (exactly once across instances: each line's write is a conditional claim).
//!
//! - `billing.commission_refresh` (BIL-11, HR-F4): keeps every closed commission month in step
//!   with the facts — lines `pending` → `due` once documents and callback, acceptance or year
//!   end come; `withheld` for late documents (with the HR-F4 fine proposal, once); `forfeited`
//!   for people who left — with the audit entries, webhook events and notices of a close.
//! - `receivables.promise_watch` (BIL-8): a promise to pay (a chasing note's `promised_on`)
//!   whose day has passed with the document still owing and no later note is told once to
//!   the caller and the customer's responsible engineer.
//! - `cash_advances.claim_overdue` (BIL-16): a paid-out advance whose claim is overdue is told
//!   once to the traveller and finance.

use crate::billing::service::commission_months;
use crate::billing::service::receivables::open_item;
use crate::billing::service::tidings::Tidings;
use crate::kernel::error::ApiError;
use crate::kernel::jobs::{JobHandler, JobRun};
use crate::kernel::notify::{Notice, notify};
use chrono_tz::Tz;
use kefu_billing::chasing::promise_lapsed;
use kefu_billing::receivables::{DocRef, ReceivableKind};
use kefu_core::Role;
use kefu_store::expenses as store;
use kefu_store::receivables::{self as notes, ChasingNoteRow};
use kefu_store::{DbConnection, write_tx};

// -- customer-facing money --

/// BIL-8: promises to pay whose day has passed. Each note is claimed by a conditional write
/// of the day it was looked at, so of any number of runs or instances one tells, once.
pub struct PromiseWatch {
    pub tz: Tz,
}

pub const PROMISE_LAPSED: &str = "chasing_note.promise_lapsed";

impl JobHandler for PromiseWatch {
    fn kind(&self) -> &'static str {
        "receivables.promise_watch"
    }

    fn run(&self, conn: &mut DbConnection, job: &JobRun<'_>) -> Result<(), ApiError> {
        for note in notes::lapsed_promises(conn, job.today)? {
            // One transaction per note: a failure leaves the others told.
            write_tx(conn, |conn| lapse(conn, job, self.tz, &note))?;
        }
        Ok(())
    }
}

fn lapse(
    conn: &mut DbConnection,
    job: &JobRun<'_>,
    tz: Tz,
    note: &ChasingNoteRow,
) -> Result<(), ApiError> {
    let (Some(promised_on), Some(kind)) =
        (note.promised_on, ReceivableKind::parse(&note.document_kind))
    else {
        return Ok(());
    };
    let doc = DocRef {
        kind,
        id: note.document_id.clone(),
    };
    let superseded = notes::superseded(conn, note)?;
    let owed =
        open_item(conn, tz, job.today, &doc, &note.customer_id)?.map_or(0, |i| i.outstanding_fen);
    // Claimed whatever the outcome: once its day has passed a promise is decided for good
    // (a new promise is a new note).
    if !notes::claim_lapse(conn, &note.id, job.today)?
        || !promise_lapsed(promised_on, job.today, superseded, owed)
    {
        return Ok(());
    }
    let owner = notes::customer_names(conn, std::slice::from_ref(&note.customer_id))?
        .pop()
        .and_then(|(_, _, owner)| owner)
        .filter(|o| *o != note.called_by);
    let told: Vec<String> = std::iter::once(note.called_by.clone())
        .chain(owner)
        .collect();
    let title = format!("客户承诺付款日已过：{}", note.document_id);
    let body = format!("客户承诺于 {promised_on} 前付款，单据仍欠 {owed} 分，请再次催缴。");
    let key = format!("{PROMISE_LAPSED}:{}", note.id);
    for user in &told {
        notify(
            conn,
            job.now,
            user,
            &Notice {
                kind: PROMISE_LAPSED,
                title: &title,
                body: &body,
                entity: Some(("chasing_note", &note.id)),
                dedupe_key: Some(&key),
            },
        )?;
    }
    job.ctx().audit(
        conn,
        PROMISE_LAPSED,
        ("chasing_note", &note.id),
        None,
        Some(serde_json::json!({
            "document_kind": note.document_kind, "document_id": note.document_id,
            "promised_on": promised_on, "outstanding_fen": owed, "notified_user_ids": told,
        })),
    )?;
    Ok(())
}

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
