//! HR-S3: on each working day of the finalisation window of last month's cards, tells every
//! team's supervisor (the assessor) how many of their members' cards are not finalised yet,
//! once per team and month.

use crate::kernel::error::ApiError;
use crate::kernel::jobs::{JobHandler, JobRun};
use crate::kernel::notify::{Notice, notify};
use crate::kernel::rules::load_in_force;
use crate::scoring::service::scorecards::window;
use kefu_core::YearMonth;
use kefu_scoring::grades::GradeRules;
use kefu_store::scorecards as store;
use kefu_store::visibility::member_user_ids;
use kefu_store::{DbConnection, write_tx};

pub struct FinaliseReminders;

impl JobHandler for FinaliseReminders {
    fn kind(&self) -> &'static str {
        "scorecards.finalise_reminders"
    }

    fn max_attempts(&self) -> i64 {
        3
    }

    fn run(&self, conn: &mut DbConnection, job: &JobRun<'_>) -> Result<(), ApiError> {
        let month = YearMonth::of(job.today).previous();
        let Some(first) = month.first_day() else {
            return Ok(());
        };
        let grades = match load_in_force::<GradeRules>(conn, first) {
            Ok(v) => v.value,
            // No grade rules were in force then: nothing to finalise by.
            Err(ApiError::NotFound) => return Ok(()),
            Err(other) => return Err(other),
        };
        let (from, until) = window(conn, month, &grades)?;
        if job.today < from || job.today > until {
            return Ok(());
        }
        let key = month.to_string();
        let finalised = store::finalised_user_ids(conn, &key)?;
        for (team, supervisor) in store::supervised_teams(conn)? {
            let open = member_user_ids(conn, std::slice::from_ref(&team))?
                .into_iter()
                .filter(|m| *m != supervisor && !finalised.contains(m))
                .count();
            if open == 0 {
                continue;
            }
            let title = format!("{key} 月度考核待定稿：{open} 人");
            let body = format!("请于 {until} 前完成定稿（HR-S3）");
            let dedupe = format!("scorecard.finalise_due:{key}:{team}");
            // One transaction per team: a failure leaves the others told.
            write_tx(conn, |conn| {
                notify(
                    conn,
                    job.now,
                    &supervisor,
                    &Notice {
                        kind: "scorecard.finalise_due",
                        title: &title,
                        body: &body,
                        entity: Some(("team", &team)),
                        dedupe_key: Some(&dedupe),
                    },
                )
                .map(drop)
            })?;
        }
        Ok(())
    }
}
