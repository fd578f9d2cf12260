//! BIL-15: expense claims: filed by the traveller after the return from a trip approved under
//! BIL-14, computed from the standard copied onto the request (meals per travel day, lodging
//! per invoice up to the cap per night, local transport and other items as spent), approved or
//! refused by a manager and paid by finance — or, when the trip had a cash advance, settled
//! against it (`cash_advances::settle`). Privacy as the travel requests.

use crate::billing::dto::claims::{ClaimOut, SubmitClaim};
use crate::billing::service::privacy::{Reach, scope, sees};
use crate::billing::service::tidings::Tidings;
use crate::kernel::command::{Ctx, snapshot, written};
use crate::kernel::error::ApiError;
use crate::kernel::rules::load_in_force;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use kefu_billing::access::{self, Action};
use kefu_billing::expenses::{
    ClaimCommand, ClaimItems, ClaimStatus, LodgingItem, SpentItem, TravelStatus, claim_transition,
    compute_claim,
};
use kefu_billing::travel::{TravelStandard, TravelStandards};
use kefu_core::{Actor, FieldError, Money, Role};
use kefu_store::expenses::{self as store, ClaimChanges, ClaimRow};
use kefu_store::{DbConnection, new_id, to_db_time};

fn refuse(rule: &'static str, field: &str, message: &str) -> ApiError {
    ApiError::Invalid(vec![FieldError::new(field, "rule", message).by_rule(rule)])
}

/// A claim the caller may see, else 404.
pub fn get(conn: &mut DbConnection, actor: &Actor, id: &str) -> Result<ClaimRow, ApiError> {
    let row = store::find_claim(conn, id)?.ok_or(ApiError::NotFound)?;
    if row.deleted_at.is_some() || !sees(&scope(conn, actor, Reach::OwnOnly)?, &row.user_id) {
        return Err(ApiError::NotFound);
    }
    Ok(row)
}

fn local(tz: Tz, t: DateTime<Utc>) -> chrono::NaiveDateTime {
    t.with_timezone(&tz).naive_local()
}

fn money_line(total: i64) -> String {
    format!("{}.{:02} 元", total / 100, total % 100)
}

/// BIL-14, BIL-15: the caller's claim for their approved trip, back by now; the managers are
/// told.
pub fn submit(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    tz: Tz,
    input: SubmitClaim,
) -> Result<ClaimOut, ApiError> {
    let trip = store::find_travel(conn, &input.travel_request_id)?
        .filter(|t| t.user_id == actor.user_id && t.deleted_at.is_none())
        .ok_or_else(|| {
            refuse(
                "BIL-14",
                "travel_request_id",
                "no travel request of yours has this id",
            )
        })?;
    if trip.status != TravelStatus::Approved.as_str() {
        return Err(refuse(
            "BIL-14",
            "travel_request_id",
            "travel without an approved request is not reimbursed",
        ));
    }
    if input.returned_at > ctx.now {
        return Err(refuse(
            "BIL-15",
            "returned_at",
            "a claim is filed after the return",
        ));
    }
    if store::live_claim_of_trip(conn, &trip.id)?.is_some() {
        return Err(ApiError::State {
            rule: "BIL-15",
            message: "this trip has a claim already".to_owned(),
        });
    }
    let standard: TravelStandard = trip
        .standard_json
        .as_deref()
        .map(serde_json::from_str)
        .transpose()
        .map_err(ApiError::internal)?
        .ok_or_else(|| ApiError::internal("an approved trip without its standard"))?;
    let departed = local(tz, input.departed_at);
    let rules = load_in_force::<TravelStandards>(conn, departed.date())?.value;
    let spent = |s: &crate::billing::dto::claims::SpentIn| SpentItem {
        description: s.description.trim().to_owned(),
        amount: Money(s.amount_fen),
    };
    let items = ClaimItems {
        departed_at: departed,
        returned_at: local(tz, input.returned_at),
        lodging: input
            .lodging
            .iter()
            .map(|l| LodgingItem {
                nights: l.nights,
                amount: Money(l.amount_fen),
                invoice_no: l.invoice_no.as_ref().map(|n| n.trim().to_owned()),
            })
            .collect(),
        local_transport: input.local_transport.iter().map(spent).collect(),
        other: input.other.iter().map(spent).collect(),
    };
    let computed = compute_claim(&rules, &standard, &items)?;
    let now = to_db_time(ctx.now);
    let row = ClaimRow {
        id: new_id(),
        user_id: actor.user_id.clone(),
        travel_request_id: trip.id.clone(),
        departed_at: to_db_time(input.departed_at),
        returned_at: to_db_time(input.returned_at),
        half_days: computed.half_days,
        total_fen: computed.total.fen(),
        items_json: serde_json::to_string(&input).map_err(ApiError::internal)?,
        lines_json: serde_json::to_string(&computed.lines).map_err(ApiError::internal)?,
        note: input.note.as_ref().map(|n| n.trim().to_owned()),
        status: ClaimStatus::Submitted.as_str().to_owned(),
        decided_by: None,
        decided_at: None,
        decision_note: None,
        paid_by: None,
        paid_at: None,
        paid_fen: None,
        advance_id: None,
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
    };
    store::insert_claim(conn, &row)?;
    let out = ClaimOut::from(&row);
    ctx.audit(
        conn,
        "expense_claim.create",
        ("expense_claim", &row.id),
        None,
        snapshot(&out),
    )?;
    let body = format!("{}：{}", trip.destination_city, money_line(row.total_fen));
    Tidings {
        kind: "expense.submitted",
        title: "差旅报销待审批",
        body: &body,
        about: ("expense_claim", &row.id, row.version),
    }
    .tell_role(conn, ctx, Role::Manager)?;
    Ok(out)
}

/// What is asked of a claim.
pub enum ClaimStep {
    Approve,
    Reject(String),
    Pay,
}

/// BIL-15: a manager approves or refuses a submitted claim; finance pays an approved one
/// (unless its trip has an advance to settle it against: 409 naming BIL-16). The traveller is
/// told.
pub fn step(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    id: &str,
    version: i64,
    step: ClaimStep,
) -> Result<ClaimOut, ApiError> {
    let before = get(conn, actor, id)?;
    let from: ClaimStatus = before.status.parse().map_err(ApiError::internal)?;
    let command = match &step {
        ClaimStep::Approve => ClaimCommand::Approve,
        ClaimStep::Reject(_) => ClaimCommand::Reject,
        ClaimStep::Pay => ClaimCommand::Pay,
    };
    let to = claim_transition(from, command)?;
    let stamp = Some(Some(actor.user_id.clone()));
    let at = Some(Some(to_db_time(ctx.now)));
    let mut changes = ClaimChanges {
        status: Some(to.as_str().to_owned()),
        ..ClaimChanges::default()
    };
    match &step {
        ClaimStep::Pay => {
            if store::paid_advance_of_trip(conn, &before.travel_request_id)?.is_some() {
                return Err(ApiError::State {
                    rule: "BIL-16",
                    message: "the trip has a cash advance: settle the claim against it".to_owned(),
                });
            }
            changes.paid_by = stamp;
            changes.paid_at = at;
            changes.paid_fen = Some(Some(before.total_fen));
        }
        ClaimStep::Reject(note) => {
            changes.decided_by = stamp;
            changes.decided_at = at;
            changes.decision_note = Some(Some(note.trim().to_owned()));
        }
        ClaimStep::Approve => {
            changes.decided_by = stamp;
            changes.decided_at = at;
        }
    }
    written(store::update_claim(conn, id, version, &changes, ctx.now)?)?;
    let after = store::find_claim(conn, id)?.ok_or(ApiError::NotFound)?;
    let out = ClaimOut::from(&after);
    let (action, kind, title) = match to {
        ClaimStatus::Approved => (
            "expense_claim.approve",
            "expense.approved",
            "差旅报销已批准",
        ),
        ClaimStatus::Rejected => ("expense_claim.reject", "expense.rejected", "差旅报销被驳回"),
        _ => ("expense_claim.pay", "expense.paid", "差旅报销已付款"),
    };
    ctx.audit(
        conn,
        action,
        ("expense_claim", id),
        snapshot(&ClaimOut::from(&before)),
        snapshot(&out),
    )?;
    let body = money_line(after.total_fen);
    let told = Tidings {
        kind,
        title,
        body: &body,
        about: ("expense_claim", id, after.version),
    };
    told.tell(conn, ctx, &after.user_id)?;
    if to == ClaimStatus::Approved {
        told.as_kind("expense.awaits_payment", "差旅报销待付款")
            .tell_role(conn, ctx, Role::Finance)?;
    }
    Ok(out)
}

/// The roles a step needs, checked before anything is loaded.
pub fn action_of(step: &ClaimStep) -> Action {
    match step {
        ClaimStep::Pay => Action::ClaimPay,
        _ => Action::ClaimDecide,
    }
}

/// Refuses callers without the step's roles (403 before 404).
pub fn require(step: &ClaimStep, actor: &Actor) -> Result<(), ApiError> {
    Ok(access::require(action_of(step), &actor.roles)?)
}
