//! INV-9: the monthly spare-parts report, computed from the ledger by `kefu_inventory::report`
//! for the month's days in the company time zone.

use crate::inventory::dto::report::{MonthlyLine, MonthlyReport, MonthlyReportQuery};
use crate::inventory::service::catalogue::get_location;
use crate::kernel::error::ApiError;
use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use kefu_core::{FieldError, YearMonth};
use kefu_inventory::catalogue::MovementKind;
use kefu_inventory::report::{LedgerEntry, monthly};
use kefu_store::inventory::StockScope;
use kefu_store::inventory::catalogue::find_part;
use kefu_store::inventory::stock::ledger_until;
use kefu_store::{DbConnection, to_db_time};

fn field(name: &str, code: &'static str, message: &str) -> ApiError {
    ApiError::Invalid(vec![FieldError::new(name, code, message)])
}

/// The UTC instant the local `day` begins.
fn day_start(tz: Tz, day: NaiveDate) -> Option<NaiveDateTime> {
    let local = day.and_time(chrono::NaiveTime::MIN);
    let at = tz.from_local_datetime(&local).earliest()?;
    Some(to_db_time(at.with_timezone(&chrono::Utc)))
}

pub fn monthly_report(
    conn: &mut DbConnection,
    tz: Tz,
    query: &MonthlyReportQuery,
) -> Result<MonthlyReport, ApiError> {
    let month: YearMonth = query
        .month
        .parse()
        .map_err(|_| field("query.month", "format", "a month in the form YYYY-MM"))?;
    let out_of_range = || field("query.month", "range", "out of range");
    let from = month.first_day().ok_or_else(out_of_range)?;
    let next = month.next().first_day().ok_or_else(out_of_range)?;
    let to = next.pred_opt().ok_or_else(out_of_range)?;
    let (start, end) = day_start(tz, from)
        .zip(day_start(tz, next))
        .ok_or_else(out_of_range)?;
    let location_id = match query.location_id.as_deref().map(str::trim) {
        Some(id) if !id.is_empty() => Some(
            get_location(conn, &StockScope::everything(), id)
                .map_err(|e| match e {
                    ApiError::NotFound => field("query.location_id", "unknown", "no such location"),
                    other => other,
                })?
                .id,
        ),
        _ => None,
    };
    let entries: Vec<LedgerEntry> = ledger_until(conn, end, location_id.as_deref())?
        .into_iter()
        .filter_map(|(part_id, kind, quantity, from, to, at)| {
            Some(LedgerEntry {
                part_id,
                kind: MovementKind::parse(&kind)?,
                quantity,
                from_location_id: from,
                to_location_id: to,
                before_month: at < start,
            })
        })
        .collect();
    let mut lines = Vec::new();
    for line in monthly(&entries, location_id.as_deref()) {
        let (code, name) = find_part(conn, &line.part_id)?
            .map(|p| (p.code, p.name))
            .unwrap_or_default();
        lines.push(MonthlyLine {
            part_id: line.part_id,
            code,
            name,
            opening: line.opening,
            received: line.received,
            sent: line.sent,
            loans: line.loans,
            losses: line.losses,
            closing: line.closing,
        });
    }
    Ok(MonthlyReport {
        month: month.to_string(),
        from,
        to,
        location_id,
        lines,
    })
}
