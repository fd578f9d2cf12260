//! BIL-2/BIL-3 repair quotes: drawn up as drafts from the fee schedule (each line copies the
//! prices it used), approved by a manager when a line is priced outside `[floor, list]`,
//! issued to the customer — a remote out-of-warranty repair with travel and lodging on top —
//! and answered by the customer. Visibility (ORG-5) is the quote's customer's.

use crate::billing::dto::quotes::{
    AnswerQuote, CancelQuote, CreateQuote, QuoteLineIn, QuoteLineOut, QuoteOut, UpdateQuote,
};
use crate::kernel::access::visible;
use crate::kernel::command::{Ctx, snapshot, written};
use crate::kernel::error::ApiError;
use crate::kernel::extract::trimmed;
use crate::kernel::notify::{Notice, notify};
use chrono::NaiveDate;
use kefu_billing::fees::FeeItemKind;
use kefu_billing::quotes::{self as rules, IssueFacts, Line, QuoteCommand, QuoteStatus};
use kefu_core::{Actor, FieldError, LocationClass, Role};
use kefu_store::repair_quotes::{self as store, LineRow, QuoteChanges, QuoteRow};
use kefu_store::{DbConnection, from_db_time, new_id, to_db_time};

fn invalid(field: &str, code: &'static str, message: &str, rule: &'static str) -> ApiError {
    ApiError::Invalid(vec![FieldError::new(field, code, message).by_rule(rule)])
}

fn line_rules(lines: &[LineRow]) -> Vec<Line> {
    lines
        .iter()
        .map(|l| Line {
            kind: FeeItemKind::parse(&l.kind).unwrap_or(FeeItemKind::Other),
            quantity: l.quantity,
            unit_price_fen: l.unit_price_fen,
            list_price_fen: l.list_price_fen,
            floor_price_fen: l.floor_price_fen,
        })
        .collect()
}

pub fn render(row: &QuoteRow, lines: &[LineRow]) -> QuoteOut {
    let t = |v: Option<chrono::NaiveDateTime>| v.map(from_db_time);
    QuoteOut {
        id: row.id.clone(),
        customer_id: row.customer_id.clone(),
        site_id: row.site_id.clone(),
        equipment_id: row.equipment_id.clone(),
        intake_id: row.intake_id.clone(),
        ticket_id: row.ticket_id.clone(),
        engineer_id: row.engineer_id.clone(),
        status: QuoteStatus::parse(&row.status).unwrap_or(QuoteStatus::Draft),
        lines: lines
            .iter()
            .zip(line_rules(lines))
            .map(|(l, r)| QuoteLineOut {
                fee_item_id: l.fee_item_id.clone(),
                kind: r.kind,
                code: l.code.clone(),
                name: l.name.clone(),
                unit: l.unit.clone(),
                quantity: l.quantity,
                unit_price_fen: l.unit_price_fen,
                list_price_fen: l.list_price_fen,
                floor_price_fen: l.floor_price_fen,
                amount_fen: l.amount_fen,
                out_of_band: r.out_of_band(),
            })
            .collect(),
        total_fen: row.total_fen,
        fee_fen: row.fee_fen,
        floor_fen: row.floor_fen,
        paid_fen: row.paid_fen,
        owed_fen: row.total_fen - row.paid_fen,
        fully_paid_at: t(row.fully_paid_at),
        needs_approval: row.needs_approval,
        approved_by: row.approved_by.clone(),
        approved_at: t(row.approved_at),
        remote: row.remote,
        out_of_warranty: row.out_of_warranty,
        issued_by: row.issued_by.clone(),
        issued_at: t(row.issued_at),
        answered_by: row.answered_by.clone(),
        answered_at: t(row.answered_at),
        answer_note: row.answer_note.clone(),
        cancel_reason: row.cancel_reason.clone(),
        note: row.note.clone(),
        created_by: row.created_by.clone(),
        deleted: row.deleted_at.is_some(),
        created_at: from_db_time(row.created_at),
        updated_at: from_db_time(row.updated_at),
        version: row.version,
    }
}

/// The rows with their lines.
pub fn render_all(conn: &mut DbConnection, rows: &[QuoteRow]) -> Result<Vec<QuoteOut>, ApiError> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let lines = store::lines_of(conn, &ids)?;
    Ok(rows.iter().zip(lines).map(|(r, l)| render(r, &l)).collect())
}

/// ORG-5 for customer-facing money: `row` (as found by id) if it is live (`of` gives whether
/// it is and its customer) and of a customer the caller sees; anything else is 404.
pub fn visible_or_404<R>(
    conn: &mut DbConnection,
    actor: &Actor,
    row: Option<R>,
    of: impl Fn(&R) -> (bool, &str),
) -> Result<R, ApiError> {
    let row = row.ok_or(ApiError::NotFound)?;
    let (live, customer) = of(&row);
    if live && sees_customer(conn, actor, customer)? {
        Ok(row)
    } else {
        Err(ApiError::NotFound)
    }
}

/// ORG-5: whether the caller sees customer `customer_id` (a live one).
pub fn sees_customer(
    conn: &mut DbConnection,
    actor: &Actor,
    customer_id: &str,
) -> Result<bool, ApiError> {
    let scope = visible(conn, actor)?;
    Ok(kefu_store::customers::find_visible(conn, customer_id, &scope)?.is_some())
}

/// A live quote of a customer the caller sees, with its lines; anything else is 404.
pub fn get_row(
    conn: &mut DbConnection,
    actor: &Actor,
    id: &str,
) -> Result<(QuoteRow, Vec<LineRow>), ApiError> {
    let row = store::find(conn, id)?
        .filter(|r| r.deleted_at.is_none())
        .ok_or(ApiError::NotFound)?;
    if !sees_customer(conn, actor, &row.customer_id)? {
        return Err(ApiError::NotFound);
    }
    let lines = store::lines_of(conn, std::slice::from_ref(&row.id))?
        .pop()
        .unwrap_or_default();
    Ok((row, lines))
}

pub fn get(conn: &mut DbConnection, actor: &Actor, id: &str) -> Result<QuoteOut, ApiError> {
    let (row, lines) = get_row(conn, actor, id)?;
    Ok(render(&row, &lines))
}

/// BIL-1/BIL-2: the lines from the schedule: each item live and in use (422 `BIL-1` on
/// `lines[i].fee_item_id`), priced at the list price unless another price is given.
fn build_lines(
    conn: &mut DbConnection,
    quote_id: &str,
    input: &[QuoteLineIn],
) -> Result<Vec<LineRow>, ApiError> {
    let ids: Vec<String> = input
        .iter()
        .map(|l| l.fee_item_id.trim().to_owned())
        .collect();
    let items = kefu_store::fee_items::find_many(conn, &ids)?;
    let mut errors = Vec::new();
    let mut rows = Vec::new();
    for (i, (line, id)) in input.iter().zip(&ids).enumerate() {
        let Some(item) = items.iter().find(|it| &it.id == id && it.active) else {
            errors.push(
                FieldError::new(
                    format!("lines[{i}].fee_item_id"),
                    "not_found",
                    "no such fee item in use",
                )
                .by_rule("BIL-1"),
            );
            continue;
        };
        let price = line.unit_price_fen.unwrap_or(item.list_price_fen);
        rows.push(LineRow {
            id: new_id(),
            quote_id: quote_id.to_owned(),
            position: i64::try_from(i).unwrap_or(i64::MAX),
            fee_item_id: item.id.clone(),
            kind: item.kind.clone(),
            code: item.code.clone(),
            name: item.name.clone(),
            unit: item.unit.clone(),
            quantity: line.quantity,
            unit_price_fen: price,
            list_price_fen: item.list_price_fen,
            floor_price_fen: item.floor_price_fen,
            // Bounded by the DTO: 10^9 fen × 10^4 fits in i64.
            amount_fen: price.saturating_mul(line.quantity),
        });
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(ApiError::Invalid(errors))
    }
}

fn sums(lines: &[LineRow]) -> Result<rules::Totals, ApiError> {
    rules::totals(&line_rules(lines))
        .ok_or_else(|| invalid("lines", "range", "the quote's total is too large", "BIL-2"))
}

/// The site and equipment of a quote belong to its customer (422 naming the field).
fn check_place(
    conn: &mut DbConnection,
    customer_id: &str,
    site_id: Option<&str>,
    equipment_id: Option<&str>,
) -> Result<(), ApiError> {
    let own = [customer_id.to_owned()];
    if let Some(site) = site_id
        && kefu_store::sites::find_live(conn, site, Some(&own))?.is_none()
    {
        return Err(invalid(
            "site_id",
            "not_found",
            "no site of the customer",
            "BIL-2",
        ));
    }
    if let Some(e) = equipment_id {
        let ok = match kefu_store::equipment::find(conn, e)? {
            Some(row) if row.deleted_at.is_none() => {
                kefu_store::sites::find_live(conn, &row.site_id, Some(&own))?.is_some()
            }
            _ => false,
        };
        if !ok {
            return Err(invalid(
                "equipment_id",
                "not_found",
                "no equipment of the customer",
                "BIL-2",
            ));
        }
    }
    Ok(())
}

fn check_engineer(conn: &mut DbConnection, id: &str) -> Result<(), ApiError> {
    let ok = kefu_store::users::find(conn, id)?
        .is_some_and(|u| !u.row.disabled && u.roles.contains(&Role::Engineer));
    if ok {
        Ok(())
    } else {
        Err(invalid(
            "engineer_id",
            "not_found",
            "the repairing engineer must be an enabled engineer",
            "BIL-2",
        ))
    }
}

/// BIL-2: draws up a draft for a customer the caller sees (422 `customer_id`), its intake
/// and ticket the same customer's.
pub fn create(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    input: CreateQuote,
) -> Result<QuoteOut, ApiError> {
    let customer_id = input.customer_id.trim().to_owned();
    if !sees_customer(conn, actor, &customer_id)? {
        return Err(invalid(
            "customer_id",
            "not_found",
            "no such customer",
            "BIL-2",
        ));
    }
    let (site_id, equipment_id) = (trimmed(input.site_id), trimmed(input.equipment_id));
    check_place(
        conn,
        &customer_id,
        site_id.as_deref(),
        equipment_id.as_deref(),
    )?;
    let intake_id = trimmed(input.intake_id);
    if let Some(id) = &intake_id {
        let ok = kefu_store::inventory::intakes::find_intake(conn, id)?
            .is_some_and(|i| i.deleted_at.is_none() && i.customer_id == customer_id);
        if !ok {
            return Err(invalid(
                "intake_id",
                "not_found",
                "no repair intake of the customer",
                "BIL-2",
            ));
        }
    }
    let ticket_id = trimmed(input.ticket_id);
    if let Some(id) = &ticket_id {
        let ok = kefu_store::tickets::find(conn, id)?
            .is_some_and(|t| t.deleted_at.is_none() && t.customer_id == customer_id);
        if !ok {
            return Err(invalid(
                "ticket_id",
                "not_found",
                "no ticket of the customer",
                "BIL-2",
            ));
        }
    }
    let engineer_id = match trimmed(input.engineer_id) {
        Some(id) => id,
        None if actor.has_role(Role::Engineer) => actor.user_id.clone(),
        None => {
            return Err(invalid(
                "engineer_id",
                "required",
                "name the repairing engineer",
                "BIL-2",
            ));
        }
    };
    check_engineer(conn, &engineer_id)?;
    let id = new_id();
    let lines = build_lines(conn, &id, &input.lines)?;
    let totals = sums(&lines)?;
    let now = to_db_time(ctx.now);
    let row = QuoteRow {
        id: id.clone(),
        customer_id,
        site_id,
        equipment_id,
        intake_id,
        ticket_id,
        engineer_id,
        status: QuoteStatus::Draft.as_str().to_owned(),
        needs_approval: rules::needs_approval(&line_rules(&lines)),
        approved_by: None,
        approved_at: None,
        remote: None,
        out_of_warranty: None,
        issued_by: None,
        issued_at: None,
        answered_by: None,
        answered_at: None,
        answer_note: None,
        cancel_reason: None,
        note: trimmed(input.note),
        total_fen: totals.total_fen,
        fee_fen: totals.fee_fen,
        floor_fen: totals.floor_fen,
        paid_fen: 0,
        fully_paid_at: None,
        created_by: actor.user_id.clone(),
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
    };
    store::insert(conn, &row)?;
    if !lines.is_empty() {
        store::replace_lines(conn, &id, &lines)?;
    }
    let out = render(&row, &lines);
    ctx.audit(
        conn,
        "repair_quote.create",
        ("repair_quote", &id),
        None,
        snapshot(&out),
    )?;
    Ok(out)
}

fn check_version(row: &QuoteRow, expected: i64) -> Result<(), ApiError> {
    if row.version == expected {
        Ok(())
    } else {
        Err(ApiError::PreconditionFailed {
            current: row.version,
        })
    }
}

fn commit(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    action: &str,
    before: (&QuoteRow, &[LineRow]),
    changes: &QuoteChanges,
) -> Result<QuoteOut, ApiError> {
    written(store::update(
        conn,
        &before.0.id,
        before.0.version,
        changes,
        ctx.now,
    )?)?;
    let after = get(conn, actor, &before.0.id)?;
    ctx.audit(
        conn,
        action,
        ("repair_quote", &before.0.id),
        snapshot(&render(before.0, before.1)),
        snapshot(&after),
    )?;
    Ok(after)
}

/// BIL-2: changes a draft (409 `BIL-2` otherwise); new lines replace the old and withdraw
/// any approval given.
pub fn update(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    id: &str,
    expected: i64,
    input: UpdateQuote,
) -> Result<QuoteOut, ApiError> {
    let (row, lines) = get_row(conn, actor, id)?;
    check_version(&row, expected)?;
    let status = QuoteStatus::parse(&row.status).unwrap_or(QuoteStatus::Draft);
    rules::decide(status, &line_rules(&lines), QuoteCommand::Edit)?;
    let site_id = input.site_id.map(trimmed);
    let equipment_id = input.equipment_id.map(trimmed);
    check_place(
        conn,
        &row.customer_id,
        site_id.clone().unwrap_or(row.site_id.clone()).as_deref(),
        equipment_id
            .clone()
            .unwrap_or(row.equipment_id.clone())
            .as_deref(),
    )?;
    let engineer_id = trimmed(input.engineer_id);
    if let Some(e) = &engineer_id {
        check_engineer(conn, e)?;
    }
    let mut changes = QuoteChanges {
        site_id,
        equipment_id,
        engineer_id,
        note: input.note.map(trimmed),
        ..QuoteChanges::default()
    };
    if let Some(new_lines) = &input.lines {
        let built = build_lines(conn, &row.id, new_lines)?;
        let totals = sums(&built)?;
        store::replace_lines(conn, &row.id, &built)?;
        changes.total_fen = Some(totals.total_fen);
        changes.fee_fen = Some(totals.fee_fen);
        changes.floor_fen = Some(totals.floor_fen);
        changes.needs_approval = Some(rules::needs_approval(&line_rules(&built)));
        changes.approved_by = Some(None);
        changes.approved_at = Some(None);
    }
    commit(
        conn,
        ctx,
        actor,
        "repair_quote.update",
        (&row, &lines),
        &changes,
    )
}

/// A command on a quote.
#[derive(Debug)]
pub enum QuoteAction {
    Approve,
    Issue,
    Accept(AnswerQuote),
    Refuse(AnswerQuote),
    Cancel(CancelQuote),
}

/// BIL-3: whether the quote's site is remote and the equipment's warranty over on `today`.
/// Issuing needs a site (its own or the equipment's: 422 `site_id`, `BIL-3`); equipment not
/// named, or with no warranty end known, counts as out of warranty.
fn trip_facts(
    conn: &mut DbConnection,
    row: &QuoteRow,
    today: NaiveDate,
) -> Result<(bool, bool), ApiError> {
    let equipment = match &row.equipment_id {
        Some(id) => kefu_store::equipment::find(conn, id)?,
        None => None,
    };
    let site_id = row
        .site_id
        .clone()
        .or_else(|| equipment.as_ref().map(|e| e.site_id.clone()));
    let site = match site_id {
        Some(id) => kefu_store::sites::find_live(conn, &id, None)?,
        None => None,
    };
    let Some(site) = site else {
        return Err(invalid(
            "site_id",
            "required",
            "the customer's site decides travel and lodging: name it before issuing",
            "BIL-3",
        ));
    };
    let class = crate::customers::service::sites::out(conn, &site)?.location_class;
    let out_of_warranty = equipment
        .and_then(|e| e.warranty_end)
        .is_none_or(|end| end < today);
    Ok((class == LocationClass::Remote, out_of_warranty))
}

/// BIL-2/BIL-3: runs `action` on a quote the caller sees, as `kefu_billing::quotes::decide`
/// allows; an accepted or refused quote tells its engineer.
pub fn act(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    today: NaiveDate,
    id: &str,
    expected: i64,
    action: QuoteAction,
) -> Result<QuoteOut, ApiError> {
    let (row, lines) = get_row(conn, actor, id)?;
    check_version(&row, expected)?;
    let status = QuoteStatus::parse(&row.status).unwrap_or(QuoteStatus::Draft);
    let typed = line_rules(&lines);
    let now = Some(to_db_time(ctx.now));
    let me = Some(actor.user_id.clone());
    let (command, name, mut changes) = match &action {
        QuoteAction::Approve => (
            QuoteCommand::Approve,
            "repair_quote.approve",
            QuoteChanges {
                approved_by: Some(me.clone()),
                approved_at: Some(now),
                ..QuoteChanges::default()
            },
        ),
        QuoteAction::Issue => {
            let (remote, out_of_warranty) = trip_facts(conn, &row, today)?;
            let facts = IssueFacts {
                approved: row.approved_by.is_some(),
                remote,
                out_of_warranty,
            };
            (
                QuoteCommand::Issue(facts),
                "repair_quote.issue",
                QuoteChanges {
                    remote: Some(Some(remote)),
                    out_of_warranty: Some(Some(out_of_warranty)),
                    issued_by: Some(me.clone()),
                    issued_at: Some(now),
                    ..QuoteChanges::default()
                },
            )
        }
        QuoteAction::Accept(a) | QuoteAction::Refuse(a) => {
            let accept = matches!(action, QuoteAction::Accept(_));
            (
                if accept {
                    QuoteCommand::Accept
                } else {
                    QuoteCommand::Refuse
                },
                if accept {
                    "repair_quote.accept"
                } else {
                    "repair_quote.refuse"
                },
                QuoteChanges {
                    answered_by: Some(me.clone()),
                    answered_at: Some(now),
                    answer_note: Some(trimmed(a.note.clone())),
                    // Nothing to pay: an accepted quote of 0 is paid in full (BIL-4).
                    fully_paid_at: (accept && row.total_fen == 0).then_some(now),
                    ..QuoteChanges::default()
                },
            )
        }
        QuoteAction::Cancel(c) => (
            QuoteCommand::Cancel,
            "repair_quote.cancel",
            QuoteChanges {
                cancel_reason: Some(trimmed(c.reason.clone())),
                ..QuoteChanges::default()
            },
        ),
    };
    let to = rules::decide(status, &typed, command)?;
    changes.status = Some(to.as_str().to_owned());
    let out = commit(conn, ctx, actor, name, (&row, &lines), &changes)?;
    if matches!(to, QuoteStatus::Accepted | QuoteStatus::Refused) {
        tell_engineer(conn, ctx, &out, to)?;
    }
    Ok(out)
}

fn tell_engineer(
    conn: &mut DbConnection,
    ctx: &Ctx,
    out: &QuoteOut,
    to: QuoteStatus,
) -> Result<(), ApiError> {
    let (kind, title) = if to == QuoteStatus::Accepted {
        ("repair_quote.accepted", "客户已接受维修报价")
    } else {
        ("repair_quote.refused", "客户已拒绝维修报价")
    };
    let body = format!(
        "维修报价 {}（合计 {}.{:02} 元）：{}",
        out.id,
        out.total_fen / 100,
        out.total_fen % 100,
        out.answer_note.as_deref().unwrap_or("")
    );
    let key = format!("{kind}:{}", out.id);
    notify(
        conn,
        ctx.now,
        &out.engineer_id,
        &Notice {
            kind,
            title,
            body: &body,
            entity: Some(("repair_quote", &out.id)),
            dedupe_key: Some(&key),
        },
    )?;
    Ok(())
}
