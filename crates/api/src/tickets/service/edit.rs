//! TKT-1/TKT-2: correcting an open ticket. Only what changes is checked (a part deleted since
//! the ticket was opened does not block an unrelated correction); a new type or priority moves
//! the SLA due instants, and the transition log records the change with both sets of instants.

use crate::calendar::service::{rule_error, working_time_calendar};
use crate::kernel::command::{Ctx, snapshot, written};
use crate::kernel::error::ApiError;
use crate::tickets::dto::tickets::{TicketOut, UpdateTicket};
use crate::tickets::service::tickets::{
    Parts, get_row, local, part_facts, render, render_for, ticket_scope, utc_of,
};
use chrono_tz::Tz;
use kefu_core::{Actor, CustomerId, SiteId};
use kefu_store::tickets::{self, TicketChanges, TicketRow, TransitionRow};
use kefu_store::{DbConnection, new_id, to_db_time};
use kefu_tickets::decide::open;
use kefu_tickets::edit;
use kefu_tickets::sla::{SlaDue, SlaPolicy};

/// Applies `input` to the visible ticket `id` at `expected_version`.
pub fn update(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    tz: Tz,
    id: &str,
    expected_version: i64,
    input: UpdateTicket,
) -> Result<TicketOut, ApiError> {
    let scope = ticket_scope(conn, actor)?;
    let row = get_row(conn, &scope, id)?;
    edit::check_editable(row.status)?;
    check_changed_parts(conn, actor, &row, &input)?;
    let mut changes = TicketChanges {
        ticket_type: input.ticket_type,
        priority: input.priority,
        site_id: input.site_id.clone(),
        contact_id: input.contact_id.clone(),
        equipment_id: input.equipment_id.clone(),
        description: input.description.clone(),
        ..TicketChanges::default()
    };
    let before = (row.ticket_type, row.priority);
    let after = (
        input.ticket_type.unwrap_or(row.ticket_type),
        input.priority.unwrap_or(row.priority),
    );
    let mut log = changed_fields(&row, &input);
    if edit::retargets(before, after) {
        let due = retarget(conn, tz, &row, before, after)?;
        let (response, resolution) = (utc_of(tz, due.response_due), utc_of(tz, due.resolution_due));
        log.push(format!(
            "response due {} → {}; resolution due {} → {}",
            shown(tz, row.response_due_at),
            shown(tz, response),
            shown(tz, row.resolution_due_at),
            shown(tz, resolution)
        ));
        changes.response_due_at = Some(response);
        changes.resolution_due_at = Some(resolution);
    }
    if log.is_empty() {
        // Nothing to change: the ticket as it is, without a new version.
        return render_for(conn, &row, ctx.now, actor);
    }
    written(tickets::update(
        conn,
        id,
        expected_version,
        &changes,
        ctx.now,
    )?)?;
    let reason = match &input.reason {
        Some(why) => format!("{}（{why}）", log.join("; ")),
        None => log.join("; "),
    };
    tickets::insert_transition(
        conn,
        &TransitionRow {
            id: new_id(),
            ticket_id: row.id.clone(),
            action: "edit".to_owned(),
            from_status: Some(row.status),
            to_status: row.status,
            actor_id: ctx.actor_id.clone(),
            reason: Some(reason),
            at: to_db_time(ctx.now),
        },
    )?;
    let stored = get_row(conn, &scope, id)?;
    let out = render(&stored, ctx.now);
    ctx.audit(
        conn,
        "ticket.update",
        ("ticket", id),
        snapshot(&render(&row, ctx.now)),
        snapshot(&out),
    )?;
    render_for(conn, &stored, ctx.now, actor)
}

/// TKT-1 on the parts the correction names: they belong to the ticket's customer. When the
/// site changes, equipment the ticket keeps must stand at the new site.
fn check_changed_parts(
    conn: &mut DbConnection,
    actor: &Actor,
    row: &TicketRow,
    input: &UpdateTicket,
) -> Result<(), ApiError> {
    let named = |change: &Option<Option<String>>| change.clone().flatten();
    let site = match &input.site_id {
        Some(site) => site.clone(),
        None => row.site_id.clone(),
    };
    let equipment = match &input.equipment_id {
        Some(e) => e.clone(),
        None if input.site_id.is_some() => row.equipment_id.clone(),
        None => None,
    };
    let (site_named, contact_named) = (named(&input.site_id), named(&input.contact_id));
    let mut facts = part_facts(
        conn,
        actor,
        &Parts {
            customer_id: &row.customer_id,
            site_id: site_named.as_deref(),
            contact_id: contact_named.as_deref(),
            equipment_id: equipment.as_deref(),
        },
    )?;
    // The customer is the ticket's, which the caller sees: only the named parts are judged.
    facts.customer_visible = true;
    open::check_parts(
        &CustomerId::from(row.customer_id.clone()),
        site.map(SiteId::from).as_ref(),
        &facts,
    )?;
    Ok(())
}

/// What the correction changes, as the transition log words it.
fn changed_fields(row: &TicketRow, input: &UpdateTicket) -> Vec<String> {
    let mut log = Vec::new();
    let mut note = |field: &str, old: Option<&str>, new: Option<&str>| {
        if old != new {
            log.push(format!(
                "{field} {} → {}",
                old.unwrap_or("—"),
                new.unwrap_or("—")
            ));
        }
    };
    if let Some(t) = input.ticket_type {
        note(
            "ticket_type",
            Some(row.ticket_type.as_str()),
            Some(t.as_str()),
        );
    }
    if let Some(p) = input.priority {
        note("priority", Some(row.priority.as_str()), Some(p.as_str()));
    }
    for (field, old, new) in [
        ("site_id", &row.site_id, &input.site_id),
        ("contact_id", &row.contact_id, &input.contact_id),
        ("equipment_id", &row.equipment_id, &input.equipment_id),
    ] {
        if let Some(new) = new {
            note(field, old.as_deref(), new.as_deref());
        }
    }
    if input
        .description
        .as_ref()
        .is_some_and(|d| *d != row.description)
    {
        log.push("description changed".to_owned());
    }
    log
}

/// TKT-2: the due instants under the new (type, priority), by the SLA policy and the work
/// calendar in force on the day the ticket was opened.
fn retarget(
    conn: &mut DbConnection,
    tz: Tz,
    row: &TicketRow,
    before: (
        kefu_tickets::kinds::TicketType,
        kefu_tickets::kinds::Priority,
    ),
    after: (
        kefu_tickets::kinds::TicketType,
        kefu_tickets::kinds::Priority,
    ),
) -> Result<SlaDue, ApiError> {
    let opened = local(tz, row.created_at);
    let policy = crate::kernel::rules::load_in_force::<SlaPolicy>(conn, opened.date())?.value;
    let entry = |(t, p)| {
        policy
            .entry(t, p)
            .ok_or_else(|| ApiError::internal("the SLA policy in force misses a ticket type"))
    };
    let (old, new) = (entry(before)?, entry(after)?);
    let calendar = working_time_calendar(conn, opened.date())?;
    let current = SlaDue {
        response_due: local(tz, row.response_due_at),
        resolution_due: local(tz, row.resolution_due_at),
    };
    edit::retarget(
        old,
        new,
        opened,
        current,
        row.responded_at.is_some(),
        &calendar,
    )
    .map_err(rule_error)
}

/// An instant as the log shows it: company-local time with its offset.
fn shown(tz: Tz, t: chrono::NaiveDateTime) -> String {
    t.and_utc().with_timezone(&tz).to_rfc3339()
}
