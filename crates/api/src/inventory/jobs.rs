//! INV-2: flags each loan still out after its due day, exactly once (a conditional UPDATE on
//! the flag), and tells the engineer and the managers in the same transaction. Overdue loans
//! also count as breaches (INV-2) for HR scoring once that lands. INV-7: a working day whose
//! daily count was not taken is flagged once after it ends. INV-6: an RMA still at the
//! manufacturer after its expected day is flagged once.

use crate::calendar::service::load_work_calendar;
use crate::inventory::service::counts as count_svc;
use crate::kernel::access::roles::{MANAGERS, role_names};
use crate::kernel::command::Ctx;
use crate::kernel::error::ApiError;
use crate::kernel::jobs::{JobHandler, JobRun};
use crate::kernel::notify::{Notice, notify};
use chrono::{TimeZone, Utc};
use chrono_tz::Tz;
use kefu_core::Role;
use kefu_inventory::counts::missing;
use kefu_store::inventory::counts;
use kefu_store::inventory::loans as store;
use kefu_store::inventory::rma as rmas;
use kefu_store::notifications as inbox;
use kefu_store::{DbConnection, to_db_time, write_tx};

pub struct LoanOverdueWatch;

impl JobHandler for LoanOverdueWatch {
    fn kind(&self) -> &'static str {
        "part_loans.overdue_watch"
    }

    fn max_attempts(&self) -> i64 {
        3
    }

    fn run(&self, conn: &mut DbConnection, job: &JobRun<'_>) -> Result<(), ApiError> {
        for loan in store::overdue_unflagged(conn, job.today)? {
            // One transaction per loan: a failure leaves the others flagged.
            write_tx(conn, |conn| {
                if !store::flag_overdue(conn, &loan.id, job.now)? {
                    // Another instance flagged it first.
                    return Ok::<_, ApiError>(());
                }
                let ctx = Ctx::system(job.now);
                ctx.audit(
                    conn,
                    "part_loan.overdue",
                    ("part_loan", &loan.id),
                    None,
                    Some(serde_json::json!({"id": loan.id, "due_on": loan.due_on})),
                )?;
                let due = loan.due_on.map(|d| d.to_string()).unwrap_or_default();
                let title = "备品借用已逾期".to_owned();
                let body = format!("应于 {due} 归还的备品尚未归还");
                let mut told = inbox::enabled_holders_of(conn, &role_names(MANAGERS))?;
                told.push(loan.engineer_id.clone());
                told.sort();
                told.dedup();
                for user in told {
                    let key = format!("part_loan.overdue:{}:{user}", loan.id);
                    notify(
                        conn,
                        job.now,
                        &user,
                        &Notice {
                            kind: "part_loan.overdue",
                            title: &title,
                            body: &body,
                            entity: Some(("part_loan", &loan.id)),
                            dedupe_key: Some(&key),
                        },
                    )?;
                }
                Ok(())
            })?;
        }
        Ok(())
    }
}

/// INV-7: after a working day ends, raises a `missing_count` anomaly for each opening or
/// closing count the fault-service centre did not submit that day — once: the anomaly's
/// occurrence key is unique, so of concurrent instances one records it and tells the office.
/// It looks at the previous day only; a day the scheduler did not run at all is not caught
/// up (the count list shows it).
pub struct CountWatch {
    pub tz: Tz,
}

impl JobHandler for CountWatch {
    fn kind(&self) -> &'static str {
        "stock_counts.missing_watch"
    }

    fn max_attempts(&self) -> i64 {
        3
    }

    fn run(&self, conn: &mut DbConnection, job: &JobRun<'_>) -> Result<(), ApiError> {
        let Some(day) = job.today.pred_opt() else {
            return Ok(());
        };
        if !load_work_calendar(conn, day, day)?.is_working_day(day) {
            return Ok(());
        }
        // A location set up during the day owed no count of it.
        let Some(start) = day
            .and_hms_opt(0, 0, 0)
            .and_then(|t| self.tz.from_local_datetime(&t).earliest())
        else {
            return Ok(());
        };
        let ctx = Ctx::system(job.now);
        for location in counts::service_centres(conn, to_db_time(start.with_timezone(&Utc)))? {
            let taken = counts::kinds_taken(conn, &location, day)?;
            for kind in missing(&taken) {
                // One transaction per missing count: a failure leaves the others recorded.
                write_tx(conn, |conn| {
                    count_svc::raise_missing(conn, &ctx, &location, day, kind)
                })?;
            }
        }
        Ok(())
    }
}

/// INV-6: flags each RMA still `sent` after its expected day, exactly once (a conditional
/// UPDATE on the flag), and tells the managers and clerks — who chase the manufacturer — in
/// the same transaction.
pub struct RmaOverdueWatch;

impl JobHandler for RmaOverdueWatch {
    fn kind(&self) -> &'static str {
        "part_rmas.overdue_watch"
    }

    fn max_attempts(&self) -> i64 {
        3
    }

    fn run(&self, conn: &mut DbConnection, job: &JobRun<'_>) -> Result<(), ApiError> {
        for rma in rmas::overdue_unflagged(conn, job.today)? {
            // One transaction per RMA: a failure leaves the others flagged.
            write_tx(conn, |conn| {
                if !rmas::flag_overdue(conn, &rma.id, job.now)? {
                    // Another instance flagged it first, or it came back meanwhile.
                    return Ok::<_, ApiError>(());
                }
                let ctx = Ctx::system(job.now);
                ctx.audit(
                    conn,
                    "part_rma.overdue",
                    ("part_rma", &rma.id),
                    None,
                    Some(serde_json::json!({
                        "id": rma.id, "expected_back_on": rma.expected_back_on,
                        "manufacturer": rma.manufacturer, "serial": rma.serial,
                    })),
                )?;
                let body = format!(
                    "{} 返修的 {}（序列号 {}）应于 {} 返回，尚未返回",
                    rma.sent_on, rma.manufacturer, rma.serial, rma.expected_back_on
                );
                let office = role_names(&[Role::Manager, Role::Clerk]);
                for user in inbox::enabled_holders_of(conn, &office)? {
                    let key = format!("part_rma.overdue:{}:{user}", rma.id);
                    notify(
                        conn,
                        job.now,
                        &user,
                        &Notice {
                            kind: "part_rma.overdue",
                            title: "返修件逾期未返回",
                            body: &body,
                            entity: Some(("part_rma", &rma.id)),
                            dedupe_key: Some(&key),
                        },
                    )?;
                }
                Ok(())
            })?;
        }
        Ok(())
    }
}
