//! TKT-12: a change request not yet delivered within `service-deadlines`'
//! `change_request_delay_notice_working_days` working days of its promised date (or past it)
//! needs its delay announced to the customer; the requesting engineer and the managers are
//! told, once per (request, promised date): a delay notice moves the date, and the new date
//! is watched again.

use crate::kernel::access::roles::{MANAGERS, role_names};
use crate::kernel::error::ApiError;
use crate::kernel::jobs::{JobHandler, JobRun};
use crate::kernel::notify::{Notice, notify};
use crate::tickets::service::change_requests::delay_notice_threshold;
use kefu_store::change_requests::{self as store, ChangeRequestRow};
use kefu_store::notifications as inbox;
use kefu_store::{DbConnection, write_tx};
use kefu_tickets::change_requests::Stage;
use std::collections::BTreeSet;

pub struct DelayWatch;

fn key(row: &ChangeRequestRow) -> String {
    let date = row.promised_date.map(|d| d.to_string()).unwrap_or_default();
    format!("change_request.delay_notice_due:{}:{date}", row.id)
}

impl JobHandler for DelayWatch {
    fn kind(&self) -> &'static str {
        "change_requests.delay_watch"
    }

    fn max_attempts(&self) -> i64 {
        3
    }

    fn run(&self, conn: &mut DbConnection, job: &JobRun<'_>) -> Result<(), ApiError> {
        let by = delay_notice_threshold(conn, job.today)?;
        let rows = store::promised_by(conn, &Stage::UNDELIVERED, by)?;
        let keys: Vec<String> = rows.iter().map(key).collect();
        let sent: BTreeSet<String> = inbox::dedupe_keys_used(conn, &keys)?.into_iter().collect();
        let managers = inbox::enabled_holders_of(conn, &role_names(MANAGERS))?;
        for row in rows.iter().filter(|r| !sent.contains(&key(r))) {
            // One transaction per request: a failure leaves the others told.
            write_tx(conn, |conn| announce(conn, job, row, &managers))?;
        }
        Ok(())
    }
}

fn announce(
    conn: &mut DbConnection,
    job: &JobRun<'_>,
    row: &ChangeRequestRow,
    managers: &[String],
) -> Result<(), ApiError> {
    let mut users: BTreeSet<String> =
        inbox::enabled_people(conn, std::slice::from_ref(&row.requested_by))?
            .into_iter()
            .collect();
    users.extend(managers.iter().cloned());
    let title = format!("程序修改临近承诺日期：{}", row.title);
    let date = row.promised_date.map(|d| d.to_string()).unwrap_or_default();
    let body = format!("承诺完成日期 {date}，如不能按期完成请提前通知客户延期");
    let key = key(row);
    let notice = Notice {
        kind: "change_request.delay_notice_due",
        title: &title,
        body: &body,
        entity: Some(("change_request", &row.id)),
        dedupe_key: Some(&key),
    };
    for user in users {
        notify(conn, job.now, &user, &notice)?;
    }
    Ok(())
}
