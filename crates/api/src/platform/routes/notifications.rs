use crate::kernel::auth::Caller;
use crate::kernel::command::Ctx;
use crate::kernel::error::ApiError;
use crate::kernel::extract::StrictQuery;
use crate::kernel::page::{Page, paginate, row_key, window};
use crate::kernel::state::AppState;
use crate::platform::dto::notifications::{MarkedRead, NotificationOut, NotificationsQuery};
use crate::platform::service::notifications as svc;
use actix_web::{HttpResponse, get, post, web};
use kefu_store::notifications as store;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_my_notifications)
        .service(mark_all_read)
        .service(mark_read);
}

/// List my notifications
///
/// Without `updated_since`: newest first; `unread=true` keeps the unread ones. With it: every
/// notification created or read after that instant, in `(updated_at, id)` order; page on with
/// `next_cursor`.
///
/// Any signed-in user, their own inbox only. The notices are sent by domain events and jobs
/// (`ticket.assigned`, `visit.approval_needed`, `visit.approved`/`visit.rejected`,
/// `visit.escalated`, `ticket.due_soon`/`ticket.breached`, `callback.assigned`,
/// `callback.follow_up`, `callback.overdue`, `callback_follow_up.overdue`, `work_order.assigned`,
/// `work_order.solved`, `complaint.judged_valid`, `change_request.ready_for_test`,
/// `change_request.delay_notice_due`, `equipment.warranty_ending`). Read-only.
#[utoipa::path(
    tag = "notifications",
    operation_id = "listMyNotifications",
    params(NotificationsQuery),
    responses((status = 200, description = "One page of the caller's notifications", body = Page<NotificationOut>))
)]
#[get("/me/notifications")]
async fn list_my_notifications(
    state: web::Data<AppState>,
    caller: Caller,
    StrictQuery(query): StrictQuery<NotificationsQuery>,
) -> Result<HttpResponse, ApiError> {
    let (limit, fetch, mode) = window(
        query.limit,
        query.updated_since.as_deref(),
        query.cursor.as_deref(),
    )?;
    let user_id = caller.user_id().to_owned();
    let unread = query.unread;
    let (mode, rows) = state
        .db(move |conn| {
            let rows = store::list(conn, &user_id, unread, &mode, fetch)?;
            Ok((mode, rows))
        })
        .await?;
    let page = paginate(
        rows,
        limit,
        |n| row_key(&mode, n.updated_at, &n.id),
        |n| NotificationOut::from(&n),
    );
    Ok(HttpResponse::Ok().json(page))
}

/// Mark a notification read
///
/// Marking a read notification again changes nothing (its first `read_at` stays), so no `If-Match`
/// is needed: there is no change to lose.
///
/// Any signed-in user, on their own notifications only (another user's reads as 404). Triggers the
/// audit entry `notification.read` when it was unread.
#[utoipa::path(
    tag = "notifications",
    operation_id = "markNotificationRead",
    params(("id" = String, Path, description = "Notification id")),
    responses((status = 200, description = "The notification, read", body = NotificationOut))
)]
#[post("/me/notifications/{id}/read")]
async fn mark_read(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let ctx = Ctx::of(&caller, state.clock.now());
    let user_id = caller.user_id().to_owned();
    let id = id.into_inner();
    let out = state
        .tx(move |conn| svc::mark_read(conn, &ctx, &user_id, &id))
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Mark all my notifications read
///
/// Any signed-in user, their own inbox only. Triggers the audit entry `notification.read_all` when
/// something was unread.
#[utoipa::path(
    tag = "notifications",
    operation_id = "markAllNotificationsRead",
    responses((status = 200, description = "How many were unread", body = MarkedRead))
)]
#[post("/me/notifications/read-all")]
async fn mark_all_read(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    let ctx = Ctx::of(&caller, state.clock.now());
    let user_id = caller.user_id().to_owned();
    let marked = state
        .tx(move |conn| svc::mark_all_read(conn, &ctx, &user_id))
        .await?;
    Ok(HttpResponse::Ok().json(MarkedRead { marked }))
}
