//! Service contracts (CON-1) and their payment (CON-2): load through `store`, decide with
//! `kefu_contracts::contract::decide`, save, audit (which also queues the webhook event).
//!
//! Visibility (ORG-5, `kernel::access::scope::contracts`): the see-all roles see every
//! contract; an engineer those they sign or carry out and those of their team's customers; a
//! supervisor also their members' and their teams' customers'; a customer contact their own
//! customer's. Anything else is 404.

use crate::contracts::dto::contracts::{
    CancelRenewal, ContractOut, ContractPaymentOut, CreateContract, RecordContractPayment,
    RenewContract, SignContract, TerminateContract, UpdateContract,
};
pub use crate::kernel::access::scope::contracts as contract_scope;
use crate::kernel::command::{Ctx, snapshot, written};
use crate::kernel::error::ApiError;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use kefu_contracts::contract::{
    self as rules, Contract, ContractCommand, ContractKind, ContractStatus, RenewalMode,
    check_period, decide,
};
use kefu_contracts::deadlines::ContractRules;
use kefu_core::{Actor, DomainError, FieldError, Role};
use kefu_store::contracts::{
    self as store, ContractChanges, ContractItems, ContractRow, ContractScope, PaymentRow,
};
use kefu_store::{DbConnection, from_db_time, new_id, to_db_time};

/// Today in the company time zone.
pub fn today_of(tz: Tz, now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&tz).date_naive()
}

fn field(name: &str, code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::Invalid(vec![FieldError::new(name, code, message)])
}

/// The contract as the rules see it.
pub fn typed(row: &ContractRow, has_successor: bool) -> Contract {
    Contract {
        status: row.status,
        renewal_mode: row.renewal_mode,
        period_start: row.period_start,
        period_end: row.period_end,
        amount_fen: row.amount_fen,
        paid_fen: row.paid_fen,
        payment_due_on: row.payment_due_on,
        notice_days: row.notice_days,
        renewal_cancelled: row.renewal_cancelled,
        has_successor,
    }
}

pub fn render(row: &ContractRow, items: ContractItems, today: NaiveDate) -> ContractOut {
    let c = typed(row, false);
    ContractOut {
        id: row.id.clone(),
        title: row.title.clone(),
        kind: row.kind,
        customer_id: row.customer_id.clone(),
        predecessor_id: row.predecessor_id.clone(),
        site_ids: items.site_ids,
        equipment_ids: items.equipment_ids,
        signer_id: row.signer_id.clone(),
        executor_ids: items.executor_ids,
        period_start: row.period_start,
        period_end: row.period_end,
        amount_fen: row.amount_fen,
        paid_fen: row.paid_fen,
        payment_status: rules::payment_status(&c, today),
        payment_due_on: row.payment_due_on,
        status: row.status,
        signed_on: row.signed_on,
        renewal_mode: row.renewal_mode,
        notice_days: row.notice_days,
        renewal_cancelled: row.renewal_cancelled,
        cancel_renewal_by: (row.renewal_mode == RenewalMode::Tacit).then(|| rules::cancel_by(&c)),
        termination_reason: row.termination_reason.clone(),
        created_by: row.created_by.clone(),
        created_at: from_db_time(row.created_at),
        updated_at: from_db_time(row.updated_at),
        version: row.version,
    }
}

/// The rows with their items, rendered on `today`.
pub fn render_all(
    conn: &mut DbConnection,
    rows: &[ContractRow],
    today: NaiveDate,
) -> Result<Vec<ContractOut>, ApiError> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let items = store::items_of(conn, &ids)?;
    Ok(rows
        .iter()
        .zip(items)
        .map(|(row, items)| render(row, items, today))
        .collect())
}

/// A live contract visible in `scope`, with its items; anything else is 404.
pub fn get_row(
    conn: &mut DbConnection,
    scope: &ContractScope,
    id: &str,
) -> Result<(ContractRow, ContractItems), ApiError> {
    let row = store::find(conn, id)?
        .filter(|r| r.deleted_at.is_none())
        .ok_or(ApiError::NotFound)?;
    let items = store::items_of(conn, std::slice::from_ref(&row.id))?
        .pop()
        .unwrap_or_default();
    if scope.admits(&row, &items) {
        Ok((row, items))
    } else {
        Err(ApiError::NotFound)
    }
}

fn sorted(mut ids: Vec<String>) -> Vec<String> {
    ids.iter_mut().for_each(|s| *s = s.trim().to_owned());
    ids.sort();
    ids.dedup();
    ids
}

/// ORG-5: a contract is drawn up only for a customer the caller sees.
fn check_customer(
    conn: &mut DbConnection,
    actor: &Actor,
    customer_id: &str,
) -> Result<(), ApiError> {
    let visible = crate::kernel::access::visible(conn, actor)?;
    if kefu_store::customers::find_visible(conn, customer_id, &visible)?.is_none() {
        return Err(field("customer_id", "not_found", "no such customer"));
    }
    Ok(())
}

/// CON-1: the sites are the customer's, the equipment stands at its sites, the signer is an
/// enabled engineer and the executors are users.
fn check_refs(
    conn: &mut DbConnection,
    customer_id: &str,
    items: &ContractItems,
    signer_id: &str,
) -> Result<(), ApiError> {
    let own = [customer_id.to_owned()];
    let mut errors = Vec::new();
    for site in &items.site_ids {
        if kefu_store::sites::find_live(conn, site, Some(&own))?.is_none() {
            errors.push(FieldError::new(
                "site_ids",
                "not_found",
                format!("{site} is no site of the customer"),
            ));
        }
    }
    for e in &items.equipment_ids {
        let at_site = match kefu_store::equipment::find(conn, e)? {
            Some(row) if row.deleted_at.is_none() => {
                kefu_store::sites::find_live(conn, &row.site_id, Some(&own))?.is_some()
            }
            _ => false,
        };
        if !at_site {
            errors.push(FieldError::new(
                "equipment_ids",
                "not_found",
                format!("{e} is no equipment of the customer"),
            ));
        }
    }
    let signer_ok = kefu_store::users::find(conn, signer_id)?
        .is_some_and(|u| !u.row.disabled && u.roles.contains(&Role::Engineer));
    if !signer_ok {
        errors.push(FieldError::new(
            "signer_id",
            "not_found",
            "the signer must be an enabled engineer",
        ));
    }
    for user in &items.executor_ids {
        if !kefu_store::users::exists(conn, user)? {
            errors.push(FieldError::new(
                "executor_ids",
                "not_found",
                format!("{user} is no user"),
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Invalid(errors))
    }
}

fn saved(
    conn: &mut DbConnection,
    scope_all: &ContractScope,
    id: &str,
    today: NaiveDate,
) -> Result<ContractOut, ApiError> {
    let (row, items) = get_row(conn, scope_all, id)?;
    Ok(render(&row, items, today))
}

fn everything() -> ContractScope {
    ContractScope {
        all: true,
        ..ContractScope::default()
    }
}

/// CON-1: draws up a contract (`draft`).
pub fn create(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    tz: Tz,
    input: CreateContract,
) -> Result<ContractOut, ApiError> {
    check_period(input.period_start, input.period_end)?;
    let items = ContractItems {
        site_ids: sorted(input.site_ids),
        equipment_ids: sorted(input.equipment_ids),
        executor_ids: sorted(input.executor_ids),
    };
    check_customer(conn, actor, &input.customer_id)?;
    check_refs(conn, &input.customer_id, &items, &input.signer_id)?;
    let now = to_db_time(ctx.now);
    let row = ContractRow {
        id: new_id(),
        title: input.title.trim().to_owned(),
        customer_id: input.customer_id,
        predecessor_id: None,
        renewal_mode: input.renewal_mode,
        notice_days: input.notice_days.unwrap_or(0),
        renewal_cancelled: false,
        period_start: input.period_start,
        period_end: input.period_end,
        amount_fen: input.amount_fen,
        paid_fen: 0,
        signer_id: input.signer_id,
        status: ContractStatus::Draft,
        signed_on: None,
        payment_due_on: None,
        overdue_noticed_on: None,
        termination_reason: None,
        created_by: actor.user_id.clone(),
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
        kind: input.kind.unwrap_or(ContractKind::Service),
    };
    store::insert(conn, &row, &items)?;
    let out = saved(conn, &everything(), &row.id, today_of(tz, ctx.now))?;
    ctx.audit(
        conn,
        "contract.create",
        ("contract", &out.id),
        None,
        snapshot(&out),
    )?;
    Ok(out)
}

/// CON-1: changes a draft; a signed contract is changed only by renewal or termination.
pub fn update(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    tz: Tz,
    id: &str,
    expected_version: i64,
    input: UpdateContract,
) -> Result<ContractOut, ApiError> {
    let scope = contract_scope(conn, actor)?;
    let (row, items) = get_row(conn, &scope, id)?;
    if row.version != expected_version {
        return Err(ApiError::PreconditionFailed {
            current: row.version,
        });
    }
    if row.status != ContractStatus::Draft {
        return Err(DomainError::State {
            rule: "CON-1",
            message: format!("only a draft is changed; this contract is {}", row.status),
        }
        .into());
    }
    let today = today_of(tz, ctx.now);
    let before = render(&row, items.clone(), today);
    let new_items = ContractItems {
        site_ids: input.site_ids.map_or(items.site_ids, sorted),
        equipment_ids: input.equipment_ids.map_or(items.equipment_ids, sorted),
        executor_ids: input.executor_ids.map_or(items.executor_ids, sorted),
    };
    let signer = input.signer_id.clone().unwrap_or(row.signer_id.clone());
    check_period(
        input.period_start.unwrap_or(row.period_start),
        input.period_end.unwrap_or(row.period_end),
    )?;
    // The customer is the contract's own: seeing the contract is enough (ORG-5).
    check_refs(conn, &row.customer_id, &new_items, &signer)?;
    let changes = ContractChanges {
        title: input.title.map(|t| t.trim().to_owned()),
        renewal_mode: input.renewal_mode,
        notice_days: input.notice_days,
        period_start: input.period_start,
        period_end: input.period_end,
        amount_fen: input.amount_fen,
        signer_id: input.signer_id,
        ..ContractChanges::default()
    };
    written(store::update(
        conn,
        id,
        expected_version,
        &changes,
        ctx.now,
    )?)?;
    store::replace_items(conn, id, &new_items)?;
    let out = saved(conn, &everything(), id, today)?;
    ctx.audit(
        conn,
        "contract.update",
        ("contract", id),
        snapshot(&before),
        snapshot(&out),
    )?;
    Ok(out)
}

/// A command on a contract with its arguments.
#[derive(Debug)]
pub enum ContractAction {
    Sign(SignContract),
    Terminate(TerminateContract),
    CancelRenewal(CancelRenewal),
    RecordPayment(RecordContractPayment),
}

impl ContractAction {
    /// The row of the access table the action is checked against.
    pub fn action(&self) -> kefu_contracts::access::Action {
        use kefu_contracts::access::Action as A;
        match self {
            ContractAction::Sign(_) => A::ContractSign,
            ContractAction::Terminate(_) => A::ContractTerminate,
            ContractAction::CancelRenewal(_) => A::ContractCancelRenewal,
            ContractAction::RecordPayment(_) => A::ContractRecordPayment,
        }
    }

    fn audit_name(&self) -> &'static str {
        match self {
            ContractAction::Sign(_) => "contract.sign",
            ContractAction::Terminate(_) => "contract.terminate",
            ContractAction::CancelRenewal(_) => "contract.cancel_renewal",
            ContractAction::RecordPayment(_) => "contract.record_payment",
        }
    }

    fn command(&self, today: NaiveDate) -> ContractCommand {
        match self {
            ContractAction::Sign(s) => ContractCommand::Sign {
                signed_on: s.signed_on.unwrap_or(today),
            },
            ContractAction::Terminate(_) => ContractCommand::Terminate,
            ContractAction::CancelRenewal(_) => ContractCommand::CancelRenewal,
            ContractAction::RecordPayment(p) => ContractCommand::RecordPayment {
                amount_fen: p.amount_fen,
                paid_on: p.paid_on.unwrap_or(today),
            },
        }
    }

    /// What the audit entry keeps beside the contract: the payment, the reasons.
    fn note(&self, today: NaiveDate) -> Option<(&'static str, serde_json::Value)> {
        match self {
            ContractAction::RecordPayment(p) => Some((
                "payment",
                serde_json::json!({"amount_fen": p.amount_fen, "paid_on": p.paid_on.unwrap_or(today)}),
            )),
            ContractAction::CancelRenewal(CancelRenewal { reason: Some(r) }) => {
                Some(("cancel_reason", serde_json::Value::from(r.trim())))
            }
            _ => None,
        }
    }
}

/// Runs a command: load (404 outside the caller's scope), check the version, decide, save, audit.
pub fn act(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    tz: Tz,
    id: &str,
    expected_version: i64,
    action: ContractAction,
) -> Result<ContractOut, ApiError> {
    let scope = contract_scope(conn, actor)?;
    let (row, items) = get_row(conn, &scope, id)?;
    if row.version != expected_version {
        return Err(ApiError::PreconditionFailed {
            current: row.version,
        });
    }
    let today = today_of(tz, ctx.now);
    let rule_set = crate::kernel::rules::load_in_force::<ContractRules>(conn, today)?.value;
    if let ContractAction::Sign(_) = action {
        super::maintenance::check_signing(conn, &row)?;
    }
    let contract = typed(&row, store::has_successor(conn, id)?);
    let outcome = decide(&contract, &action.command(today), &rule_set, today)?;
    let before = render(&row, items, today);
    let changes = ContractChanges {
        status: outcome.status,
        signed_on: outcome.signed_on.map(Some),
        payment_due_on: outcome.payment_due_on.map(Some),
        paid_fen: outcome.paid_fen,
        renewal_cancelled: outcome.renewal_cancelled.then_some(true),
        termination_reason: match &action {
            ContractAction::Terminate(t) => Some(Some(t.reason.trim().to_owned())),
            _ => None,
        },
        ..ContractChanges::default()
    };
    written(store::update(
        conn,
        id,
        expected_version,
        &changes,
        ctx.now,
    )?)?;
    // CON-6, CON-4: a terminated contract owes no more steps, and its serials are void.
    if let ContractAction::Terminate(_) = action {
        super::maintenance::stop_programme(conn, ctx, id)?;
        super::licences::void_of_terminated(conn, ctx, id, today)?;
    }
    if let (ContractAction::Sign(_), Some(signed_on)) = (&action, outcome.signed_on) {
        super::maintenance::start_programme(conn, ctx, &row, signed_on, &rule_set)?;
        // CON-4: a signed renewal issues the next serial of each licensed installation.
        if row.predecessor_id.is_some()
            && let Some(signed) = store::find(conn, id)?
        {
            super::licences::carry_over(conn, ctx, &signed, &actor.user_id, today)?;
        }
    }
    if let ContractAction::RecordPayment(p) = &action {
        store::insert_payment(
            conn,
            &PaymentRow {
                id: new_id(),
                contract_id: id.to_owned(),
                amount_fen: p.amount_fen,
                paid_on: p.paid_on.unwrap_or(today),
                recorded_by: actor.user_id.clone(),
                created_at: to_db_time(ctx.now),
            },
        )?;
    }
    let out = saved(conn, &everything(), id, today)?;
    let mut after = snapshot(&out);
    if let (Some(v), Some((key, note))) = (after.as_mut(), action.note(today))
        && let Some(o) = v.as_object_mut()
    {
        o.insert(key.to_owned(), note);
    }
    ctx.audit(
        conn,
        action.audit_name(),
        ("contract", id),
        snapshot(&before),
        after,
    )?;
    Ok(out)
}

/// CON-1 express renewal: a new draft for the period after this contract's, linked to it,
/// covering the same sites, equipment and executors. The unique predecessor index makes a
/// second renewal (by another request at the same time) a 409.
pub fn renew(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    tz: Tz,
    id: &str,
    expected_version: i64,
    input: RenewContract,
) -> Result<ContractOut, ApiError> {
    let scope = contract_scope(conn, actor)?;
    let (row, items) = get_row(conn, &scope, id)?;
    if row.version != expected_version {
        return Err(ApiError::PreconditionFailed {
            current: row.version,
        });
    }
    let today = today_of(tz, ctx.now);
    let rule_set = crate::kernel::rules::load_in_force::<ContractRules>(conn, today)?.value;
    let contract = typed(&row, store::has_successor(conn, id)?);
    let command = ContractCommand::Renew {
        period_end: input.period_end,
    };
    let outcome = decide(&contract, &command, &rule_set, today)?;
    let (start, end) = outcome
        .successor_period
        .ok_or_else(|| ApiError::internal("a renewal without its period"))?;
    let successor = successor_of(
        &row,
        (start, end),
        input.title,
        input.amount_fen,
        &actor.user_id,
        ctx.now,
    );
    insert_successor(conn, &successor, &items)?;
    let out = saved(conn, &everything(), &successor.id, today)?;
    ctx.audit(
        conn,
        "contract.renew",
        ("contract", &out.id),
        None,
        snapshot(&out),
    )?;
    Ok(out)
}

/// The draft that continues `row` over `period`.
pub fn successor_of(
    row: &ContractRow,
    period: (NaiveDate, NaiveDate),
    title: Option<String>,
    amount_fen: Option<i64>,
    created_by: &str,
    now: DateTime<Utc>,
) -> ContractRow {
    let now = to_db_time(now);
    ContractRow {
        id: new_id(),
        title: title.map_or(row.title.clone(), |t| t.trim().to_owned()),
        predecessor_id: Some(row.id.clone()),
        renewal_cancelled: false,
        period_start: period.0,
        period_end: period.1,
        amount_fen: amount_fen.unwrap_or(row.amount_fen),
        paid_fen: 0,
        status: ContractStatus::Draft,
        signed_on: None,
        payment_due_on: None,
        overdue_noticed_on: None,
        termination_reason: None,
        created_by: created_by.to_owned(),
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
        ..row.clone()
    }
}

/// Inserts a successor; a contract renewed already (the unique predecessor index) is 409 CON-1.
pub fn insert_successor(
    conn: &mut DbConnection,
    successor: &ContractRow,
    items: &ContractItems,
) -> Result<(), ApiError> {
    kefu_store::savepoint(conn, |conn| store::insert(conn, successor, items)).map_err(|e| {
        match ApiError::from(e) {
            ApiError::Duplicate(_) => DomainError::State {
                rule: "CON-1",
                message: "the contract is renewed already".to_owned(),
            }
            .into(),
            other => other,
        }
    })
}

/// CON-2: the payments of a contract the caller sees (404 for any other contract).
pub fn payments(
    conn: &mut DbConnection,
    actor: &Actor,
    id: &str,
) -> Result<Vec<ContractPaymentOut>, ApiError> {
    let scope = contract_scope(conn, actor)?;
    get_row(conn, &scope, id)?;
    Ok(store::payments_of(conn, id)?
        .into_iter()
        .map(|p| ContractPaymentOut {
            id: p.id,
            contract_id: p.contract_id,
            amount_fen: p.amount_fen,
            paid_on: p.paid_on,
            recorded_by: p.recorded_by,
            created_at: from_db_time(p.created_at),
        })
        .collect())
}
