//! The commission ledger (BIL-9 … BIL-12c): computed lines, upserted by their key (source,
//! kind, person, earned month) so a recomputation — twice, or on two instances at once —
//! writes each line once; and the months closed. The month close is set-based: a handful of
//! queries per month (load, one batch insert, the changed lines' conditional updates).

use crate::delta::ListMode;
use crate::schema::{commission_lines, commission_months, commissioning_jobs, employees};
use crate::{DbConnection, StoreError, to_db_time};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = commission_lines)]
pub struct LineRow {
    pub id: String,
    pub person_id: String,
    pub kind: String,
    pub source_kind: String,
    pub source_id: String,
    /// `YYYY-MM`.
    pub earned_month: String,
    pub due_month: Option<String>,
    pub amount_fen: i64,
    pub rule: String,
    /// JSON: what the line was computed from.
    pub inputs: String,
    /// JSON: rule-table key → the effective day of the version used.
    pub rule_versions: String,
    pub status: String,
    pub transferred_to: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
}

impl LineRow {
    /// The ledger key: one line per source, kind, person and earned month.
    pub fn key(&self) -> (&str, &str, &str, &str, &str) {
        (
            &self.source_kind,
            &self.source_id,
            &self.kind,
            &self.person_id,
            &self.earned_month,
        )
    }
}

pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<LineRow>, StoreError> {
    Ok(commission_lines::table
        .find(id)
        .select(LineRow::as_select())
        .first(conn)
        .optional()?)
}

/// Every line (deleted too) earned in `month` of `kinds`: what a recomputation compares with.
pub fn of_month(
    conn: &mut DbConnection,
    month: &str,
    kinds: &[&str],
) -> Result<Vec<LineRow>, StoreError> {
    Ok(commission_lines::table
        .filter(commission_lines::earned_month.eq(month))
        .filter(commission_lines::kind.eq_any(kinds))
        .order(commission_lines::id.asc())
        .select(LineRow::as_select())
        .load(conn)?)
}

/// Writes the lines whose key is not taken yet, in one statement; a concurrent writer's line
/// wins its key (ON CONFLICT DO NOTHING). Returns the ids of `rows` this call wrote.
pub fn insert_new(conn: &mut DbConnection, rows: &[LineRow]) -> Result<Vec<String>, StoreError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let key = (
        commission_lines::source_kind,
        commission_lines::source_id,
        commission_lines::kind,
        commission_lines::person_id,
        commission_lines::earned_month,
    );
    // Upserts are backend SQL: PostgreSQL takes the lines in batches (under its limit of
    // bound parameters); diesel has no batch upsert for SQLite, whose in-process statements
    // are cheap one by one inside the transaction.
    match conn {
        DbConnection::Pg(c) => {
            for chunk in rows.chunks(1_000) {
                diesel::insert_into(commission_lines::table)
                    .values(chunk.to_vec())
                    .on_conflict(key)
                    .do_nothing()
                    .execute(c)?;
            }
        }
        DbConnection::Sqlite(c) => {
            for row in rows {
                diesel::insert_into(commission_lines::table)
                    .values(row.clone())
                    .on_conflict(key)
                    .do_nothing()
                    .execute(c)?;
            }
        }
    }
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut written = Vec::new();
    for chunk in ids.chunks(900) {
        written.extend(
            commission_lines::table
                .filter(commission_lines::id.eq_any(chunk))
                .select(commission_lines::id)
                .load::<String>(conn)?,
        );
    }
    Ok(written)
}

/// What a recomputation changes on an open line.
#[derive(Debug, Clone, PartialEq, AsChangeset)]
#[diesel(table_name = commission_lines, treat_none_as_null = true)]
pub struct Recomputed {
    pub due_month: Option<String>,
    pub amount_fen: i64,
    pub inputs: String,
    pub rule_versions: String,
    pub status: String,
    pub deleted_at: Option<NaiveDateTime>,
}

/// The line `id` while it is still at `version` and open (pending, due or withheld): what every
/// conditional change of a line targets, so that of two writers at once exactly one wins.
macro_rules! open_line {
    ($id:expr, $version:expr) => {
        commission_lines::table
            .filter(commission_lines::id.eq($id))
            .filter(commission_lines::version.eq($version))
            .filter(commission_lines::status.eq_any(["pending", "due", "withheld"]))
    };
}

/// Applies `changes` to the line `id` if it is still at `version` and open (pending, due or
/// withheld): of two writers at once exactly one wins. True when this call wrote.
pub fn update_open(
    conn: &mut DbConnection,
    id: &str,
    version: i64,
    changes: &Recomputed,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = diesel::update(open_line!(id, version))
        .set((
            changes.clone(),
            commission_lines::version.eq(version + 1),
            commission_lines::updated_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// BIL-11: marks the open line `id` at `version` `transferred` to the line `to` — a
/// conditional UPDATE, so of two hand-overs at once one wins. True when this call wrote.
pub fn mark_transferred(
    conn: &mut DbConnection,
    id: &str,
    version: i64,
    to: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = diesel::update(open_line!(id, version))
        .set((
            commission_lines::status.eq("transferred"),
            commission_lines::transferred_to.eq(to),
            commission_lines::version.eq(version + 1),
            commission_lines::updated_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

#[derive(Debug, Clone, Default)]
pub struct LineFilter {
    /// `None`: everyone's; else only these people's (privacy, already narrowed).
    pub people: Option<Vec<String>>,
    pub earned_month: Option<String>,
    pub due_month: Option<String>,
    pub status: Option<String>,
    pub kind: Option<String>,
    pub source_id: Option<String>,
}

/// One page of lines.
pub fn list(
    conn: &mut DbConnection,
    filter: &LineFilter,
    mode: &ListMode,
    limit: i64,
) -> Result<Vec<LineRow>, StoreError> {
    let mut query = commission_lines::table
        .select(LineRow::as_select())
        .into_boxed();
    if let Some(people) = &filter.people {
        query = query.filter(commission_lines::person_id.eq_any(people.clone()));
    }
    if let Some(v) = &filter.earned_month {
        query = query.filter(commission_lines::earned_month.eq(v.clone()));
    }
    if let Some(v) = &filter.due_month {
        query = query.filter(commission_lines::due_month.eq(v.clone()));
    }
    if let Some(v) = &filter.status {
        query = query.filter(commission_lines::status.eq(v.clone()));
    }
    if let Some(v) = &filter.kind {
        query = query.filter(commission_lines::kind.eq(v.clone()));
    }
    if let Some(v) = &filter.source_id {
        query = query.filter(commission_lines::source_id.eq(v.clone()));
    }
    let query = crate::apply_list_mode!(query, commission_lines, mode);
    Ok(query.limit(limit).load(conn)?)
}

/// Records a close of `month` (the first makes the row; later ones count up in place).
pub fn record_close(
    conn: &mut DbConnection,
    month: &str,
    by: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let at = to_db_time(now);
    let make = diesel::insert_into(commission_months::table)
        .values((
            commission_months::month.eq(month),
            commission_months::closes.eq(0_i64),
            commission_months::first_closed_at.eq(at),
            commission_months::last_closed_at.eq(at),
            commission_months::last_closed_by.eq(by),
            commission_months::updated_at.eq(at),
        ))
        .on_conflict(commission_months::month)
        .do_nothing();
    match conn {
        DbConnection::Pg(c) => make.execute(c)?,
        DbConnection::Sqlite(c) => make.execute(c)?,
    };
    diesel::update(commission_months::table.find(month))
        .set((
            commission_months::closes.eq(commission_months::closes + 1),
            commission_months::last_closed_at.eq(at),
            commission_months::last_closed_by.eq(by),
            commission_months::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Takes the month's row lock (a no-op update) for the rest of the transaction, so that syncs
/// of one month run one after the other.
pub fn lock_month(
    conn: &mut DbConnection,
    month: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(commission_months::table.find(month))
        .set(commission_months::updated_at.eq(to_db_time(now)))
        .execute(conn)?;
    Ok(())
}

/// The months closed so far whose ledger still has open lines (pending or withheld) or that
/// are no older than `since`: what the scheduler keeps in step with the facts.
pub fn months_to_refresh(conn: &mut DbConnection, since: &str) -> Result<Vec<String>, StoreError> {
    let open = commission_lines::table
        .filter(commission_lines::status.eq_any(["pending", "withheld"]))
        .filter(commission_lines::deleted_at.is_null())
        .select(commission_lines::earned_month);
    Ok(commission_months::table
        .filter(
            commission_months::month
                .eq_any(open)
                .or(commission_months::month.ge(since)),
        )
        .order(commission_months::month.asc())
        .select(commission_months::month)
        .load(conn)?)
}

/// A commissioning job as the month's computation reads it.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct JobFacts {
    pub id: String,
    pub engineer_id: String,
    pub location_class: String,
    pub billable_points: i64,
    pub status: String,
    pub documents_due_on: Option<NaiveDate>,
    pub project_file_on: Option<NaiveDate>,
    pub questionnaire_on: Option<NaiveDate>,
    pub settlement_notice_on: Option<NaiveDate>,
    pub callback_confirmed_on: Option<NaiveDate>,
    pub recheck_required: bool,
    pub rechecked_on: Option<NaiveDate>,
    pub acceptance_on: Option<NaiveDate>,
}

/// BIL-10: the live jobs assigned (approved) between `from` and `to`, both included.
pub fn jobs_assigned(
    conn: &mut DbConnection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<JobFacts>, StoreError> {
    Ok(commissioning_jobs::table
        .filter(commissioning_jobs::deleted_at.is_null())
        .filter(commissioning_jobs::approved_on.ge(from))
        .filter(commissioning_jobs::approved_on.le(to))
        .order(commissioning_jobs::id.asc())
        .select((
            commissioning_jobs::id,
            commissioning_jobs::engineer_id,
            commissioning_jobs::location_class,
            commissioning_jobs::billable_points,
            commissioning_jobs::status,
            commissioning_jobs::documents_due_on,
            commissioning_jobs::project_file_on,
            commissioning_jobs::questionnaire_on,
            commissioning_jobs::settlement_notice_on,
            commissioning_jobs::callback_confirmed_on,
            commissioning_jobs::recheck_required,
            commissioning_jobs::rechecked_on,
            commissioning_jobs::acceptance_on,
        ))
        .load(conn)?)
}

/// BIL-11: the users whose employee record says they left, with the day they left.
pub fn people_who_left(conn: &mut DbConnection) -> Result<Vec<(String, NaiveDate)>, StoreError> {
    let rows: Vec<(Option<String>, NaiveDate)> = employees::table
        .filter(employees::employment_status.eq("left"))
        .filter(employees::deleted_at.is_null())
        .select((employees::user_id, employees::status_since))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(u, d)| u.map(|u| (u, d)))
        .collect())
}
