use chrono::{DateTime, Utc};
use kefu_store::from_db_time;
use kefu_store::notifications::NotificationRow;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NotificationOut {
    /// The notification's id.
    pub id: String,
    /// Stable machine kind: `ticket.assigned`, `ticket.due_soon`, `ticket.breached`,
    /// `visit.approval_needed`, `visit.approved`, `visit.rejected`, `visit.escalated`,
    /// `equipment.warranty_ending`, `complaint.judged_valid`, `change_request.ready_for_test`,
    /// `change_request.delay_notice_due`; more may be added.
    #[schema(example = "equipment.warranty_ending")]
    pub kind: String,
    /// A short title.
    #[schema(example = "设备保修即将到期：SN-2026-000123")]
    pub title: String,
    /// The message.
    pub body: String,
    /// The kind of record the notification is about: `ticket`, `visit`, `equipment`.
    pub entity_type: Option<String>,
    /// The record it is about; `null` when none.
    pub entity_id: Option<String>,
    /// The recipient has read it.
    pub read: bool,
    /// When it was read; `null` while unread.
    pub read_at: Option<DateTime<Utc>>,
    /// When it was sent.
    pub created_at: DateTime<Utc>,
    /// Changes when the notification is read (delta sync orders by it).
    pub updated_at: DateTime<Utc>,
}

impl From<&NotificationRow> for NotificationOut {
    fn from(r: &NotificationRow) -> Self {
        NotificationOut {
            id: r.id.clone(),
            kind: r.kind.clone(),
            title: r.title.clone(),
            body: r.body.clone(),
            entity_type: r.entity_type.clone(),
            entity_id: r.entity_id.clone(),
            read: r.read_at.is_some(),
            read_at: r.read_at.map(from_db_time),
            created_at: from_db_time(r.created_at),
            updated_at: from_db_time(r.updated_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MarkedRead {
    /// How many notifications were unread and are now read.
    pub marked: u64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct NotificationsQuery {
    /// `true`: only unread notifications; `false`: only read ones.
    pub unread: Option<bool>,
    /// Delta sync: notifications created or read after this instant (RFC 3339), in update
    /// order. Without it, newest first.
    #[param(example = "2026-03-01T08:00:00+08:00")]
    pub updated_since: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page (of a query with the same `updated_since`).
    pub cursor: Option<String>,
}
