//! BIL-16: cash advances (借支): asked for by the traveller for an approved trip, approved by
//! the GM (executive), paid out by finance with the day the trip's claim is due, and settled
//! against the claim (claim total − advance: the difference is paid out or paid back), which
//! closes it. No new advance while one is open — checked here and held by the database's
//! `cash_advances_open_key`, so two parallel requests cannot both be open. Privacy as the
//! travel requests.

use crate::billing::dto::advances::{AdvanceOut, RequestAdvance};
use crate::billing::dto::claims::ClaimOut;
use crate::billing::service::privacy::{Reach, scope, sees};
use crate::billing::service::tidings::Tidings;
use crate::kernel::command::{Ctx, snapshot, written};
use crate::kernel::error::ApiError;
use crate::kernel::rules::load_in_force;
use chrono::NaiveDate;
use kefu_billing::access::Action;
use kefu_billing::expenses::{
    AdvanceCommand, AdvanceStatus, ClaimCommand, ClaimStatus, ExpensePolicy, TravelStatus,
    advance_transition, claim_due, claim_transition, may_request_advance, settlement,
};
use kefu_core::{Actor, FieldError, Money, Role};
use kefu_store::expenses::{self as store, AdvanceChanges, AdvanceRow, ClaimChanges};
use kefu_store::{DbConnection, StoreError, new_id, to_db_time};

fn refuse(field: &str, message: &str) -> ApiError {
    ApiError::Invalid(vec![
        FieldError::new(field, "rule", message).by_rule("BIL-16"),
    ])
}

fn still_open() -> ApiError {
    ApiError::Rule {
        rule: "BIL-16",
        message: "an earlier advance is still open: settle it first".to_owned(),
    }
}

/// An advance the caller may see, else 404.
pub fn get(conn: &mut DbConnection, actor: &Actor, id: &str) -> Result<AdvanceRow, ApiError> {
    let row = store::find_advance(conn, id)?.ok_or(ApiError::NotFound)?;
    if row.deleted_at.is_some() || !sees(&scope(conn, actor, Reach::OwnOnly)?, &row.user_id) {
        return Err(ApiError::NotFound);
    }
    Ok(row)
}

/// BIL-16: `user_id`'s open advances, for payroll.
pub fn open_advances(conn: &mut DbConnection, user_id: &str) -> Result<Vec<AdvanceRow>, ApiError> {
    Ok(store::open_advances(conn, user_id)?)
}

fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    format!("{sign}{}.{:02} 元", fen.abs() / 100, fen.abs() % 100)
}

/// BIL-16: the caller's advance for their approved trip; the executives are told.
pub fn request(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    input: RequestAdvance,
) -> Result<AdvanceOut, ApiError> {
    let trip = store::find_travel(conn, &input.travel_request_id)?
        .filter(|t| t.user_id == actor.user_id && t.deleted_at.is_none())
        .ok_or_else(|| {
            refuse(
                "travel_request_id",
                "no travel request of yours has this id",
            )
        })?;
    if trip.status != TravelStatus::Approved.as_str() {
        return Err(refuse(
            "travel_request_id",
            "an advance is for an approved trip",
        ));
    }
    may_request_advance(store::open_advances(conn, &actor.user_id)?.len())?;
    let now = to_db_time(ctx.now);
    let row = AdvanceRow {
        id: new_id(),
        user_id: actor.user_id.clone(),
        travel_request_id: trip.id.clone(),
        amount_fen: input.amount_fen,
        purpose: input.purpose.trim().to_owned(),
        status: AdvanceStatus::Requested.as_str().to_owned(),
        decided_by: None,
        decided_at: None,
        decision_note: None,
        paid_by: None,
        paid_at: None,
        due_date: None,
        overdue_notified_at: None,
        claim_id: None,
        settlement_fen: None,
        settled_by: None,
        settled_at: None,
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
    };
    // A parallel request that got in first holds the open-advance key.
    match store::insert_advance(conn, &row) {
        Err(StoreError::Duplicate(v)) if v.key == Some("cash_advances_open_key") => {
            return Err(still_open());
        }
        other => other?,
    }
    let out = AdvanceOut::from(&row);
    ctx.audit(
        conn,
        "cash_advance.create",
        ("cash_advance", &row.id),
        None,
        snapshot(&out),
    )?;
    let body = format!("{}：{}", row.purpose, yuan(row.amount_fen));
    Tidings {
        kind: "advance.requested",
        title: "借支待总经理审批",
        body: &body,
        about: ("cash_advance", &row.id, row.version),
    }
    .tell_role(conn, ctx, Role::Executive)?;
    Ok(out)
}

/// What is asked of an advance.
pub enum AdvanceStep {
    Approve,
    Reject(String),
    Pay,
    Settle(String),
}

impl AdvanceStep {
    /// The roles the step needs, checked before anything is loaded.
    pub fn action(&self) -> Action {
        match self {
            AdvanceStep::Approve | AdvanceStep::Reject(_) => Action::AdvanceDecide,
            AdvanceStep::Pay | AdvanceStep::Settle(_) => Action::AdvancePay,
        }
    }
}

/// BIL-16: the GM approves or refuses; finance pays out (the claim falls due `claim_due_days`
/// after the planned return) or settles against the trip's approved claim, which pays the
/// claim the difference and closes the advance. The traveller is told.
pub fn step(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    today: NaiveDate,
    id: &str,
    version: i64,
    step: AdvanceStep,
) -> Result<AdvanceOut, ApiError> {
    let before = get(conn, actor, id)?;
    let from: AdvanceStatus = before.status.parse().map_err(ApiError::internal)?;
    let command = match &step {
        AdvanceStep::Approve => AdvanceCommand::Approve,
        AdvanceStep::Reject(_) => AdvanceCommand::Reject,
        AdvanceStep::Pay => AdvanceCommand::Pay,
        AdvanceStep::Settle(_) => AdvanceCommand::Settle,
    };
    let to = advance_transition(from, command)?;
    let me = Some(Some(actor.user_id.clone()));
    let at = Some(Some(to_db_time(ctx.now)));
    let mut changes = AdvanceChanges {
        status: Some(to.as_str().to_owned()),
        ..AdvanceChanges::default()
    };
    match &step {
        AdvanceStep::Approve => {
            changes.decided_by = me;
            changes.decided_at = at;
        }
        AdvanceStep::Reject(note) => {
            changes.decided_by = me;
            changes.decided_at = at;
            changes.decision_note = Some(Some(note.trim().to_owned()));
        }
        AdvanceStep::Pay => {
            let trip = store::find_travel(conn, &before.travel_request_id)?
                .ok_or_else(|| ApiError::internal("an advance without its trip"))?;
            let policy = load_in_force::<ExpensePolicy>(conn, today)?.value;
            changes.paid_by = me;
            changes.paid_at = at;
            changes.due_date = Some(Some(claim_due(&policy, trip.planned_return)));
        }
        AdvanceStep::Settle(claim_id) => {
            let claim = store::find_claim(conn, claim_id)?
                .filter(|c| c.deleted_at.is_none())
                .filter(|c| c.travel_request_id == before.travel_request_id)
                .ok_or_else(|| refuse("claim_id", "not a claim of this advance's trip"))?;
            if claim.status != ClaimStatus::Approved.as_str() {
                return Err(refuse(
                    "claim_id",
                    "an advance is settled against an approved claim",
                ));
            }
            let paid = claim_transition(ClaimStatus::Approved, ClaimCommand::Pay)?;
            let difference = settlement(Money(claim.total_fen), Money(before.amount_fen));
            changes.claim_id = Some(Some(claim.id.clone()));
            changes.settlement_fen = Some(Some(difference.fen()));
            changes.settled_by = me.clone();
            changes.settled_at = at;
            let claim_changes = ClaimChanges {
                status: Some(paid.as_str().to_owned()),
                paid_by: me,
                paid_at: at,
                paid_fen: Some(Some(difference.fen())),
                advance_id: Some(Some(before.id.clone())),
                ..ClaimChanges::default()
            };
            written(store::update_claim(
                conn,
                &claim.id,
                claim.version,
                &claim_changes,
                ctx.now,
            )?)?;
            let after = store::find_claim(conn, &claim.id)?.ok_or(ApiError::NotFound)?;
            ctx.audit(
                conn,
                "expense_claim.pay",
                ("expense_claim", &claim.id),
                snapshot(&ClaimOut::from(&claim)),
                snapshot(&ClaimOut::from(&after)),
            )?;
        }
    }
    written(store::update_advance(conn, id, version, &changes, ctx.now)?)?;
    let after = store::find_advance(conn, id)?.ok_or(ApiError::NotFound)?;
    let out = AdvanceOut::from(&after);
    let (action, kind, title) = match to {
        AdvanceStatus::Approved => ("cash_advance.approve", "advance.approved", "借支已批准"),
        AdvanceStatus::Rejected => ("cash_advance.reject", "advance.rejected", "借支被驳回"),
        AdvanceStatus::Paid => ("cash_advance.pay", "advance.paid", "借支已付款"),
        _ => ("cash_advance.settle", "advance.settled", "借支已结清"),
    };
    ctx.audit(
        conn,
        action,
        ("cash_advance", id),
        snapshot(&AdvanceOut::from(&before)),
        snapshot(&out),
    )?;
    let body = match (to, after.settlement_fen, after.due_date) {
        (AdvanceStatus::Settled, Some(d), _) if d >= 0 => format!("报销冲抵借支后补发 {}", yuan(d)),
        (AdvanceStatus::Settled, Some(d), _) => format!("报销冲抵借支后应退回 {}", yuan(-d)),
        (AdvanceStatus::Paid, _, Some(due)) => {
            format!("{}，请于 {due} 前提交差旅报销", yuan(after.amount_fen))
        }
        _ => yuan(after.amount_fen),
    };
    let told = Tidings {
        kind,
        title,
        body: &body,
        about: ("cash_advance", id, after.version),
    };
    told.tell(conn, ctx, &after.user_id)?;
    if to == AdvanceStatus::Approved {
        told.as_kind("advance.awaits_payment", "借支待付款")
            .tell_role(conn, ctx, Role::Finance)?;
    }
    Ok(out)
}
