//! HR-C1: a complaint judged valid (TKT-10) proposes the catalogue's complaint fine against the
//! employee in the judging transaction, once per complaint; and a person's valid complaints in
//! a calendar year and in any rolling half-year, with the dismissal and demotion flags they
//! raise — recommendations for a person to act on, never automatic acts.

use crate::kernel::command::Ctx;
use crate::kernel::error::ApiError;
use crate::kernel::rules::load_in_force;
use crate::scoring::dto::fines::{ComplaintSummaryOut, FineOut};
use crate::scoring::service::attendance::scope;
use crate::scoring::service::fines::{NewFine, insert_proposed, is_manager, month_of};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Tz;
use kefu_core::{Actor, FieldError};
use kefu_scoring::complaint_flags::ComplaintThresholds;
use kefu_scoring::fine_records::price;
use kefu_scoring::fines::FineCatalogue;
use kefu_store::{DbConnection, from_db_time};

fn local_day(tz: Tz, at: NaiveDateTime) -> NaiveDate {
    from_db_time(at).with_timezone(&tz).date_naive()
}

/// HR-C1: proposes the complaint fine for the valid complaint `complaint_id` about
/// `employee_id` received at `received_at`, priced by the catalogue in force today; the
/// payroll month is the judging month. A complaint judged before proposes nothing again.
pub fn propose_for_complaint(
    conn: &mut DbConnection,
    ctx: &Ctx,
    tz: Tz,
    complaint_id: &str,
    employee_id: &str,
    received_at: NaiveDateTime,
) -> Result<Option<FineOut>, ApiError> {
    let today = ctx.now.with_timezone(&tz).date_naive();
    let catalogue = load_in_force::<FineCatalogue>(conn, today)?.value;
    let priced = price(&catalogue, "HR-C1", is_manager(conn, employee_id)?, None)?;
    insert_proposed(
        conn,
        ctx,
        NewFine {
            user_id: employee_id.to_owned(),
            rule: "HR-C1".to_owned(),
            amount_fen: priced.amount_fen,
            dismissal_flag: priced.dismissal_flag,
            month: month_of(today),
            occurred_on: local_day(tz, received_at),
            evidence: format!("有效投诉 {complaint_id}"),
            attachment_ids: Vec::new(),
            issued_by: ctx.actor_id.clone(),
            source_key: Some(format!("complaint:{complaint_id}")),
        },
    )
}

fn utc_start(tz: Tz, day: NaiveDate) -> NaiveDateTime {
    tz.from_local_datetime(&day.and_time(NaiveTime::MIN))
        .earliest()
        .map_or_else(|| day.and_time(NaiveTime::MIN), |t| t.naive_utc())
}

/// HR-C1: `user_id`'s valid complaints in `year` (and the half-year before it, for the
/// windows that reach back) under the thresholds in force at the end of the year or today,
/// whichever is earlier. Privacy as fines: someone the caller does not see is 404.
pub fn summary(
    conn: &mut DbConnection,
    actor: &Actor,
    tz: Tz,
    today: NaiveDate,
    year: i32,
    user_id: Option<String>,
) -> Result<ComplaintSummaryOut, ApiError> {
    let user_id = user_id.unwrap_or_else(|| actor.user_id.clone());
    if !scope(conn, actor)?
        .as_ref()
        .is_none_or(|p| p.contains(&user_id))
    {
        return Err(ApiError::NotFound);
    }
    let bad_year = || {
        ApiError::Invalid(vec![FieldError::new(
            "query.year",
            "range",
            "a year that has begun, from 2000",
        )])
    };
    let first = NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(bad_year)?;
    if year < 2000 || first > today {
        return Err(bad_year());
    }
    let next = NaiveDate::from_ymd_opt(year + 1, 1, 1).ok_or_else(bad_year)?;
    let on = next.pred_opt().unwrap_or(first).min(today);
    let thresholds = load_in_force::<ComplaintThresholds>(conn, on)?.value;
    let from = utc_start(tz, thresholds.reach_back(year));
    let dates: Vec<NaiveDate> =
        kefu_store::complaints::valid_received_at(conn, &user_id, from, utc_start(tz, next))?
            .into_iter()
            .map(|at| local_day(tz, at))
            .collect();
    Ok(ComplaintSummaryOut {
        user_id,
        summary: thresholds.summarise(year, &dates),
        dismissal_above_per_year: thresholds.dismissal_above_per_year,
        demotion_count: thresholds.demotion_count,
        demotion_window_months: thresholds.demotion_window_months,
    })
}
