//! BIL-14: travel requests: asked for by the traveller before the trip, approved or refused
//! by a manager, withdrawn by the traveller before the decision. Approval copies the travel
//! standard in force (the traveller's grade, the destination's tier) onto the request. People's
//! money: one's own, or everyone's for finance, HR and management; anyone else's is 404.

use crate::billing::dto::travel::{RequestTravel, TravelOut};
use crate::billing::service::privacy::{Reach, scope, sees};
use crate::billing::service::tidings::Tidings;
use crate::kernel::command::{Ctx, snapshot, written};
use crate::kernel::error::ApiError;
use crate::kernel::rules::load_in_force;
use chrono::NaiveDate;
use kefu_billing::access::{self, Action};
use kefu_billing::expenses::{
    TravelCommand, TravelStatus, grades_of, standard_for, travel_transition,
};
use kefu_billing::travel::{Destination, TravelStandards};
use kefu_core::{Actor, FieldError, Role};
use kefu_store::expenses::{self as store, TravelChanges, TravelRow};
use kefu_store::{DbConnection, new_id, to_db_time};

fn invalid(field: &str, message: &str) -> ApiError {
    ApiError::Invalid(vec![
        FieldError::new(field, "rule", message).by_rule("BIL-14"),
    ])
}

/// A request the caller may see, else 404.
pub fn get(conn: &mut DbConnection, actor: &Actor, id: &str) -> Result<TravelRow, ApiError> {
    let row = store::find_travel(conn, id)?.ok_or(ApiError::NotFound)?;
    if row.deleted_at.is_some() || !sees(&scope(conn, actor, Reach::OwnOnly)?, &row.user_id) {
        return Err(ApiError::NotFound);
    }
    Ok(row)
}

fn summary(row: &TravelRow) -> String {
    let place = match &row.destination_county {
        Some(county) => format!("{}{county}", row.destination_city),
        None => row.destination_city.clone(),
    };
    format!(
        "{place}，{} 至 {}：{}",
        row.planned_departure, row.planned_return, row.purpose
    )
}

/// BIL-14: the caller's trip; the managers are told.
pub fn request(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    input: RequestTravel,
) -> Result<TravelOut, ApiError> {
    if input.planned_return < input.planned_departure {
        return Err(invalid(
            "planned_return",
            "must not be before planned_departure",
        ));
    }
    if (input.planned_return - input.planned_departure).num_days() > 366 {
        return Err(invalid(
            "planned_return",
            "at most 366 days after planned_departure",
        ));
    }
    match (&input.destination_county, input.city_tier) {
        (None, None) => return Err(invalid("city_tier", "a city trip names the city's tier")),
        (Some(_), Some(_)) => {
            return Err(invalid(
                "city_tier",
                "a county trip is reimbursed at the county standard: name no tier",
            ));
        }
        _ => {}
    }
    let now = to_db_time(ctx.now);
    let row = TravelRow {
        id: new_id(),
        user_id: actor.user_id.clone(),
        destination_city: input.destination_city.trim().to_owned(),
        destination_county: input.destination_county.map(|c| c.trim().to_owned()),
        city_tier: input.city_tier.map(|t| t.as_str().to_owned()),
        purpose: input.purpose.trim().to_owned(),
        reference: input.reference.map(|r| r.trim().to_owned()),
        planned_departure: input.planned_departure,
        planned_return: input.planned_return,
        transport: input.transport.as_str().to_owned(),
        status: TravelStatus::Requested.as_str().to_owned(),
        decided_by: None,
        decided_at: None,
        decision_note: None,
        standard_json: None,
        standard_effective_from: None,
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
    };
    store::insert_travel(conn, &row)?;
    let out = TravelOut::from(&row);
    ctx.audit(
        conn,
        "travel_request.create",
        ("travel_request", &row.id),
        None,
        snapshot(&out),
    )?;
    let body = summary(&row);
    Tidings {
        kind: "travel.requested",
        title: "出差申请待审批",
        body: &body,
        about: ("travel_request", &row.id, row.version),
    }
    .tell_role(conn, ctx, Role::Manager)?;
    Ok(out)
}

/// What is asked of a request.
pub enum TravelStep {
    Approve,
    Reject(String),
    Cancel,
}

/// BIL-14: a manager approves (copying the standard in force on `today`) or refuses; the
/// traveller withdraws. The traveller is told of a decision.
pub fn step(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    today: NaiveDate,
    id: &str,
    version: i64,
    step: TravelStep,
) -> Result<TravelOut, ApiError> {
    let before = get(conn, actor, id)?;
    let from: TravelStatus = before.status.parse().map_err(ApiError::internal)?;
    let command = match &step {
        TravelStep::Approve => TravelCommand::Approve,
        TravelStep::Reject(_) => TravelCommand::Reject,
        TravelStep::Cancel => TravelCommand::Cancel,
    };
    if command == TravelCommand::Cancel {
        if before.user_id != actor.user_id {
            return Err(ApiError::Rule {
                rule: "BIL-14",
                message: "only the traveller withdraws a travel request".to_owned(),
            });
        }
    } else {
        access::require(Action::TravelDecide, &actor.roles)?;
    }
    let to = travel_transition(from, command)?;
    let mut changes = TravelChanges {
        status: Some(to.as_str().to_owned()),
        ..TravelChanges::default()
    };
    if command != TravelCommand::Cancel {
        changes.decided_by = Some(Some(actor.user_id.clone()));
        changes.decided_at = Some(Some(to_db_time(ctx.now)));
    }
    match &step {
        TravelStep::Reject(note) => changes.decision_note = Some(Some(note.trim().to_owned())),
        TravelStep::Approve => {
            let rules = load_in_force::<TravelStandards>(conn, today)?;
            let traveller =
                kefu_store::users::find(conn, &before.user_id)?.ok_or(ApiError::NotFound)?;
            let destination = match (&before.destination_county, before.city_tier.as_deref()) {
                (Some(_), _) => Destination::County,
                (None, Some(tier)) => Destination::City(tier.parse().map_err(ApiError::internal)?),
                (None, None) => return Err(ApiError::internal("a city trip without a tier")),
            };
            let standard = standard_for(&rules.value, &grades_of(&traveller.roles), destination)?;
            changes.standard_json = Some(Some(
                serde_json::to_string(standard).map_err(ApiError::internal)?,
            ));
            changes.standard_effective_from = Some(Some(rules.effective_from));
        }
        TravelStep::Cancel => {}
    }
    written(store::update_travel(conn, id, version, &changes, ctx.now)?)?;
    let after = store::find_travel(conn, id)?.ok_or(ApiError::NotFound)?;
    let out = TravelOut::from(&after);
    let action = match to {
        TravelStatus::Approved => "travel_request.approve",
        TravelStatus::Rejected => "travel_request.reject",
        _ => "travel_request.cancel",
    };
    ctx.audit(
        conn,
        action,
        ("travel_request", id),
        snapshot(&TravelOut::from(&before)),
        snapshot(&out),
    )?;
    let told = match to {
        TravelStatus::Approved => Some(("travel.approved", "出差申请已批准")),
        TravelStatus::Rejected => Some(("travel.rejected", "出差申请被驳回")),
        _ => None,
    };
    if let Some((kind, title)) = told {
        let body = summary(&after);
        Tidings {
            kind,
            title,
            body: &body,
            about: ("travel_request", id, after.version),
        }
        .tell(conn, ctx, &after.user_id)?;
    }
    Ok(out)
}
