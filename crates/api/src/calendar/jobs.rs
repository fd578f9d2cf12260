//! CAL-1: from December on, tells the administrators once when the next year has no holiday
//! schedule: until one is loaded, every working-day deadline in that year counts public
//! holidays as working days.

use crate::calendar::schedules::missing_next_year;
use crate::kernel::error::ApiError;
use crate::kernel::jobs::{JobHandler, JobRun};
use crate::kernel::notify::{Notice, notify};
use kefu_core::Role;
use kefu_store::DbConnection;
use kefu_store::notifications as inbox;

pub struct ScheduleWatch;

pub const NOTIFICATION_KIND: &str = "calendar.schedule_missing";

impl JobHandler for ScheduleWatch {
    fn kind(&self) -> &'static str {
        "calendar.schedule_watch"
    }

    fn max_attempts(&self) -> i64 {
        3
    }

    fn run(&self, conn: &mut DbConnection, job: &JobRun<'_>) -> Result<(), ApiError> {
        let Some(year) = missing_next_year(conn, job.today)? else {
            return Ok(());
        };
        let title = format!("{year} 年节假日安排尚未导入");
        let body = format!(
            "工作日历中还没有 {year} 年的法定节假日和调休安排：在导入之前，{year} 年的所有\
             工作日期限都会把节假日算作工作日。请在国务院公布安排后导入\
             （PUT /api/v1/calendar/schedules/{year} 或 kefu import-calendar）。"
        );
        let key = format!("{NOTIFICATION_KIND}:{year}");
        for admin in inbox::enabled_holders_of(conn, &[Role::Admin.as_str()])? {
            notify(
                conn,
                job.now,
                &admin,
                &Notice {
                    kind: NOTIFICATION_KIND,
                    title: &title,
                    body: &body,
                    entity: Some(("calendar", "company")),
                    dedupe_key: Some(&key),
                },
            )?;
        }
        Ok(())
    }
}
