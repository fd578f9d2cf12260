//! CON-3: a contract's expiry reminder (created by the `contracts.expiry_reminders` job), the
//! customer's answer to it, and the notice to the customer as JSON or a printable page.

use super::contracts::{contract_scope, get_row, today_of};
use crate::contracts::dto::reminders::{AnswerReminder, NoticeOut, ReminderOut};
use crate::kernel::command::{Ctx, snapshot, written};
use crate::kernel::error::ApiError;
use chrono::NaiveDate;
use chrono_tz::Tz;
use kefu_contracts::contract::{RenewalMode, cancel_by};
use kefu_contracts::expiry::{NoticeFacts, check_answer, notice_paragraphs};
use kefu_core::Actor;
use kefu_store::contract_reminders::{self as store, AnswerChanges, ReminderRow};
use kefu_store::{DbConnection, from_db_time, to_db_time};

pub fn render(row: &ReminderRow) -> ReminderOut {
    ReminderOut {
        id: row.id.clone(),
        contract_id: row.contract_id.clone(),
        period_end: row.period_end,
        remind_on: row.remind_on,
        assignee_id: row.assignee_id.clone(),
        answer: row.answer,
        answer_note: row.answer_note.clone(),
        answered_by: row.answered_by.clone(),
        answered_at: row.answered_at.map(from_db_time),
        created_at: from_db_time(row.created_at),
        updated_at: from_db_time(row.updated_at),
        version: row.version,
    }
}

/// The reminders of a contract the caller sees (404 for any other contract).
pub fn list(
    conn: &mut DbConnection,
    actor: &Actor,
    contract_id: &str,
) -> Result<Vec<ReminderOut>, ApiError> {
    let scope = contract_scope(conn, actor)?;
    get_row(conn, &scope, contract_id)?;
    Ok(store::all_of(conn, contract_id)?
        .iter()
        .map(render)
        .collect())
}

/// The reminder of a contract the caller sees (404 for the contract or a missing reminder).
pub fn get(
    conn: &mut DbConnection,
    actor: &Actor,
    contract_id: &str,
) -> Result<ReminderRow, ApiError> {
    let scope = contract_scope(conn, actor)?;
    get_row(conn, &scope, contract_id)?;
    store::latest_of(conn, contract_id)?.ok_or(ApiError::NotFound)
}

/// CON-3: records the customer's answer on the reminder (once; an `undecided` answer may be
/// followed by the decision).
pub fn answer(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    contract_id: &str,
    expected_version: i64,
    input: AnswerReminder,
) -> Result<ReminderOut, ApiError> {
    let row = get(conn, actor, contract_id)?;
    if row.version != expected_version {
        return Err(ApiError::PreconditionFailed {
            current: row.version,
        });
    }
    check_answer(row.answer)?;
    let changes = AnswerChanges {
        answer: Some(Some(input.answer)),
        answer_note: Some(input.note.map(|n| n.trim().to_owned())),
        answered_by: Some(Some(actor.user_id.clone())),
        answered_at: Some(Some(to_db_time(ctx.now))),
    };
    written(store::update(
        conn,
        &row.id,
        expected_version,
        &changes,
        ctx.now,
    )?)?;
    let after = store::latest_of(conn, contract_id)?.ok_or(ApiError::NotFound)?;
    let out = render(&after);
    ctx.audit(
        conn,
        "contract_reminder.answer",
        ("contract_reminder", &row.id),
        snapshot(&render(&row)),
        snapshot(&out),
    )?;
    Ok(out)
}

/// CON-3: the customer notice of a contract the caller sees, issued on today's date.
pub fn notice(
    conn: &mut DbConnection,
    actor: &Actor,
    tz: Tz,
    now: chrono::DateTime<chrono::Utc>,
    contract_id: &str,
) -> Result<NoticeOut, ApiError> {
    let scope = contract_scope(conn, actor)?;
    let (row, _) = get_row(conn, &scope, contract_id)?;
    // Seeing the contract is seeing its customer's name on the notice.
    let everything = kefu_store::visibility::Visible::everything();
    let customer = kefu_store::customers::find_visible(conn, &row.customer_id, &everything)?
        .ok_or(ApiError::NotFound)?;
    let c = super::contracts::typed(&row, false);
    let by = (row.renewal_mode == RenewalMode::Tacit).then(|| cancel_by(&c));
    let facts = NoticeFacts {
        customer_name: &customer.name,
        title: &row.title,
        period_start: row.period_start,
        period_end: row.period_end,
        amount_fen: row.amount_fen,
        renewal_mode: row.renewal_mode,
        cancel_by: by,
    };
    Ok(NoticeOut {
        contract_id: row.id.clone(),
        customer_id: row.customer_id.clone(),
        customer_name: customer.name.clone(),
        title: row.title.clone(),
        period_start: row.period_start,
        period_end: row.period_end,
        amount_fen: row.amount_fen,
        renewal_mode: row.renewal_mode,
        cancel_renewal_by: by,
        issued_on: today_of(tz, now),
        paragraphs: notice_paragraphs(&facts),
    })
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn date_zh(d: NaiveDate) -> String {
    d.format("%Y 年 %m 月 %d 日").to_string()
}

/// The notice as a printable page: every text from the database is escaped, and the page
/// loads nothing (no scripts, no external styles).
pub fn html(n: &NoticeOut) -> String {
    let body: String = n
        .paragraphs
        .iter()
        .map(|p| format!("<p>{}</p>\n", escape(p)))
        .collect();
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>售后服务到期通知函 — {title}</title>\n\
         <style>body{{font-family:serif;max-width:40em;margin:3em auto;line-height:1.8}}\
         h1{{text-align:center;font-size:1.4em}}.date{{text-align:right}}</style>\n\
         </head>\n<body>\n<h1>售后服务到期通知函</h1>\n{body}<p class=\"date\">{date}</p>\n\
         </body>\n</html>\n",
        title = escape(&n.title),
        date = date_zh(n.issued_on),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn con_3_the_printable_notice_escapes_what_it_prints() {
        let n = NoticeOut {
            contract_id: "c".to_owned(),
            customer_id: "x".to_owned(),
            customer_name: "<script>".to_owned(),
            title: "A & B".to_owned(),
            period_start: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default(),
            period_end: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap_or_default(),
            amount_fen: 1,
            renewal_mode: RenewalMode::Express,
            cancel_renewal_by: None,
            issued_on: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default(),
            paragraphs: vec!["<script>：".to_owned()],
        };
        let page = html(&n);
        assert!(!page.contains("<script>"), "{page}");
        assert!(page.contains("&lt;script&gt;：") && page.contains("A &amp; B"));
        assert!(page.contains("2026 年 12 月 01 日"));
    }
}
