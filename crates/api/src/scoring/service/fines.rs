//! HR-F0/HR-F*: fines as records — proposed (by hand, or from their source: a lateness month,
//! a valid complaint), confirmed or cancelled by HR or a manager, deducted later by payroll
//! (BIL-13) — and the department-fund ledger that confirmations and later cancellations write.
//! Privacy: one's own fines; a supervisor also their teams' members'; the office everyone's;
//! anyone else's reads as 404.

use crate::kernel::command::{Ctx, snapshot, written};
use crate::kernel::error::ApiError;
use crate::kernel::notify::{Notice, notify};
use crate::kernel::rules::load_in_force;
use crate::scoring::dto::fines::{CancelFine, FineOut, LedgerOut, ProposeFine};
use crate::scoring::service::attendance::scope;
use chrono::{Datelike, NaiveDate};
use kefu_core::{Actor, FieldError, Role};
use kefu_scoring::fine_records::{
    FineCommand, FineStatus, check_manual_rule, ledger_effect, price, transition,
};
use kefu_scoring::fines::FineCatalogue;
use kefu_store::delta::ListMode;
use kefu_store::fines::{self as store, FineChanges, FineRow, LedgerRow};
use kefu_store::{DbConnection, new_id, to_db_time};

fn sees(scope: &Option<Vec<String>>, user_id: &str) -> bool {
    scope
        .as_ref()
        .is_none_or(|p| p.iter().any(|u| u == user_id))
}

/// A fine the caller may see, else 404.
pub fn get(conn: &mut DbConnection, actor: &Actor, id: &str) -> Result<FineRow, ApiError> {
    let row = store::find(conn, id)?.ok_or(ApiError::NotFound)?;
    if row.deleted_at.is_some() || !sees(&scope(conn, actor)?, &row.user_id) {
        return Err(ApiError::NotFound);
    }
    Ok(row)
}

/// `YYYY-MM` of a day.
pub fn month_of(day: NaiveDate) -> String {
    format!("{:04}-{:02}", day.year(), day.month())
}

/// A fine to write, whoever proposes it.
pub struct NewFine {
    pub user_id: String,
    pub rule: String,
    pub amount_fen: i64,
    pub dismissal_flag: bool,
    pub month: String,
    pub occurred_on: NaiveDate,
    pub evidence: String,
    pub attachment_ids: Vec<String>,
    pub issued_by: Option<String>,
    pub source_key: Option<String>,
}

/// Writes a proposed fine with its audit entry (`fine.propose`) and tells the person fined.
/// A fine with a `source_key` already proposed is not proposed again: `None`.
pub fn insert_proposed(
    conn: &mut DbConnection,
    ctx: &Ctx,
    fine: NewFine,
) -> Result<Option<FineOut>, ApiError> {
    if let Some(key) = &fine.source_key
        && store::find_by_source(conn, key)?.is_some()
    {
        return Ok(None);
    }
    let now = to_db_time(ctx.now);
    let row = FineRow {
        id: new_id(),
        user_id: fine.user_id,
        rule: fine.rule,
        amount_fen: fine.amount_fen,
        month: fine.month,
        occurred_on: fine.occurred_on,
        evidence: fine.evidence,
        attachment_ids: serde_json::to_string(&fine.attachment_ids).map_err(ApiError::internal)?,
        issued_by: fine.issued_by,
        status: FineStatus::Proposed.as_str().to_owned(),
        dismissal_flag: fine.dismissal_flag,
        source_key: fine.source_key,
        decided_by: None,
        decided_at: None,
        cancel_reason: None,
        deducted_at: None,
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
    };
    store::insert(conn, &row)?;
    let out = FineOut::from(&row);
    ctx.audit(
        conn,
        "fine.propose",
        ("fine", &row.id),
        None,
        snapshot(&out),
    )?;
    let title = format!(
        "罚款通知：{}，{:.2} 元",
        row.rule,
        row.amount_fen as f64 / 100.0
    );
    let key = format!("fine.proposed:{}", row.id);
    notify(
        conn,
        ctx.now,
        &row.user_id,
        &Notice {
            kind: "fine.proposed",
            title: &title,
            body: &row.evidence,
            entity: Some(("fine", &row.id)),
            dedupe_key: Some(&key),
        },
    )?;
    Ok(Some(out))
}

/// Whether `user_id` holds the manager role (HR-F12/F20/F21 manager amounts).
pub fn is_manager(conn: &mut DbConnection, user_id: &str) -> Result<bool, ApiError> {
    Ok(kefu_store::users::find(conn, user_id)?.is_some_and(|u| u.roles.contains(&Role::Manager)))
}

fn invalid(field: &str, code: &'static str, message: &str) -> ApiError {
    ApiError::Invalid(vec![FieldError::new(field, code, message)])
}

/// HR-F*: a fine proposed by hand, priced by the catalogue in force on the day of the breach.
pub fn propose(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    today: NaiveDate,
    input: ProposeFine,
) -> Result<FineOut, ApiError> {
    let user_id = input.user_id.trim().to_owned();
    // Someone the caller does not see (a supervisor: outside their teams) reads as unknown.
    if !kefu_store::users::exists(conn, &user_id)? || !sees(&scope(conn, actor)?, &user_id) {
        return Err(invalid("user_id", "not_found", "no such person"));
    }
    let rule = input.rule.trim().to_owned();
    check_manual_rule(&rule)?;
    let occurred_on = input.occurred_on.unwrap_or(today);
    if occurred_on > today {
        return Err(invalid(
            "occurred_on",
            "range",
            "must not lie in the future",
        ));
    }
    let catalogue = load_in_force::<FineCatalogue>(conn, occurred_on)
        .map_err(|_| {
            invalid(
                "occurred_on",
                "range",
                "no fine catalogue was in force then",
            )
        })?
        .value;
    let priced = price(
        &catalogue,
        &rule,
        is_manager(conn, &user_id)?,
        input.amount_fen,
    )?;
    for (i, id) in input.attachment_ids.iter().enumerate() {
        let ok = kefu_store::attachments::find(conn, id)?
            .is_some_and(|a| a.deleted_at.is_none() && a.uploaded_by == actor.user_id);
        if !ok {
            return Err(invalid(
                &format!("attachment_ids[{i}]"),
                "not_found",
                "no such attachment uploaded by you",
            ));
        }
    }
    let out = insert_proposed(
        conn,
        ctx,
        NewFine {
            user_id,
            rule,
            amount_fen: priced.amount_fen,
            dismissal_flag: priced.dismissal_flag,
            month: month_of(occurred_on),
            occurred_on,
            evidence: input.evidence.trim().to_owned(),
            attachment_ids: input.attachment_ids,
            issued_by: Some(actor.user_id.clone()),
            source_key: None,
        },
    )?;
    out.ok_or_else(|| ApiError::Internal("a fine without a source was refused".to_owned()))
}

/// HR-F0: confirms or cancels a fine; a confirmation pays it into the department fund, a
/// cancellation after confirmation pays it back out. The person fined is told.
pub fn decide(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    id: &str,
    version: i64,
    command: FineCommand,
    cancel: Option<CancelFine>,
) -> Result<FineOut, ApiError> {
    let before = get(conn, actor, id)?;
    let from: FineStatus = before
        .status
        .parse()
        .map_err(|e: kefu_core::ParseEnumError| ApiError::internal(e))?;
    let to = transition(from, command)?;
    let now = to_db_time(ctx.now);
    let changes = FineChanges {
        status: Some(to.as_str().to_owned()),
        decided_by: Some(Some(actor.user_id.clone())),
        decided_at: Some(Some(now)),
        cancel_reason: cancel.map(|c| Some(c.reason.trim().to_owned())),
        deducted_at: None,
    };
    written(store::update(conn, id, version, &changes, ctx.now)?)?;
    let after = store::find(conn, id)?.ok_or(ApiError::NotFound)?;
    let out = FineOut::from(&after);
    let action = match command {
        FineCommand::Confirm => "fine.confirm",
        FineCommand::Cancel => "fine.cancel",
        FineCommand::Deduct => "fine.deduct",
    };
    ctx.audit(
        conn,
        action,
        ("fine", id),
        snapshot(&FineOut::from(&before)),
        snapshot(&out),
    )?;
    if let Some(amount_fen) = ledger_effect(from, to, after.amount_fen) {
        let entry = if amount_fen >= 0 {
            "fine_confirmed"
        } else {
            "fine_reversed"
        };
        let row = LedgerRow {
            id: new_id(),
            fine_id: Some(after.id.clone()),
            user_id: Some(after.user_id.clone()),
            rule: after.rule.clone(),
            entry: entry.to_owned(),
            amount_fen,
            posted_by: Some(actor.user_id.clone()),
            created_at: now,
            updated_at: now,
            deleted_at: None,
            purpose: None,
        };
        store::insert_entry(conn, &row)?;
        ctx.audit(
            conn,
            "fund_ledger.post",
            ("fund_ledger", &row.id),
            None,
            Some(serde_json::json!({
                "fine_id": row.fine_id, "entry": row.entry, "amount_fen": row.amount_fen,
            })),
        )?;
    }
    let (kind, title) = match to {
        FineStatus::Confirmed => ("fine.confirmed", format!("罚款已确认：{}", after.rule)),
        _ => ("fine.cancelled", format!("罚款已撤销：{}", after.rule)),
    };
    let key = format!("{kind}:{id}");
    notify(
        conn,
        ctx.now,
        &after.user_id,
        &Notice {
            kind,
            title: &title,
            body: after.cancel_reason.as_deref().unwrap_or(&after.evidence),
            entity: Some(("fine", id)),
            dedupe_key: Some(&key),
        },
    )?;
    Ok(out)
}

/// HR-F0: a page of the department-fund ledger with the running balance after each entry.
pub fn ledger_page(
    conn: &mut DbConnection,
    mode: &ListMode,
    fetch: i64,
) -> Result<Vec<(LedgerRow, i64)>, ApiError> {
    let rows = store::ledger(conn, mode, fetch)?;
    let Some(last) = rows.iter().map(|r| r.id.as_str()).max() else {
        return Ok(Vec::new());
    };
    let balances: std::collections::HashMap<String, i64> =
        store::balances_through(conn, last)?.into_iter().collect();
    Ok(rows
        .into_iter()
        .map(|r| {
            let balance = balances.get(&r.id).copied().unwrap_or_default();
            (r, balance)
        })
        .collect())
}

pub fn ledger_out(rows: &[(LedgerRow, i64)]) -> Vec<LedgerOut> {
    rows.iter().map(|(r, b)| LedgerOut::of(r, *b)).collect()
}
