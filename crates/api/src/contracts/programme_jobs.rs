//! The maintenance programme's scheduled work, on the platform scheduler (exactly once across
//! instances: the conditional write is the claim).
//!
//! - `contracts.overdue_programme_steps` (CON-6): tells the responsible engineer (the
//!   contract's signer) and the managers about each programme step once it is overdue — from
//!   the first working day after its due day, while its contract runs — once per step.

use crate::contracts::service::overdue_steps::{calendar_for, due_before, waits_for};
use crate::kernel::access::roles::{MANAGERS, role_names};
use crate::kernel::error::ApiError;
use crate::kernel::jobs::{JobHandler, JobRun};
use crate::kernel::notify::{Notice, notify};
use kefu_contracts::programme::StepKind;
use kefu_contracts::programme_overdue::working_days_overdue;
use kefu_core::WorkCalendar;
use kefu_store::maintenance::{self as store, OverdueStep};
use kefu_store::notifications as inbox;
use kefu_store::{DbConnection, write_tx};

pub struct OverdueProgrammeSteps;

pub const OVERDUE_STEP_KIND: &str = "maintenance_step.overdue";

impl JobHandler for OverdueProgrammeSteps {
    fn kind(&self) -> &'static str {
        "contracts.overdue_programme_steps"
    }

    fn run(&self, conn: &mut DbConnection, job: &JobRun<'_>) -> Result<(), ApiError> {
        let Some(before) = due_before(conn, job.today)? else {
            return Ok(());
        };
        let rows = store::overdue_unnoticed(conn, before)?;
        if rows.is_empty() {
            return Ok(());
        }
        let calendar = calendar_for(conn, &rows, job.today)?;
        let managers = inbox::enabled_holders_of(conn, &role_names(MANAGERS))?;
        for row in &rows {
            // One transaction per step: a failure leaves the others' notices done.
            write_tx(conn, |conn| tell(conn, job, &calendar, &managers, row))?;
        }
        Ok(())
    }
}

fn step_name(kind: StepKind) -> &'static str {
    match kind {
        StepKind::DeviceComparison => "设备初始化对照表（客户签字）",
        StepKind::LinkageTest => "100% 联动测试",
        StepKind::SprinklerEndTest => "100% 喷淋末端试水",
        StepKind::TestPlan => "月度测试计划（经理、总经理审批）",
        StepKind::MonthlyTestRecord => "月度测试记录（客户签字）",
        StepKind::ManagerInspection => "客服经理季度检查",
    }
}

fn tell(
    conn: &mut DbConnection,
    job: &JobRun<'_>,
    calendar: &WorkCalendar,
    managers: &[String],
    (step, title, _customer_id, signer_id, customer_name): &OverdueStep,
) -> Result<(), ApiError> {
    // The conditional update is the claim: of two runs at once, one marks and tells.
    if !store::claim_overdue_notice(conn, &step.id, job.today, job.now)? {
        return Ok(());
    }
    let days = working_days_overdue(calendar, step.due_on, job.today);
    let subject = format!("维保步骤逾期：{title}");
    let body = format!(
        "客户「{customer_name}」合同「{title}」的{}（第 {} 次）应于 {} 前完成，已逾期 {days} 个工作日。",
        step_name(step.kind),
        step.seq,
        step.due_on
    );
    let mut told: Vec<String> = vec![signer_id.clone()];
    told.extend(managers.iter().filter(|m| *m != signer_id).cloned());
    for user in &told {
        let key = format!("{OVERDUE_STEP_KIND}:{}:{user}", step.id);
        notify(
            conn,
            job.now,
            user,
            &Notice {
                kind: OVERDUE_STEP_KIND,
                title: &subject,
                body: &body,
                entity: Some(("maintenance_step", &step.id)),
                dedupe_key: Some(&key),
            },
        )?;
    }
    job.ctx().audit(
        conn,
        "maintenance_step.overdue",
        ("maintenance_step", &step.id),
        None,
        Some(serde_json::json!({
            "contract_id": step.contract_id, "kind": step.kind, "seq": step.seq,
            "due_on": step.due_on, "status": step.status, "waiting_for": waits_for(step),
            "working_days_overdue": days, "overdue_noticed_on": job.today,
            "responsible_id": signer_id, "notified_user_ids": told,
        })),
    )?;
    Ok(())
}
