//! BIL-13: payroll statements, their lines and the adjustments carried into a later month;
//! and the month's sources read set-based (a handful of queries per month whatever its size).
//! Statements are written by version-conditional updates and lines by their unique key, so a
//! generation run twice, or on two instances at once, writes each once.

use crate::commission_lines::LineRow as CommissionRow;
use crate::delta::ListMode;
use crate::employees::EmployeeRow;
use crate::fines::FineRow;
use crate::inventory::loans::ChargeRow;
use crate::schema::{
    commission_lines, employees, fines, part_charges, payroll_adjustments, payroll_lines,
    payroll_statements, scorecards,
};
use crate::scorecards::ScorecardRow;
use crate::{DbConnection, StoreError, VersionedWrite, to_db_time};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = payroll_statements)]
pub struct StatementRow {
    pub id: String,
    pub person_id: String,
    pub employee_id: Option<String>,
    /// `YYYY-MM`.
    pub month: String,
    pub status: String,
    pub earnings_fen: i64,
    pub deductions_fen: i64,
    pub net_fen: i64,
    pub line_count: i64,
    pub note: Option<String>,
    pub generated_at: NaiveDateTime,
    pub approved_by: Option<String>,
    pub approved_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = payroll_lines)]
pub struct PayLineRow {
    pub id: String,
    pub statement_id: String,
    pub person_id: String,
    pub month: String,
    pub position: i64,
    pub kind: String,
    pub source_kind: String,
    pub source_id: String,
    pub source_month: Option<String>,
    pub amount_fen: i64,
    pub rule: String,
    pub description: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub deleted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = payroll_adjustments)]
pub struct AdjustmentRow {
    pub id: String,
    pub person_id: String,
    pub month: String,
    pub amount_fen: i64,
    pub reason: String,
    pub corrects_statement_id: Option<String>,
    pub status: String,
    pub applied_statement_id: Option<String>,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
}

pub fn find_statement(
    conn: &mut DbConnection,
    id: &str,
) -> Result<Option<StatementRow>, StoreError> {
    Ok(payroll_statements::table
        .find(id)
        .select(StatementRow::as_select())
        .first(conn)
        .optional()?)
}

/// The statements of `month`, live, in id order.
pub fn statements_of_month(
    conn: &mut DbConnection,
    month: &str,
) -> Result<Vec<StatementRow>, StoreError> {
    Ok(payroll_statements::table
        .filter(payroll_statements::month.eq(month))
        .filter(payroll_statements::deleted_at.is_null())
        .order(payroll_statements::id.asc())
        .select(StatementRow::as_select())
        .load(conn)?)
}

/// The earliest payroll month with a statement: sources older than it are never carried in.
pub fn first_month(conn: &mut DbConnection) -> Result<Option<String>, StoreError> {
    Ok(payroll_statements::table
        .select(diesel::dsl::min(payroll_statements::month))
        .first(conn)?)
}

/// Inserts `$rows` into `$table`, leaving alone each whose `$key` is taken (a concurrent
/// writer's row wins: ON CONFLICT DO NOTHING). Upserts are backend SQL: PostgreSQL takes the
/// rows in batches under its limit of bound parameters; diesel has no batch upsert for
/// SQLite, whose in-process statements are cheap one by one inside the transaction.
macro_rules! insert_new {
    ($conn:expr, $table:ident, $rows:expr, $key:expr) => {{
        match $conn {
            DbConnection::Pg(c) => {
                for chunk in $rows.chunks(1_000) {
                    diesel::insert_into($table::table)
                        .values(chunk.to_vec())
                        .on_conflict($key)
                        .do_nothing()
                        .execute(c)?;
                }
            }
            DbConnection::Sqlite(c) => {
                for row in $rows {
                    diesel::insert_into($table::table)
                        .values(row.clone())
                        .on_conflict($key)
                        .do_nothing()
                        .execute(c)?;
                }
            }
        }
        Ok(())
    }};
}

/// Writes the statements whose person and month are not taken yet.
pub fn insert_statements(conn: &mut DbConnection, rows: &[StatementRow]) -> Result<(), StoreError> {
    let key = (payroll_statements::person_id, payroll_statements::month);
    insert_new!(conn, payroll_statements, rows, key)
}

/// Every line (deleted too) of `month`'s statements, in statement and position order.
pub fn lines_of_month(conn: &mut DbConnection, month: &str) -> Result<Vec<PayLineRow>, StoreError> {
    Ok(payroll_lines::table
        .filter(payroll_lines::month.eq(month))
        .order((
            payroll_lines::statement_id.asc(),
            payroll_lines::position.asc(),
        ))
        .select(PayLineRow::as_select())
        .load(conn)?)
}

/// The live lines of one statement, in position order.
pub fn lines_of(
    conn: &mut DbConnection,
    statement_id: &str,
) -> Result<Vec<PayLineRow>, StoreError> {
    Ok(payroll_lines::table
        .filter(payroll_lines::statement_id.eq(statement_id))
        .filter(payroll_lines::deleted_at.is_null())
        .order(payroll_lines::position.asc())
        .select(PayLineRow::as_select())
        .load(conn)?)
}

/// What a regeneration writes on a draft statement.
#[derive(Debug, Clone, PartialEq, AsChangeset)]
#[diesel(table_name = payroll_statements)]
pub struct Regenerated {
    pub employee_id: Option<String>,
    pub earnings_fen: i64,
    pub deductions_fen: i64,
    pub net_fen: i64,
    pub line_count: i64,
    pub generated_at: NaiveDateTime,
}

/// Applies `changes` to the statement `id` if it is still a draft at `version`: of two
/// generations at once exactly one wins (the row lock queues the other, which then finds the
/// version moved). True when this call wrote.
pub fn regenerate(
    conn: &mut DbConnection,
    id: &str,
    version: i64,
    changes: &Regenerated,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = diesel::update(
        payroll_statements::table
            .filter(payroll_statements::id.eq(id))
            .filter(payroll_statements::version.eq(version))
            .filter(payroll_statements::status.eq("draft")),
    )
    .set((
        changes.clone(),
        payroll_statements::version.eq(version + 1),
        payroll_statements::updated_at.eq(to_db_time(now)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Approves the draft `id` at `version`. True when this call approved it.
pub fn approve(
    conn: &mut DbConnection,
    id: &str,
    version: i64,
    by: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let at = to_db_time(now);
    let n = diesel::update(
        payroll_statements::table
            .filter(payroll_statements::id.eq(id))
            .filter(payroll_statements::version.eq(version))
            .filter(payroll_statements::status.eq("draft")),
    )
    .set((
        payroll_statements::status.eq("approved"),
        payroll_statements::approved_by.eq(by),
        payroll_statements::approved_at.eq(Some(at)),
        payroll_statements::version.eq(version + 1),
        payroll_statements::updated_at.eq(at),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// A finance note on a draft (versioned: 412 when someone wrote first).
pub fn set_note(
    conn: &mut DbConnection,
    id: &str,
    expected: i64,
    note: Option<String>,
    now: DateTime<Utc>,
) -> Result<VersionedWrite, StoreError> {
    crate::versioned_update!(
        conn,
        payroll_statements,
        id,
        expected,
        payroll_statements::note.eq(note),
        now
    )
}

/// Writes new lines (the key of a concurrent writer's line wins).
pub fn insert_lines(conn: &mut DbConnection, rows: &[PayLineRow]) -> Result<(), StoreError> {
    let key = (
        payroll_lines::statement_id,
        payroll_lines::source_kind,
        payroll_lines::source_id,
        payroll_lines::kind,
    );
    insert_new!(conn, payroll_lines, rows, key)
}

/// What a regeneration changes on an existing line (a removed line gets `deleted_at`).
#[derive(Debug, Clone, PartialEq, AsChangeset)]
#[diesel(table_name = payroll_lines, treat_none_as_null = true)]
pub struct LineChanges {
    pub position: i64,
    pub source_month: Option<String>,
    pub amount_fen: i64,
    pub rule: String,
    pub description: String,
    pub deleted_at: Option<NaiveDateTime>,
}

pub fn update_line(
    conn: &mut DbConnection,
    id: &str,
    changes: &LineChanges,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(payroll_lines::table.find(id))
        .set((
            changes.clone(),
            payroll_lines::updated_at.eq(to_db_time(now)),
        ))
        .execute(conn)?;
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct StatementFilter {
    /// `None`: everyone's; else only these people's (privacy, already narrowed).
    pub people: Option<Vec<String>>,
    pub month: Option<String>,
    pub status: Option<String>,
}

pub fn list_statements(
    conn: &mut DbConnection,
    filter: &StatementFilter,
    mode: &ListMode,
    limit: i64,
) -> Result<Vec<StatementRow>, StoreError> {
    let mut query = payroll_statements::table
        .select(StatementRow::as_select())
        .into_boxed();
    if let Some(people) = &filter.people {
        query = query.filter(payroll_statements::person_id.eq_any(people.clone()));
    }
    if let Some(v) = &filter.month {
        query = query.filter(payroll_statements::month.eq(v.clone()));
    }
    if let Some(v) = &filter.status {
        query = query.filter(payroll_statements::status.eq(v.clone()));
    }
    let query = crate::apply_list_mode!(query, payroll_statements, mode);
    Ok(query.limit(limit).load(conn)?)
}

#[derive(Debug, Clone, Default)]
pub struct LineFilter {
    pub people: Option<Vec<String>>,
    pub month: Option<String>,
    pub kind: Option<String>,
    pub statement_id: Option<String>,
}

pub fn list_lines(
    conn: &mut DbConnection,
    filter: &LineFilter,
    mode: &ListMode,
    limit: i64,
) -> Result<Vec<PayLineRow>, StoreError> {
    let mut query = payroll_lines::table
        .select(PayLineRow::as_select())
        .into_boxed();
    if let Some(people) = &filter.people {
        query = query.filter(payroll_lines::person_id.eq_any(people.clone()));
    }
    if let Some(v) = &filter.month {
        query = query.filter(payroll_lines::month.eq(v.clone()));
    }
    if let Some(v) = &filter.kind {
        query = query.filter(payroll_lines::kind.eq(v.clone()));
    }
    if let Some(v) = &filter.statement_id {
        query = query.filter(payroll_lines::statement_id.eq(v.clone()));
    }
    let query = crate::apply_list_mode!(query, payroll_lines, mode);
    Ok(query.limit(limit).load(conn)?)
}

// -- the month's sources, each read once per month for everyone --

/// A month's source rows, of `person` only when it names one, in id order: every reader
/// below ends so.
macro_rules! of_person {
    ($conn:expr, $query:expr, $person_col:expr, $person:expr, $id:expr, $row:ty) => {{
        let mut query = $query;
        if let Some(p) = $person {
            query = query.filter($person_col.eq(p.to_owned()));
        }
        Ok(query
            .order($id.asc())
            .select(<$row>::as_select())
            .load($conn)?)
    }};
}

/// The live employee records linked to a login: whose base salary and allowance are paid.
pub fn roster(
    conn: &mut DbConnection,
    person: Option<&str>,
) -> Result<Vec<EmployeeRow>, StoreError> {
    let query = employees::table
        .filter(employees::deleted_at.is_null())
        .filter(employees::user_id.is_not_null())
        .into_boxed();
    of_person!(
        conn,
        query,
        employees::user_id,
        person,
        employees::id,
        EmployeeRow
    )
}

/// BIL-11/BIL-13: commission lines `due` with a payroll month in `from ..= to`.
pub fn due_commissions(
    conn: &mut DbConnection,
    from: &str,
    to: &str,
    person: Option<&str>,
) -> Result<Vec<CommissionRow>, StoreError> {
    let query = commission_lines::table
        .filter(commission_lines::status.eq("due"))
        .filter(commission_lines::deleted_at.is_null())
        .filter(commission_lines::due_month.ge(from.to_owned()))
        .filter(commission_lines::due_month.le(to.to_owned()))
        .into_boxed();
    of_person!(
        conn,
        query,
        commission_lines::person_id,
        person,
        commission_lines::id,
        CommissionRow
    )
}

/// HR-F0: confirmed fines not yet deducted, of a payroll month in `from ..= to`.
pub fn fines_due(
    conn: &mut DbConnection,
    from: &str,
    to: &str,
    person: Option<&str>,
) -> Result<Vec<FineRow>, StoreError> {
    let query = fines::table
        .filter(fines::status.eq("confirmed"))
        .filter(fines::deducted_at.is_null())
        .filter(fines::deleted_at.is_null())
        .filter(fines::month.ge(from.to_owned()))
        .filter(fines::month.le(to.to_owned()))
        .into_boxed();
    of_person!(conn, query, fines::user_id, person, fines::id, FineRow)
}

/// INV-3: pending charges raised in `[from, to)`.
pub fn charges_due(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    to: NaiveDateTime,
    person: Option<&str>,
) -> Result<Vec<ChargeRow>, StoreError> {
    let query = part_charges::table
        .filter(part_charges::status.eq("pending"))
        .filter(part_charges::created_at.ge(from))
        .filter(part_charges::created_at.lt(to))
        .into_boxed();
    of_person!(
        conn,
        query,
        part_charges::engineer_id,
        person,
        part_charges::id,
        ChargeRow
    )
}

/// HR-S4/HR-S5: finalised cards of the months `from ..= to`.
pub fn cards_between(
    conn: &mut DbConnection,
    from: &str,
    to: &str,
    person: Option<&str>,
) -> Result<Vec<ScorecardRow>, StoreError> {
    let query = scorecards::table
        .filter(scorecards::deleted_at.is_null())
        .filter(scorecards::month.ge(from.to_owned()))
        .filter(scorecards::month.le(to.to_owned()))
        .into_boxed();
    of_person!(
        conn,
        query,
        scorecards::user_id,
        person,
        scorecards::id,
        ScorecardRow
    )
}

/// The (person, source id) pairs of `source_kind` that approved statements paid (of
/// `person` only when it names one).
pub fn paid_sources(
    conn: &mut DbConnection,
    source_kind: &str,
    person: Option<&str>,
) -> Result<Vec<(String, String)>, StoreError> {
    let mut query = payroll_lines::table
        .inner_join(payroll_statements::table)
        .filter(payroll_statements::status.eq("approved"))
        .filter(payroll_lines::source_kind.eq(source_kind.to_owned()))
        .filter(payroll_lines::deleted_at.is_null())
        .into_boxed();
    if let Some(p) = person {
        query = query.filter(payroll_lines::person_id.eq(p.to_owned()));
    }
    Ok(query
        .select((payroll_lines::person_id, payroll_lines::source_id))
        .distinct()
        .load(conn)?)
}

/// BIL-13: open adjustments for the months `from ..= to`.
pub fn adjustments_due(
    conn: &mut DbConnection,
    from: &str,
    to: &str,
    person: Option<&str>,
) -> Result<Vec<AdjustmentRow>, StoreError> {
    let query = payroll_adjustments::table
        .filter(payroll_adjustments::status.eq("open"))
        .filter(payroll_adjustments::deleted_at.is_null())
        .filter(payroll_adjustments::month.ge(from.to_owned()))
        .filter(payroll_adjustments::month.le(to.to_owned()))
        .into_boxed();
    of_person!(
        conn,
        query,
        payroll_adjustments::person_id,
        person,
        payroll_adjustments::id,
        AdjustmentRow
    )
}

pub fn insert_adjustment(conn: &mut DbConnection, row: &AdjustmentRow) -> Result<(), StoreError> {
    diesel::insert_into(payroll_adjustments::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

pub fn find_adjustment(
    conn: &mut DbConnection,
    id: &str,
) -> Result<Option<AdjustmentRow>, StoreError> {
    Ok(payroll_adjustments::table
        .find(id)
        .select(AdjustmentRow::as_select())
        .first(conn)
        .optional()?)
}

// -- approval: the sources a statement paid are consumed, each once --

/// Moves the rows `ids` that are still `$from` (and meet any further filters) to `$to`,
/// bumping each version so delta sync sees the change, with any further columns set; the
/// number written. Rows moved on meanwhile are left alone: each source is consumed once.
macro_rules! consume {
    ($conn:expr, $table:ident, $ids:expr, $now:expr, $from:literal => $to:literal
        $(, where $filter:expr)* $(, set $set:expr)*) => {{
        let at = to_db_time($now);
        Ok(diesel::update(
            $table::table
                .filter($table::id.eq_any($ids))
                .filter($table::status.eq($from))
                $(.filter($filter))*,
        )
        .set((
            $table::status.eq($to),
            $table::version.eq($table::version + 1),
            $table::updated_at.eq(at),
            $($set,)*
        ))
        .execute($conn)?)
    }};
}

/// Marks the `due` commission lines `ids` `paid`; the number written.
pub fn pay_commissions(
    conn: &mut DbConnection,
    ids: &[String],
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    consume!(conn, commission_lines, ids, now, "due" => "paid")
}

/// Marks the confirmed fines `ids` `deducted`; the number written.
pub fn deduct_fines(
    conn: &mut DbConnection,
    ids: &[String],
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    consume!(conn, fines, ids, now, "confirmed" => "deducted",
        where fines::deducted_at.is_null(),
        set fines::deducted_at.eq(Some(to_db_time(now))))
}

/// Marks the pending charges `ids` `deducted`; the number written.
pub fn deduct_charges(
    conn: &mut DbConnection,
    ids: &[String],
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    consume!(conn, part_charges, ids, now, "pending" => "deducted")
}

/// Marks the open adjustments `ids` applied by `statement_id`; the number written.
pub fn apply_adjustments(
    conn: &mut DbConnection,
    ids: &[String],
    statement_id: &str,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    consume!(conn, payroll_adjustments, ids, now, "open" => "applied",
        set payroll_adjustments::applied_statement_id.eq(Some(statement_id)))
}
