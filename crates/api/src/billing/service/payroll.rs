//! BIL-13: the month's payroll statements computed from their sources (set-based: one query
//! per kind of source for the whole month), shown beside the saved statements (preview,
//! finance view) or written (generate). Generating is idempotent and safe on two instances at
//! once: statements go in by their unique key (person, month), a draft is rewritten only by a
//! version-conditional update (of two generations one wins the row, the other finds the
//! version moved and writes nothing), lines by their unique key. Approved statements are
//! never written again.

use crate::billing::dto::commission_months::ChangeKind;
use crate::billing::dto::payroll::{
    PayKindTotal, PayrollLineChange, PayrollMonthOut, PayrollMonthRow, kind_totals,
};
use crate::billing::service::phone::{allowance_of, policy_for};
use crate::kernel::command::Ctx;
use crate::kernel::error::ApiError;
use crate::scoring::service::standings::totals_of;
use chrono::Datelike;
use chrono::NaiveDateTime;
use kefu_billing::payroll::{
    self as rules, AdjustmentDue, BaseFacts, CardReward, ChargeDue, CommissionDue, FineDue,
    PayLine, PersonFacts, StatementStatus, YearBest, check_draft, statement_lines, totals,
};
use kefu_core::YearMonth;
use kefu_scoring::card::Outcome;
use kefu_store::payroll::{self as store, LineChanges, PayLineRow, Regenerated, StatementRow};
use kefu_store::{DbConnection, new_id, to_db_time};
use std::collections::{BTreeMap, BTreeSet};

/// One person's statement as computed now.
#[derive(Debug, Clone, Default)]
pub struct Computed {
    pub employee_id: Option<String>,
    pub lines: Vec<PayLine>,
}

fn month_start(month: YearMonth) -> Result<NaiveDateTime, ApiError> {
    month
        .first_day()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .ok_or_else(|| ApiError::internal("month out of range"))
}

/// The months whose unpaid sources a statement of `month` carries: from the first payroll
/// month the system has (older sources predate payroll here) up to `month`.
fn carried_from(conn: &mut DbConnection, month: YearMonth) -> Result<YearMonth, ApiError> {
    let first = store::first_month(conn)?.and_then(|m| m.parse::<YearMonth>().ok());
    Ok(first.map_or(month, |f| f.min(month)))
}

/// BIL-13: every person's statement of `month` from the sources as they are now: the
/// employee record (base salary, BIL-17 phone allowance), commission lines due, finalised
/// scorecards not paid yet (HR-S4/HR-S5), confirmed fines not deducted yet (lateness too),
/// INV-3 part charges pending, open adjustments — each of `month` or carried from an earlier
/// month it was not paid in.
pub fn compute(
    conn: &mut DbConnection,
    month: YearMonth,
) -> Result<BTreeMap<String, Computed>, ApiError> {
    compute_for(conn, month, None)
}

/// As [`compute`], for one person when `person` names one (approving a statement).
pub fn compute_for(
    conn: &mut DbConnection,
    month: YearMonth,
    person: Option<&str>,
) -> Result<BTreeMap<String, Computed>, ApiError> {
    let key = month.to_string();
    let from = carried_from(conn, month)?;
    let from_key = from.to_string();
    let mut facts: BTreeMap<String, PersonFacts> = BTreeMap::new();
    let mut employee_of: BTreeMap<String, String> = BTreeMap::new();
    let policy = policy_for(conn, month)?;
    let first_day = month
        .first_day()
        .ok_or_else(|| ApiError::internal("month out of range"))?;
    for e in store::roster(conn, person)? {
        let Some(user) = e.user_id.clone() else {
            continue;
        };
        if e.employment_status == "left" && e.status_since < first_day {
            continue;
        }
        let phone = allowance_of(&policy, month, &e);
        employee_of.insert(user.clone(), e.id.clone());
        facts.entry(user).or_default().base = Some(BaseFacts {
            employee_id: e.id.clone(),
            month: key.clone(),
            base_salary_fen: e.base_salary_fen,
            phone_allowance_fen: phone.amount_fen,
            phone_rule_from: phone.rule_effective_from.to_string(),
        });
    }
    for c in store::due_commissions(conn, &from_key, &key, person)? {
        facts
            .entry(c.person_id.clone())
            .or_default()
            .commissions
            .push(CommissionDue {
                id: c.id,
                kind: c.kind,
                earned_month: c.earned_month,
                source_id: c.source_id,
                amount_fen: c.amount_fen,
                rule: c.rule,
            });
    }
    let paid_cards: BTreeSet<String> = store::paid_sources(conn, "scorecard", person)?
        .into_iter()
        .map(|(_, card)| card)
        .collect();
    for card in store::cards_between(conn, &from_key, &key, person)? {
        if paid_cards.contains(&card.id) {
            continue;
        }
        let outcome: Outcome =
            serde_json::from_str(&card.outcome_json).map_err(ApiError::internal)?;
        facts
            .entry(card.user_id.clone())
            .or_default()
            .cards
            .push(CardReward {
                id: card.id,
                month: card.month,
                grade: outcome.grade,
                grade_amount_fen: outcome.grade_amount_fen,
                streak_bonus_fen: outcome.streak_bonus_fen,
                stars: outcome.stars,
                star_reward_fen: outcome.star_reward_fen,
            });
    }
    for (user, best) in year_best(conn, month, person)? {
        facts.entry(user).or_default().year_best.push(best);
    }
    for f in store::fines_due(conn, &from_key, &key, person)? {
        let lateness = f
            .source_key
            .as_deref()
            .is_some_and(|k| k.starts_with("lateness:"));
        facts
            .entry(f.user_id.clone())
            .or_default()
            .fines
            .push(FineDue {
                id: f.id,
                rule: f.rule,
                month: f.month,
                amount_fen: f.amount_fen,
                lateness,
                evidence: f.evidence,
            });
    }
    let charges = store::charges_due(conn, month_start(from)?, month_start(month.next())?, person)?;
    for c in charges {
        let what = format!("{} {} ×{}", c.part_id, c.kind.as_str(), c.quantity);
        facts
            .entry(c.engineer_id.clone())
            .or_default()
            .charges
            .push(ChargeDue {
                month: YearMonth::of(c.created_at.date()).to_string(),
                id: c.id,
                amount_fen: c.amount_fen,
                what,
            });
    }
    for a in store::adjustments_due(conn, &from_key, &key, person)? {
        facts
            .entry(a.person_id.clone())
            .or_default()
            .adjustments
            .push(AdjustmentDue {
                id: a.id,
                month: a.month,
                amount_fen: a.amount_fen,
                reason: a.reason,
            });
    }
    Ok(facts
        .into_iter()
        .map(|(person, f)| {
            let computed = Computed {
                employee_id: employee_of.get(&person).cloned(),
                lines: statement_lines(&f),
            };
            (person, computed)
        })
        .collect())
}

/// HR-S5: in December's statements, the year's best total of each position as the year's
/// finalised cards stand when the statement is computed (a draft follows a late December
/// card), unless a statement paid it already.
fn year_best(
    conn: &mut DbConnection,
    month: YearMonth,
    person: Option<&str>,
) -> Result<Vec<(String, YearBest)>, ApiError> {
    let Some(december) = month
        .next()
        .first_day()
        .and_then(|d| d.pred_opt())
        .filter(|d| d.month() == 12)
    else {
        return Ok(Vec::new());
    };
    let paid: BTreeSet<(String, String)> = store::paid_sources(conn, "score_year", person)?
        .into_iter()
        .collect();
    Ok(totals_of(conn, december.year(), december)?
        .into_iter()
        .filter(|t| t.award_fen > 0 && person.is_none_or(|p| p == t.user_id))
        .map(|t| {
            let best = YearBest {
                year: december.year(),
                position: t.position,
                total_tenths: t.total_tenths,
                award_fen: t.award_fen,
            };
            (t.user_id, best)
        })
        .filter(|(user, best)| !paid.contains(&(user.clone(), best.source_id())))
        .collect())
}

/// A saved line as the pure rules compare it.
pub fn pay_line(r: &PayLineRow) -> Result<PayLine, ApiError> {
    Ok(PayLine {
        kind: r.kind.parse().map_err(ApiError::internal)?,
        source_kind: r.source_kind.parse().map_err(ApiError::internal)?,
        source_id: r.source_id.clone(),
        source_month: r.source_month.clone(),
        amount_fen: r.amount_fen,
        rule: r.rule.clone(),
        description: r.description.clone(),
    })
}

/// The month as saved: statements by person, and each statement's lines (deleted too).
struct Saved {
    statements: BTreeMap<String, StatementRow>,
    lines: BTreeMap<String, Vec<PayLineRow>>,
}

fn load_saved(conn: &mut DbConnection, key: &str) -> Result<Saved, ApiError> {
    let statements = store::statements_of_month(conn, key)?
        .into_iter()
        .map(|s| (s.person_id.clone(), s))
        .collect();
    let mut lines: BTreeMap<String, Vec<PayLineRow>> = BTreeMap::new();
    for l in store::lines_of_month(conn, key)? {
        lines.entry(l.statement_id.clone()).or_default().push(l);
    }
    Ok(Saved { statements, lines })
}

impl Saved {
    fn live_lines(&self, statement_id: &str) -> Result<Vec<PayLine>, ApiError> {
        self.lines
            .get(statement_id)
            .map(|ls| {
                ls.iter()
                    .filter(|l| l.deleted_at.is_none())
                    .map(pay_line)
                    .collect()
            })
            .unwrap_or_else(|| Ok(Vec::new()))
    }
}

fn status_of(s: &StatementRow) -> StatementStatus {
    s.status.parse().unwrap_or(StatementStatus::Approved)
}

fn changes_of(
    person: &str,
    statement_id: Option<&str>,
    before: &[PayLine],
    after: &[PayLine],
) -> Vec<PayrollLineChange> {
    rules::diff(before, after)
        .into_iter()
        .map(|(change, l, before_fen, after_fen)| PayrollLineChange {
            change: match change {
                rules::Change::Added => ChangeKind::Added,
                rules::Change::Changed => ChangeKind::Changed,
                rules::Change::Removed => ChangeKind::Removed,
            },
            person_id: person.to_owned(),
            statement_id: statement_id.map(str::to_owned),
            kind: l.kind,
            source_kind: l.source_kind,
            source_id: l.source_id.clone(),
            rule: l.rule.clone(),
            before_fen,
            after_fen,
        })
        .collect()
}

fn month_row(person: &str, statement: Option<&StatementRow>, lines: &[PayLine]) -> PayrollMonthRow {
    let t = totals(lines.iter().map(|l| &l.amount_fen));
    PayrollMonthRow {
        person_id: person.to_owned(),
        statement_id: statement.map(|s| s.id.clone()),
        status: statement.map(status_of),
        earnings_fen: t.earnings_fen,
        deductions_fen: t.deductions_fen,
        net_fen: t.net_fen,
        by_kind: kind_totals(lines.iter().map(|l| (l.kind, l.amount_fen))),
    }
}

fn month_totals(rows: &[PayrollMonthRow]) -> Vec<PayKindTotal> {
    let mut by: BTreeMap<_, PayKindTotal> = BTreeMap::new();
    for t in rows.iter().flat_map(|r| &r.by_kind) {
        let e = by.entry(t.kind).or_insert(PayKindTotal {
            kind: t.kind,
            lines: 0,
            amount_fen: 0,
        });
        e.lines += t.lines;
        e.amount_fen += t.amount_fen;
    }
    by.into_values().collect()
}

/// The people a month's answer covers: those with lines computed now, and those with a
/// saved statement.
fn people(computed: &BTreeMap<String, Computed>, saved: &Saved) -> BTreeSet<String> {
    computed
        .iter()
        .filter(|(_, c)| !c.lines.is_empty())
        .map(|(p, _)| p.clone())
        .chain(saved.statements.keys().cloned())
        .collect()
}

/// BIL-13: the month computed now beside the saved statements, saving nothing: with
/// `as_saved`, the statements as saved (finance view), else as computed now (preview);
/// `changes` is what a generation would change in the drafts.
pub fn view(
    conn: &mut DbConnection,
    month: YearMonth,
    as_saved: bool,
) -> Result<PayrollMonthOut, ApiError> {
    let computed = compute(conn, month)?;
    let saved = load_saved(conn, &month.to_string())?;
    assemble(month, &computed, &saved, as_saved)
}

fn assemble(
    month: YearMonth,
    computed: &BTreeMap<String, Computed>,
    saved: &Saved,
    as_saved: bool,
) -> Result<PayrollMonthOut, ApiError> {
    let mut rows = Vec::new();
    let mut changes = Vec::new();
    let mut approved = 0;
    let none = Computed::default();
    for person in people(computed, saved) {
        let statement = saved.statements.get(&person);
        let before = match statement {
            Some(s) => saved.live_lines(&s.id)?,
            None => Vec::new(),
        };
        let now = &computed.get(&person).unwrap_or(&none).lines;
        if statement.is_some_and(|s| status_of(s) == StatementStatus::Approved) {
            approved += 1;
            rows.push(month_row(&person, statement, &before));
            continue;
        }
        changes.extend(changes_of(
            &person,
            statement.map(|s| s.id.as_str()),
            &before,
            now,
        ));
        let shown = if as_saved { &before } else { now };
        if statement.is_some() || !shown.is_empty() {
            rows.push(month_row(&person, statement, shown));
        }
    }
    Ok(PayrollMonthOut {
        month: month.to_string(),
        generated: false,
        written: 0,
        approved,
        totals: month_totals(&rows),
        statements: rows,
        changes,
    })
}

fn new_statement(person: &str, c: &Computed, key: &str, now: NaiveDateTime) -> StatementRow {
    StatementRow {
        id: new_id(),
        person_id: person.to_owned(),
        employee_id: c.employee_id.clone(),
        month: key.to_owned(),
        status: StatementStatus::Draft.as_str().to_owned(),
        earnings_fen: 0,
        deductions_fen: 0,
        net_fen: 0,
        line_count: 0,
        note: None,
        generated_at: now,
        approved_by: None,
        approved_at: None,
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
    }
}

/// Brings the lines of the draft `s` (just claimed by its version) in step with `lines`:
/// changed lines rewritten, new ones added, gone ones deleted softly.
fn write_lines(
    conn: &mut DbConnection,
    ctx: &Ctx,
    s: &StatementRow,
    stored: &[PayLineRow],
    lines: &[PayLine],
) -> Result<(), ApiError> {
    let now = to_db_time(ctx.now);
    let by_key: BTreeMap<_, &PayLineRow> = stored
        .iter()
        .map(|r| {
            (
                (r.source_kind.clone(), r.source_id.clone(), r.kind.clone()),
                r,
            )
        })
        .collect();
    let mut fresh = Vec::new();
    let mut kept = BTreeSet::new();
    for (position, l) in (1_i64..).zip(lines) {
        let k = (
            l.source_kind.as_str().to_owned(),
            l.source_id.clone(),
            l.kind.as_str().to_owned(),
        );
        let changes = LineChanges {
            position,
            source_month: l.source_month.clone(),
            amount_fen: l.amount_fen,
            rule: l.rule.clone(),
            description: l.description.clone(),
            deleted_at: None,
        };
        match by_key.get(&k) {
            Some(r) => {
                kept.insert(r.id.clone());
                let same = r.position == position
                    && r.source_month == l.source_month
                    && r.amount_fen == l.amount_fen
                    && r.rule == l.rule
                    && r.description == l.description
                    && r.deleted_at.is_none();
                if !same {
                    store::update_line(conn, &r.id, &changes, ctx.now)?;
                }
            }
            None => fresh.push(PayLineRow {
                id: new_id(),
                statement_id: s.id.clone(),
                person_id: s.person_id.clone(),
                month: s.month.clone(),
                position,
                kind: k.2,
                source_kind: k.0,
                source_id: k.1,
                source_month: changes.source_month,
                amount_fen: l.amount_fen,
                rule: changes.rule,
                description: changes.description,
                created_at: now,
                updated_at: now,
                deleted_at: None,
            }),
        }
    }
    store::insert_lines(conn, &fresh)?;
    for r in stored {
        if r.deleted_at.is_none() && !kept.contains(&r.id) {
            let gone = LineChanges {
                position: r.position,
                source_month: r.source_month.clone(),
                amount_fen: r.amount_fen,
                rule: r.rule.clone(),
                description: r.description.clone(),
                deleted_at: Some(now),
            };
            store::update_line(conn, &r.id, &gone, ctx.now)?;
        }
    }
    Ok(())
}

/// BIL-13: writes the month's statements (see the module comment), or only `person`'s (409
/// `BIL-13` when it is approved). Each statement rewritten is audited
/// (`payroll_statement.generate`), the run once (`payroll_month.generate`).
pub fn generate(
    conn: &mut DbConnection,
    ctx: &Ctx,
    month: YearMonth,
    person: Option<&str>,
) -> Result<PayrollMonthOut, ApiError> {
    let key = month.to_string();
    let mut computed = compute(conn, month)?;
    if let Some(p) = person {
        computed.retain(|k, _| k == p);
    }
    let now = to_db_time(ctx.now);
    let before = load_saved(conn, &key)?;
    if let Some(s) = person.and_then(|p| before.statements.get(p)) {
        check_draft(status_of(s), "generating it again")?;
    }
    let missing: Vec<StatementRow> = computed
        .iter()
        .filter(|(p, c)| !c.lines.is_empty() && !before.statements.contains_key(*p))
        .map(|(p, c)| new_statement(p, c, &key, now))
        .collect();
    store::insert_statements(conn, &missing)?;
    let saved = load_saved(conn, &key)?;
    let mut changes = Vec::new();
    let (mut written, mut approved) = (0, 0);
    let none = Computed::default();
    for (person_id, s) in &saved.statements {
        if person.is_some_and(|p| p != person_id) {
            continue;
        }
        if status_of(s) == StatementStatus::Approved {
            approved += 1;
            continue;
        }
        let c = computed.get(person_id).unwrap_or(&none);
        let stored = saved.lines.get(&s.id).map_or(&[][..], Vec::as_slice);
        let old = saved.live_lines(&s.id)?;
        let diff = changes_of(person_id, Some(&s.id), &old, &c.lines);
        if diff.is_empty() {
            continue;
        }
        let t = totals(c.lines.iter().map(|l| &l.amount_fen));
        let next = Regenerated {
            employee_id: c.employee_id.clone().or_else(|| s.employee_id.clone()),
            earnings_fen: t.earnings_fen,
            deductions_fen: t.deductions_fen,
            net_fen: t.net_fen,
            line_count: t.lines,
            generated_at: now,
        };
        // The version-conditional update is the claim: of two generations, one writes.
        if !store::regenerate(conn, &s.id, s.version, &next, ctx.now)? {
            continue;
        }
        write_lines(conn, ctx, s, stored, &c.lines)?;
        written += 1;
        ctx.audit(
            conn,
            "payroll_statement.generate",
            ("payroll_statement", &s.id),
            Some(serde_json::json!({ "net_fen": s.net_fen, "lines": s.line_count })),
            Some(serde_json::json!({
                "person_id": person_id, "month": key, "net_fen": t.net_fen,
                "earnings_fen": t.earnings_fen, "deductions_fen": t.deductions_fen,
                "lines": t.lines, "changes": diff.len(),
            })),
        )?;
        changes.extend(diff);
    }
    ctx.audit(
        conn,
        "payroll_month.generate",
        ("payroll_month", &key),
        None,
        Some(serde_json::json!({
            "person_id": person, "written": written, "approved": approved,
            "changes": changes.len(),
        })),
    )?;
    let mut out = assemble(month, &computed, &load_saved(conn, &key)?, true)?;
    out.generated = true;
    out.written = written;
    out.approved = approved;
    out.changes = changes;
    Ok(out)
}
