//! BIL-13: reading payroll statements (private: one's own; finance, HR and management
//! everyone's; a supervisor never others' salaries — anyone else's reads as 404), approving
//! them (once: approving again answers the same and writes nothing), finance's note on a
//! draft, and adjustments carried into a later month.

use crate::billing::dto::payroll::{
    CreatePayrollAdjustment, PayrollAdjustmentOut, PayrollLineOut, PayrollStatementDetail,
    PayrollStatementOut, UpdatePayrollStatement, kind_totals,
};
use crate::billing::service::payroll::{compute_for, pay_line};
use crate::billing::service::privacy::{Reach, narrow, scope, sees};
use crate::kernel::command::{Ctx, snapshot, written};
use crate::kernel::error::ApiError;
use crate::kernel::extract::trimmed;
use crate::kernel::notify::{Notice, notify};
use kefu_billing::payroll::{self as rules, Approval, PayLine, StatementStatus, format_yuan};
use kefu_core::{Actor, FieldError, YearMonth};
use kefu_store::delta::ListMode;
use kefu_store::payroll::{self as store, AdjustmentRow, LineFilter, PayLineRow, StatementFilter};
use kefu_store::payroll::{StatementRow, find_statement};
use kefu_store::{DbConnection, new_id, to_db_time};

fn status_of(s: &StatementRow) -> StatementStatus {
    s.status.parse().unwrap_or(StatementStatus::Approved)
}

/// A live statement, else 404.
fn live(conn: &mut DbConnection, id: &str) -> Result<StatementRow, ApiError> {
    find_statement(conn, id)?
        .filter(|r| r.deleted_at.is_none())
        .ok_or(ApiError::NotFound)
}

/// A statement the caller may see (ORG-5, `Reach::OwnOnly`), else 404.
pub fn get(conn: &mut DbConnection, actor: &Actor, id: &str) -> Result<StatementRow, ApiError> {
    let row = live(conn, id)?;
    if !sees(&scope(conn, actor, Reach::OwnOnly)?, &row.person_id) {
        return Err(ApiError::NotFound);
    }
    Ok(row)
}

/// The per-employee breakdown of `row`.
pub fn detail(
    conn: &mut DbConnection,
    row: &StatementRow,
) -> Result<PayrollStatementDetail, ApiError> {
    let lines = store::lines_of(conn, &row.id)?;
    Ok(PayrollStatementDetail {
        statement: PayrollStatementOut::from(row),
        totals: kind_totals(
            lines
                .iter()
                .filter_map(|l| pay_line(l).ok().map(|p| (p.kind, p.amount_fen))),
        ),
        lines: lines.iter().map(PayrollLineOut::from).collect(),
    })
}

pub fn list_statements(
    conn: &mut DbConnection,
    actor: &Actor,
    person: Option<String>,
    mut filter: StatementFilter,
    mode: &ListMode,
    limit: i64,
) -> Result<Vec<StatementRow>, ApiError> {
    filter.people = narrow(scope(conn, actor, Reach::OwnOnly)?, person);
    Ok(store::list_statements(conn, &filter, mode, limit)?)
}

pub fn list_lines(
    conn: &mut DbConnection,
    actor: &Actor,
    person: Option<String>,
    mut filter: LineFilter,
    mode: &ListMode,
    limit: i64,
) -> Result<Vec<PayLineRow>, ApiError> {
    filter.people = narrow(scope(conn, actor, Reach::OwnOnly)?, person);
    Ok(store::list_lines(conn, &filter, mode, limit)?)
}

fn stale() -> ApiError {
    rules::stale().into()
}

/// Consumes the sources `lines` paid — commission lines `paid`, fines and part charges
/// `deducted`, adjustments `applied` — each audited; all of them or none (409 `BIL-13`).
fn consume(
    conn: &mut DbConnection,
    ctx: &Ctx,
    statement: &StatementRow,
    lines: &[PayLine],
) -> Result<(), ApiError> {
    use kefu_billing::payroll::PaySourceKind as S;
    let ids = |kind: S| -> Vec<String> {
        let mut v: Vec<String> = lines
            .iter()
            .filter(|l| l.source_kind == kind)
            .map(|l| l.source_id.clone())
            .collect();
        v.dedup();
        v
    };
    let batches = [
        (S::CommissionLine, "commission_line.paid", "commission_line"),
        (S::Fine, "fine.deduct", "fine"),
        (S::PartCharge, "part_charge.deduct", "part_charge"),
        (
            S::PayrollAdjustment,
            "payroll_adjustment.apply",
            "payroll_adjustment",
        ),
    ];
    for (kind, action, entity) in batches {
        let ids = ids(kind);
        if ids.is_empty() {
            continue;
        }
        let n = match kind {
            S::CommissionLine => store::pay_commissions(conn, &ids, ctx.now)?,
            S::Fine => store::deduct_fines(conn, &ids, ctx.now)?,
            S::PartCharge => store::deduct_charges(conn, &ids, ctx.now)?,
            _ => store::apply_adjustments(conn, &ids, &statement.id, ctx.now)?,
        };
        if n != ids.len() {
            return Err(stale());
        }
        for id in &ids {
            ctx.audit(
                conn,
                action,
                (entity, id),
                None,
                Some(serde_json::json!({
                    "payroll_statement_id": statement.id, "month": statement.month,
                })),
            )?;
        }
    }
    Ok(())
}

/// BIL-13: approves the draft `id` at version `expected` once its lines still match their
/// sources (409 `BIL-13` otherwise: generate again), consumes the sources it pays, audits
/// `payroll_statement.approve` and tells the person. Approving an approved statement answers
/// it as it is and writes nothing.
pub fn approve(
    conn: &mut DbConnection,
    ctx: &Ctx,
    id: &str,
    expected: i64,
) -> Result<PayrollStatementDetail, ApiError> {
    let row = live(conn, id)?;
    if rules::approve(status_of(&row)) == Approval::AlreadyApproved {
        return detail(conn, &row);
    }
    if row.version != expected {
        return Err(ApiError::PreconditionFailed {
            current: row.version,
        });
    }
    let month: YearMonth = row.month.parse().map_err(ApiError::internal)?;
    let now = compute_for(conn, month, Some(&row.person_id))?
        .remove(&row.person_id)
        .unwrap_or_default()
        .lines;
    let stored = store::lines_of(conn, id)?
        .iter()
        .map(pay_line)
        .collect::<Result<Vec<_>, _>>()?;
    rules::check_current(&stored, &now)?;
    if !store::approve(conn, id, row.version, ctx.actor_id.as_deref(), ctx.now)? {
        // A concurrent approval won the row: answer as it left it.
        let again = live(conn, id)?;
        if status_of(&again) == StatementStatus::Approved {
            return detail(conn, &again);
        }
        return Err(ApiError::PreconditionFailed {
            current: again.version,
        });
    }
    consume(conn, ctx, &row, &stored)?;
    let after = live(conn, id)?;
    let out = detail(conn, &after)?;
    ctx.audit(
        conn,
        "payroll_statement.approve",
        ("payroll_statement", id),
        snapshot(&PayrollStatementOut::from(&row)),
        snapshot(&out.statement),
    )?;
    let body = format!(
        "{} 工资单已审核：应发 {} 元，应扣 {} 元，实发 {} 元。",
        row.month,
        format_yuan(row.earnings_fen),
        format_yuan(row.deductions_fen),
        format_yuan(row.net_fen)
    );
    notify(
        conn,
        ctx.now,
        &row.person_id,
        &Notice {
            kind: "payroll_statement.approved",
            title: &format!("{} 工资单", row.month),
            body: &body,
            entity: Some(("payroll_statement", id)),
            dedupe_key: Some(&format!("payroll_statement.approved:{id}")),
        },
    )?;
    Ok(out)
}

/// BIL-13: finance's note on a draft (409 `BIL-13` once approved).
pub fn update(
    conn: &mut DbConnection,
    ctx: &Ctx,
    id: &str,
    expected: i64,
    input: UpdatePayrollStatement,
) -> Result<PayrollStatementDetail, ApiError> {
    let row = live(conn, id)?;
    rules::check_draft(status_of(&row), "an edit")?;
    written(store::set_note(
        conn,
        id,
        expected,
        match input.note {
            Some(note) => trimmed(note),
            None => row.note.clone(),
        },
        ctx.now,
    )?)?;
    let after = live(conn, id)?;
    ctx.audit(
        conn,
        "payroll_statement.update",
        ("payroll_statement", id),
        snapshot(&PayrollStatementOut::from(&row)),
        snapshot(&PayrollStatementOut::from(&after)),
    )?;
    detail(conn, &after)
}

fn invalid(field: &str, message: &str) -> ApiError {
    ApiError::Invalid(vec![
        FieldError::new(field, "invalid", message).by_rule("BIL-13"),
    ])
}

/// BIL-13: a correction for `person_id`'s statement of `month`: refused (409 `BIL-13`) when
/// that statement is approved already — corrections go into a later month.
pub fn create_adjustment(
    conn: &mut DbConnection,
    ctx: &Ctx,
    input: CreatePayrollAdjustment,
) -> Result<PayrollAdjustmentOut, ApiError> {
    let month: YearMonth = input
        .month
        .parse()
        .map_err(|_| invalid("month", "month must be YYYY-MM"))?;
    if input.amount_fen == 0 {
        return Err(invalid(
            "amount_fen",
            "an adjustment of zero adjusts nothing",
        ));
    }
    let person = input.person_id.trim().to_owned();
    if kefu_store::users::find(conn, &person)?.is_none() {
        return Err(invalid("person_id", "no such user"));
    }
    let key = month.to_string();
    let target = store::statements_of_month(conn, &key)?
        .into_iter()
        .find(|s| s.person_id == person);
    if let Some(s) = &target {
        rules::check_draft(status_of(s), "an adjustment into its month")?;
    }
    let corrects = trimmed(input.corrects_statement_id);
    if let Some(c) = &corrects {
        let ok = find_statement(conn, c)?.is_some_and(|s| {
            s.person_id == person && s.month < key && status_of(&s) == StatementStatus::Approved
        });
        if !ok {
            return Err(invalid(
                "corrects_statement_id",
                "must be an approved statement of the same person from an earlier month",
            ));
        }
    }
    let now = to_db_time(ctx.now);
    let row = AdjustmentRow {
        id: new_id(),
        person_id: person,
        month: key,
        amount_fen: input.amount_fen,
        reason: input.reason.trim().to_owned(),
        corrects_statement_id: corrects,
        status: "open".to_owned(),
        applied_statement_id: None,
        created_by: ctx.actor_id.clone(),
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
    };
    store::insert_adjustment(conn, &row)?;
    let out = PayrollAdjustmentOut::from(&row);
    ctx.audit(
        conn,
        "payroll_adjustment.create",
        ("payroll_adjustment", &row.id),
        None,
        snapshot(&out),
    )?;
    Ok(out)
}
