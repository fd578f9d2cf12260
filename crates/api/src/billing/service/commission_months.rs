//! The month close of commissions (BIL-9 … BIL-12): load the month's facts, compute its lines
//! with `kefu_billing::engine`, and either show them beside the ledger (preview: nothing
//! saved) or write them (close). Closing is idempotent and safe on two instances at once: new
//! lines go in by their unique key (a concurrent close's line wins it), changed open lines by a
//! version-conditional update, so each line is written once and each change audited once.
//! Set-based: a handful of queries per month whatever its size, plus one per changed line.

use crate::billing::dto::commission_months::{LineChange, MonthOut, PreviewLine};
use crate::billing::service::ledger_kinds;
use crate::billing::service::transfers::transfers_of;
use crate::kernel::command::Ctx;
use crate::kernel::error::ApiError;
use crate::kernel::notify::{Notice, notify};
use crate::kernel::rules::load_in_force;
use crate::scoring::service::fines::{NewFine, insert_proposed, month_of};
use chrono::{Datelike, Days, NaiveDate};
use kefu_billing::commissioning::{CommissioningRates, MonthlyMultiplier, RateClass};
use kefu_billing::engine::commissioning::{Job, JobKind, LateDocuments, MonthFacts, compute_month};
use kefu_billing::engine::{Line, LineStatus, carry_transfers, forfeit_for_leavers};
use kefu_billing::shares::CommissionShares;
use kefu_core::{Role, YearMonth};
use kefu_scoring::fine_records::price;
use kefu_scoring::fines::FineCatalogue;
use kefu_store::commission_lines::{self as store, JobFacts, LineRow, Recomputed};
use kefu_store::{DbConnection, new_id, to_db_time};
use std::collections::{BTreeMap, BTreeSet};

/// The kinds the month's computation owns — commissioning here, the others in
/// [`ledger_kinds`] — a recomputation compares (and removes) only these.
pub const MONTH_KINDS: [&str; 8] = [
    "commissioning_first",
    "commissioning_held",
    "clerk_share",
    "base_salary_cut",
    ledger_kinds::KINDS[0],
    ledger_kinds::KINDS[1],
    ledger_kinds::KINDS[2],
    ledger_kinds::KINDS[3],
];

/// A line of the month, computed, ready to store.
struct Computed {
    line: Line,
    inputs: String,
    rule_versions: String,
}

/// The stored form of a computed line: its inputs and rule versions as JSON.
fn computed(line: Line) -> Result<Computed, ApiError> {
    let versions: BTreeMap<&str, NaiveDate> = line
        .rule_versions
        .iter()
        .map(|r| (r.key, r.effective_from))
        .collect();
    Ok(Computed {
        inputs: serde_json::to_string(&line.inputs).map_err(ApiError::internal)?,
        rule_versions: serde_json::to_string(&versions).map_err(ApiError::internal)?,
        line,
    })
}

/// What a recomputation of one line writes over its open ledger row (a command that changes
/// a line's facts recomputes it at once rather than waiting for the month's next sync).
pub fn recomputed_line(line: Line) -> Result<Recomputed, ApiError> {
    Ok(computed(line)?.recomputed())
}

impl Computed {
    fn key(&self) -> (String, String, String, String, String) {
        let l = &self.line;
        (
            l.source_kind.as_str().to_owned(),
            l.source_id.clone(),
            l.kind.as_str().to_owned(),
            l.person_id.clone(),
            l.earned_month.to_string(),
        )
    }

    fn recomputed(&self) -> Recomputed {
        Recomputed {
            due_month: self.line.due_month.map(|m| m.to_string()),
            amount_fen: self.line.amount.fen(),
            inputs: self.inputs.clone(),
            rule_versions: self.rule_versions.clone(),
            status: self.line.status.as_str().to_owned(),
            deleted_at: None,
        }
    }
}

fn row_key(r: &LineRow) -> (String, String, String, String, String) {
    let (a, b, c, d, e) = r.key();
    (a.into(), b.into(), c.into(), d.into(), e.into())
}

fn recomputed_of(r: &LineRow) -> Recomputed {
    Recomputed {
        due_month: r.due_month.clone(),
        amount_fen: r.amount_fen,
        inputs: r.inputs.clone(),
        rule_versions: r.rule_versions.clone(),
        status: r.status.clone(),
        deleted_at: r.deleted_at,
    }
}

struct Month {
    lines: Vec<Computed>,
    late: Vec<LateDocuments>,
}

fn last_day(month: YearMonth) -> Result<NaiveDate, ApiError> {
    month
        .next()
        .first_day()
        .and_then(|d| d.checked_sub_days(Days::new(1)))
        .ok_or_else(|| ApiError::internal("month out of range"))
}

/// CON-7: the day the last of the three documents came in, once all are.
fn documents_in_on(j: &JobFacts) -> Option<NaiveDate> {
    let days = [
        j.project_file_on?,
        j.questionnaire_on?,
        j.settlement_notice_on?,
    ];
    days.into_iter().max()
}

/// BIL-11 (seed 002 §5 (7)): the callback that releases the 80% — and, for a job the manager
/// must re-check, the re-check too.
fn confirmed_on(j: &JobFacts) -> Option<NaiveDate> {
    let callback = j.callback_confirmed_on?;
    if j.recheck_required {
        j.rechecked_on.map(|r| r.max(callback))
    } else {
        Some(callback)
    }
}

fn engine_job(j: &JobFacts, rebates: &BTreeMap<String, i64>) -> Job {
    Job {
        job_id: j.id.clone(),
        engineer_id: j.engineer_id.clone(),
        // The job records know no re-programming or warranty kind: every job commissions.
        kind: JobKind::Commissioning,
        rate_class: j
            .location_class
            .parse::<kefu_core::LocationClass>()
            .map_or(RateClass::Local, RateClass::from),
        billable_points: j.billable_points,
        done: matches!(
            j.status.as_str(),
            "commissioned" | "awaiting_recheck" | "completed"
        ),
        documents_due_on: j.documents_due_on,
        documents_in_on: documents_in_on(j),
        callback_confirmed_on: confirmed_on(j),
        acceptance_on: j.acceptance_on,
        rebate_fen: rebates.get(&j.id).copied().unwrap_or(0),
    }
}

/// BIL-9 … BIL-12: the month's lines from the facts as they are `today`, with the rule tables
/// in force on the month's last day.
fn compute(conn: &mut DbConnection, month: YearMonth, today: NaiveDate) -> Result<Month, ApiError> {
    let first = month
        .first_day()
        .ok_or_else(|| ApiError::internal("month out of range"))?;
    let last = last_day(month)?;
    let rates = load_in_force::<CommissioningRates>(conn, last)?;
    let multiplier = load_in_force::<MonthlyMultiplier>(conn, last)?;
    let shares = load_in_force::<CommissionShares>(conn, last)?;
    let facts = store::jobs_assigned(conn, first, last)?;
    let ids: Vec<String> = facts.iter().map(|j| j.id.clone()).collect();
    let rebates = kefu_store::rebates::totals_for(conn, "commissioning_job", &ids)?;
    let jobs: Vec<Job> = facts.iter().map(|j| engine_job(j, &rebates)).collect();
    let left: BTreeMap<String, NaiveDate> = store::people_who_left(conn)?.into_iter().collect();
    // BIL-10: the engineers employed in the month are each owed the minimum workload.
    let engineers: Vec<String> = kefu_store::users::enabled_with_role(conn, Role::Engineer)?
        .into_iter()
        .filter(|u| left.get(u).is_none_or(|d| *d >= first))
        .collect();
    // BIL-12: the department's clerk (内勤, seed 002 §1: one); with several, the first by id.
    let clerks = kefu_store::users::enabled_with_role(conn, Role::Clerk)?;
    let out = compute_month(&MonthFacts {
        month,
        today,
        jobs: &jobs,
        engineers: &engineers,
        clerk_id: clerks.first().map(String::as_str),
        rates: &rates,
        multiplier: &multiplier,
        shares: &shares,
    })?;
    let mut lines = out.lines;
    lines.extend(ledger_kinds::lines_of_month(
        conn,
        month,
        (first, last),
        &shares,
    )?);
    // BIL-11: a handed-over 20% follows its taker, who may in turn have left.
    let ledger = store::of_month(conn, &month.to_string(), &MONTH_KINDS)?;
    carry_transfers(&mut lines, &transfers_of(&ledger));
    let gone: BTreeSet<String> = left.into_keys().collect();
    forfeit_for_leavers(&mut lines, &gone);
    let lines = lines
        .into_iter()
        .map(computed)
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok(Month {
        lines,
        late: out.late_documents,
    })
}

/// How the computed month differs from the ledger: added, changed, removed lines.
fn diff(month: &Month, ledger: &[LineRow]) -> Vec<LineChange> {
    let by_key: BTreeMap<_, &LineRow> = ledger.iter().map(|r| (row_key(r), r)).collect();
    let mut changes = Vec::new();
    let mut seen = BTreeSet::new();
    for c in &month.lines {
        let key = c.key();
        seen.insert(key.clone());
        match by_key.get(&key) {
            None => changes.push(LineChange::added(&c.line)),
            Some(r) if r.deleted_at.is_some() => changes.push(LineChange::added(&c.line)),
            Some(r) => {
                let open = LineStatus::parse(&r.status).is_some_and(LineStatus::is_open);
                if open && recomputed_of(r) != c.recomputed() {
                    changes.push(LineChange::changed(r, &c.line));
                }
            }
        }
    }
    for r in ledger {
        let open = LineStatus::parse(&r.status).is_some_and(LineStatus::is_open);
        if open && r.deleted_at.is_none() && !seen.contains(&row_key(r)) {
            changes.push(LineChange::removed(r));
        }
    }
    changes
}

/// BIL-9 … BIL-12: the month computed now, beside the ledger; nothing is saved.
pub fn preview(
    conn: &mut DbConnection,
    month: YearMonth,
    today: NaiveDate,
) -> Result<MonthOut, ApiError> {
    let computed = compute(conn, month, today)?;
    let ledger = store::of_month(conn, &month.to_string(), &MONTH_KINDS)?;
    let ids: BTreeMap<_, &LineRow> = ledger.iter().map(|r| (row_key(r), r)).collect();
    let changes = diff(&computed, &ledger);
    let lines = computed
        .lines
        .iter()
        .map(|c| PreviewLine::of(&c.line, ids.get(&c.key()).map(|r| r.id.clone())))
        .collect();
    Ok(MonthOut::new(month, false, lines, changes))
}

/// What a sync of the month wrote.
struct Synced {
    computed: Month,
    changes: Vec<LineChange>,
    written: usize,
}

/// BIL-9 … BIL-12: brings the ledger of `month` in step with the facts (see the module
/// comment): writes new lines once, updates changed open lines, deletes (softly) open lines
/// the facts no longer give, proposes the HR-F4 fine of each job whose documents came late
/// (once per job), audits every status change (`commission_line.<status>`) and tells the
/// people concerned.
fn sync(
    conn: &mut DbConnection,
    ctx: &Ctx,
    month: YearMonth,
    today: NaiveDate,
) -> Result<Synced, ApiError> {
    let computed = compute(conn, month, today)?;
    sync_kinds(conn, ctx, month, today, computed, &MONTH_KINDS)
}

/// [`sync`] of the lines `computed` against the ledger lines of `kinds` earned in `month`.
fn sync_kinds(
    conn: &mut DbConnection,
    ctx: &Ctx,
    month: YearMonth,
    today: NaiveDate,
    computed: Month,
    kinds: &[&str],
) -> Result<Synced, ApiError> {
    let key = month.to_string();
    let ledger = store::of_month(conn, &key, kinds)?;
    let changes = diff(&computed, &ledger);
    let by_key: BTreeMap<_, &LineRow> = ledger.iter().map(|r| (row_key(r), r)).collect();
    let now = to_db_time(ctx.now);
    let mut fresh = Vec::new();
    let mut updates = Vec::new();
    for c in &computed.lines {
        match by_key.get(&c.key()) {
            None => fresh.push((c, new_row(c, now))),
            Some(r) => updates.push((c, *r)),
        }
    }
    let rows: Vec<LineRow> = fresh.iter().map(|(_, r)| r.clone()).collect();
    let written: BTreeSet<String> = store::insert_new(conn, &rows)?.into_iter().collect();
    let mut told: BTreeMap<String, usize> = BTreeMap::new();
    for (c, row) in &fresh {
        if written.contains(&row.id) {
            *told.entry(c.line.person_id.clone()).or_default() += 1;
            if c.line.status != LineStatus::Due {
                status_changed(conn, ctx, &row.id, None, &c.line)?;
            }
        }
    }
    for (c, r) in updates {
        let open = LineStatus::parse(&r.status).is_some_and(LineStatus::is_open);
        let next = c.recomputed();
        if !open || recomputed_of(r) == next {
            continue;
        }
        // The version-conditional update is the claim: of two syncs, one writes and audits.
        let revived = r.deleted_at.is_some();
        if store::update_open(conn, &r.id, r.version, &next, ctx.now)?
            && (r.status != next.status || revived)
        {
            status_changed(conn, ctx, &r.id, Some(&r.status), &c.line)?;
        }
    }
    let kept: BTreeSet<_> = computed.lines.iter().map(Computed::key).collect();
    for r in &ledger {
        let open = LineStatus::parse(&r.status).is_some_and(LineStatus::is_open);
        if open && r.deleted_at.is_none() && !kept.contains(&row_key(r)) {
            let mut gone = recomputed_of(r);
            gone.deleted_at = Some(now);
            if store::update_open(conn, &r.id, r.version, &gone, ctx.now)? {
                ctx.audit(
                    conn,
                    "commission_line.delete",
                    ("commission_line", &r.id),
                    Some(serde_json::json!({ "status": r.status, "amount_fen": r.amount_fen })),
                    None,
                )?;
            }
        }
    }
    for late in &computed.late {
        propose_late_fine(conn, ctx, today, late)?;
    }
    for (person, n) in &told {
        let body = format!("{key} 的提成已结算，新增 {n} 条提成明细，请在提成明细中查看。");
        notify(
            conn,
            ctx.now,
            person,
            &Notice {
                kind: "commission_month.closed",
                title: &format!("{key} 提成已结算"),
                body: &body,
                entity: Some(("commission_month", &key)),
                dedupe_key: Some(&format!("commission_month.closed:{key}:{person}:{n}")),
            },
        )?;
    }
    Ok(Synced {
        computed,
        changes,
        written: written.len(),
    })
}

/// BIL-9 … BIL-12: closes `month` — syncs its ledger (idempotent: a second close, or two at
/// once, write nothing more) and audits the close (`commission_month.close`).
pub fn close(
    conn: &mut DbConnection,
    ctx: &Ctx,
    month: YearMonth,
    today: NaiveDate,
) -> Result<MonthOut, ApiError> {
    let key = month.to_string();
    // The month's row is written first: its row lock queues a concurrent close (or refresh)
    // of the month behind this one, which then finds the lines written and writes nothing.
    store::record_close(conn, &key, ctx.actor_id.as_deref(), ctx.now)?;
    let synced = sync(conn, ctx, month, today)?;
    ctx.audit(
        conn,
        "commission_month.close",
        ("commission_month", &key),
        None,
        Some(serde_json::json!({
            "lines": synced.computed.lines.len(), "written": synced.written,
            "changes": synced.changes.len(),
            "late_documents": synced.computed.late.iter().map(|l| &l.job_id).collect::<Vec<_>>(),
        })),
    )?;
    closed_out(conn, month, &MONTH_KINDS, synced)
}

/// A closed month's answer: its lines as computed, each with its ledger id.
fn closed_out(
    conn: &mut DbConnection,
    month: YearMonth,
    kinds: &[&str],
    synced: Synced,
) -> Result<MonthOut, ApiError> {
    let ledger = store::of_month(conn, &month.to_string(), kinds)?;
    let ids: BTreeMap<_, &LineRow> = ledger.iter().map(|r| (row_key(r), r)).collect();
    let lines = synced
        .computed
        .lines
        .iter()
        .map(|c| PreviewLine::of(&c.line, ids.get(&c.key()).map(|r| r.id.clone())))
        .collect();
    Ok(MonthOut::new(month, true, lines, synced.changes))
}

/// BIL-12c: closes `year` ahead of (or besides) its December close — writes only its year-end
/// bonus lines (earned in December), idempotently, and audits `commission_year.close`.
pub fn close_year(
    conn: &mut DbConnection,
    ctx: &Ctx,
    year: i32,
    today: NaiveDate,
) -> Result<MonthOut, ApiError> {
    let december =
        YearMonth::new(year, 12).ok_or_else(|| ApiError::internal("year out of range"))?;
    let last = last_day(december)?;
    // As a close: December's row lock first (when December was closed), so the two never
    // interleave.
    store::lock_month(conn, &december.to_string(), ctx.now)?;
    let lines = ledger_kinds::year_end_lines(conn, year, last)?
        .into_iter()
        .map(computed)
        .collect::<Result<Vec<_>, ApiError>>()?;
    let month = Month {
        lines,
        late: Vec::new(),
    };
    let kinds = [ledger_kinds::KINDS[3]];
    let synced = sync_kinds(conn, ctx, december, today, month, &kinds)?;
    ctx.audit(
        conn,
        "commission_year.close",
        ("commission_year", &year.to_string()),
        None,
        Some(serde_json::json!({
            "lines": synced.computed.lines.len(), "written": synced.written,
            "changes": synced.changes.len(),
        })),
    )?;
    closed_out(conn, december, &kinds, synced)
}

/// The scheduler's refresh of a closed month: as [`close`] without counting a close.
pub fn refresh(
    conn: &mut DbConnection,
    ctx: &Ctx,
    month: YearMonth,
    today: NaiveDate,
) -> Result<(), ApiError> {
    // As a close: the month's row lock first, so a close and a refresh never interleave.
    store::lock_month(conn, &month.to_string(), ctx.now)?;
    sync(conn, ctx, month, today).map(|_| ())
}

fn new_row(c: &Computed, now: chrono::NaiveDateTime) -> LineRow {
    let l = &c.line;
    LineRow {
        id: new_id(),
        person_id: l.person_id.clone(),
        kind: l.kind.as_str().to_owned(),
        source_kind: l.source_kind.as_str().to_owned(),
        source_id: l.source_id.clone(),
        earned_month: l.earned_month.to_string(),
        due_month: l.due_month.map(|m| m.to_string()),
        amount_fen: l.amount.fen(),
        rule: l.rule.to_owned(),
        inputs: c.inputs.clone(),
        rule_versions: c.rule_versions.clone(),
        status: l.status.as_str().to_owned(),
        transferred_to: None,
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
    }
}

/// Audits a line's new status (`commission_line.due`, `.withheld`, `.pending`, `.forfeited`,
/// `.transferred`) and tells its person when it is held back, forfeited or payable.
pub fn status_changed(
    conn: &mut DbConnection,
    ctx: &Ctx,
    id: &str,
    before: Option<&str>,
    line: &Line,
) -> Result<(), ApiError> {
    let status = line.status.as_str();
    ctx.audit(
        conn,
        &format!("commission_line.{status}"),
        ("commission_line", id),
        before.map(|b| serde_json::json!({ "status": b })),
        Some(serde_json::json!({
            "status": status, "amount_fen": line.amount.fen(), "rule": line.rule,
            "due_month": line.due_month.map(|m| m.to_string()),
            "person_id": line.person_id,
        })),
    )?;
    let (title, body) = match line.status {
        LineStatus::Withheld => (
            "提成暂扣：调试资料逾期",
            format!(
                "工程 {} 的调试资料逾期未交，相关提成暂扣，资料交齐后恢复发放。",
                line.source_id
            ),
        ),
        LineStatus::Forfeited => (
            "提成作废：已离职",
            format!("离职人员未发放的提成（{}）不再发放。", line.source_id),
        ),
        LineStatus::Due => (
            "提成可发放",
            format!(
                "{} 的提成 {:.2} 元将随 {} 工资发放。",
                line.source_id,
                line.amount.fen() as f64 / 100.0,
                line.due_month.map(|m| m.to_string()).unwrap_or_default()
            ),
        ),
        _ => return Ok(()),
    };
    let kind = match line.status {
        LineStatus::Withheld => "commission_line.withheld",
        LineStatus::Forfeited => "commission_line.forfeited",
        _ => "commission_line.due",
    };
    notify(
        conn,
        ctx.now,
        &line.person_id,
        &Notice {
            kind,
            title,
            body: &body,
            entity: Some(("commission_line", id)),
            dedupe_key: Some(&format!("{kind}:{id}")),
        },
    )?;
    Ok(())
}

/// HR-F4: the late-documents fine of a job, proposed once (its source key), priced by the
/// catalogue in force today, in today's payroll month; the breach is the day after the due day.
fn propose_late_fine(
    conn: &mut DbConnection,
    ctx: &Ctx,
    today: NaiveDate,
    late: &LateDocuments,
) -> Result<(), ApiError> {
    let catalogue = load_in_force::<FineCatalogue>(conn, today)?.value;
    let priced = price(&catalogue, "HR-F4", false, None)?;
    let occurred_on = late.due_on.succ_opt().unwrap_or(late.due_on);
    insert_proposed(
        conn,
        ctx,
        NewFine {
            user_id: late.engineer_id.clone(),
            rule: "HR-F4".to_owned(),
            amount_fen: priced.amount_fen,
            dismissal_flag: priced.dismissal_flag,
            month: month_of(today),
            occurred_on: occurred_on.min(today),
            evidence: format!(
                "调试资料逾期 {} 天（应于 {} 前上交），工程 {}",
                late.days_late, late.due_on, late.job_id
            ),
            attachment_ids: Vec::new(),
            issued_by: ctx.actor_id.clone(),
            source_key: Some(format!("commissioning-documents-late:{}", late.job_id)),
        },
    )?;
    Ok(())
}

/// The months the scheduler keeps in step: every closed month with open lines, and those of
/// this year and the last (acceptance and year-end conditions reach that far).
pub fn months_to_refresh(
    conn: &mut DbConnection,
    today: NaiveDate,
) -> Result<Vec<YearMonth>, ApiError> {
    let since = format!("{:04}-01", today.year() - 1);
    Ok(store::months_to_refresh(conn, &since)?
        .iter()
        .filter_map(|m| m.parse().ok())
        .collect())
}
