//! The commissioning jobs' scheduled work, on the platform scheduler (exactly once across
//! instances: the conditional write is the claim).
//!
//! - `contracts.commissioning_late_documents` (CON-7): marks the jobs whose documents are
//!   missing after their due day and tells the engineer, once per job.

use crate::contracts::service::commissioning::typed;
use crate::kernel::error::ApiError;
use crate::kernel::jobs::{JobHandler, JobRun};
use crate::kernel::notify::{Notice, notify};
use kefu_contracts::commissioning::late_documents;
use kefu_store::commissioning::{self as store, JobRow};
use kefu_store::{DbConnection, write_tx};

pub struct LateDocuments;

pub const LATE_KIND: &str = "commissioning_job.documents_late";

impl JobHandler for LateDocuments {
    fn kind(&self) -> &'static str {
        "contracts.commissioning_late_documents"
    }

    fn run(&self, conn: &mut DbConnection, job: &JobRun<'_>) -> Result<(), ApiError> {
        for row in store::documents_late_unnoticed(conn, job.today)? {
            // One transaction per job: a failure leaves the others' notices done.
            write_tx(conn, |conn| mark_late(conn, job, &row))?;
        }
        Ok(())
    }
}

fn mark_late(conn: &mut DbConnection, job: &JobRun<'_>, row: &JobRow) -> Result<(), ApiError> {
    let missing = late_documents(&typed(row), job.today);
    if missing.is_empty() {
        return Ok(());
    }
    // The conditional update is the claim: of two runs at once, one marks and tells.
    if !store::claim_late_notice(conn, &row.id, job.today, job.now)? {
        return Ok(());
    }
    let due = row
        .documents_due_on
        .map(|d| d.to_string())
        .unwrap_or_default();
    let names: Vec<&str> = missing
        .iter()
        .map(|d| match d.as_str() {
            "project_file" => "《工程档案》",
            "satisfaction_questionnaire" => "《顾客满意度调查问卷》",
            _ => "《工程调试通知及结算单》",
        })
        .collect();
    let title = format!("调试资料逾期未交：{}", row.title);
    let body = format!(
        "工程「{}」的调试资料应于 {} 前上交，尚缺 {}，请尽快补交。",
        row.title,
        due,
        names.join("、")
    );
    let key = format!("{LATE_KIND}:{}", row.id);
    notify(
        conn,
        job.now,
        &row.engineer_id,
        &Notice {
            kind: LATE_KIND,
            title: &title,
            body: &body,
            entity: Some(("commissioning_job", &row.id)),
            dedupe_key: Some(&key),
        },
    )?;
    job.ctx().audit(
        conn,
        "commissioning_job.documents_late",
        ("commissioning_job", &row.id),
        None,
        Some(serde_json::json!({
            "documents_due_on": row.documents_due_on, "missing": missing,
            "notified_user_ids": [row.engineer_id],
        })),
    )?;
    Ok(())
}
