//! Internal work orders (TKT-11): a ticket's technical or website problem goes to the
//! technical service centre or the web-operations centre (seed 003, 第十二/十三条); when it is
//! solved, the support specialist writes the customer-facing wording into the knowledge base
//! and closes the work order with that article. Until then the ticket cannot resolve.
//! Visible with the ticket (ORG-5) and to the assignee.

use crate::kernel::command::{Ctx, snapshot};
use crate::kernel::error::ApiError;
use crate::kernel::notify;
use crate::tickets::dto::work_orders::{CreateWorkOrder, WorkOrderOut};
use crate::tickets::service::tickets::{field, get_row as get_ticket, ticket_scope};
use kefu_core::{Actor, UserId};
use kefu_store::tickets::{self, TicketRow};
use kefu_store::visibility::Visible;
use kefu_store::work_orders::{self, WorkOrderChanges, WorkOrderRow};
use kefu_store::{DbConnection, from_db_time, new_id, to_db_time};
use kefu_tickets::access::{self, Action, ActorFacts, Relation};
use kefu_tickets::work_orders::guards::WorkOrderNotice;
use kefu_tickets::work_orders::{
    self as rules, WorkOrder, WorkOrderCommand, WorkOrderStatus, guards, work_order_transition,
};

pub fn render(row: &WorkOrderRow) -> WorkOrderOut {
    let t = |v: Option<chrono::NaiveDateTime>| v.map(from_db_time);
    WorkOrderOut {
        id: row.id.clone(),
        ticket_id: row.ticket_id.clone(),
        target: row.target,
        title: row.title.clone(),
        description: row.description.clone(),
        raised_by: row.raised_by.clone(),
        assignee_id: row.assignee_id.clone(),
        status: row.status,
        started_at: t(row.started_at),
        solution: row.solution.clone(),
        solved_by: row.solved_by.clone(),
        solved_at: t(row.solved_at),
        kb_article_id: row.kb_article_id.clone(),
        closed_by: row.closed_by.clone(),
        closed_at: t(row.closed_at),
        cancelled_at: t(row.cancelled_at),
        cancel_reason: row.cancel_reason.clone(),
        deleted: row.deleted_at.is_some(),
        created_at: from_db_time(row.created_at),
        updated_at: from_db_time(row.updated_at),
        version: row.version,
        allowed_actions: Vec::new(),
    }
}

/// The work order as the rules read it.
fn order_of(row: &WorkOrderRow) -> WorkOrder<'_> {
    WorkOrder {
        status: row.status,
        assignee_id: row.assignee_id.as_deref(),
        raised_by: &row.raised_by,
    }
}

/// The work order as `actor` reads it: with the commands they may run on it now, decided by
/// the commands' own predicate (issue 17).
pub fn render_for(row: &WorkOrderRow, actor: &Actor) -> WorkOrderOut {
    let mut out = render(row);
    out.allowed_actions = rules::allowed_actions(&order_of(row), &ActorFacts::of(actor));
    out
}

pub fn render_all(rows: &[WorkOrderRow], actor: &Actor) -> Vec<WorkOrderOut> {
    rows.iter().map(|r| render_for(r, actor)).collect()
}

/// A live work order whose ticket is visible in `scope` or that is assigned to `actor`;
/// anything else is 404.
pub fn get_row(
    conn: &mut DbConnection,
    scope: &Visible,
    actor: &Actor,
    id: &str,
) -> Result<(WorkOrderRow, TicketRow), ApiError> {
    let row = work_orders::find(conn, id)?
        .filter(|w| w.deleted_at.is_none())
        .ok_or(ApiError::NotFound)?;
    let ticket = tickets::find(conn, &row.ticket_id)?.ok_or(ApiError::NotFound)?;
    if tickets::visible_to(&ticket, scope)
        || row.assignee_id.as_deref() == Some(actor.user_id.as_str())
    {
        Ok((row, ticket))
    } else {
        Err(ApiError::NotFound)
    }
}

pub fn get(conn: &mut DbConnection, actor: &Actor, id: &str) -> Result<WorkOrderOut, ApiError> {
    let scope = ticket_scope(conn, actor)?;
    Ok(render_for(&get_row(conn, &scope, actor, id)?.0, actor))
}

/// The assignee must be an enabled user who may work work orders (staff).
fn check_assignee(conn: &mut DbConnection, user_id: &str) -> Result<(), ApiError> {
    if kefu_store::users::is_enabled_with_any_role(
        conn,
        user_id,
        access::roles_for(Action::WorkOrderSolve),
    )? {
        Ok(())
    } else {
        Err(field(
            "assignee_id",
            "unknown",
            "no such enabled staff user",
        ))
    }
}

/// TKT-11: the shift lead (supervisor), a manager, an admin or the ticket's engineer raises
/// a work order on a ticket that is still being worked on.
pub fn create(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    ticket_id: &str,
    input: CreateWorkOrder,
) -> Result<WorkOrderOut, ApiError> {
    let scope = ticket_scope(conn, actor)?;
    let ticket = get_ticket(conn, &scope, ticket_id)?;
    // For a new work order the ticket's engineer stands as its assignee.
    let engineer = ticket.assignee_id.as_deref() == Some(actor.user_id.as_str());
    let facts = ActorFacts::of(actor).with(Relation::Assignee, engineer);
    access::require_on_record(Action::WorkOrderCreate, &facts)?;
    guards::check_ticket(ticket.status)?;
    if let Some(a) = &input.assignee_id {
        check_assignee(conn, a)?;
    }
    let title = input.title.trim().to_owned();
    let description = input.description.trim().to_owned();
    if title.is_empty() {
        return Err(field("title", "length", "must not be blank"));
    }
    if description.is_empty() {
        return Err(field("description", "length", "must not be blank"));
    }
    let now = to_db_time(ctx.now);
    let row = WorkOrderRow {
        id: new_id(),
        ticket_id: ticket.id.clone(),
        target: input.target,
        title,
        description,
        raised_by: actor.user_id.clone(),
        assignee_id: input.assignee_id,
        status: WorkOrderStatus::Open,
        started_at: None,
        solution: None,
        solved_by: None,
        solved_at: None,
        kb_article_id: None,
        closed_by: None,
        closed_at: None,
        cancelled_at: None,
        cancel_reason: None,
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
    };
    work_orders::insert(conn, &row)?;
    let stored = work_orders::find(conn, &row.id)?.ok_or(ApiError::NotFound)?;
    let out = render_for(&stored, actor);
    ctx.audit(
        conn,
        "work_order.create",
        ("work_order", &stored.id),
        None,
        snapshot(&out),
    )?;
    send_notices(conn, ctx, actor, &ticket, None, &stored, false)?;
    Ok(out)
}

fn tell(
    conn: &mut DbConnection,
    ctx: &Ctx,
    user_id: &str,
    row: &WorkOrderRow,
    kind: &str,
    title: &str,
    body: &str,
) -> Result<(), ApiError> {
    // One notice per kind, work order and version: a reassignment tells the new assignee.
    let key = format!("{kind}:{}@{}", row.id, row.version);
    notify::notify(
        conn,
        ctx.now,
        user_id,
        &notify::Notice {
            kind,
            title,
            body,
            entity: Some(("work_order", &row.id)),
            dedupe_key: Some(&key),
        },
    )?;
    Ok(())
}

fn tell_assignee(
    conn: &mut DbConnection,
    ctx: &Ctx,
    ticket: &TicketRow,
    row: &WorkOrderRow,
    assignee: &str,
) -> Result<(), ApiError> {
    let title = format!("新内部工单：{}（{}）", row.title, ticket.number);
    tell(
        conn,
        ctx,
        assignee,
        row,
        "work_order.assigned",
        &title,
        &row.description,
    )
}

/// A work-order command with its arguments.
#[derive(Debug, Clone)]
pub enum WorkOrderAction {
    Start { assignee_id: Option<String> },
    Solve { solution: String },
    Close { kb_article_id: Option<String> },
    Cancel { reason: String },
}

impl WorkOrderAction {
    fn command(&self) -> WorkOrderCommand {
        match self {
            WorkOrderAction::Start { .. } => WorkOrderCommand::Start,
            WorkOrderAction::Solve { .. } => WorkOrderCommand::Solve,
            WorkOrderAction::Close { .. } => WorkOrderCommand::Close,
            WorkOrderAction::Cancel { .. } => WorkOrderCommand::Cancel,
        }
    }
}

impl WorkOrderAction {
    /// The row of the access table the action is checked against: only a lead names who
    /// works the order on start.
    pub fn action(&self) -> Action {
        match self {
            WorkOrderAction::Start { assignee_id: None } => Action::WorkOrderStart,
            WorkOrderAction::Start { .. } => Action::WorkOrderStartNamingAssignee,
            WorkOrderAction::Solve { .. } => Action::WorkOrderSolve,
            WorkOrderAction::Close { .. } => Action::WorkOrderClose,
            WorkOrderAction::Cancel { .. } => Action::WorkOrderCancel,
        }
    }
}

/// Tells whom [`guards::notices`] names of a work order's change, after the audit entry.
fn send_notices(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    ticket: &TicketRow,
    before: Option<&str>,
    after: &WorkOrderRow,
    solved: bool,
) -> Result<(), ApiError> {
    let before = before.map(UserId::from);
    let assignee = after.assignee_id.clone().map(UserId::from);
    let notices = guards::notices(
        &UserId::from(actor.user_id.as_str()),
        before.as_ref(),
        assignee.as_ref(),
        &UserId::from(after.raised_by.as_str()),
        solved,
    );
    for notice in notices {
        match notice {
            WorkOrderNotice::Assigned { to } => {
                tell_assignee(conn, ctx, ticket, after, to.as_str())?;
            }
            WorkOrderNotice::Solved { to } => {
                let title = format!("内部工单已解决：{}（{}）", after.title, ticket.number);
                let body = after.solution.clone().unwrap_or_default();
                tell(
                    conn,
                    ctx,
                    to.as_str(),
                    after,
                    "work_order.solved",
                    &title,
                    &body,
                )?;
            }
        }
    }
    Ok(())
}

pub fn act(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    id: &str,
    expected_version: i64,
    action: WorkOrderAction,
) -> Result<WorkOrderOut, ApiError> {
    let scope = ticket_scope(conn, actor)?;
    let (row, ticket) = get_row(conn, &scope, actor, id)?;
    rules::authorize(&order_of(&row), &ActorFacts::of(actor), action.action())?;
    if row.version != expected_version {
        return Err(ApiError::PreconditionFailed {
            current: row.version,
        });
    }
    let command = action.command();
    let now = to_db_time(ctx.now);
    let mut changes = WorkOrderChanges::default();
    let kb_article = match &action {
        WorkOrderAction::Close {
            kb_article_id: Some(a),
        } => Some(crate::tickets::service::kb::live_article(conn, a)?.id),
        _ => None,
    };
    let from = row.status;
    let to = work_order_transition(from, command, kb_article.is_some())?;
    match action {
        WorkOrderAction::Start { assignee_id } => {
            if let Some(a) = assignee_id {
                check_assignee(conn, &a)?;
                changes.assignee_id = Some(Some(a));
            }
            changes.started_at = Some(Some(now));
        }
        WorkOrderAction::Solve { solution } => {
            changes.solution = Some(Some(solution.trim().to_owned()));
            changes.solved_by = Some(Some(actor.user_id.clone()));
            changes.solved_at = Some(Some(now));
        }
        WorkOrderAction::Close { .. } => {
            changes.kb_article_id = Some(kb_article);
            changes.closed_by = Some(Some(actor.user_id.clone()));
            changes.closed_at = Some(Some(now));
        }
        WorkOrderAction::Cancel { reason } => {
            changes.cancelled_at = Some(Some(now));
            changes.cancel_reason = Some(Some(reason.trim().to_owned()));
        }
    }
    changes.status = Some(to);
    let before = render(&row);
    crate::kernel::command::written(work_orders::update(
        conn,
        id,
        expected_version,
        &changes,
        ctx.now,
    )?)?;
    let after = work_orders::find(conn, id)?.ok_or(ApiError::NotFound)?;
    let out = render_for(&after, actor);
    ctx.audit(
        conn,
        &format!("work_order.{}", command.as_str()),
        ("work_order", id),
        snapshot(&before),
        snapshot(&out),
    )?;
    send_notices(
        conn,
        ctx,
        actor,
        &ticket,
        row.assignee_id.as_deref(),
        &after,
        command == WorkOrderCommand::Solve,
    )?;
    Ok(out)
}
