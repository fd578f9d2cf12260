//! The contracts' scheduled work, on the platform scheduler (exactly once across instances:
//! each step is a conditional write, so a second run or instance finds nothing left to do).
//!
//! - `contracts.lifecycle` (CON-1): activates signed contracts whose period has begun, expires
//!   those whose period is over (cancelling their unfinished programme steps, CON-6), and
//!   renews tacit ones that were not cancelled in time.
//! - `contracts.overdue_payments` (CON-2): marks contracts unpaid after their due date and
//!   tells their signer, once.
//! - `contracts.expiry_reminders` (CON-3): one reminder task per contract period for the
//!   signer, one month (the rule's value) before the end.

use crate::contracts::service::contracts::{insert_successor, successor_of, typed};
use crate::kernel::error::ApiError;
use crate::kernel::jobs::{JobHandler, JobRun};
use crate::kernel::notify::{Notice, notify};
use chrono::Months;
use kefu_contracts::contract::{
    ContractStatus, Lifecycle, lifecycle, payment_due, status_from_start,
};
use kefu_contracts::deadlines::ContractRules;
use kefu_contracts::expiry::reminder_due;
use kefu_store::contract_reminders::{self as reminders, ReminderRow};
use kefu_store::contracts::{self as store, ContractChanges, ContractRow};
use kefu_store::{
    DbConnection, StoreError, VersionedWrite, new_id, savepoint, to_db_time, write_tx,
};

pub struct ContractLifecycle;

impl JobHandler for ContractLifecycle {
    fn kind(&self) -> &'static str {
        "contracts.lifecycle"
    }

    fn run(&self, conn: &mut DbConnection, job: &JobRun<'_>) -> Result<(), ApiError> {
        for row in store::lifecycle_due(conn, job.today)? {
            // One transaction per contract: a failure leaves the others' steps done.
            write_tx(conn, |conn| step(conn, job, &row))?;
        }
        Ok(())
    }
}

fn step(conn: &mut DbConnection, job: &JobRun<'_>, row: &ContractRow) -> Result<(), ApiError> {
    let contract = typed(row, store::has_successor(conn, &row.id)?);
    let Some(due) = lifecycle(&contract, job.today) else {
        return Ok(());
    };
    let ctx = job.ctx();
    let (status, action) = match due {
        Lifecycle::Activate => (ContractStatus::Active, "contract.activate"),
        Lifecycle::Expire | Lifecycle::ExpireAndRenew { .. } => {
            (ContractStatus::Expired, "contract.expire")
        }
    };
    let changes = ContractChanges {
        status: Some(status),
        ..ContractChanges::default()
    };
    // The versioned write is the claim: a contract changed since it was listed (a command,
    // another run or instance) is left for the next run to look at again.
    if store::update(conn, &row.id, row.version, &changes, job.now)? != VersionedWrite::Written {
        return Ok(());
    }
    if status == ContractStatus::Expired {
        // CON-6: an expired contract owes no more programme steps.
        crate::contracts::service::maintenance::stop_programme(conn, &ctx, &row.id)?;
    }
    let successor = match due {
        Lifecycle::ExpireAndRenew { period } => {
            let rules =
                crate::kernel::rules::load_in_force::<ContractRules>(conn, job.today)?.value;
            let mut next = successor_of(row, period, None, None, &row.created_by, job.now);
            // A tacit renewal needs no signature: it counts as signed on its first day.
            next.status = status_from_start(period.0, job.today);
            next.signed_on = Some(period.0);
            next.payment_due_on = Some(payment_due(&rules, period.0));
            let items = store::items_of(conn, std::slice::from_ref(&row.id))?
                .pop()
                .unwrap_or_default();
            insert_successor(conn, &next, &items)?;
            // CON-4: the new period's serials, the old licences linked to them.
            crate::contracts::service::licences::carry_over(
                conn,
                &ctx,
                &next,
                &row.created_by,
                job.today,
            )?;
            Some(next)
        }
        _ => None,
    };
    ctx.audit(
        conn,
        action,
        ("contract", &row.id),
        Some(serde_json::json!({"status": row.status})),
        Some(serde_json::json!({"status": status, "successor_id": successor.as_ref().map(|s| &s.id)})),
    )?;
    if let Some(next) = successor {
        ctx.audit(
            conn,
            "contract.renew",
            ("contract", &next.id),
            None,
            Some(serde_json::json!({
                "predecessor_id": row.id, "status": next.status, "renewal_mode": next.renewal_mode,
                "period_start": next.period_start, "period_end": next.period_end,
                "amount_fen": next.amount_fen, "payment_due_on": next.payment_due_on,
            })),
        )?;
        let title = format!("合同已默认续约：{}", row.title);
        let body = format!(
            "合同「{}」已按默认续约条款续至 {}，请于 {} 前跟进收款。",
            row.title,
            next.period_end,
            next.payment_due_on
                .map(|d| d.to_string())
                .unwrap_or_default()
        );
        let key = format!("contract.renewed_tacitly:{}", row.id);
        notify(
            conn,
            job.now,
            &row.signer_id,
            &Notice {
                kind: "contract.renewed_tacitly",
                title: &title,
                body: &body,
                entity: Some(("contract", &next.id)),
                dedupe_key: Some(&key),
            },
        )?;
    }
    Ok(())
}

pub struct OverduePayments;

pub const OVERDUE_KIND: &str = "contract.payment_overdue";

impl JobHandler for OverduePayments {
    fn kind(&self) -> &'static str {
        "contracts.overdue_payments"
    }

    fn run(&self, conn: &mut DbConnection, job: &JobRun<'_>) -> Result<(), ApiError> {
        for row in store::overdue_unnoticed(conn, job.today)? {
            write_tx(conn, |conn| mark_overdue(conn, job, &row))?;
        }
        Ok(())
    }
}

fn mark_overdue(
    conn: &mut DbConnection,
    job: &JobRun<'_>,
    row: &ContractRow,
) -> Result<(), ApiError> {
    // The conditional update is the claim: of two runs at once, one marks and tells.
    if !store::claim_overdue_notice(conn, &row.id, job.today, job.now)? {
        return Ok(());
    }
    let due = row
        .payment_due_on
        .map(|d| d.to_string())
        .unwrap_or_default();
    let title = format!("合同款项逾期未到账：{}", row.title);
    let body = format!(
        "合同「{}」应于 {} 前付款，已收 {} / {} 分，请尽快催收。",
        row.title, due, row.paid_fen, row.amount_fen
    );
    let key = format!("{OVERDUE_KIND}:{}", row.id);
    notify(
        conn,
        job.now,
        &row.signer_id,
        &Notice {
            kind: OVERDUE_KIND,
            title: &title,
            body: &body,
            entity: Some(("contract", &row.id)),
            dedupe_key: Some(&key),
        },
    )?;
    job.ctx().audit(
        conn,
        "contract.payment_overdue",
        ("contract", &row.id),
        None,
        Some(serde_json::json!({
            "payment_due_on": row.payment_due_on, "paid_fen": row.paid_fen,
            "amount_fen": row.amount_fen, "notified_user_ids": [row.signer_id],
        })),
    )?;
    Ok(())
}

/// CON-3: the expiry reminder task for the responsible engineer (the signer), once per
/// contract period. The unique key on `(contract_id, period_end)` is the claim: the insert of
/// a second run or instance fails on it and that run moves on, telling nobody again.
pub struct ExpiryReminders;

pub const REMINDER_KIND: &str = "contract.expiry_reminder";

impl JobHandler for ExpiryReminders {
    fn kind(&self) -> &'static str {
        "contracts.expiry_reminders"
    }

    fn run(&self, conn: &mut DbConnection, job: &JobRun<'_>) -> Result<(), ApiError> {
        let rules = crate::kernel::rules::load_in_force::<ContractRules>(conn, job.today)?.value;
        let months = u32::try_from(rules.expiry_reminder_months).unwrap_or(0);
        let Some(ending_before) = job.today.checked_add_months(Months::new(months)) else {
            return Ok(());
        };
        for candidate in reminders::candidates(conn, job.today, ending_before)? {
            write_tx(conn, |conn| remind(conn, job, &rules, &candidate))?;
        }
        Ok(())
    }
}

fn remind(
    conn: &mut DbConnection,
    job: &JobRun<'_>,
    rules: &ContractRules,
    (contract_id, title, signer_id, status, period_end): &reminders::Candidate,
) -> Result<(), ApiError> {
    let Some(status) = ContractStatus::parse(status) else {
        return Ok(());
    };
    if !reminder_due(rules, status, *period_end, job.today) {
        return Ok(());
    }
    let now = to_db_time(job.now);
    let row = ReminderRow {
        id: new_id(),
        contract_id: contract_id.clone(),
        period_end: *period_end,
        remind_on: rules.expiry_reminder_on(*period_end),
        assignee_id: signer_id.clone(),
        answer: None,
        answer_note: None,
        answered_by: None,
        answered_at: None,
        created_at: now,
        updated_at: now,
        version: 1,
    };
    match savepoint(conn, |conn| reminders::insert(conn, &row)) {
        Ok(()) => {}
        // Another run or instance created it first.
        Err(StoreError::Duplicate(_)) => return Ok(()),
        Err(e) => return Err(e.into()),
    }
    let body = format!("合同「{title}」将于 {period_end} 到期，请联系客户续签，并发送到期通知函。");
    let key = format!("{REMINDER_KIND}:{contract_id}:{period_end}");
    notify(
        conn,
        job.now,
        signer_id,
        &Notice {
            kind: REMINDER_KIND,
            title: &format!("合同即将到期：{title}"),
            body: &body,
            entity: Some(("contract", contract_id)),
            dedupe_key: Some(&key),
        },
    )?;
    job.ctx().audit(
        conn,
        "contract_reminder.create",
        ("contract_reminder", &row.id),
        None,
        crate::kernel::command::snapshot(&crate::contracts::service::reminders::render(&row)),
    )?;
    Ok(())
}
