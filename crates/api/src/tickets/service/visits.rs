//! On-site visits (TKT-5, TKT-8) and service records (TKT-6), visible with their ticket
//! (ORG-5) and to the engineer who makes the visit.

use crate::kernel::access::roles::{MANAGERS, role_names};
use crate::kernel::command::{Ctx, snapshot};
use crate::kernel::error::ApiError;
use crate::kernel::notify;
use crate::tickets::dto::visits::{
    CreateServiceRecord, CreateVisit, GpsPoint, ServiceRecordOut, VisitOut,
};
use crate::tickets::service::tickets::{field, get_row as get_ticket, ticket_scope};
use chrono::{DateTime, Duration, Utc};
use kefu_core::{Actor, UserId};
use kefu_store::tickets::{self, TicketRow, TransitionRow};
use kefu_store::visibility::Visible;
use kefu_store::visits::{self, ServiceRecordRow, VisitChanges, VisitRow};
use kefu_store::{DbConnection, from_db_time, new_id, to_db_time};
use kefu_tickets::access::{Action, ActorFacts};
use kefu_tickets::lifecycle::Status;
use kefu_tickets::service::{ServiceDetails, ServiceFields};
use kefu_tickets::visits::{
    self as rules, Visit, VisitCommand, VisitStatus, guards, unresolved_not_escalated,
};
use std::collections::HashMap;

/// How far ahead of the server's clock a client-reported instant may be (clock skew).
const MAX_SKEW: Duration = Duration::minutes(5);

fn e6(v: f64) -> i64 {
    (v * 1_000_000.0).round() as i64
}

fn gps(lat: Option<i64>, lng: Option<i64>, accuracy_m: Option<i64>) -> Option<GpsPoint> {
    Some(GpsPoint {
        lat: lat? as f64 / 1_000_000.0,
        lng: lng? as f64 / 1_000_000.0,
        accuracy_m,
    })
}

pub fn render(row: &VisitRow) -> VisitOut {
    let t = |v: Option<chrono::NaiveDateTime>| v.map(from_db_time);
    VisitOut {
        id: row.id.clone(),
        ticket_id: row.ticket_id.clone(),
        engineer_id: row.engineer_id.clone(),
        planned_date: row.planned_date,
        purpose: row.purpose.clone(),
        status: row.status,
        decided_by: row.decided_by.clone(),
        decided_at: t(row.decided_at),
        decision_note: row.decision_note.clone(),
        departed_at: t(row.departed_at),
        arrived_at: t(row.arrived_at),
        arrived_gps: gps(
            row.arrived_lat_e6,
            row.arrived_lng_e6,
            row.arrived_accuracy_m,
        ),
        finished_at: t(row.finished_at),
        finished_gps: gps(
            row.finished_lat_e6,
            row.finished_lng_e6,
            row.finished_accuracy_m,
        ),
        resolved: row.resolved,
        outcome_note: row.outcome_note.clone(),
        escalated_at: t(row.escalated_at),
        escalated_by: row.escalated_by.clone(),
        escalation_reason: row.escalation_reason.clone(),
        unresolved_not_escalated: unresolved_not_escalated(
            row.status,
            row.resolved,
            row.escalated_at.is_some(),
        ),
        deleted: row.deleted_at.is_some(),
        created_at: from_db_time(row.created_at),
        updated_at: from_db_time(row.updated_at),
        version: row.version,
        allowed_actions: Vec::new(),
    }
}

/// The visit as the rules read it, with the state of its ticket.
fn visit_of(row: &VisitRow, ticket: Status) -> Visit<'_> {
    Visit {
        status: row.status,
        engineer_id: &row.engineer_id,
        escalated: row.escalated_at.is_some(),
        ticket,
    }
}

/// The visit as `actor` reads it: with the commands they may run on it now, decided by the
/// commands' own predicate (issue 17). `ticket` is the state of the visit's ticket.
pub fn render_for(row: &VisitRow, ticket: Status, actor: &Actor) -> VisitOut {
    let mut out = render(row);
    out.allowed_actions = rules::allowed_actions(&visit_of(row, ticket), &ActorFacts::of(actor));
    out
}

/// A page of visits as `actor` reads them; their tickets' states in one query.
pub fn render_all(
    conn: &mut DbConnection,
    rows: &[VisitRow],
    actor: &Actor,
) -> Result<Vec<VisitOut>, ApiError> {
    let ids: Vec<String> = rows.iter().map(|r| r.ticket_id.clone()).collect();
    let states: HashMap<String, Status> = tickets::find_many(conn, &ids)?
        .into_iter()
        .map(|t| (t.id, t.status))
        .collect();
    rows.iter()
        .map(|r| {
            let ticket = states
                .get(&r.ticket_id)
                .copied()
                .ok_or(ApiError::NotFound)?;
            Ok(render_for(r, ticket, actor))
        })
        .collect()
}

/// A live visit visible in `scope` (its ticket visible, or the caller makes it), with its
/// ticket; anything else is 404.
pub fn get_row(
    conn: &mut DbConnection,
    scope: &Visible,
    id: &str,
) -> Result<(VisitRow, TicketRow), ApiError> {
    let visit = visits::find(conn, id)?
        .filter(|v| v.deleted_at.is_none())
        .ok_or(ApiError::NotFound)?;
    let ticket = tickets::find(conn, &visit.ticket_id)?.ok_or(ApiError::NotFound)?;
    if tickets::visible_to(&ticket, scope) || scope.user_ids.contains(&visit.engineer_id) {
        Ok((visit, ticket))
    } else {
        Err(ApiError::NotFound)
    }
}

fn log_on_ticket(
    conn: &mut DbConnection,
    ctx: &Ctx,
    ticket: &TicketRow,
    action: &str,
    reason: Option<String>,
) -> Result<(), ApiError> {
    tickets::insert_transition(
        conn,
        &TransitionRow {
            id: new_id(),
            ticket_id: ticket.id.clone(),
            action: action.to_owned(),
            from_status: Some(ticket.status),
            to_status: ticket.status,
            actor_id: ctx.actor_id.clone(),
            reason,
            at: to_db_time(ctx.now),
        },
    )?;
    Ok(())
}

/// TKT-5: the assigned engineer (or a lead for them) requests a visit.
pub fn request(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    ticket_id: &str,
    input: CreateVisit,
) -> Result<VisitOut, ApiError> {
    let scope = ticket_scope(conn, actor)?;
    let ticket = get_ticket(conn, &scope, ticket_id)?;
    let assignee = ticket.assignee_id.clone().map(UserId::from);
    let engineer = guards::check_request(ticket.status, assignee.as_ref(), &ActorFacts::of(actor))?
        .into_string();
    let now = to_db_time(ctx.now);
    let row = VisitRow {
        id: new_id(),
        ticket_id: ticket.id.clone(),
        engineer_id: engineer,
        planned_date: input.planned_date,
        purpose: input.purpose,
        status: VisitStatus::Requested,
        decided_by: None,
        decided_at: None,
        decision_note: None,
        departed_at: None,
        arrived_at: None,
        arrived_lat_e6: None,
        arrived_lng_e6: None,
        arrived_accuracy_m: None,
        finished_at: None,
        finished_lat_e6: None,
        finished_lng_e6: None,
        finished_accuracy_m: None,
        resolved: None,
        outcome_note: None,
        escalated_at: None,
        escalated_by: None,
        escalation_reason: None,
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
    };
    visits::insert(conn, &row)?;
    let stored = visits::find(conn, &row.id)?.ok_or(ApiError::NotFound)?;
    let out = render_for(&stored, ticket.status, actor);
    ctx.audit(
        conn,
        "visit.request",
        ("visit", &stored.id),
        None,
        snapshot(&out),
    )?;
    let title = format!("外出申请待审批：{}", ticket.number);
    let body = format!("{}（计划 {}）", stored.purpose, stored.planned_date);
    tell_managers(conn, ctx, &stored, "visit.approval_needed", &title, &body)?;
    Ok(out)
}

/// Puts a notice about `visit` into the inbox of every enabled manager, who approve visits
/// (TKT-5) and take escalations (TKT-8); keyed by kind and visit so it is sent once.
fn tell_managers(
    conn: &mut DbConnection,
    ctx: &Ctx,
    visit: &VisitRow,
    kind: &str,
    title: &str,
    body: &str,
) -> Result<(), ApiError> {
    for manager in kefu_store::notifications::enabled_holders_of(conn, &role_names(MANAGERS))? {
        tell(conn, ctx, &manager, visit, kind, title, body)?;
    }
    Ok(())
}

/// One notice about `visit`, at most once per user, kind and visit.
fn tell(
    conn: &mut DbConnection,
    ctx: &Ctx,
    user_id: &str,
    visit: &VisitRow,
    kind: &str,
    title: &str,
    body: &str,
) -> Result<(), ApiError> {
    let key = format!("{kind}:{}", visit.id);
    notify::notify(
        conn,
        ctx.now,
        user_id,
        &notify::Notice {
            kind,
            title,
            body,
            entity: Some(("visit", &visit.id)),
            dedupe_key: Some(&key),
        },
    )?;
    Ok(())
}

/// A visit command with its arguments.
#[derive(Debug, Clone)]
pub enum VisitAction {
    Decide {
        approve: bool,
        note: Option<String>,
    },
    Report {
        command: VisitCommand,
        at: Option<DateTime<Utc>>,
        gps: Option<GpsPoint>,
    },
    Finish {
        at: Option<DateTime<Utc>>,
        gps: Option<GpsPoint>,
        resolved: bool,
        note: Option<String>,
    },
    Escalate {
        reason: String,
    },
}

impl VisitAction {
    /// Which of the visit's commands this is.
    pub fn command(&self) -> VisitCommand {
        match self {
            VisitAction::Decide { approve: true, .. } => VisitCommand::Approve,
            VisitAction::Decide { approve: false, .. } => VisitCommand::Reject,
            // A field report other than the departure is the arrival.
            VisitAction::Report {
                command: VisitCommand::Depart,
                ..
            } => VisitCommand::Depart,
            VisitAction::Report { .. } => VisitCommand::Arrive,
            VisitAction::Finish { .. } => VisitCommand::Finish,
            VisitAction::Escalate { .. } => VisitCommand::Escalate,
        }
    }

    /// The row of the access table the action is checked against.
    pub fn action(&self) -> Action {
        self.command().access()
    }
}

/// The instant of a field report (TKT-5), as stored.
fn report_time(
    at: Option<DateTime<Utc>>,
    visit: &VisitRow,
    now: DateTime<Utc>,
) -> Result<chrono::NaiveDateTime, ApiError> {
    let at = guards::report_time(at, from_db_time(visit.created_at), now, MAX_SKEW)?;
    Ok(to_db_time(at))
}

pub fn act(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    id: &str,
    expected_version: i64,
    action: VisitAction,
) -> Result<VisitOut, ApiError> {
    let scope = ticket_scope(conn, actor)?;
    let (visit, ticket) = get_row(conn, &scope, id)?;
    let command = action.command();
    rules::authorize(
        &visit_of(&visit, ticket.status),
        &ActorFacts::of(actor),
        command,
    )?;
    if visit.version != expected_version {
        return Err(ApiError::PreconditionFailed {
            current: visit.version,
        });
    }
    let from = visit.status;
    let now = to_db_time(ctx.now);
    let mut changes = VisitChanges::default();
    let name = format!("visit.{}", command.as_str());
    // The state check `allowed_actions` reports: the TKT-5 table, a ticket still worked on
    // for a departure, one escalation (TKT-8).
    let to = rules::precondition(&visit_of(&visit, ticket.status), command)?;
    match action {
        VisitAction::Decide { note, .. } => {
            changes.decided_by = Some(Some(actor.user_id.clone()));
            changes.decided_at = Some(Some(now));
            changes.decision_note = Some(note);
        }
        VisitAction::Report { command, at, gps } => {
            let at = report_time(at, &visit, ctx.now)?;
            if command == VisitCommand::Depart {
                changes.departed_at = Some(Some(at));
            } else {
                changes.arrived_at = Some(Some(at));
                changes.arrived_lat_e6 = Some(gps.map(|g| e6(g.lat)));
                changes.arrived_lng_e6 = Some(gps.map(|g| e6(g.lng)));
                changes.arrived_accuracy_m = Some(gps.and_then(|g| g.accuracy_m));
            }
        }
        VisitAction::Finish {
            at,
            gps,
            resolved,
            note,
        } => {
            changes.finished_at = Some(Some(report_time(at, &visit, ctx.now)?));
            changes.finished_lat_e6 = Some(gps.map(|g| e6(g.lat)));
            changes.finished_lng_e6 = Some(gps.map(|g| e6(g.lng)));
            changes.finished_accuracy_m = Some(gps.and_then(|g| g.accuracy_m));
            changes.resolved = Some(Some(resolved));
            changes.outcome_note = Some(note);
        }
        VisitAction::Escalate { reason } => {
            changes.escalated_at = Some(Some(now));
            changes.escalated_by = Some(Some(actor.user_id.clone()));
            changes.escalation_reason = Some(Some(reason.clone()));
            log_on_ticket(
                conn,
                ctx,
                &ticket,
                "escalate",
                Some(format!("TKT-8: escalated from the site: {reason}")),
            )?;
        }
    }
    if to != from {
        changes.status = Some(to);
    }
    let before = render(&visit);
    crate::kernel::command::written(visits::update(
        conn,
        id,
        expected_version,
        &changes,
        ctx.now,
    )?)?;
    let after = visits::find(conn, id)?.ok_or(ApiError::NotFound)?;
    let out = render_for(&after, ticket.status, actor);
    ctx.audit(
        conn,
        &name,
        ("visit", id),
        snapshot(&before),
        snapshot(&out),
    )?;
    match command {
        VisitCommand::Approve | VisitCommand::Reject => {
            let (kind, verdict) = if command == VisitCommand::Approve {
                ("visit.approved", "已批准")
            } else {
                ("visit.rejected", "未批准")
            };
            let title = format!("外出申请{verdict}：{}", ticket.number);
            let body = after.decision_note.clone().unwrap_or_default();
            tell(conn, ctx, &after.engineer_id, &after, kind, &title, &body)?;
        }
        VisitCommand::Escalate => {
            let title = format!("现场升级：{}", ticket.number);
            let body = after.escalation_reason.clone().unwrap_or_default();
            tell_managers(conn, ctx, &after, "visit.escalated", &title, &body)?;
        }
        _ => {}
    }
    Ok(out)
}

fn details_json(details: &ServiceDetails) -> Result<serde_json::Value, ApiError> {
    let mut v = serde_json::to_value(details).map_err(ApiError::internal)?;
    if let Some(o) = v.as_object_mut() {
        o.remove("kind");
    }
    Ok(v)
}

pub fn render_record(row: &ServiceRecordRow) -> Result<ServiceRecordOut, ApiError> {
    let details: ServiceDetails = serde_json::from_str(&row.details)
        .map_err(|e| ApiError::internal(format!("stored service record is corrupt: {e}")))?;
    Ok(ServiceRecordOut {
        id: row.id.clone(),
        ticket_id: row.ticket_id.clone(),
        visit_id: row.visit_id.clone(),
        mode: row.mode,
        kind: details.kind(),
        work_done: row.work_done.clone(),
        details: details_json(&details)?,
        promised_date: row.promised_date,
        change_request_id: None,
        created_by: row.created_by.clone(),
        created_at: from_db_time(row.created_at),
        version: row.version,
    })
}

/// TKT-6: records a remote or on-site service with the fields its kind requires.
pub fn create_record(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    ticket_id: &str,
    input: CreateServiceRecord,
) -> Result<ServiceRecordOut, ApiError> {
    let scope = ticket_scope(conn, actor)?;
    let ticket = get_ticket(conn, &scope, ticket_id)?;
    guards::check_service_record(ticket.status)?;
    if let Some(visit_id) = &input.visit_id
        && visits::find(conn, visit_id)?
            .is_none_or(|v| v.ticket_id != ticket.id || v.deleted_at.is_some())
    {
        return Err(field(
            "visit_id",
            "not_of_ticket",
            "no such visit of this ticket",
        ));
    }
    let details = ServiceDetails::build(
        input.kind,
        ServiceFields {
            tool: input.tool,
            sql: input.sql,
            application_ref: input.application_ref,
            contact_told: input.contact_told,
            report_name: input.report_name,
            analysis: input.analysis,
            solution: input.solution,
            reproduction_steps: input.reproduction_steps,
            error_text: input.error_text,
            promised_date: input.promised_date,
        },
    )?;
    let promised_date = match &details {
        ServiceDetails::Bug { promised_date, .. } => Some(*promised_date),
        _ => None,
    };
    let bug = match &details {
        ServiceDetails::Bug {
            reproduction_steps,
            error_text,
            promised_date,
        } => Some((
            reproduction_steps.clone(),
            error_text.clone(),
            *promised_date,
        )),
        _ => None,
    };
    let now = to_db_time(ctx.now);
    let row = ServiceRecordRow {
        id: new_id(),
        ticket_id: ticket.id.clone(),
        visit_id: input.visit_id,
        mode: input.mode,
        kind: details.kind(),
        work_done: input.work_done,
        details: serde_json::to_string(&details).map_err(ApiError::internal)?,
        promised_date,
        created_by: actor.user_id.clone(),
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
    };
    visits::insert_record(conn, &row)?;
    let stored = visits::find_record(conn, &row.id)?.ok_or(ApiError::NotFound)?;
    let mut out = render_record(&stored)?;
    if let Some((steps, error_text, promised)) = bug {
        // TKT-6 → TKT-12: a bug raises its change request in the same transaction.
        out.change_request_id = Some(crate::tickets::service::change_requests::raise_from_bug(
            conn,
            ctx,
            &ticket,
            &stored,
            &steps,
            &error_text,
            promised,
        )?);
    }
    ctx.audit(
        conn,
        "service_record.create",
        ("service_record", &stored.id),
        None,
        snapshot(&out),
    )?;
    Ok(out)
}

pub fn records(
    conn: &mut DbConnection,
    actor: &Actor,
    ticket_id: &str,
) -> Result<Vec<ServiceRecordOut>, ApiError> {
    let scope = ticket_scope(conn, actor)?;
    get_ticket(conn, &scope, ticket_id)?;
    visits::records_of_ticket(conn, ticket_id)?
        .iter()
        .map(|r| {
            let mut out = render_record(r)?;
            out.change_request_id = kefu_store::change_requests::id_of_service_record(conn, &r.id)?;
            Ok(out)
        })
        .collect()
}
