//! INV-7 daily counts: the fault-service centre submits an opening and a closing count per
//! day; the count is compared with the books and the minimums, and what does not match is
//! stored as anomalies and told to the managers and the clerks. The watch (`jobs`) raises a
//! `missing_count` anomaly for a working day whose count was not taken.

use crate::inventory::dto::counts::{AnomalyOut, CountLine, CountOut, SubmitCount, SubmittedCount};
use crate::inventory::service::catalogue::get_location;
use crate::kernel::access::roles::role_names;
use crate::kernel::command::{Ctx, snapshot};
use crate::kernel::error::ApiError;
use crate::kernel::notify::{Notice, notify};
use chrono::NaiveDate;
use kefu_core::{FieldError, Role};
use kefu_inventory::catalogue::PartKind;
use kefu_inventory::counts::{
    Anomaly, AnomalyKind, Booked, CountKind, CountedLine, LineInput, anomalies, check_lines,
    check_location,
};
use kefu_store::inventory::StockScope;
use kefu_store::inventory::catalogue::find_part;
use kefu_store::inventory::counts::{self as store, AnomalyRow, CountRow};
use kefu_store::notifications as inbox;
use kefu_store::{DbConnection, from_db_time, new_id, to_db_time};
use std::collections::BTreeMap;

/// Who hears of anomalies (INV-7: reported to the manager and the clerk keeping the stock).
const TOLD: &[Role] = &[Role::Manager, Role::Clerk];

fn list_of(json: &str) -> Vec<String> {
    serde_json::from_str(json).unwrap_or_default()
}

fn json_of<T: serde::Serialize>(value: &T) -> Result<String, ApiError> {
    serde_json::to_string(value).map_err(ApiError::internal)
}

pub fn render_count(row: &CountRow) -> CountOut {
    CountOut {
        id: row.id.clone(),
        location_id: row.location_id.clone(),
        count_day: row.count_day,
        kind: row.kind,
        lines: serde_json::from_str(&row.lines).unwrap_or_default(),
        note: row.note.clone(),
        counted_by: row.counted_by.clone(),
        anomaly_count: row.anomaly_count,
        deleted: row.deleted_at.is_some(),
        created_at: from_db_time(row.created_at),
        updated_at: from_db_time(row.updated_at),
        version: row.version,
    }
}

pub fn render_anomaly(row: &AnomalyRow) -> AnomalyOut {
    AnomalyOut {
        id: row.id.clone(),
        kind: row.kind,
        count_id: row.count_id.clone(),
        location_id: row.location_id.clone(),
        count_day: row.count_day,
        count_kind: row.count_kind,
        part_id: row.part_id.clone(),
        expected_quantity: row.expected_quantity,
        counted_quantity: row.counted_quantity,
        damaged_quantity: row.damaged_quantity,
        min_quantity: row.min_quantity,
        missing_serials: list_of(&row.missing_serials),
        unexpected_serials: list_of(&row.unexpected_serials),
        damaged_serials: list_of(&row.damaged_serials),
        deleted: row.deleted_at.is_some(),
        created_at: from_db_time(row.created_at),
        updated_at: from_db_time(row.updated_at),
    }
}

/// A live count; anything else is 404.
pub fn get_count(conn: &mut DbConnection, id: &str) -> Result<CountRow, ApiError> {
    store::find_count(conn, id)?
        .filter(|c| c.deleted_at.is_none())
        .ok_or(ApiError::NotFound)
}

fn unknown(field: String, message: &str) -> ApiError {
    ApiError::Invalid(vec![FieldError::new(field, "unknown", message)])
}

/// What the books hold at `location_id`: every part with a stock level there or a minimum set
/// for it, with its serials in stock and its minimum (the location's, else the part's own).
fn books(conn: &mut DbConnection, location_id: &str) -> Result<Vec<Booked>, ApiError> {
    let mut quantities: BTreeMap<String, i64> =
        store::levels_at(conn, location_id)?.into_iter().collect();
    let minimums: BTreeMap<String, i64> =
        store::minimums_at(conn, location_id)?.into_iter().collect();
    for part in minimums.keys() {
        quantities.entry(part.clone()).or_insert(0);
    }
    let mut serials: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (part, serial) in store::serials_at(conn, location_id)? {
        serials.entry(part).or_default().push(serial);
    }
    let mut out = Vec::with_capacity(quantities.len());
    for (part_id, quantity) in quantities {
        let Some(part) = find_part(conn, &part_id)? else {
            continue;
        };
        out.push(Booked {
            kind: part.kind,
            quantity,
            serials: serials.remove(&part_id).unwrap_or_default(),
            min_quantity: minimums.get(&part_id).copied().unwrap_or(part.min_stock),
            part_id,
        });
    }
    Ok(out)
}

fn stored_line(kind: PartKind, line: &CountedLine) -> CountLine {
    let bulk = kind == PartKind::Bulk;
    CountLine {
        part_id: line.part_id.clone(),
        quantity: Some(line.quantity),
        serials: line.serials.clone(),
        damaged_quantity: bulk.then_some(line.damaged_quantity),
        damaged_serials: line.damaged_serials.clone(),
    }
}

/// INV-7: submits `input` as today's count of its kind at the fault-service centre, and
/// stores and reports the anomalies it raises.
pub fn submit(
    conn: &mut DbConnection,
    ctx: &Ctx,
    today: NaiveDate,
    input: SubmitCount,
) -> Result<SubmittedCount, ApiError> {
    let location =
        get_location(conn, &StockScope::everything(), &input.location_id).map_err(|e| match e {
            ApiError::NotFound => unknown("location_id".into(), "no such location"),
            other => other,
        })?;
    check_location(location.kind)?;
    let mut lines = Vec::with_capacity(input.lines.len());
    for (at, line) in input.lines.into_iter().enumerate() {
        let part = crate::inventory::service::catalogue::get_part(conn, &line.part_id).map_err(
            |e| match e {
                ApiError::NotFound => unknown(format!("lines[{at}].part_id"), "no such part"),
                other => other,
            },
        )?;
        let input = LineInput {
            part_id: part.id,
            quantity: line.quantity,
            serials: line.serials,
            damaged_quantity: line.damaged_quantity,
            damaged_serials: line.damaged_serials,
        };
        lines.push((part.kind, input));
    }
    let counted = check_lines(&lines)?;
    let found = anomalies(&books(conn, &location.id)?, &counted);
    let stored: Vec<CountLine> = lines
        .iter()
        .zip(&counted)
        .map(|((kind, _), line)| stored_line(*kind, line))
        .collect();
    let now = to_db_time(ctx.now);
    let row = CountRow {
        id: new_id(),
        location_id: location.id.clone(),
        count_day: today,
        kind: input.kind,
        lines: json_of(&stored)?,
        note: input
            .note
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty()),
        counted_by: ctx.actor_id.clone(),
        anomaly_count: i64::try_from(found.len()).unwrap_or(i64::MAX),
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
    };
    // A second count of the day and kind breaks the unique key: 409 naming `kind`.
    store::insert_count(conn, &row)?;
    let count = render_count(&get_count(conn, &row.id)?);
    ctx.audit(
        conn,
        "stock_count.submit",
        ("stock_count", &count.id),
        None,
        snapshot(&count),
    )?;
    let mut ids = Vec::with_capacity(found.len());
    for anomaly in &found {
        let row = anomaly_row(&row, anomaly, now)?;
        if store::insert_anomaly_once(conn, &row)? {
            ctx.audit(
                conn,
                &format!("stock_count_anomaly.{}", row.kind),
                ("stock_count_anomaly", &row.id),
                None,
                snapshot(&render_anomaly(&row)),
            )?;
            ids.push(row.id);
        }
    }
    let anomalies: Vec<AnomalyOut> = store::find_anomalies(conn, &ids)?
        .iter()
        .map(render_anomaly)
        .collect();
    if !anomalies.is_empty() {
        let title = "备品盘点发现异常";
        let body = format!(
            "{} {} 盘点（{}）发现 {} 项异常",
            count.count_day,
            location.name,
            count.kind,
            anomalies.len()
        );
        let key = format!("stock_count.anomalies:{}", count.id);
        tell_office(
            conn,
            ctx,
            "stock_count.anomalies",
            title,
            &body,
            ("stock_count", &count.id),
            &key,
        )?;
    }
    Ok(SubmittedCount { count, anomalies })
}

fn anomaly_row(
    count: &CountRow,
    a: &Anomaly,
    now: chrono::NaiveDateTime,
) -> Result<AnomalyRow, ApiError> {
    Ok(AnomalyRow {
        id: new_id(),
        occurrence_key: format!("count:{}:{}:{}", count.id, a.part_id, a.kind),
        kind: a.kind,
        count_id: Some(count.id.clone()),
        location_id: count.location_id.clone(),
        count_day: count.count_day,
        count_kind: count.kind,
        part_id: Some(a.part_id.clone()),
        expected_quantity: a.expected_quantity,
        counted_quantity: a.counted_quantity,
        damaged_quantity: a.damaged_quantity,
        min_quantity: a.min_quantity,
        missing_serials: json_of(&a.missing_serials)?,
        unexpected_serials: json_of(&a.unexpected_serials)?,
        damaged_serials: json_of(&a.damaged_serials)?,
        created_at: now,
        updated_at: now,
        deleted_at: None,
    })
}

/// INV-7: records that the `kind` count of `day` at `location_id` was not taken, unless it
/// is recorded already (of concurrent watchers one records it), and tells the office.
pub fn raise_missing(
    conn: &mut DbConnection,
    ctx: &Ctx,
    location_id: &str,
    day: NaiveDate,
    kind: CountKind,
) -> Result<(), ApiError> {
    let now = to_db_time(ctx.now);
    let empty = json_of(&Vec::<String>::new())?;
    let row = AnomalyRow {
        id: new_id(),
        occurrence_key: format!("missing:{location_id}:{day}:{kind}"),
        kind: AnomalyKind::MissingCount,
        count_id: None,
        location_id: location_id.to_owned(),
        count_day: day,
        count_kind: kind,
        part_id: None,
        expected_quantity: None,
        counted_quantity: None,
        damaged_quantity: None,
        min_quantity: None,
        missing_serials: empty.clone(),
        unexpected_serials: empty.clone(),
        damaged_serials: empty,
        created_at: now,
        updated_at: now,
        deleted_at: None,
    };
    if !store::insert_anomaly_once(conn, &row)? {
        return Ok(());
    }
    ctx.audit(
        conn,
        "stock_count_anomaly.missing_count",
        ("stock_count_anomaly", &row.id),
        None,
        snapshot(&render_anomaly(&row)),
    )?;
    let label = match kind {
        CountKind::Opening => "开班",
        CountKind::Closing => "收班",
    };
    let body = format!("{day} 的{label}盘点未提交");
    let key = format!("stock_count.missing:{}", row.occurrence_key);
    tell_office(
        conn,
        ctx,
        "stock_count.missing",
        "备品盘点缺失",
        &body,
        ("stock_count_anomaly", &row.id),
        &key,
    )
}

/// Tells every enabled manager and clerk, once per `key`.
fn tell_office(
    conn: &mut DbConnection,
    ctx: &Ctx,
    kind: &str,
    title: &str,
    body: &str,
    entity: (&str, &str),
    key: &str,
) -> Result<(), ApiError> {
    for user in inbox::enabled_holders_of(conn, &role_names(TOLD))? {
        let key = format!("{key}:{user}");
        notify(
            conn,
            ctx.now,
            &user,
            &Notice {
                kind,
                title,
                body,
                entity: Some(entity),
                dedupe_key: Some(&key),
            },
        )?;
    }
    Ok(())
}
