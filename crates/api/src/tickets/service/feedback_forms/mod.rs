//! TKT-7 feedback forms (客户服务信息反馈单): written by the engineer of a visit, signed by
//! the customer, handed in to the clerk. Visible with the visit (ORG-5: its ticket visible, or
//! the caller's own visit); only the visit's engineer writes, signs and amends.

mod late;
mod sign;

pub use late::late_forms;
pub use sign::{SignInput, receive, sign};

use crate::calendar::service::{rule_error, working_time_calendar};
use crate::kernel::command::{Ctx, snapshot, written};
use crate::kernel::error::ApiError;
use crate::tickets::dto::feedback_forms::{
    AmendFeedbackForm, CreateFeedbackForm, FeedbackFormOut, FeedbackFormVersionOut, PartUsed,
    UpdateFeedbackForm,
};
use crate::tickets::service::tickets::{field, local, ticket_scope, utc_of};
use crate::tickets::service::visits::get_row as get_visit;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;
use kefu_core::Actor;
use kefu_store::feedback_forms::{self as store, FormChanges, FormRow, FormVersionRow};
use kefu_store::visibility::Visible;
use kefu_store::visits::VisitRow;
use kefu_store::{DbConnection, from_db_time, new_id, to_db_time};
use kefu_tickets::access::{self, Action, ActorFacts, Relation};
use kefu_tickets::deadlines::ServiceDeadlines;
use kefu_tickets::forms::{self, Form, FormCommand, FormStatus, guards};
use std::collections::HashSet;

pub fn render_version(row: &FormVersionRow) -> Result<FeedbackFormVersionOut, ApiError> {
    let parts_used: Vec<PartUsed> = serde_json::from_str(&row.parts_used)
        .map_err(|e| ApiError::internal(format!("stored parts list is corrupt: {e}")))?;
    Ok(FeedbackFormVersionOut {
        version_no: row.version_no,
        work_done: row.work_done.clone(),
        result: row.result,
        parts_used,
        customer_opinion: row.customer_opinion.clone(),
        amendment_reason: row.amendment_reason.clone(),
        signed: row.signed_at.is_some(),
        signer_contact_id: row.signer_contact_id.clone(),
        signer_name: row.signer_name.clone(),
        signer_authorised: row.signer_authorised,
        signature_attachment_id: row.signature_attachment_id.clone(),
        signature_sha256: row.signature_sha256.clone(),
        signed_at: row.signed_at.map(from_db_time),
        created_by: row.created_by.clone(),
        created_at: from_db_time(row.created_at),
        seal: None,
    })
}

fn version_of(conn: &mut DbConnection, form_id: &str, no: i64) -> Result<FormVersionRow, ApiError> {
    store::find_version(conn, form_id, no)?
        .ok_or_else(|| ApiError::internal(format!("feedback form {form_id} misses version {no}")))
}

/// TKT-7 lateness of a stored form as of `now`.
pub fn is_late(row: &FormRow, now: DateTime<Utc>) -> bool {
    row.due_at
        .is_some_and(|due| forms::is_late(due, row.received_at, to_db_time(now)))
}

/// The form with the version in effect (the last one the customer signed; the draft before
/// the first signature) and, while one is open, the amendment awaiting signature.
pub fn render(
    conn: &mut DbConnection,
    row: &FormRow,
    now: DateTime<Utc>,
) -> Result<FeedbackFormOut, ApiError> {
    let written = render_version(&version_of(conn, &row.id, row.current_version_no)?)?;
    let (current, signed, pending) = match row.signed_version_no {
        None => (written, None, None),
        Some(no) if no == row.current_version_no => (written.clone(), Some(written), None),
        Some(no) => {
            let signed = render_version(&version_of(conn, &row.id, no)?)?;
            (signed.clone(), Some(signed), Some(written))
        }
    };
    Ok(FeedbackFormOut {
        id: row.id.clone(),
        ticket_id: row.ticket_id.clone(),
        visit_id: row.visit_id.clone(),
        engineer_id: row.engineer_id.clone(),
        status: row.status,
        amendment_pending: pending.is_some(),
        current_version: current,
        signed_version: signed,
        pending_amendment: pending,
        due_date: row.due_date,
        received_at: row.received_at.map(from_db_time),
        received_by: row.received_by.clone(),
        late: is_late(row, now),
        signer_unauthorised: row.signer_authorised == Some(false),
        created_by: row.created_by.clone(),
        deleted: row.deleted_at.is_some(),
        created_at: from_db_time(row.created_at),
        updated_at: from_db_time(row.updated_at),
        version: row.version,
        allowed_actions: Vec::new(),
    })
}

/// The form as the rules read it, with whether its visit has finished.
fn form_of(form: &FormRow, visit_finished: bool) -> Form<'_> {
    Form {
        status: form.status,
        engineer_id: &form.engineer_id,
        current_version_no: form.current_version_no,
        signed_version_no: form.signed_version_no,
        visit_finished,
    }
}

/// The form as `actor` reads it: with the commands they may run on it now, decided by the
/// commands' own predicate (issue 17).
pub fn render_for(
    conn: &mut DbConnection,
    row: &FormRow,
    now: DateTime<Utc>,
    actor: &Actor,
    visit_finished: bool,
) -> Result<FeedbackFormOut, ApiError> {
    let mut out = render(conn, row, now)?;
    out.allowed_actions =
        forms::allowed_actions(&form_of(row, visit_finished), &ActorFacts::of(actor));
    Ok(out)
}

/// A page of forms as `actor` reads them; whether their visits finished in one query.
pub fn render_all(
    conn: &mut DbConnection,
    rows: &[FormRow],
    now: DateTime<Utc>,
    actor: &Actor,
) -> Result<Vec<FeedbackFormOut>, ApiError> {
    let ids: Vec<String> = rows.iter().map(|r| r.visit_id.clone()).collect();
    let finished: HashSet<String> = kefu_store::visits::find_many(conn, &ids)?
        .into_iter()
        .filter(|v| v.finished_at.is_some())
        .map(|v| v.id)
        .collect();
    rows.iter()
        .map(|r| render_for(conn, r, now, actor, finished.contains(&r.visit_id)))
        .collect()
}

/// A live form whose visit is visible in `scope`, with that visit; anything else is 404.
pub fn get_row(
    conn: &mut DbConnection,
    scope: &Visible,
    id: &str,
) -> Result<(FormRow, VisitRow), ApiError> {
    let form = store::find(conn, id)?
        .filter(|f| f.deleted_at.is_none())
        .ok_or(ApiError::NotFound)?;
    let (visit, _) = get_visit(conn, scope, &form.visit_id)?;
    Ok((form, visit))
}

pub fn get(
    conn: &mut DbConnection,
    actor: &Actor,
    id: &str,
    now: DateTime<Utc>,
) -> Result<FeedbackFormOut, ApiError> {
    let scope = ticket_scope(conn, actor)?;
    let (form, visit) = get_row(conn, &scope, id)?;
    render_for(conn, &form, now, actor, visit.finished_at.is_some())
}

/// Every version of a visible form, oldest first.
pub fn versions(
    conn: &mut DbConnection,
    actor: &Actor,
    id: &str,
) -> Result<Vec<FeedbackFormVersionOut>, ApiError> {
    let scope = ticket_scope(conn, actor)?;
    let (form, _) = get_row(conn, &scope, id)?;
    store::versions(conn, &form.id)?
        .iter()
        .map(render_version)
        .collect()
}

/// TKT-7: the day a visit's form is due and the UTC instant that day ends, once the visit
/// has finished: `service-deadlines.feedback_form_working_days` working days of the work
/// calendar after the (company-local) finish day.
pub fn due_of(
    conn: &mut DbConnection,
    tz: Tz,
    visit: &VisitRow,
) -> Result<Option<(NaiveDate, NaiveDateTime)>, ApiError> {
    let Some(finished) = visit.finished_at else {
        return Ok(None);
    };
    let day = local(tz, finished).date();
    let days = crate::kernel::rules::load_in_force::<ServiceDeadlines>(conn, day)?
        .value
        .feedback_form_working_days;
    let calendar = working_time_calendar(conn, day)?;
    let due = forms::due_date(&calendar, day, days).map_err(rule_error)?;
    Ok(Some((due, utc_of(tz, forms::due_end(due)))))
}

/// The due day to store with a write, when it is not stored yet and the visit has finished.
fn due_changes(
    conn: &mut DbConnection,
    tz: Tz,
    form: &FormRow,
    visit: &VisitRow,
    changes: &mut FormChanges,
) -> Result<(), ApiError> {
    if form.due_date.is_none()
        && let Some((day, at)) = due_of(conn, tz, visit)?
    {
        changes.due_date = Some(Some(day));
        changes.due_at = Some(Some(at));
    }
    Ok(())
}

fn parts_json(parts: &[PartUsed]) -> Result<String, ApiError> {
    serde_json::to_string(parts).map_err(ApiError::internal)
}

/// TKT-7: only the engineer of the visit writes, signs and amends the form.
fn require_engineer(actor: &Actor, form_engineer: &str, action: Action) -> Result<(), ApiError> {
    let facts = ActorFacts::of(actor).with(Relation::Assignee, actor.user_id == form_engineer);
    Ok(access::require_on_record(action, &facts)?)
}

/// Who may run `command` on the form: the check `allowed_actions` reports.
fn authorize(
    actor: &Actor,
    form: &FormRow,
    visit: &VisitRow,
    command: FormCommand,
) -> Result<(), ApiError> {
    let rules = form_of(form, visit.finished_at.is_some());
    Ok(forms::authorize(&rules, &ActorFacts::of(actor), command)?)
}

/// Whether the form's state lets `command` run (TKT-7): the check `allowed_actions` reports.
fn precondition(form: &FormRow, visit: &VisitRow, command: FormCommand) -> Result<(), ApiError> {
    let rules = form_of(form, visit.finished_at.is_some());
    Ok(forms::precondition(&rules, command)?)
}

fn check_version(form: &FormRow, expected: i64) -> Result<(), ApiError> {
    if form.version == expected {
        Ok(())
    } else {
        Err(ApiError::PreconditionFailed {
            current: form.version,
        })
    }
}

/// Writes the form's changes, reads it back and records the audit entry `action`; returns the
/// form as `actor` reads it.
#[allow(clippy::too_many_arguments)]
fn commit(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    action: &str,
    before: &FeedbackFormOut,
    form: &FormRow,
    visit: &VisitRow,
    changes: &FormChanges,
) -> Result<(FeedbackFormOut, FormRow), ApiError> {
    written(store::update(
        conn,
        &form.id,
        form.version,
        changes,
        ctx.now,
    )?)?;
    let after = store::find(conn, &form.id)?.ok_or(ApiError::NotFound)?;
    let out = render_for(conn, &after, ctx.now, actor, visit.finished_at.is_some())?;
    ctx.audit(
        conn,
        action,
        ("feedback_form", &after.id),
        snapshot(before),
        snapshot(&out),
    )?;
    Ok((out, after))
}

/// TKT-7: the engineer of an arrived or finished visit drafts its form; one form per visit.
pub fn create(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    tz: Tz,
    visit_id: &str,
    input: CreateFeedbackForm,
) -> Result<FeedbackFormOut, ApiError> {
    let scope = ticket_scope(conn, actor)?;
    let (visit, _) = get_visit(conn, &scope, visit_id)?;
    require_engineer(actor, &visit.engineer_id, Action::FormCreate)?;
    guards::check_create(
        visit.status,
        store::find_by_visit(conn, &visit.id)?.is_some(),
    )?;
    let due = due_of(conn, tz, &visit)?;
    let now = to_db_time(ctx.now);
    let form = FormRow {
        id: new_id(),
        ticket_id: visit.ticket_id.clone(),
        visit_id: visit.id.clone(),
        engineer_id: visit.engineer_id.clone(),
        status: FormStatus::Draft,
        current_version_no: 1,
        signed_version_no: None,
        signer_authorised: None,
        due_date: due.map(|d| d.0),
        due_at: due.map(|d| d.1),
        received_at: None,
        received_by: None,
        created_by: actor.user_id.clone(),
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
    };
    store::insert(conn, &form)?;
    store::insert_version(
        conn,
        &FormVersionRow {
            id: new_id(),
            form_id: form.id.clone(),
            version_no: 1,
            work_done: input.work_done,
            result: input.result,
            parts_used: parts_json(&input.parts_used)?,
            customer_opinion: input.customer_opinion,
            amendment_reason: None,
            signer_contact_id: None,
            signer_name: None,
            signer_authorised: None,
            signature_attachment_id: None,
            signature_sha256: None,
            signed_at: None,
            signed_recorded_by: None,
            created_by: actor.user_id.clone(),
            created_at: now,
            updated_at: now,
        },
    )?;
    let stored = store::find(conn, &form.id)?.ok_or(ApiError::NotFound)?;
    let out = render_for(conn, &stored, ctx.now, actor, visit.finished_at.is_some())?;
    ctx.audit(
        conn,
        "feedback_form.create",
        ("feedback_form", &stored.id),
        None,
        snapshot(&out),
    )?;
    Ok(out)
}

/// TKT-7: edits the draft version; a signed current version is 409 (amend it instead).
pub fn update(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    tz: Tz,
    id: &str,
    expected_version: i64,
    input: UpdateFeedbackForm,
) -> Result<FeedbackFormOut, ApiError> {
    let scope = ticket_scope(conn, actor)?;
    let (form, visit) = get_row(conn, &scope, id)?;
    authorize(actor, &form, &visit, FormCommand::Update)?;
    check_version(&form, expected_version)?;
    precondition(&form, &visit, FormCommand::Update)?;
    let draft = version_of(conn, &form.id, form.current_version_no)?;
    let before = render(conn, &form, ctx.now)?;
    let changes = store::VersionChanges {
        work_done: input.work_done,
        result: input.result,
        parts_used: input.parts_used.as_deref().map(parts_json).transpose()?,
        customer_opinion: input.customer_opinion,
        ..store::VersionChanges::default()
    };
    if !store::update_unsigned_version(conn, &draft.id, &changes, ctx.now)? {
        return Err(ApiError::State {
            rule: "TKT-7",
            message: "the form's current version is signed and cannot change".to_owned(),
        });
    }
    let mut form_changes = FormChanges {
        current_version_no: Some(form.current_version_no),
        ..FormChanges::default()
    };
    due_changes(conn, tz, &form, &visit, &mut form_changes)?;
    Ok(commit(
        conn,
        ctx,
        actor,
        "feedback_form.update",
        &before,
        &form,
        &visit,
        &form_changes,
    )?
    .0)
}

/// TKT-7: a change after signing: a new draft version copied from the signed one with the
/// changes. The signed version stays in effect until the amendment is signed.
pub fn amend(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    tz: Tz,
    id: &str,
    expected_version: i64,
    input: AmendFeedbackForm,
) -> Result<FeedbackFormOut, ApiError> {
    let scope = ticket_scope(conn, actor)?;
    let (form, visit) = get_row(conn, &scope, id)?;
    authorize(actor, &form, &visit, FormCommand::Amend)?;
    check_version(&form, expected_version)?;
    precondition(&form, &visit, FormCommand::Amend)?;
    let signed = version_of(conn, &form.id, form.current_version_no)?;
    let before = render(conn, &form, ctx.now)?;
    let now = to_db_time(ctx.now);
    let no = form.current_version_no + 1;
    store::insert_version(
        conn,
        &FormVersionRow {
            id: new_id(),
            form_id: form.id.clone(),
            version_no: no,
            work_done: input.work_done.unwrap_or(signed.work_done),
            result: input.result.unwrap_or(signed.result),
            parts_used: match input.parts_used {
                Some(parts) => parts_json(&parts)?,
                None => signed.parts_used,
            },
            customer_opinion: input.customer_opinion.unwrap_or(signed.customer_opinion),
            amendment_reason: Some(input.reason),
            signer_contact_id: None,
            signer_name: None,
            signer_authorised: None,
            signature_attachment_id: None,
            signature_sha256: None,
            signed_at: None,
            signed_recorded_by: None,
            created_by: actor.user_id.clone(),
            created_at: now,
            updated_at: now,
        },
    )?;
    let mut changes = FormChanges {
        current_version_no: Some(no),
        ..FormChanges::default()
    };
    due_changes(conn, tz, &form, &visit, &mut changes)?;
    Ok(commit(
        conn,
        ctx,
        actor,
        "feedback_form.amend",
        &before,
        &form,
        &visit,
        &changes,
    )?
    .0)
}

/// The bounds of a client-reported instant (signing, hand-in): not ahead of the server's
/// clock by more than the skew the field app may have, not before `earliest`.
fn client_time(
    name: &str,
    at: Option<DateTime<Utc>>,
    earliest: NaiveDateTime,
    now: DateTime<Utc>,
) -> Result<NaiveDateTime, ApiError> {
    let Some(at) = at else {
        return Ok(to_db_time(now));
    };
    if at > now + chrono::Duration::minutes(5) {
        return Err(field(name, "range", "must not lie in the future"));
    }
    if to_db_time(at) < earliest {
        return Err(field(
            name,
            "range",
            "must not be before the visit was requested or the form written",
        ));
    }
    Ok(to_db_time(at))
}
