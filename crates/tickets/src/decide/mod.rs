//! TKT-2/3/4/11: the decision on a ticket command. [`decide`] takes the ticket as loaded, the
//! actor, the command, the facts only the database knows and `now`, and returns the field
//! changes, the log entries and the notices — or the refusal naming its rule. The API service
//! loads, asks, then saves what it is told; it decides nothing itself.

pub mod allowed;
pub mod open;
#[cfg(test)]
mod tests;

use crate::access::{Action, ActorFacts, Relation};
use crate::lifecycle::{self, Command, Status};
use crate::work_orders::WorkOrderStatus;
pub use allowed::{TicketAction, allowed_actions};
use chrono::{DateTime, Utc};
use kefu_core::{CustomerId, DomainError, TeamId, TicketId, UserId};

/// What the rules read of a ticket; instants in UTC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    pub id: TicketId,
    pub status: Status,
    pub customer_id: CustomerId,
    pub assignee_id: Option<UserId>,
    pub team_id: Option<TeamId>,
    pub planned_start: Option<DateTime<Utc>>,
    pub planned_end: Option<DateTime<Utc>>,
    pub responded_at: Option<DateTime<Utc>>,
    pub waiting_since: Option<DateTime<Utc>>,
    pub response_due_at: DateTime<Utc>,
    pub resolution_due_at: DateTime<Utc>,
}

/// A ticket command and its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TicketCommand {
    /// TKT-4: (re)assign an engineer, with an optional planned visit window.
    Assign {
        assignee_id: UserId,
        planned_start: Option<DateTime<Utc>>,
        planned_end: Option<DateTime<Utc>>,
        reason: Option<String>,
    },
    /// Start, wait, resume, close, cancel or reopen (TKT-3). Assign and resolve carry their
    /// own arguments and are refused here.
    Lifecycle {
        command: Command,
        reason: Option<String>,
    },
    Resolve {
        summary: String,
    },
    ConfirmAppointment {
        confirmed_with: String,
    },
    MissedAppointment {
        reason: String,
        customer_consented: bool,
    },
}

impl TicketCommand {
    /// Which of the ticket's commands this is.
    pub fn kind(&self) -> TicketAction {
        match self {
            TicketCommand::Assign { .. } => TicketAction::Assign,
            TicketCommand::Resolve { .. } => TicketAction::Resolve,
            TicketCommand::ConfirmAppointment { .. } => TicketAction::ConfirmAppointment,
            TicketCommand::MissedAppointment { .. } => TicketAction::MissedAppointment,
            TicketCommand::Lifecycle { command, .. } => match command {
                Command::Assign => TicketAction::Assign,
                Command::Start => TicketAction::Start,
                Command::Wait => TicketAction::Wait,
                Command::Resume => TicketAction::Resume,
                Command::Resolve => TicketAction::Resolve,
                Command::Close => TicketAction::Close,
                Command::Cancel => TicketAction::Cancel,
                Command::Reopen => TicketAction::Reopen,
            },
        }
    }

    /// The row of the access table the command is checked against.
    pub fn action(&self) -> Action {
        self.kind().access()
    }
}

/// The engineer an assign names, as the database knows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssigneeFacts {
    /// An enabled user holding the engineer role.
    pub enabled_engineer: bool,
    /// Their team, which the ticket takes on (ORG-5: the team's supervisor sees it).
    pub team_id: Option<TeamId>,
}

/// TKT-2: the unmet due instants moved by the working time spent waiting, from
/// `waiting_since` to now, on the work calendar; built with [`shift_due`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShiftedDue {
    /// `None` when the response target was met: it no longer moves.
    pub response_due_at: Option<DateTime<Utc>>,
    pub resolution_due_at: DateTime<Utc>,
}

/// TKT-2: the due instants of `ticket` moved by `push` — the caller's calendar arithmetic
/// (local time, [`crate::clock::waited_minutes`] then [`crate::clock::extend`]). Only the
/// unmet targets are pushed, so a calendar error on a met one cannot refuse the command.
pub fn shift_due<E>(
    ticket: &Ticket,
    mut push: impl FnMut(DateTime<Utc>) -> Result<DateTime<Utc>, E>,
) -> Result<ShiftedDue, E> {
    let response_due_at = match ticket.responded_at {
        None => Some(push(ticket.response_due_at)?),
        Some(_) => None,
    };
    Ok(ShiftedDue {
        response_due_at,
        resolution_due_at: push(ticket.resolution_due_at)?,
    })
}

/// What the decision needs from the database. Unknown facts are the safe default: no such
/// engineer, no shifted due instants.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TicketFacts {
    /// For an assign: the named user.
    pub assignee: Option<AssigneeFacts>,
    /// The statuses of the ticket's live work orders (TKT-11).
    pub work_orders: Vec<WorkOrderStatus>,
    /// When the ticket may leave `waiting_customer` (see [`needs_shifted_due`]).
    pub shifted_due: Option<ShiftedDue>,
}

/// The fields a decision sets; `None` leaves a field alone, `Some(None)` clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TicketChanges {
    pub status: Option<Status>,
    pub assignee_id: Option<Option<UserId>>,
    pub team_id: Option<Option<TeamId>>,
    pub planned_start: Option<Option<DateTime<Utc>>>,
    pub planned_end: Option<Option<DateTime<Utc>>>,
    pub appointment_confirmed_at: Option<Option<DateTime<Utc>>>,
    pub appointment_confirmed_with: Option<Option<String>>,
    pub escalated_at: Option<Option<DateTime<Utc>>>,
    pub escalation_reason: Option<Option<String>>,
    pub responded_at: Option<Option<DateTime<Utc>>>,
    pub waiting_since: Option<Option<DateTime<Utc>>>,
    pub resolved_at: Option<Option<DateTime<Utc>>>,
    pub resolution_summary: Option<Option<String>>,
    pub closed_at: Option<Option<DateTime<Utc>>>,
    pub cancelled_at: Option<Option<DateTime<Utc>>>,
    pub response_due_at: Option<DateTime<Utc>>,
    pub resolution_due_at: Option<DateTime<Utc>>,
}

/// One line of the ticket's log (TKT-3: every transition with actor, time and reason; the
/// actor and time are the command's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    /// `assign`, `reassign`, a lifecycle command's name, `resolve`, `confirm_appointment`,
    /// `missed_appointment` or `escalate`.
    pub action: &'static str,
    pub from: Status,
    pub to: Status,
    pub reason: Option<String>,
}

/// Someone to tell after the change is saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TicketNotice {
    /// The engineer the ticket was (re)assigned to, unless they assigned it to themselves.
    Assigned { assignee_id: UserId },
}

/// The decision: what to write, what to log (in order) and whom to tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketOutcome {
    pub changes: TicketChanges,
    pub log: Vec<LogEntry>,
    pub notices: Vec<TicketNotice>,
}

impl TicketOutcome {
    /// The audit action: `ticket.` and the first log entry's action.
    pub fn audit_action(&self) -> String {
        format!("ticket.{}", self.log.first().map_or("update", |e| e.action))
    }

    /// The status after the command.
    pub fn status_after(&self, before: Status) -> Status {
        self.changes.status.unwrap_or(before)
    }
}

/// The actor's facts with their relation to this ticket, which the record itself tells.
pub(crate) fn facts_on(ticket: &Ticket, actor: &ActorFacts) -> ActorFacts {
    let assignee = ticket.assignee_id.as_ref() == Some(&actor.user_id);
    actor.clone().with(Relation::Assignee, assignee)
}

/// Who may run `command` on `ticket` (ORG-1 roles, TKT-3/TKT-4: the assignee works their own
/// ticket, leads any). Checked before the version so a stranger learns nothing of it.
pub fn authorize(
    ticket: &Ticket,
    actor: &ActorFacts,
    command: &TicketCommand,
) -> Result<(), DomainError> {
    allowed::authorize(ticket, actor, command.kind())
}

/// TKT-2: whether the service must compute [`TicketFacts::shifted_due`] for this command: the
/// ticket waits for the customer and the command may take it elsewhere.
pub fn needs_shifted_due(ticket: &Ticket, command: &TicketCommand) -> bool {
    let leaves = match command {
        TicketCommand::Assign { .. } => true,
        TicketCommand::Lifecycle { command, .. } => command.target() != Status::WaitingCustomer,
        TicketCommand::Resolve { .. } => true,
        TicketCommand::ConfirmAppointment { .. } | TicketCommand::MissedAppointment { .. } => false,
    };
    leaves && ticket.status == Status::WaitingCustomer && ticket.waiting_since.is_some()
}

/// Decides `command` on `ticket` for `actor` at `now`: [`authorize`], then [`decide_for_rule`].
pub fn decide(
    ticket: &Ticket,
    actor: &ActorFacts,
    command: &TicketCommand,
    facts: &TicketFacts,
    now: DateTime<Utc>,
) -> Result<TicketOutcome, DomainError> {
    authorize(ticket, actor, command)?;
    decide_for_rule(ticket, actor, command, facts, now)
}

/// Decides `command` when a rule of another record runs it (TKT-9: a satisfied callback
/// closes the ticket, a follow-up reopens it): the state machine and effects of [`decide`],
/// without the actor's own permission on the ticket.
pub fn decide_for_rule(
    ticket: &Ticket,
    actor: &ActorFacts,
    command: &TicketCommand,
    facts: &TicketFacts,
    now: DateTime<Utc>,
) -> Result<TicketOutcome, DomainError> {
    // The state check `allowed_actions` reports; the arms below then compute the move.
    allowed::precondition(ticket, command.kind(), &facts.work_orders)?;
    let from = ticket.status;
    let mut changes = TicketChanges::default();
    let mut log = Vec::new();
    let to = match command {
        TicketCommand::Assign {
            assignee_id,
            planned_start,
            planned_end,
            reason,
        } => {
            let to = transition(from, Command::Assign)?;
            let (start, end) = planned_window(*planned_start, *planned_end)?;
            let Some(named) = facts.assignee.as_ref().filter(|a| a.enabled_engineer) else {
                return Err(DomainError::invalid(
                    "assignee_id",
                    "unknown",
                    "no such enabled engineer",
                ));
            };
            let action = if ticket.assignee_id.is_some() {
                "reassign"
            } else {
                "assign"
            };
            changes.team_id = Some(named.team_id.clone());
            changes.assignee_id = Some(Some(assignee_id.clone()));
            changes.planned_start = Some(start);
            changes.planned_end = Some(end);
            // A new assignment needs its own appointment (TKT-4).
            changes.appointment_confirmed_at = Some(None);
            changes.appointment_confirmed_with = Some(None);
            log.push(entry(action, from, to, reason.clone()));
            to
        }
        TicketCommand::Lifecycle { command, reason } => {
            if matches!(command, Command::Assign | Command::Resolve) {
                return Err(DomainError::invalid(
                    "command",
                    "not_allowed",
                    "assign and resolve carry their own arguments",
                ));
            }
            let to = transition(from, *command)?;
            match command {
                // The first start meets the response target (TKT-2).
                Command::Start if ticket.responded_at.is_none() => {
                    changes.responded_at = Some(Some(now));
                }
                Command::Wait => changes.waiting_since = Some(Some(now)),
                Command::Close => changes.closed_at = Some(Some(now)),
                Command::Cancel => changes.cancelled_at = Some(Some(now)),
                Command::Reopen => {
                    changes.resolved_at = Some(None);
                    changes.closed_at = Some(None);
                }
                _ => {}
            }
            log.push(entry(command.as_str(), from, to, reason.clone()));
            to
        }
        TicketCommand::Resolve { summary } => {
            let to = transition(from, Command::Resolve)?;
            changes.resolved_at = Some(Some(now));
            if ticket.responded_at.is_none() {
                changes.responded_at = Some(Some(now));
            }
            changes.resolution_summary = Some(Some(summary.clone()));
            log.push(entry("resolve", from, to, Some(summary.clone())));
            to
        }
        TicketCommand::ConfirmAppointment { confirmed_with } => {
            check_appointment(ticket, "has an appointment to confirm")?;
            changes.appointment_confirmed_at = Some(Some(now));
            changes.appointment_confirmed_with = Some(Some(confirmed_with.clone()));
            // Contacting the customer is the response (TKT-2).
            if ticket.responded_at.is_none() {
                changes.responded_at = Some(Some(now));
            }
            log.push(entry(
                "confirm_appointment",
                from,
                from,
                Some(confirmed_with.clone()),
            ));
            from
        }
        TicketCommand::MissedAppointment {
            reason,
            customer_consented,
        } => {
            check_appointment(ticket, "can miss its appointment")?;
            changes.appointment_confirmed_at = Some(None);
            changes.appointment_confirmed_with = Some(None);
            let note = if *customer_consented {
                format!("{reason} (customer consented)")
            } else {
                reason.clone()
            };
            log.push(entry("missed_appointment", from, from, Some(note)));
            if !customer_consented {
                changes.escalated_at = Some(Some(now));
                changes.escalation_reason = Some(Some(reason.clone()));
                log.push(entry(
                    "escalate",
                    from,
                    from,
                    Some(format!(
                        "TKT-4: missed appointment without the customer's consent: {reason}"
                    )),
                ));
            }
            from
        }
    };
    if from == Status::WaitingCustomer && to != Status::WaitingCustomer {
        settle_waiting(ticket, facts, &mut changes)?;
    }
    if to != from {
        changes.status = Some(to);
    }
    let notices = notices(ticket, actor, &changes);
    Ok(TicketOutcome {
        changes,
        log,
        notices,
    })
}

fn entry(action: &'static str, from: Status, to: Status, reason: Option<String>) -> LogEntry {
    LogEntry {
        action,
        from,
        to,
        reason,
    }
}

/// TKT-3 through [`lifecycle::transition`] (a state conflict naming the rule).
fn transition(from: Status, command: Command) -> Result<Status, DomainError> {
    lifecycle::transition(from, command)
}

/// A planned visit window: both ends, or none.
pub type PlannedWindow = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// TKT-4: a planned visit window has both ends, the end after the start; or none.
pub fn planned_window(
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
) -> Result<PlannedWindow, DomainError> {
    match (start, end) {
        (Some(s), Some(e)) if e > s => Ok((Some(s), Some(e))),
        (Some(_), Some(_)) => Err(DomainError::invalid(
            "planned_end",
            "range",
            "must be after planned_start",
        )),
        (None, None) => Ok((None, None)),
        (Some(_), None) => Err(DomainError::invalid(
            "planned_end",
            "required",
            "a window needs both ends",
        )),
        (None, Some(_)) => Err(DomainError::invalid(
            "planned_start",
            "required",
            "a window needs both ends",
        )),
    }
}

/// TKT-4: only an assigned, still-worked ticket with a planned visit window has an
/// appointment.
fn check_appointment(ticket: &Ticket, what: &str) -> Result<(), DomainError> {
    let assigned = Status::WITH_ASSIGNEE.contains(&ticket.status);
    if assigned && ticket.planned_start.is_some() {
        Ok(())
    } else {
        Err(DomainError::State {
            rule: "TKT-4",
            message: format!(
                "only an assigned ticket with a planned visit window {what} (ticket is {})",
                ticket.status.as_str()
            ),
        })
    }
}

/// TKT-2: leaving `waiting_customer` moves the unmet due instants by the working time spent
/// waiting; a response already given keeps its target.
fn settle_waiting(
    ticket: &Ticket,
    facts: &TicketFacts,
    changes: &mut TicketChanges,
) -> Result<(), DomainError> {
    if ticket.waiting_since.is_none() {
        return Ok(());
    }
    let Some(shifted) = facts.shifted_due else {
        return Err(DomainError::Rule {
            rule: "TKT-2",
            message: "the due instants moved by the time spent waiting are missing".to_owned(),
        });
    };
    if ticket.responded_at.is_none() {
        changes.response_due_at = shifted.response_due_at;
    }
    changes.resolution_due_at = Some(shifted.resolution_due_at);
    changes.waiting_since = Some(None);
    Ok(())
}

/// The new assignee learns of it, unless they assigned the ticket to themselves.
fn notices(ticket: &Ticket, actor: &ActorFacts, changes: &TicketChanges) -> Vec<TicketNotice> {
    match &changes.assignee_id {
        Some(Some(new)) if ticket.assignee_id.as_ref() != Some(new) && *new != actor.user_id => {
            vec![TicketNotice::Assigned {
                assignee_id: new.clone(),
            }]
        }
        _ => Vec::new(),
    }
}
