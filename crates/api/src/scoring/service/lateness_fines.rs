//! HR-A2: a finished month's lateness fines proposed as fine records, one per person and month
//! (the fine's source key `lateness:<user>:<month>` makes a second run propose nothing new), by
//! HR or a manager, or by the scheduled job on the first working day of the next month.

use crate::calendar::service::load_work_calendar;
use crate::kernel::command::Ctx;
use crate::kernel::error::ApiError;
use crate::kernel::jobs::{JobHandler, JobRun};
use crate::scoring::dto::fines::LatenessRunOut;
use crate::scoring::service::attendance::month_of;
use crate::scoring::service::fines::{NewFine, insert_proposed};
use chrono::NaiveDate;
use chrono_tz::Tz;
use kefu_core::{FieldError, YearMonth};
use kefu_store::delta::ListMode;
use kefu_store::employees::{self, EmployeeFilter};
use kefu_store::visibility::Visible;
use kefu_store::{DbConnection, write_tx};

fn refuse(message: &str) -> ApiError {
    ApiError::Invalid(vec![
        FieldError::new("month", "range", message).by_rule("HR-A2"),
    ])
}

/// The people with a login among the live employees, in id order.
fn people(conn: &mut DbConnection) -> Result<Vec<String>, ApiError> {
    let filter = EmployeeFilter {
        visible: Visible::everything(),
        ..EmployeeFilter::default()
    };
    let mut out = Vec::new();
    let mut after_id = None;
    loop {
        let page = employees::list(conn, &filter, &ListMode::Live { after_id }, 200)?;
        let Some(last) = page.last() else { break };
        after_id = Some(last.id.clone());
        out.extend(page.iter().filter_map(|e| e.user_id.clone()));
        if page.len() < 200 {
            break;
        }
    }
    Ok(out)
}

/// HR-A2: proposes `month`'s lateness fine for everyone whose month has one and who has none
/// proposed for it yet. The month must be over.
pub fn propose_month(
    conn: &mut DbConnection,
    ctx: &Ctx,
    issued_by: Option<&str>,
    tz: Tz,
    today: NaiveDate,
    month: YearMonth,
) -> Result<LatenessRunOut, ApiError> {
    let first = month.first_day().ok_or_else(|| refuse("out of range"))?;
    let next = month
        .next()
        .first_day()
        .ok_or_else(|| refuse("out of range"))?;
    if next > today {
        return Err(refuse("the month is not over yet"));
    }
    let mut out = LatenessRunOut {
        month: month.to_string(),
        proposed: Vec::new(),
        already_proposed: 0,
        without_fine: 0,
    };
    for user_id in people(conn)? {
        let summary = month_of(conn, tz, today, month, user_id.clone())?;
        if summary.summary.fine_fen <= 0 {
            out.without_fine += 1;
            continue;
        }
        let s = &summary.summary;
        let evidence = format!(
            "{} 迟到 {} 天（其中半天 {} 天），工作日 {} 天",
            summary.month, s.late_days, s.half_days, s.working_days
        );
        let fine = NewFine {
            user_id: user_id.clone(),
            rule: "HR-A2".to_owned(),
            amount_fen: s.fine_fen,
            dismissal_flag: s.dismissal_flag,
            month: summary.month.clone(),
            occurred_on: first,
            evidence,
            attachment_ids: Vec::new(),
            issued_by: issued_by.map(str::to_owned),
            source_key: Some(format!("lateness:{user_id}:{}", summary.month)),
        };
        match insert_proposed(conn, ctx, fine)? {
            Some(f) => out.proposed.push(f),
            None => out.already_proposed += 1,
        }
    }
    Ok(out)
}

/// `scoring.lateness_fines`: on the first working day of a month (work calendar), proposes the
/// previous month's lateness fines. Runs hourly; each fine's source key makes every run after
/// the first propose nothing, on any instance.
pub struct LatenessFinesJob {
    pub timezone: Tz,
}

impl JobHandler for LatenessFinesJob {
    fn kind(&self) -> &'static str {
        "scoring.lateness_fines"
    }

    fn run(&self, conn: &mut DbConnection, job: &JobRun<'_>) -> Result<(), ApiError> {
        let today = job.today;
        let month = YearMonth::of(today);
        let Some(first) = month.first_day() else {
            return Ok(());
        };
        let calendar = load_work_calendar(conn, first, today)?;
        let first_working = first
            .iter_days()
            .take_while(|d| *d <= today)
            .find(|d| calendar.is_working_day(*d));
        if first_working != Some(today) {
            return Ok(());
        }
        let ctx = job.ctx();
        let tz = self.timezone;
        write_tx(conn, |conn| {
            propose_month(conn, &ctx, None, tz, today, month.previous()).map(drop)
        })
    }
}
