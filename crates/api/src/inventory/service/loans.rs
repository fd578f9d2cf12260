//! INV-2 loans (备品外借): request → approve → issue → sign → return, the overdue rule, and
//! INV-3 charges at the sale price for units lost or damaged. Stock moves through the ledger
//! (`stock::apply`), so a loan's issue and return are conditional updates like any movement.

use crate::calendar::service::add_working_days;
use crate::inventory::dto::loans::{ChargeOut, LoanOut, RequestLoan};
use crate::inventory::service::catalogue::{get_location, get_part};
use crate::inventory::service::{rotation, stock};
use crate::kernel::access::roles::{MANAGERS, role_names};
use crate::kernel::command::{Ctx, snapshot, written};
use crate::kernel::error::ApiError;
use crate::kernel::notify::{Notice, notify};
use crate::kernel::rules::load_in_force;
use chrono::NaiveDate;
use kefu_core::{Actor, DomainError, FieldError};
use kefu_inventory::access::{self, Action};
use kefu_inventory::catalogue::{MovementKind, PartKind, UnitStatus};
use kefu_inventory::loans::{
    ChargeStatus, LoanCommand, LoanFacts, LoanPolicy, LoanStatus, LossKind, charge_fen,
    check_request, decide, is_overdue,
};
use kefu_inventory::movements::{Movement, check_units};
use kefu_store::inventory::StockScope;
use kefu_store::inventory::catalogue::locations_of_engineer;
use kefu_store::inventory::loans::{self as store, ChargeRow, LoanChanges, LoanRow};
use kefu_store::notifications as inbox;
use kefu_store::{DbConnection, from_db_time, new_id, to_db_time};

fn list_of(json: &str) -> Vec<String> {
    serde_json::from_str(json).unwrap_or_default()
}

pub fn json_of(serials: &[String]) -> Result<String, ApiError> {
    serde_json::to_string(serials).map_err(ApiError::internal)
}

pub fn render(row: &LoanRow, today: NaiveDate) -> LoanOut {
    let t = |v: Option<chrono::NaiveDateTime>| v.map(from_db_time);
    let outstanding =
        row.quantity - row.returned_quantity - row.lost_quantity - row.consumed_quantity;
    LoanOut {
        id: row.id.clone(),
        engineer_id: row.engineer_id.clone(),
        location_id: row.location_id.clone(),
        part_id: row.part_id.clone(),
        quantity: row.quantity,
        serials: list_of(&row.serials),
        outstanding_serials: list_of(&row.outstanding_serials),
        outstanding,
        returned_quantity: row.returned_quantity,
        unused_quantity: row.unused_quantity,
        lost_quantity: row.lost_quantity,
        consumed_quantity: row.consumed_quantity,
        status: row.status,
        note: row.note.clone(),
        decided_by: row.decided_by.clone(),
        decided_at: t(row.decided_at),
        issued_by: row.issued_by.clone(),
        issued_at: t(row.issued_at),
        due_on: row.due_on,
        overdue: row.status == LoanStatus::Issued
            && row.due_on.is_some_and(|due| is_overdue(due, today)),
        signed_at: t(row.signed_at),
        overdue_flagged_at: t(row.overdue_flagged_at),
        closed_at: t(row.closed_at),
        rotation_passed_over: row
            .rotation_passed_over
            .as_deref()
            .map(list_of)
            .unwrap_or_default(),
        deleted: row.deleted_at.is_some(),
        created_at: from_db_time(row.created_at),
        updated_at: from_db_time(row.updated_at),
        version: row.version,
    }
}

pub fn render_charge(row: &ChargeRow) -> ChargeOut {
    ChargeOut {
        id: row.id.clone(),
        loan_id: row.loan_id.clone(),
        engineer_id: row.engineer_id.clone(),
        part_id: row.part_id.clone(),
        kind: row.kind,
        serials: list_of(&row.serials),
        quantity: row.quantity,
        unit_price_fen: row.unit_price_fen,
        amount_fen: row.amount_fen,
        status: row.status,
        created_at: from_db_time(row.created_at),
        updated_at: from_db_time(row.updated_at),
        version: row.version,
    }
}

/// ORG-5 for loans and charges: `None` sees all; otherwise only this engineer's.
pub fn own_only(actor: &Actor) -> Option<String> {
    (!access::sees_all_stock(&actor.roles)).then(|| actor.user_id.clone())
}

/// A live loan the actor sees (ORG-5: another engineer's loan is 404).
pub fn get_row(conn: &mut DbConnection, actor: &Actor, id: &str) -> Result<LoanRow, ApiError> {
    let own = own_only(actor);
    store::find_loan(conn, id)?
        .filter(|l| l.deleted_at.is_none())
        .filter(|l| own.as_deref().is_none_or(|me| me == l.engineer_id))
        .ok_or(ApiError::NotFound)
}

/// INV-2: the engineer asks for parts into their own hands.
pub fn request(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    today: NaiveDate,
    input: RequestLoan,
) -> Result<LoanOut, ApiError> {
    let part = get_part(conn, &input.part_id).map_err(|e| match e {
        ApiError::NotFound => {
            ApiError::Invalid(vec![FieldError::new("part_id", "unknown", "no such part")])
        }
        other => other,
    })?;
    let (quantity, serials) = check_units(part.kind, input.quantity, &input.serials)?;
    let location_id = locations_of_engineer(conn, &actor.user_id)?
        .into_iter()
        .next()
        .ok_or_else(|| {
            ApiError::from(DomainError::Rule {
                rule: "INV-2",
                message: "the engineer has no stock location of their own yet".into(),
            })
        })?;
    let policy = load_in_force::<LoanPolicy>(conn, today)?.value;
    check_request(&policy, store::holds_overdue(conn, &actor.user_id, today)?)?;
    let now = to_db_time(ctx.now);
    let serials_json = json_of(&serials)?;
    let row = LoanRow {
        id: new_id(),
        engineer_id: actor.user_id.clone(),
        location_id,
        part_id: part.id,
        quantity,
        serials: serials_json.clone(),
        outstanding_serials: serials_json,
        returned_quantity: 0,
        unused_quantity: 0,
        lost_quantity: 0,
        status: LoanStatus::Requested,
        note: input.note,
        decided_by: None,
        decided_at: None,
        issued_by: None,
        issued_at: None,
        due_on: None,
        signed_at: None,
        overdue_flagged_at: None,
        closed_at: None,
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
        rotation_passed_over: None,
        consumed_quantity: 0,
    };
    store::insert_loan(conn, &row)?;
    let out = render(&get_row(conn, actor, &row.id)?, today);
    ctx.audit(
        conn,
        "part_loan.request",
        ("part_loan", &out.id),
        None,
        snapshot(&out),
    )?;
    for manager in inbox::enabled_holders_of(conn, &role_names(MANAGERS))? {
        tell(
            conn,
            ctx,
            &manager,
            &out,
            "part_loan.requested",
            "备品借用待审批",
        )?;
    }
    Ok(out)
}

/// A command on a loan as the routes ask for it.
#[derive(Debug, Clone)]
pub enum LoanAction {
    Approve,
    Reject,
    Issue {
        from_location_id: String,
    },
    Sign,
    Return {
        to_location_id: String,
        quantity: Option<i64>,
        serials: Vec<String>,
        unused: bool,
    },
    ReportLoss {
        kind: LossKind,
        quantity: Option<i64>,
        serials: Vec<String>,
        note: Option<String>,
    },
}

impl LoanAction {
    pub fn action(&self) -> Action {
        match self {
            LoanAction::Approve | LoanAction::Reject => Action::LoanDecide,
            LoanAction::Issue { .. } | LoanAction::Return { .. } => Action::LoanIssue,
            LoanAction::Sign => Action::LoanSign,
            LoanAction::ReportLoss { .. } => Action::LoanReportLoss,
        }
    }

    fn name(&self) -> &'static str {
        match self {
            LoanAction::Approve => "approve",
            LoanAction::Reject => "reject",
            LoanAction::Issue { .. } => "issue",
            LoanAction::Sign => "sign",
            LoanAction::Return { .. } => "return",
            LoanAction::ReportLoss { .. } => "report_loss",
        }
    }
}

pub fn facts(row: &LoanRow, kind: PartKind) -> LoanFacts {
    LoanFacts {
        status: row.status,
        signed: row.signed_at.is_some(),
        outstanding: row.quantity
            - row.returned_quantity
            - row.lost_quantity
            - row.consumed_quantity,
        outstanding_serials: list_of(&row.outstanding_serials),
        serialised: kind == PartKind::Serialised,
    }
}

fn location_field(name: &str) -> impl FnOnce(ApiError) -> ApiError + '_ {
    move |e| match e {
        ApiError::NotFound => {
            ApiError::Invalid(vec![FieldError::new(name, "unknown", "no such location")])
        }
        other => other,
    }
}

/// Runs `action` on loan `id` at `expected_version`: decide, move the stock, save, audit.
pub fn act(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    today: NaiveDate,
    id: &str,
    expected_version: i64,
    action: LoanAction,
) -> Result<LoanOut, ApiError> {
    let before = get_row(conn, actor, id)?;
    if before.version != expected_version {
        return Err(ApiError::PreconditionFailed {
            current: before.version,
        });
    }
    if matches!(action, LoanAction::Sign) {
        access::require_own_loan(&actor.user_id, &before.engineer_id)?;
    }
    let part = get_part(conn, &before.part_id)?;
    let command = match &action {
        LoanAction::Approve => LoanCommand::Approve,
        LoanAction::Reject => LoanCommand::Reject,
        LoanAction::Issue { .. } => LoanCommand::Issue,
        LoanAction::Sign => LoanCommand::Sign,
        LoanAction::Return {
            quantity, serials, ..
        } => LoanCommand::Return {
            quantity: quantity.unwrap_or(0),
            serials: serials.iter().map(|s| s.trim().to_owned()).collect(),
        },
        LoanAction::ReportLoss {
            quantity, serials, ..
        } => LoanCommand::ReportLoss {
            quantity: quantity.unwrap_or(0),
            serials: serials.iter().map(|s| s.trim().to_owned()).collect(),
        },
    };
    let outcome = decide(&facts(&before, part.kind), &command)?;
    let now = to_db_time(ctx.now);
    let me = Some(actor.user_id.clone());
    let mut changes = LoanChanges {
        status: Some(outcome.status.as_str().to_owned()),
        outstanding_serials: Some(json_of(&outcome.outstanding_serials)?),
        closed_at: (outcome.status == LoanStatus::Closed).then_some(now),
        ..LoanChanges::default()
    };
    let everywhere = StockScope::everything();
    let mut movement = Movement {
        kind: MovementKind::Loan,
        quantity: outcome.units,
        serials: outcome.serials.clone(),
        from_location_id: None,
        to_location_id: None,
        unit_status: UnitStatus::InStock,
        new_units: false,
    };
    match &action {
        LoanAction::Approve | LoanAction::Reject => {
            changes.decided_by = me;
            changes.decided_at = Some(now);
        }
        LoanAction::Sign => changes.signed_at = Some(now),
        LoanAction::Issue { from_location_id } => {
            get_location(conn, &everywhere, from_location_id)
                .map_err(location_field("from_location_id"))?;
            let policy = load_in_force::<LoanPolicy>(conn, today)?.value;
            let days = u32::try_from(policy.return_due_days).unwrap_or(u32::MAX);
            changes.due_on = Some(add_working_days(conn, today, days)?);
            changes.issued_by = me;
            changes.issued_at = Some(now);
            movement.quantity = before.quantity;
            movement.serials = list_of(&before.serials);
            // INV-8: read before the units move, the older ones this issue passes over.
            if part.kind == PartKind::Serialised {
                let skipped =
                    rotation::passed_over_by(conn, &part.id, from_location_id, &movement.serials)?;
                changes.rotation_passed_over = Some(json_of(&skipped)?);
            }
            movement.from_location_id = Some(from_location_id.clone());
            movement.to_location_id = Some(before.location_id.clone());
            stock::apply(conn, ctx, &part, &movement, None)?;
        }
        LoanAction::Return {
            to_location_id,
            unused,
            ..
        } => {
            get_location(conn, &everywhere, to_location_id)
                .map_err(location_field("to_location_id"))?;
            changes.returned_quantity = Some(before.returned_quantity + outcome.units);
            if *unused {
                changes.unused_quantity = Some(before.unused_quantity + outcome.units);
            }
            movement.kind = MovementKind::Return;
            movement.from_location_id = Some(before.location_id.clone());
            movement.to_location_id = Some(to_location_id.clone());
            stock::apply(conn, ctx, &part, &movement, None)?;
        }
        LoanAction::ReportLoss { kind, note, .. } => {
            changes.lost_quantity = Some(before.lost_quantity + outcome.units);
            (movement.kind, movement.unit_status) = match kind {
                LossKind::Lost => (MovementKind::Loss, UnitStatus::Lost),
                LossKind::Damaged => (MovementKind::Damage, UnitStatus::Damaged),
            };
            movement.from_location_id = Some(before.location_id.clone());
            stock::apply(conn, ctx, &part, &movement, note.as_deref())?;
            charge(
                conn,
                ctx,
                &before,
                &part,
                *kind,
                &outcome.serials,
                outcome.units,
            )?;
        }
    }
    written(store::update_loan(
        conn,
        id,
        expected_version,
        &changes,
        ctx.now,
    )?)?;
    let after = render(&get_row(conn, actor, id)?, today);
    ctx.audit(
        conn,
        &format!("part_loan.{}", action.name()),
        ("part_loan", id),
        snapshot(&render(&before, today)),
        snapshot(&after),
    )?;
    // The engineer hears of the manager's decision and of the hand-over.
    let notice = match action {
        LoanAction::Approve => Some(("part_loan.approved", "备品借用已批准，请到库房领取")),
        LoanAction::Reject => Some(("part_loan.rejected", "备品借用未获批准")),
        LoanAction::Issue { .. } => Some(("part_loan.issued", "备品已发放，请签收并按期归还")),
        _ => None,
    };
    if let Some((kind, title)) = notice {
        tell(conn, ctx, &after.engineer_id, &after, kind, title)?;
    }
    Ok(after)
}

/// One notice per kind, loan and version.
fn tell(
    conn: &mut DbConnection,
    ctx: &Ctx,
    user_id: &str,
    loan: &LoanOut,
    kind: &str,
    title: &str,
) -> Result<(), ApiError> {
    let key = format!("{kind}:{}@{}", loan.id, loan.version);
    let body = match loan.due_on {
        Some(due) => format!(
            "备品 {} 共 {} 件，应于 {due} 归还",
            loan.part_id, loan.quantity
        ),
        None => format!("备品 {} 共 {} 件", loan.part_id, loan.quantity),
    };
    notify(
        conn,
        ctx.now,
        user_id,
        &Notice {
            kind,
            title,
            body: &body,
            entity: Some(("part_loan", &loan.id)),
            dedupe_key: Some(&key),
        },
    )?;
    Ok(())
}

/// INV-3: the charge for units lost or damaged, at the part's sale price, pending billing.
fn charge(
    conn: &mut DbConnection,
    ctx: &Ctx,
    loan: &LoanRow,
    part: &kefu_store::inventory::catalogue::PartRow,
    kind: LossKind,
    serials: &[String],
    units: i64,
) -> Result<(), ApiError> {
    let now = to_db_time(ctx.now);
    let row = ChargeRow {
        id: new_id(),
        loan_id: loan.id.clone(),
        engineer_id: loan.engineer_id.clone(),
        part_id: part.id.clone(),
        kind,
        serials: json_of(serials)?,
        quantity: units,
        unit_price_fen: part.sale_price_fen,
        amount_fen: charge_fen(part.sale_price_fen, units),
        status: ChargeStatus::Pending,
        created_at: now,
        updated_at: now,
        version: 1,
    };
    store::insert_charge(conn, &row)?;
    let stored = store::find_charge(conn, &row.id)?.ok_or(ApiError::NotFound)?;
    ctx.audit(
        conn,
        "part_charge.create",
        ("part_charge", &stored.id),
        None,
        snapshot(&render_charge(&stored)),
    )?;
    Ok(())
}
