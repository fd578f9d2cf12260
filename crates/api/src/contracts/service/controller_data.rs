//! Controller-data change instructions (CON-10): the customer's signed instruction recorded
//! first, the change then recorded against it (decided by `kefu_contracts::controller_data`).
//! Visibility is the customer's (ORG-5, `kernel::access::visible`): an instruction of a customer
//! the caller does not see is 404.

use crate::contracts::dto::controller_data::{
    ConfirmChange, InstructionOut, RecordChange, RecordInstruction,
};
use crate::kernel::command::{Ctx, snapshot};
use crate::kernel::error::ApiError;
use kefu_contracts::controller_data::{
    Confirmable, Instruction, InstructionStatus, check_instruction, decide_change,
    decide_confirmation,
};
use kefu_core::{Actor, DomainError, FieldError};
use kefu_store::controller_instructions::{self as store, InstructionRow, admits};
use kefu_store::{DbConnection, from_db_time, new_id, to_db_time};

pub fn render(r: &InstructionRow) -> InstructionOut {
    InstructionOut {
        id: r.id.clone(),
        customer_id: r.customer_id.clone(),
        site_id: r.site_id.clone(),
        equipment_id: r.equipment_id.clone(),
        action: r.action,
        description: r.description.clone(),
        signer_name: r.signer_name.clone(),
        signed_at: from_db_time(r.signed_at),
        attachment_id: r.attachment_id.clone(),
        recorded_by: r.recorded_by.clone(),
        status: r.status,
        changed_by: r.changed_by.clone(),
        changed_at: r.changed_at.map(from_db_time),
        change_equipment_id: r.change_equipment_id.clone(),
        change_note: r.change_note.clone(),
        record_signer_name: r.record_signer_name.clone(),
        manager_confirmed_by: r.manager_confirmed_by.clone(),
        manager_confirmed_at: r.manager_confirmed_at.map(from_db_time),
        deleted: r.deleted_at.is_some(),
        created_at: from_db_time(r.created_at),
        updated_at: from_db_time(r.updated_at),
        version: r.version,
    }
}

/// The customers the caller sees: `None` for all.
pub fn visible_customers(
    conn: &mut DbConnection,
    actor: &Actor,
) -> Result<Option<Vec<String>>, ApiError> {
    let visible = crate::kernel::access::visible(conn, actor)?;
    if visible.all {
        return Ok(None);
    }
    Ok(Some(kefu_store::contracts::visible_customer_ids(
        conn, &visible,
    )?))
}

fn invalid(field: &str, code: &'static str, message: &str) -> ApiError {
    ApiError::Invalid(vec![FieldError::new(field, code, message)])
}

fn trimmed(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// A live site of a visible customer: its customer id.
fn site_customer(
    conn: &mut DbConnection,
    visible: Option<&[String]>,
    site_id: &str,
) -> Result<Option<String>, ApiError> {
    Ok(kefu_store::sites::find_live(conn, site_id, visible)?.map(|s| s.customer_id))
}

/// A live controller (equipment) at `site_id`.
fn at_site(conn: &mut DbConnection, equipment_id: &str, site_id: &str) -> Result<bool, ApiError> {
    Ok(kefu_store::equipment::find(conn, equipment_id)?
        .is_some_and(|e| e.deleted_at.is_none() && e.site_id == site_id))
}

/// CON-10: records the customer's signed instruction, before any change.
pub fn record(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    input: RecordInstruction,
) -> Result<InstructionOut, ApiError> {
    check_instruction(input.signed_at, ctx.now)?;
    let visible = visible_customers(conn, actor)?;
    let site_id = input.site_id.trim().to_owned();
    let Some(customer_id) = site_customer(conn, visible.as_deref(), &site_id)? else {
        return Err(invalid("site_id", "not_found", "no such site"));
    };
    let equipment_id = trimmed(input.equipment_id);
    if let Some(e) = &equipment_id
        && !at_site(conn, e, &site_id)?
    {
        return Err(invalid(
            "equipment_id",
            "not_found",
            "no such controller at the site",
        ));
    }
    let attachment_id = trimmed(input.attachment_id);
    if let Some(a) = &attachment_id
        && kefu_store::attachments::find(conn, a)?.is_none()
    {
        return Err(invalid("attachment_id", "not_found", "no such attachment"));
    }
    let now = to_db_time(ctx.now);
    let row = InstructionRow {
        id: new_id(),
        customer_id,
        site_id,
        equipment_id,
        action: input.action,
        description: input.description.trim().to_owned(),
        signer_name: input.signer_name.trim().to_owned(),
        signed_at: to_db_time(input.signed_at),
        attachment_id,
        recorded_by: actor.user_id.clone(),
        status: InstructionStatus::Signed,
        changed_by: None,
        changed_at: None,
        change_equipment_id: None,
        change_note: None,
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
        record_signer_name: None,
        manager_confirmed_by: None,
        manager_confirmed_at: None,
    };
    store::insert(conn, &row)?;
    let out = render(&row);
    ctx.audit(
        conn,
        "controller_instruction.create",
        ("controller_instruction", &out.id),
        None,
        snapshot(&out),
    )?;
    Ok(out)
}

/// A live instruction the caller sees, else 404.
pub fn get(conn: &mut DbConnection, actor: &Actor, id: &str) -> Result<InstructionRow, ApiError> {
    let row = store::find(conn, id)?
        .filter(|r| r.deleted_at.is_none())
        .ok_or(ApiError::NotFound)?;
    let visible = visible_customers(conn, actor)?;
    if admits(visible.as_deref(), &row) {
        Ok(row)
    } else {
        Err(ApiError::NotFound)
    }
}

/// CON-10: records a change of a controller's data against its signed instruction; without
/// one (none named, or none the caller sees) 422 `CON-10`.
pub fn record_change(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    input: RecordChange,
) -> Result<InstructionOut, ApiError> {
    let visible = visible_customers(conn, actor)?;
    let equipment_id = input.equipment_id.trim().to_owned();
    let site_id = match kefu_store::equipment::find(conn, &equipment_id)? {
        Some(e) if e.deleted_at.is_none() => {
            site_customer(conn, visible.as_deref(), &e.site_id)?.map(|_| e.site_id)
        }
        _ => None,
    };
    let Some(site_id) = site_id else {
        return Err(invalid("equipment_id", "not_found", "no such controller"));
    };
    let row = match trimmed(input.instruction_id) {
        Some(id) => store::find(conn, &id)?
            .filter(|r| r.deleted_at.is_none() && admits(visible.as_deref(), r)),
        None => None,
    };
    let instruction = row.as_ref().map(|r| Instruction {
        site_id: r.site_id.clone(),
        equipment_id: r.equipment_id.clone(),
        signed_at: from_db_time(r.signed_at),
        status: r.status,
    });
    let changed_at = input.changed_at.unwrap_or(ctx.now);
    decide_change(
        instruction.as_ref(),
        &site_id,
        Some(&equipment_id),
        changed_at,
        ctx.now,
    )?;
    let Some(before) = row else {
        return Err(ApiError::internal(
            "a change decided without its instruction",
        ));
    };
    let note = trimmed(input.note);
    let claimed = store::claim_change(
        conn,
        &before.id,
        &actor.user_id,
        changed_at,
        Some(&equipment_id),
        note.as_deref(),
        ctx.now,
    )?;
    if !claimed {
        return Err(DomainError::State {
            rule: "CON-10",
            message: "a change was recorded against this instruction already".to_owned(),
        }
        .into());
    }
    let after = store::find(conn, &before.id)?.ok_or(ApiError::NotFound)?;
    let out = render(&after);
    ctx.audit(
        conn,
        "controller_instruction.record_change",
        ("controller_instruction", &out.id),
        snapshot(&render(&before)),
        snapshot(&out),
    )?;
    Ok(out)
}

/// CON-10, the follow-up: the manager confirms a recorded change of an instruction the caller
/// sees (404 otherwise), once, with the name of the customer's responsible person who signed
/// the change record.
pub fn confirm(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    id: &str,
    expected_version: i64,
    input: ConfirmChange,
) -> Result<InstructionOut, ApiError> {
    let before = get(conn, actor, id)?;
    if before.version != expected_version {
        return Err(ApiError::PreconditionFailed {
            current: before.version,
        });
    }
    let signer = trimmed(input.record_signer_name);
    decide_confirmation(
        &Confirmable {
            status: before.status,
            confirmed: before.manager_confirmed_at.is_some(),
        },
        signer.as_deref(),
    )?;
    let signer = signer.unwrap_or_default();
    if !store::claim_confirmation(conn, id, expected_version, &actor.user_id, &signer, ctx.now)? {
        // Another confirmation (or change) landed since the read.
        let current = store::find(conn, id)?.map_or(expected_version, |r| r.version);
        return Err(ApiError::PreconditionFailed { current });
    }
    let after = store::find(conn, id)?.ok_or(ApiError::NotFound)?;
    let out = render(&after);
    ctx.audit(
        conn,
        "controller_instruction.confirm",
        ("controller_instruction", id),
        snapshot(&render(&before)),
        snapshot(&out),
    )?;
    Ok(out)
}
