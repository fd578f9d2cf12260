//! HR-A1: days read from the time clock's export. The file is taken whole or not at all; each
//! day it adds or widens is written like a clock-in from the app, with its own audit entry.

use crate::kernel::command::{Ctx, snapshot, written};
use crate::kernel::error::ApiError;
use crate::scoring::dto::attendance::{AttendanceOut, ClockImportOut};
use chrono::{NaiveDateTime, NaiveTime};
use chrono_tz::Tz;
use kefu_core::FieldError;
use kefu_scoring::access::{self, Action};
use kefu_scoring::clock_import::{self, ClockLine, Merge};
use kefu_store::attendance::{self as store, AttendanceChanges, AttendanceRow};
use kefu_store::{DbConnection, new_id, to_db_time, users};
use std::collections::HashMap;

const ACTION: &str = "attendance.clock_import";

/// HR-A1: imports `text`, a clock file (see [`clock_import::parse`]). Each line's username
/// must be a staff account and its day must have come; any bad line refuses the whole file.
pub fn import(
    conn: &mut DbConnection,
    ctx: &Ctx,
    tz: Tz,
    text: &str,
) -> Result<ClockImportOut, ApiError> {
    let lines = clock_import::parse(text).map_err(ApiError::Invalid)?;
    let owners = owners(conn, ctx, tz, &lines)?;
    let mut out = ClockImportOut {
        lines: lines.len(),
        created: 0,
        updated: 0,
        unchanged: 0,
    };
    for (line, user_id) in lines.iter().zip(owners) {
        let at = |t: NaiveTime| crate::kernel::clock::utc_of(tz, line.work_date.and_time(t));
        let before = store::find_day(conn, &user_id, line.work_date)?;
        let recorded = before.as_ref().map(|r| {
            let local = |t: NaiveDateTime| crate::kernel::clock::local(tz, t).time();
            (local(r.clock_in_at), r.clock_out_at.map(local))
        });
        match (clock_import::merge(recorded, line), before) {
            (Merge::Unchanged, _) => out.unchanged += 1,
            (Merge::Insert, _) => {
                insert(conn, ctx, user_id, line, at)?;
                out.created += 1;
            }
            (
                Merge::Update {
                    clock_in,
                    clock_out,
                },
                Some(before),
            ) => {
                let changes = AttendanceChanges {
                    clock_in_at: Some(at(clock_in)),
                    clock_out_at: Some(clock_out.map(at)),
                    ..AttendanceChanges::default()
                };
                written(store::update(
                    conn,
                    &before.id,
                    before.version,
                    &changes,
                    ctx.now,
                )?)?;
                let after = store::find(conn, &before.id)?.ok_or(ApiError::NotFound)?;
                ctx.audit(
                    conn,
                    ACTION,
                    ("attendance", &after.id),
                    snapshot(&AttendanceOut::from(&before)),
                    snapshot(&AttendanceOut::from(&after)),
                )?;
                out.updated += 1;
            }
            (Merge::Update { .. }, None) => {
                return Err(ApiError::internal("a day to widen that is not on record"));
            }
        }
    }
    Ok(out)
}

/// The user id of each line's username, or every line whose person or day is wrong.
fn owners(
    conn: &mut DbConnection,
    ctx: &Ctx,
    tz: Tz,
    lines: &[ClockLine],
) -> Result<Vec<String>, ApiError> {
    let today = ctx.now.with_timezone(&tz).date_naive();
    let mut known: HashMap<&str, Option<String>> = HashMap::new();
    let mut owners = Vec::with_capacity(lines.len());
    let mut errors = Vec::new();
    for line in lines {
        if !known.contains_key(line.username.as_str()) {
            let staff = users::find_by_username(conn, &line.username)?
                .filter(|u| access::may(Action::AttendanceClock, &u.roles))
                .map(|u| u.row.id);
            known.insert(&line.username, staff);
        }
        match &known[line.username.as_str()] {
            Some(id) => owners.push(id.clone()),
            None => errors.push(FieldError::new(
                format!("lines[{}].username", line.line),
                "unknown",
                format!("no staff account is called `{}`", line.username),
            )),
        }
        if line.work_date > today {
            errors.push(FieldError::new(
                format!("lines[{}].work_date", line.line),
                "range",
                format!("{} has not come yet", line.work_date),
            ));
        }
    }
    if errors.is_empty() {
        Ok(owners)
    } else {
        Err(ApiError::Invalid(errors))
    }
}

fn insert(
    conn: &mut DbConnection,
    ctx: &Ctx,
    user_id: String,
    line: &ClockLine,
    at: impl Fn(NaiveTime) -> NaiveDateTime,
) -> Result<(), ApiError> {
    let now = to_db_time(ctx.now);
    let row = AttendanceRow {
        id: new_id(),
        user_id,
        work_date: line.work_date,
        clock_in_at: at(line.clock_in),
        clock_out_at: line.clock_out.map(&at),
        source: "clock".to_owned(),
        latitude_e6: None,
        longitude_e6: None,
        excuse: None,
        excuse_reason: None,
        excused_by: None,
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
    };
    store::insert(conn, &row)?;
    ctx.audit(
        conn,
        ACTION,
        ("attendance", &row.id),
        None,
        snapshot(&AttendanceOut::from(&row)),
    )?;
    Ok(())
}
