//! Tickets (TKT-1..4): opening with SLA due instants (TKT-2), the lifecycle commands with
//! their log (TKT-3), dispatch (TKT-4); every read and write under ORG-5.

use crate::calendar::service::{rule_error, working_time_calendar};
pub use crate::kernel::access::scope::tickets as ticket_scope;
use crate::kernel::command::{Ctx, snapshot};
use crate::kernel::error::ApiError;
use crate::tickets::dto::tickets::{CreateTicket, TicketOut, TransitionOut};
use chrono::{DateTime, NaiveDateTime, Utc};
use chrono_tz::Tz;
use kefu_core::{Actor, CustomerId, FieldError, SiteId};
use kefu_store::tickets::{self, TicketRow, TransitionRow};
use kefu_store::visibility::Visible;
use kefu_store::{DbConnection, from_db_time, new_id, to_db_time};
use kefu_tickets::access::ActorFacts;
use kefu_tickets::clock;
use kefu_tickets::decide::open::{self, EquipmentAt, OpenFacts};
use kefu_tickets::decide::{self, Ticket};
use kefu_tickets::kinds::Priority;
use kefu_tickets::lifecycle::Status;
use kefu_tickets::sla::SlaPolicy;
use kefu_tickets::work_orders::WorkOrderStatus;
use std::collections::HashMap;

pub fn field(name: &str, code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::Invalid(vec![FieldError::new(name, code, message)])
}

pub use crate::kernel::clock::{local, utc_of};

pub fn render(row: &TicketRow, now: DateTime<Utc>) -> TicketOut {
    let now = to_db_time(now);
    let stopped = row.waiting_since.or(row.cancelled_at);
    let cancelled = row.cancelled_at.is_some();
    let response_breached =
        !cancelled && clock::breached(row.response_due_at, row.responded_at, stopped, now);
    let resolution_breached =
        !cancelled && clock::breached(row.resolution_due_at, row.resolved_at, stopped, now);
    let t = |v: Option<NaiveDateTime>| v.map(from_db_time);
    TicketOut {
        id: row.id.clone(),
        number: row.number.clone(),
        channel: row.channel,
        ticket_type: row.ticket_type,
        priority: row.priority,
        status: row.status,
        customer_id: row.customer_id.clone(),
        site_id: row.site_id.clone(),
        contact_id: row.contact_id.clone(),
        equipment_id: row.equipment_id.clone(),
        description: row.description.clone(),
        taken_by: row.taken_by.clone(),
        assignee_id: row.assignee_id.clone(),
        team_id: row.team_id.clone(),
        planned_start: t(row.planned_start),
        planned_end: t(row.planned_end),
        appointment_confirmed_at: t(row.appointment_confirmed_at),
        appointment_confirmed_with: row.appointment_confirmed_with.clone(),
        escalated_at: t(row.escalated_at),
        escalation_reason: row.escalation_reason.clone(),
        response_due_at: from_db_time(row.response_due_at),
        resolution_due_at: from_db_time(row.resolution_due_at),
        responded_at: t(row.responded_at),
        waiting_since: t(row.waiting_since),
        resolved_at: t(row.resolved_at),
        resolution_summary: row.resolution_summary.clone(),
        closed_at: t(row.closed_at),
        cancelled_at: t(row.cancelled_at),
        response_breached,
        resolution_breached,
        breached: response_breached || resolution_breached,
        deleted: row.deleted_at.is_some(),
        created_at: from_db_time(row.created_at),
        updated_at: from_db_time(row.updated_at),
        version: row.version,
        allowed_actions: Vec::new(),
    }
}

/// The ticket as the rules read it.
pub fn ticket_of(row: &TicketRow) -> Ticket {
    let t = |v: Option<NaiveDateTime>| v.map(from_db_time);
    Ticket {
        id: row.id.clone().into(),
        status: row.status,
        customer_id: row.customer_id.clone().into(),
        assignee_id: row.assignee_id.clone().map(Into::into),
        team_id: row.team_id.clone().map(Into::into),
        planned_start: t(row.planned_start),
        planned_end: t(row.planned_end),
        responded_at: t(row.responded_at),
        waiting_since: t(row.waiting_since),
        response_due_at: from_db_time(row.response_due_at),
        resolution_due_at: from_db_time(row.resolution_due_at),
    }
}

/// The ticket as `actor` reads it: with the commands they may run on it now, decided by the
/// commands' own predicate (issue 17). Only a ticket in progress may resolve, so only its work
/// orders are looked up (TKT-11).
pub fn render_for(
    conn: &mut DbConnection,
    row: &TicketRow,
    now: DateTime<Utc>,
    actor: &Actor,
) -> Result<TicketOut, ApiError> {
    let work_orders = if row.status == Status::InProgress {
        kefu_store::work_orders::statuses_of_ticket(conn, &row.id)?
    } else {
        Vec::new()
    };
    Ok(with_actions(row, now, actor, &work_orders))
}

fn with_actions(
    row: &TicketRow,
    now: DateTime<Utc>,
    actor: &Actor,
    work_orders: &[WorkOrderStatus],
) -> TicketOut {
    let mut out = render(row, now);
    out.allowed_actions =
        decide::allowed_actions(&ticket_of(row), &ActorFacts::of(actor), work_orders);
    out
}

/// A page of tickets as `actor` reads them; the work orders of those in progress in one query.
pub fn render_all(
    conn: &mut DbConnection,
    rows: &[TicketRow],
    now: DateTime<Utc>,
    actor: &Actor,
) -> Result<Vec<TicketOut>, ApiError> {
    let in_progress: Vec<String> = rows
        .iter()
        .filter(|r| r.status == Status::InProgress)
        .map(|r| r.id.clone())
        .collect();
    let mut work_orders: HashMap<String, Vec<WorkOrderStatus>> = HashMap::new();
    for (ticket, status) in kefu_store::work_orders::statuses_of_tickets(conn, &in_progress)? {
        work_orders.entry(ticket).or_default().push(status);
    }
    Ok(rows
        .iter()
        .map(|r| {
            let of = work_orders.get(&r.id).map_or(&[][..], Vec::as_slice);
            with_actions(r, now, actor, of)
        })
        .collect())
}

/// A live ticket visible in `scope`; anything else is 404 (ORG-5: never leak existence).
pub fn get_row(conn: &mut DbConnection, scope: &Visible, id: &str) -> Result<TicketRow, ApiError> {
    tickets::find(conn, id)?
        .filter(|r| r.deleted_at.is_none() && tickets::visible_to(r, scope))
        .ok_or(ApiError::NotFound)
}

/// The parts of a ticket [`open::check_parts`] judges: its customer and what it names.
pub struct Parts<'a> {
    pub customer_id: &'a str,
    pub site_id: Option<&'a str>,
    pub contact_id: Option<&'a str>,
    pub equipment_id: Option<&'a str>,
}

/// TKT-1: what the database says of the parts a ticket names, for [`open::check_parts`] to
/// judge; a part not named is not looked up.
pub fn part_facts(
    conn: &mut DbConnection,
    actor: &Actor,
    parts: &Parts<'_>,
) -> Result<OpenFacts, ApiError> {
    let customers_visible = crate::kernel::access::visible(conn, actor)?;
    let customer_visible =
        kefu_store::customers::find_visible(conn, parts.customer_id, &customers_visible)?.is_some();
    let owner = parts.customer_id.to_owned();
    let customer = std::slice::from_ref(&owner);
    let site_of_customer = match parts.site_id {
        Some(site) => Some(kefu_store::sites::find_live(conn, site, Some(customer))?.is_some()),
        None => None,
    };
    let contact_of_customer = match parts.contact_id {
        Some(contact) => {
            Some(kefu_store::contacts::find_live(conn, contact, Some(customer))?.is_some())
        }
        None => None,
    };
    let equipment = match parts.equipment_id {
        Some(equipment) => {
            let row =
                kefu_store::equipment::find(conn, equipment)?.filter(|e| e.deleted_at.is_none());
            Some(match row {
                Some(e) => {
                    let owner = kefu_store::equipment::site_owner(conn, &e.site_id)?;
                    Some(EquipmentAt {
                        site_id: e.site_id.into(),
                        customer_id: owner.map(|o| o.customer_id.into()),
                    })
                }
                None => None,
            })
        }
        None => None,
    };
    Ok(OpenFacts {
        customer_visible,
        site_of_customer,
        contact_of_customer,
        equipment,
    })
}

/// TKT-1/TKT-2: opens a ticket with its number and SLA due instants. A client-chosen id that
/// exists already returns that ticket (`false`) — the offline create is retried, not repeated.
pub fn create(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    tz: Tz,
    input: CreateTicket,
) -> Result<(TicketOut, bool), ApiError> {
    let scope = ticket_scope(conn, actor)?;
    if let Some(id) = &input.id
        && let Some(existing) = tickets::find(conn, id)?
    {
        return if tickets::visible_to(&existing, &scope) {
            Ok((render_for(conn, &existing, ctx.now, actor)?, false))
        } else {
            Err(ApiError::duplicate("tickets_pkey"))
        };
    }
    let channel = open::channel_for(&actor.roles, input.channel)?;
    let facts = part_facts(
        conn,
        actor,
        &Parts {
            customer_id: &input.customer_id,
            site_id: input.site_id.as_deref(),
            contact_id: input.contact_id.as_deref(),
            equipment_id: input.equipment_id.as_deref(),
        },
    )?;
    let site_id = input.site_id.clone().map(SiteId::from);
    open::check_parts(
        &CustomerId::from(input.customer_id.clone()),
        site_id.as_ref(),
        &facts,
    )?;
    let opened = to_db_time(ctx.now);
    let opened_local = local(tz, opened);
    let day = opened_local.date();
    let priority = input.priority.unwrap_or(Priority::Normal);
    let policy = crate::kernel::rules::load_in_force::<SlaPolicy>(conn, day)?.value;
    let entry = policy
        .entry(input.ticket_type, priority)
        .ok_or_else(|| ApiError::internal("the SLA policy in force misses a ticket type"))?;
    let calendar = working_time_calendar(conn, day)?;
    let due = entry.due(opened_local, &calendar).map_err(rule_error)?;
    let row = TicketRow {
        id: input.id.unwrap_or_else(new_id),
        number: tickets::next_number(conn, day)?,
        channel,
        ticket_type: input.ticket_type,
        priority,
        status: Status::New,
        customer_id: input.customer_id,
        site_id: input.site_id,
        contact_id: input.contact_id,
        equipment_id: input.equipment_id,
        description: input.description,
        taken_by: actor.user_id.clone(),
        assignee_id: None,
        team_id: None,
        planned_start: None,
        planned_end: None,
        appointment_confirmed_at: None,
        appointment_confirmed_with: None,
        escalated_at: None,
        escalation_reason: None,
        response_due_at: utc_of(tz, due.response_due),
        resolution_due_at: utc_of(tz, due.resolution_due),
        responded_at: None,
        waiting_since: None,
        resolved_at: None,
        resolution_summary: None,
        closed_at: None,
        cancelled_at: None,
        created_at: opened,
        updated_at: opened,
        version: 1,
        deleted_at: None,
    };
    tickets::insert(conn, &row)?;
    let stored = tickets::find(conn, &row.id)?.ok_or(ApiError::NotFound)?;
    tickets::insert_transition(
        conn,
        &TransitionRow {
            id: new_id(),
            ticket_id: stored.id.clone(),
            action: "open".to_owned(),
            from_status: None,
            to_status: Status::New,
            actor_id: ctx.actor_id.clone(),
            reason: None,
            at: to_db_time(ctx.now),
        },
    )?;
    let out = render(&stored, ctx.now);
    ctx.audit(
        conn,
        "ticket.create",
        ("ticket", &stored.id),
        None,
        snapshot(&out),
    )?;
    Ok((render_for(conn, &stored, ctx.now, actor)?, true))
}

pub fn transitions(
    conn: &mut DbConnection,
    actor: &Actor,
    id: &str,
) -> Result<Vec<TransitionOut>, ApiError> {
    let scope = ticket_scope(conn, actor)?;
    get_row(conn, &scope, id)?;
    Ok(tickets::transitions(conn, id)?
        .into_iter()
        .map(|t| TransitionOut {
            from_status: t.from_status,
            to_status: t.to_status,
            id: t.id,
            action: t.action,
            actor_id: t.actor_id,
            reason: t.reason,
            at: from_db_time(t.at),
        })
        .collect())
}
