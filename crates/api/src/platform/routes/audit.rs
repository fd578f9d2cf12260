use crate::kernel::access::Action;
use crate::kernel::auth::Caller;
use crate::kernel::error::ApiError;
use crate::kernel::extract::StrictQuery;
use crate::kernel::page::{Page, decode_cursor, fetch_size, paginate};
use crate::kernel::state::AppState;
use crate::platform::dto::audit::{AuditEntryOut, AuditQuery, AuditVerification, VerifyQuery};
use crate::platform::jobs::audit_checkpoint::parse_checkpoint;
use actix_web::{HttpResponse, get, web};
use kefu_core::FieldError;
use kefu_store::audit::{self, AuditFilter};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_audit).service(verify_audit);
}

/// Read the audit log, newest first.
///
/// The append-only, hash-chained audit log (actor, time, action, entity, before/after, request id),
/// newest first, filtered by `entity_type`, `entity_id`, `actor_id`, `action` and
/// `created_from`/`created_to`; paged with the log's own cursor. Admins only (403 for others).
/// Read-only: reading writes no entry.
#[utoipa::path(
    tag = "audit",
    operation_id = "listAuditEntries",
    params(AuditQuery),
    responses((status = 200, description = "One page of entries, newest first", body = Page<AuditEntryOut>))
)]
#[get("/audit")]
async fn list_audit(
    state: web::Data<AppState>,
    caller: Caller,
    StrictQuery(query): StrictQuery<AuditQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::AuditRead)?;
    let (limit, fetch) = fetch_size(query.limit)?;
    let before_seq = decode_cursor(query.cursor.as_deref())?
        .map(|c| c.parse::<i64>())
        .transpose()
        .map_err(|_| ApiError::BadRequest {
            detail: "cursor is not one this API issued".to_owned(),
            errors: vec![FieldError::new(
                "query.cursor",
                "format",
                "not an audit cursor",
            )],
        })?;
    let filter = AuditFilter {
        entity_type: query.entity_type,
        entity_id: query.entity_id,
        actor_id: query.actor_id,
        action: query.action,
        from: query.created_from,
        to: query.created_to,
    };
    let rows = state
        .db(move |conn| Ok(audit::list(conn, &filter, before_seq, fetch)?))
        .await?;
    let page = paginate(rows, limit, |r| r.seq.to_string(), AuditEntryOut::from);
    Ok(HttpResponse::Ok().json(page))
}

/// Recompute the audit chain and report the first entry that does not verify.
///
/// Recomputes every entry's hash from its content and the previous entry's hash, and names the
/// first entry that does not verify (tampering). With `checkpoint=SEQ:HASH` (from an
/// `audit.checkpoint` webhook event or log line, published daily outside the database), the
/// chain must also still hold that entry with that hash: this catches a tail cut off together
/// with a rewritten head. Admins only (403 for others). Read-only.
#[utoipa::path(
    tag = "audit",
    operation_id = "verifyAuditChain",
    params(VerifyQuery),
    responses((status = 200, description = "Verification result (also when broken)", body = AuditVerification))
)]
#[get("/audit/verify")]
async fn verify_audit(
    state: web::Data<AppState>,
    caller: Caller,
    StrictQuery(query): StrictQuery<VerifyQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Action::AuditRead)?;
    let checkpoint = query
        .checkpoint
        .as_deref()
        .map(parse_checkpoint)
        .transpose()
        .map_err(|message| ApiError::BadRequest {
            detail: message.clone(),
            errors: vec![FieldError::new("query.checkpoint", "format", message)],
        })?;
    let report = state
        .db(move |conn| Ok(audit::verify(conn, checkpoint.as_ref())?))
        .await?;
    Ok(HttpResponse::Ok().json(AuditVerification::from(report)))
}
