//! ORG-4: a reminder to the people responsible for a customer when a piece of its equipment
//! is about to leave warranty (the `warranty-reminders` rule set says how far ahead). Sent
//! once per (equipment, warranty end): a changed warranty end is reminded again.

use crate::kernel::access::roles::{WARRANTY_ALWAYS_TOLD, role_names};
use crate::kernel::error::ApiError;
use crate::kernel::jobs::{JobHandler, JobRun};
use crate::kernel::notify::{Notice, notify};
use kefu_contracts::reminders::WarrantyReminders;
use kefu_store::equipment::{self, WarrantyEnding};
use kefu_store::notifications as inbox;
use kefu_store::{DbConnection, write_tx};
use std::collections::BTreeSet;

pub struct WarrantyReminderScan;

pub const NOTIFICATION_KIND: &str = "equipment.warranty_ending";

fn dedupe_key(e: &WarrantyEnding) -> String {
    format!("warranty:{}:{}", e.equipment_id, e.warranty_end)
}

impl JobHandler for WarrantyReminderScan {
    fn kind(&self) -> &'static str {
        "equipment.warranty_reminders"
    }

    fn max_attempts(&self) -> i64 {
        3
    }

    fn run(&self, conn: &mut DbConnection, job: &JobRun<'_>) -> Result<(), ApiError> {
        let rules =
            crate::kernel::rules::load_in_force::<WarrantyReminders>(conn, job.today)?.value;
        let (from, to) = rules.window(job.today);
        let ending = equipment::warranty_ending(conn, from, to)?;
        if ending.is_empty() {
            return Ok(());
        }
        let keys: Vec<String> = ending.iter().map(dedupe_key).collect();
        let reminded: BTreeSet<String> =
            inbox::dedupe_keys_used(conn, &keys)?.into_iter().collect();
        let always = inbox::enabled_holders_of(conn, &role_names(WARRANTY_ALWAYS_TOLD))?;
        for e in ending {
            let key = dedupe_key(&e);
            if !reminded.contains(&key) {
                // One transaction per equipment: a failure leaves the others' reminders sent.
                write_tx(conn, |conn| remind(conn, job, &e, &key, &always))?;
            }
        }
        Ok(())
    }
}

/// The admins and managers, the customer's responsible engineer and its team's supervisor.
fn recipients(
    conn: &mut DbConnection,
    e: &WarrantyEnding,
    always: &[String],
) -> Result<Vec<String>, ApiError> {
    let responsible: Vec<String> = [&e.owner_user_id, &e.team_supervisor_user_id]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
    let mut users: BTreeSet<String> = always.iter().cloned().collect();
    users.extend(inbox::enabled_people(conn, &responsible)?);
    Ok(users.into_iter().collect())
}

fn remind(
    conn: &mut DbConnection,
    job: &JobRun<'_>,
    e: &WarrantyEnding,
    key: &str,
    always: &[String],
) -> Result<(), ApiError> {
    let title = format!("设备保修即将到期：{}", e.serial);
    let body = format!(
        "客户「{}」的设备 {} 保修期至 {}，请及时联系客户续签服务合同。",
        e.customer_name, e.serial, e.warranty_end
    );
    let notice = Notice {
        kind: NOTIFICATION_KIND,
        title: &title,
        body: &body,
        entity: Some(("equipment", &e.equipment_id)),
        dedupe_key: Some(key),
    };
    let mut notified = Vec::new();
    for user in recipients(conn, e, always)? {
        if notify(conn, job.now, &user, &notice)?.is_some() {
            notified.push(user);
        }
    }
    if !notified.is_empty() {
        job.ctx().audit(
            conn,
            "equipment.warranty_reminder",
            ("equipment", &e.equipment_id),
            None,
            Some(serde_json::json!({
                "warranty_end": e.warranty_end,
                "customer_id": e.customer_id,
                "notified_user_ids": notified,
            })),
        )?;
    }
    Ok(())
}
