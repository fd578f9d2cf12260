//! INV-5 repair intake (维修登记): a faulty device registered as it is taken in, signed by the
//! customer (the signature file's SHA-256 sealed into the record, as on a feedback form), then
//! locked: only its repair status moves on, through to the device going back to the customer.
//! ORG-5 is the tickets' scope: an engineer sees the intakes they took in or brought back and
//! those of their tickets, a customer contact their customer's (read only, by role).

use crate::inventory::dto::intakes::{
    CreateIntake, IntakeOut, MoveIntake, SignIntake, UpdateIntake,
};
use crate::kernel::access::roles::{CALLBACK_CALLERS, role_names};
use crate::kernel::access::scope;
use crate::kernel::command::{Ctx, snapshot, written};
use crate::kernel::error::ApiError;
use crate::kernel::extract::trimmed;
use crate::kernel::notify::{Notice, notify};
use kefu_core::{Actor, FieldError, Seal};
use kefu_inventory::intake::{
    IntakeFacts, IntakeStatus, RepairSite, check_editable, check_facts, check_signable, decide_move,
};
use kefu_store::inventory::intakes::{self as store, IntakeChanges, IntakeRow};
use kefu_store::visibility::Visible;
use kefu_store::{
    DbConnection, attachments, contacts, from_db_time, new_id, notifications as inbox, products,
    tickets, to_db_time, users,
};

fn list_of(json: &str) -> Vec<String> {
    serde_json::from_str(json).unwrap_or_default()
}

fn json_of(items: &[String]) -> Result<String, ApiError> {
    serde_json::to_string(items).map_err(ApiError::internal)
}

fn unknown(name: &str, message: &str) -> ApiError {
    ApiError::Invalid(vec![
        FieldError::new(name, "unknown", message).by_rule("INV-5"),
    ])
}

pub fn render(row: &IntakeRow) -> IntakeOut {
    let t = |v: Option<chrono::NaiveDateTime>| v.map(from_db_time);
    IntakeOut {
        id: row.id.clone(),
        ticket_id: row.ticket_id.clone(),
        customer_id: row.customer_id.clone(),
        product_id: row.product_id.clone(),
        model: row.model.clone(),
        serial: row.serial.clone(),
        visible_damage: row.visible_damage.clone(),
        accessories: list_of(&row.accessories),
        reported_fault: row.reported_fault.clone(),
        fault_reproduced: row.fault_reproduced,
        reproduction_notes: row.reproduction_notes.clone(),
        brought_by: row.brought_by.clone(),
        received_by: row.received_by.clone(),
        received_at: from_db_time(row.received_at),
        status: row.status,
        status_note: row.status_note.clone(),
        repair_site: row.repair_site.as_deref().and_then(RepairSite::parse),
        signed: row.signed_at.is_some(),
        signer_contact_id: row.signer_contact_id.clone(),
        signer_name: row.signer_name.clone(),
        signature_attachment_id: row.signature_attachment_id.clone(),
        signature_sha256: row.signature_sha256.clone(),
        signed_at: t(row.signed_at),
        signed_recorded_by: row.signed_recorded_by.clone(),
        returned_at: t(row.returned_at),
        returned_by: row.returned_by.clone(),
        deleted: row.deleted_at.is_some(),
        created_at: from_db_time(row.created_at),
        updated_at: from_db_time(row.updated_at),
        version: row.version,
    }
}

/// ORG-5 for intakes: the tickets' scope (see [`IntakeRow::seen_by`]).
pub fn intake_scope(conn: &mut DbConnection, actor: &Actor) -> Result<Visible, ApiError> {
    scope::tickets(conn, actor)
}

/// A live intake the actor sees (ORG-5: anyone else's is 404).
pub fn get_row(conn: &mut DbConnection, actor: &Actor, id: &str) -> Result<IntakeRow, ApiError> {
    let scope = intake_scope(conn, actor)?;
    let row = store::find_intake(conn, id)?
        .filter(|r| r.deleted_at.is_none())
        .ok_or(ApiError::NotFound)?;
    let ticket_visible = match (&row.ticket_id, scope.all) {
        (Some(ticket_id), false) => {
            tickets::find(conn, ticket_id)?.is_some_and(|t| scope.sees_ticket(&t))
        }
        _ => false,
    };
    if row.seen_by(&scope, ticket_visible) {
        Ok(row)
    } else {
        Err(ApiError::NotFound)
    }
}

/// The linked ticket's customer: 422 naming `ticket_id` unless the caller sees the ticket.
fn ticket_customer(
    conn: &mut DbConnection,
    actor: &Actor,
    ticket_id: &str,
) -> Result<String, ApiError> {
    // Read through the store, not the tickets' service: tickets use inventory (INV-2
    // consumption on a feedback form), so inventory does not use tickets.
    let scope = scope::tickets(conn, actor)?;
    tickets::find(conn, ticket_id)?
        .filter(|t| t.deleted_at.is_none() && scope.sees_ticket(t))
        .map(|t| t.customer_id)
        .ok_or_else(|| unknown("ticket_id", "no such ticket"))
}

fn check_product(conn: &mut DbConnection, id: Option<&str>) -> Result<(), ApiError> {
    match id {
        Some(id) if products::find(conn, id)?.is_none_or(|p| p.deleted_at.is_some()) => {
            Err(unknown("product_id", "no such product"))
        }
        _ => Ok(()),
    }
}

fn check_user(conn: &mut DbConnection, id: Option<&str>) -> Result<(), ApiError> {
    match id {
        Some(id) if users::find(conn, id)?.is_none() => Err(unknown("brought_by", "no such user")),
        _ => Ok(()),
    }
}

/// The facts of `row` as the rules check them.
fn facts_of(
    conn: &mut DbConnection,
    actor: &Actor,
    row: &IntakeRow,
) -> Result<IntakeFacts, ApiError> {
    let ticket_customer_id = match &row.ticket_id {
        Some(t) => Some(ticket_customer(conn, actor, t)?),
        None => None,
    };
    Ok(IntakeFacts {
        serial: row.serial.clone(),
        reported_fault: row.reported_fault.clone(),
        ticket_customer_id,
        customer_id: row.customer_id.clone(),
        accessories: list_of(&row.accessories),
    })
}

fn trim_all(items: Vec<String>) -> Vec<String> {
    items.into_iter().map(|a| a.trim().to_owned()).collect()
}

/// INV-5: registers a device taken in by the actor.
pub fn create(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    input: CreateIntake,
) -> Result<IntakeOut, ApiError> {
    let customer_id = input.customer_id.trim().to_owned();
    let customers = scope::visible(conn, actor)?;
    crate::customers::service::customers::get_visible(conn, &customers, &customer_id).map_err(
        |e| match e {
            ApiError::NotFound => unknown("customer_id", "no such customer"),
            other => other,
        },
    )?;
    let now = to_db_time(ctx.now);
    let row = IntakeRow {
        id: new_id(),
        ticket_id: trimmed(input.ticket_id),
        customer_id,
        product_id: trimmed(input.product_id),
        model: trimmed(input.model),
        serial: input.serial.trim().to_owned(),
        visible_damage: trimmed(input.visible_damage),
        accessories: json_of(&trim_all(input.accessories))?,
        reported_fault: input.reported_fault.trim().to_owned(),
        fault_reproduced: input.fault_reproduced,
        reproduction_notes: trimmed(input.reproduction_notes),
        brought_by: trimmed(input.brought_by),
        received_by: actor.user_id.clone(),
        received_at: now,
        status: IntakeStatus::Received,
        status_note: None,
        signer_contact_id: None,
        signer_name: None,
        signature_attachment_id: None,
        signature_sha256: None,
        signed_at: None,
        signed_recorded_by: None,
        returned_at: None,
        returned_by: None,
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
        repair_site: None,
    };
    check_facts(&facts_of(conn, actor, &row)?)?;
    check_product(conn, row.product_id.as_deref())?;
    check_user(conn, row.brought_by.as_deref())?;
    store::insert_intake(conn, &row)?;
    let out = render(&get_row(conn, actor, &row.id)?);
    ctx.audit(
        conn,
        "repair_intake.create",
        ("repair_intake", &out.id),
        None,
        snapshot(&out),
    )?;
    Ok(out)
}

fn check_version(row: &IntakeRow, expected: i64) -> Result<(), ApiError> {
    if row.version == expected {
        Ok(())
    } else {
        Err(ApiError::PreconditionFailed {
            current: row.version,
        })
    }
}

/// Saves `changes` at `expected_version` and audits `action` with the before and after.
fn commit(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    action: &str,
    before: &IntakeRow,
    changes: &IntakeChanges,
) -> Result<IntakeOut, ApiError> {
    written(store::update_intake(
        conn,
        &before.id,
        before.version,
        changes,
        ctx.now,
    )?)?;
    let after = render(&get_row(conn, actor, &before.id)?);
    ctx.audit(
        conn,
        action,
        ("repair_intake", &before.id),
        snapshot(&render(before)),
        snapshot(&after),
    )?;
    Ok(after)
}

/// INV-5: edits an intake the customer has not signed yet (409 naming INV-5 after).
pub fn update(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    id: &str,
    expected_version: i64,
    input: UpdateIntake,
) -> Result<IntakeOut, ApiError> {
    let before = get_row(conn, actor, id)?;
    check_version(&before, expected_version)?;
    check_editable(before.signed_at.is_some())?;
    let opt = |v: Option<Option<String>>| v.map(trimmed);
    let changes = IntakeChanges {
        ticket_id: opt(input.ticket_id),
        product_id: opt(input.product_id),
        model: opt(input.model),
        serial: input.serial.map(|s| s.trim().to_owned()),
        visible_damage: opt(input.visible_damage),
        accessories: input
            .accessories
            .map(|a| json_of(&trim_all(a)))
            .transpose()?,
        reported_fault: input.reported_fault.map(|s| s.trim().to_owned()),
        fault_reproduced: input.fault_reproduced,
        reproduction_notes: opt(input.reproduction_notes),
        brought_by: opt(input.brought_by),
        ..IntakeChanges::default()
    };
    // The record as it would be, checked as a whole like a new one.
    let mut merged = before.clone();
    if let Some(v) = &changes.ticket_id {
        merged.ticket_id.clone_from(v);
    }
    if let Some(v) = &changes.serial {
        merged.serial.clone_from(v);
    }
    if let Some(v) = &changes.accessories {
        merged.accessories.clone_from(v);
    }
    if let Some(v) = &changes.reported_fault {
        merged.reported_fault.clone_from(v);
    }
    check_facts(&facts_of(conn, actor, &merged)?)?;
    if let Some(v) = &changes.product_id {
        check_product(conn, v.as_deref())?;
    }
    if let Some(v) = &changes.brought_by {
        check_user(conn, v.as_deref())?;
    }
    commit(conn, ctx, actor, "repair_intake.update", &before, &changes)
}

/// The signature file: a live `signature` attachment uploaded onto this intake.
fn signature(
    conn: &mut DbConnection,
    intake_id: &str,
    id: &str,
) -> Result<(String, Seal), ApiError> {
    let row = attachments::find(conn, id)?
        .filter(|a| a.deleted_at.is_none() && a.kind == "signature")
        .filter(|a| a.owner_type == "repair_intake" && a.owner_id == intake_id)
        .ok_or_else(|| {
            unknown(
                "signature_attachment_id",
                "must be a signature uploaded onto this intake",
            )
        })?;
    let seal = Seal::parse(&row.sha256).map_err(ApiError::internal)?;
    Ok((row.id, seal))
}

/// INV-5: the customer signs the intake; its facts are locked from then on.
pub fn sign(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    id: &str,
    expected_version: i64,
    input: SignIntake,
) -> Result<IntakeOut, ApiError> {
    let before = get_row(conn, actor, id)?;
    check_version(&before, expected_version)?;
    check_signable(before.signed_at.is_some())?;
    let (attachment_id, seal) = signature(conn, &before.id, &input.signature_attachment_id)?;
    let name = trimmed(input.signer_name);
    let (contact_id, name) = match trimmed(input.signer_contact_id) {
        Some(contact_id) => {
            let contact = contacts::find_live(
                conn,
                &contact_id,
                Some(std::slice::from_ref(&before.customer_id)),
            )?
            .ok_or_else(|| {
                unknown(
                    "signer_contact_id",
                    "no such contact of the intake's customer",
                )
            })?;
            (Some(contact.id), name.unwrap_or(contact.name))
        }
        None => (
            None,
            name.ok_or_else(|| {
                ApiError::Invalid(vec![
                    FieldError::new(
                        "signer_name",
                        "required",
                        "name the signer by signer_contact_id or signer_name",
                    )
                    .by_rule("INV-5"),
                ])
            })?,
        ),
    };
    let changes = IntakeChanges {
        signer_contact_id: Some(contact_id),
        signer_name: Some(Some(name)),
        signature_attachment_id: Some(Some(attachment_id)),
        signature_sha256: Some(Some(seal.as_hex().to_owned())),
        signed_at: Some(Some(to_db_time(ctx.now))),
        signed_recorded_by: Some(Some(actor.user_id.clone())),
        ..IntakeChanges::default()
    };
    commit(conn, ctx, actor, "repair_intake.sign", &before, &changes)
}

/// INV-5: moves the repair status on; back with the customer, the callback desk is told
/// (seed 001: every repaired device is called back within a month of going back).
pub fn advance(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    id: &str,
    expected_version: i64,
    input: MoveIntake,
) -> Result<IntakeOut, ApiError> {
    let before = get_row(conn, actor, id)?;
    check_version(&before, expected_version)?;
    let from_site = before.repair_site.as_deref().and_then(RepairSite::parse);
    let (to, site, to_factory) = decide_move(
        before.status,
        from_site,
        before.signed_at.is_some(),
        input.to,
        input.repair_site,
    )?;
    if to_factory {
        // BIL-4: the factory repair waits for the customer's full payment (or a deposit).
        let (paid_in_full, deposit_held) =
            kefu_store::customer_payments::factory_facts(conn, &before.id)?;
        kefu_billing::payments::check_factory_repair(kefu_billing::payments::FactoryFacts {
            paid_in_full,
            deposit_held,
        })?;
    }
    let returned = to == IntakeStatus::Returned;
    let changes = IntakeChanges {
        status: Some(to.as_str().to_owned()),
        repair_site: Some(site.map(|s| s.as_str().to_owned())),
        status_note: Some(trimmed(input.note)),
        returned_at: returned.then(|| Some(to_db_time(ctx.now))),
        returned_by: returned.then(|| Some(actor.user_id.clone())),
        ..IntakeChanges::default()
    };
    let out = commit(conn, ctx, actor, "repair_intake.move", &before, &changes)?;
    if returned {
        let key = format!("repair_intake.returned:{}", out.id);
        let body = format!(
            "维修设备 {}（{}）已返还客户，请在一个月内回访",
            out.serial, out.id
        );
        for user in inbox::enabled_holders_of(conn, &role_names(CALLBACK_CALLERS))? {
            notify(
                conn,
                ctx.now,
                &user,
                &Notice {
                    kind: "repair_intake.returned",
                    title: "维修设备已返还，请回访",
                    body: &body,
                    entity: Some(("repair_intake", &out.id)),
                    dedupe_key: Some(&key),
                },
            )?;
        }
    }
    Ok(out)
}
