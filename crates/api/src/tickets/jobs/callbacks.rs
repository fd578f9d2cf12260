//! TKT-9: tells the assignee once when a callback's due day has passed uncompleted, and the
//! owner once when a follow-up of a dissatisfied customer has passed its due day. The
//! notification's dedupe key makes each announcement happen once, however often this runs.

use crate::kernel::error::ApiError;
use crate::kernel::jobs::{JobHandler, JobRun};
use crate::kernel::notify::{Notice, notify};
use kefu_store::callbacks as store;
use kefu_store::{DbConnection, write_tx};

pub struct CallbackOverdueWatch;

impl JobHandler for CallbackOverdueWatch {
    fn kind(&self) -> &'static str {
        "callbacks.overdue_watch"
    }

    fn max_attempts(&self) -> i64 {
        3
    }

    fn run(&self, conn: &mut DbConnection, job: &JobRun<'_>) -> Result<(), ApiError> {
        for callback in store::overdue(conn, job.today)? {
            let key = format!("callback.overdue:{}", callback.id);
            let title = "回访任务已逾期".to_owned();
            let body = format!("应于 {} 完成的回访尚未完成", callback.due_date);
            // One transaction per notice: a failure leaves the others sent.
            write_tx(conn, |conn| {
                notify(
                    conn,
                    job.now,
                    &callback.assignee_id,
                    &Notice {
                        kind: "callback.overdue",
                        title: &title,
                        body: &body,
                        entity: Some(("callback", &callback.id)),
                        dedupe_key: Some(&key),
                    },
                )
                .map(|_| ())
            })?;
        }
        for follow_up in store::overdue_follow_ups(conn, job.today)? {
            let key = format!("callback_follow_up.overdue:{}", follow_up.id);
            let title = "不满意回访跟进已逾期".to_owned();
            let body = format!("应于 {} 答复客户", follow_up.due_date);
            write_tx(conn, |conn| {
                notify(
                    conn,
                    job.now,
                    &follow_up.owner_id,
                    &Notice {
                        kind: "callback_follow_up.overdue",
                        title: &title,
                        body: &body,
                        entity: Some(("callback_follow_up", &follow_up.id)),
                        dedupe_key: Some(&key),
                    },
                )
                .map(|_| ())
            })?;
        }
        Ok(())
    }
}
