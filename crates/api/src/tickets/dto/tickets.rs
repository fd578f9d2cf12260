use crate::kernel::export::{Column, Exportable};
use chrono::{DateTime, Utc};
use kefu_tickets::board::TicketSort;
use kefu_tickets::channel::Channel;
use kefu_tickets::kinds::{Priority, TicketType};
use kefu_tickets::lifecycle::Status;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TicketOut {
    /// The ticket's id (a UUID), chosen by the client at creation or assigned by the server.
    pub id: String,
    /// Human-friendly, unique: `T<yyyymmdd>-<sequence of the day>`.
    #[schema(example = "T20260213-0007")]
    pub number: String,
    /// Where the request came in (TKT-1).
    pub channel: Channel,
    /// What the customer asks for (TKT-1); sets the SLA targets (TKT-2).
    pub ticket_type: TicketType,
    /// Urgency (TKT-1); with the type, selects the SLA targets (TKT-2).
    pub priority: Priority,
    /// Lifecycle state (TKT-3).
    pub status: Status,
    /// The customer the ticket is for.
    pub customer_id: String,
    /// The customer's site concerned; `null` when not given.
    pub site_id: Option<String>,
    /// The customer's contact who reported it; `null` when not given.
    pub contact_id: Option<String>,
    /// The equipment concerned; `null` when not given.
    pub equipment_id: Option<String>,
    /// The problem as reported.
    pub description: String,
    /// Who took the ticket (the caller who opened it).
    pub taken_by: String,
    /// The engineer assigned (TKT-4).
    pub assignee_id: Option<String>,
    /// The assignee's team at assignment: its supervisors see the ticket (ORG-5).
    pub team_id: Option<String>,
    /// The planned visit window (TKT-4).
    pub planned_start: Option<DateTime<Utc>>,
    /// End of the planned visit window (TKT-4); set with `planned_start`, both or neither.
    pub planned_end: Option<DateTime<Utc>>,
    /// When the engineer confirmed the appointment with the customer (TKT-4);
    /// `null` until confirmed, and again after a new assignment or a missed appointment.
    pub appointment_confirmed_at: Option<DateTime<Utc>>,
    /// Whom the engineer confirmed the appointment with.
    pub appointment_confirmed_with: Option<String>,
    /// Escalated to the manager (a missed appointment without the customer's consent).
    pub escalated_at: Option<DateTime<Utc>>,
    /// The missed-appointment reason that escalated the ticket (TKT-4); `null` if never escalated.
    pub escalation_reason: Option<String>,
    /// TKT-2: the first reply is due (working time of the SLA policy in force when opened,
    /// pushed by the working time spent waiting for the customer).
    pub response_due_at: DateTime<Utc>,
    /// TKT-2: the resolution is due (working time of the SLA policy in force when opened,
    /// pushed by the working time spent waiting for the customer).
    pub resolution_due_at: DateTime<Utc>,
    /// When the customer first got an answer: the appointment confirmed or work started.
    pub responded_at: Option<DateTime<Utc>>,
    /// Set while `waiting_customer`: the SLA clock stands still.
    pub waiting_since: Option<DateTime<Utc>>,
    /// When the ticket was resolved; `null` before, and cleared again by `reopen`.
    pub resolved_at: Option<DateTime<Utc>>,
    /// What was done, given with `resolve`; `null` until the first resolve.
    pub resolution_summary: Option<String>,
    /// When the ticket was closed (TKT-9); `null` before, and cleared again by `reopen`.
    pub closed_at: Option<DateTime<Utc>>,
    /// When the ticket was cancelled; `null` unless cancelled. The SLA clock stops then.
    pub cancelled_at: Option<DateTime<Utc>>,
    /// TKT-2: the response was late, or is unmet past its due instant now.
    pub response_breached: bool,
    /// TKT-2: the resolution was late, or is unmet past its due instant now.
    pub resolution_breached: bool,
    /// Either of the two.
    pub breached: bool,
    /// A tombstone: only delta sync (`updated_since`) returns deleted records.
    pub deleted: bool,
    /// When the ticket was opened.
    pub created_at: DateTime<Utc>,
    /// When the ticket last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`; send it back in `If-Match` for every command.
    pub version: i64,
    /// The commands the caller may run on this ticket now, as the commands themselves decide: the
    /// caller's role and relation to it (the assignee works their own ticket, leads any), its state
    /// (TKT-3; the appointment commands need an assigned ticket with a planned window, TKT-4) and,
    /// for `resolve`, no unfinished work order (TKT-11). Still refused for its body (422: a missing
    /// reason, an unknown engineer) or after a concurrent change (412).
    #[schema(max_items = 10)]
    pub allowed_actions: Vec<kefu_tickets::decide::TicketAction>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "channel": "phone",
    "ticket_type": "fault",
    "priority": "urgent",
    "customer_id": "0193a5c2-7b1e-7c3d-9a40-5f0e8d2b1c01",
    "site_id": "0193a5c2-7b1e-7c3d-9a40-5f0e8d2b1c02",
    "description": "报警主机显示通讯故障"
}))]
pub struct CreateTicket {
    /// A client-chosen UUID (offline creation): repeating the create returns the ticket.
    #[validate(custom(function = "crate::kernel::fields::client_id_ok"))]
    pub id: Option<String>,
    /// Required for staff; a customer contact may only open `web` tickets (the default for them).
    pub channel: Option<Channel>,
    /// What the customer asks for (TKT-1); with the priority, selects the SLA targets (TKT-2).
    pub ticket_type: TicketType,
    /// Defaults to `normal`.
    pub priority: Option<Priority>,
    /// A customer visible to the caller.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub customer_id: String,
    /// A site of that customer.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub site_id: Option<String>,
    /// A contact of that customer.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub contact_id: Option<String>,
    /// Equipment at a site of that customer.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub equipment_id: Option<String>,
    /// The problem as reported.
    #[validate(length(min = 1, max = 4000))]
    #[schema(min_length = 1, max_length = 4000)]
    pub description: String,
}

/// A correction of an open ticket (JSON merge patch, RFC 7396): a member left out stays as
/// it is; `null` clears an optional one (`site_id`, `contact_id`, `equipment_id`).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"priority": "urgent", "reason": "客户机房停机，升级为紧急"}))]
pub struct UpdateTicket {
    /// The corrected type (TKT-1); a new type or priority recomputes the due instants from the opening (TKT-2).
    #[schema(nullable = false)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub ticket_type: Option<TicketType>,
    /// The corrected priority (TKT-1); a new type or priority recomputes the due instants (TKT-2).
    #[schema(nullable = false)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub priority: Option<Priority>,
    /// A site of the ticket's customer; `null` clears it.
    #[serde(default, deserialize_with = "crate::kernel::fields::double_option")]
    #[validate(length(min = 1, max = 64))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 64)]
    pub site_id: Option<Option<String>>,
    /// A contact of the ticket's customer; `null` clears it.
    #[serde(default, deserialize_with = "crate::kernel::fields::double_option")]
    #[validate(length(min = 1, max = 64))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 64)]
    pub contact_id: Option<Option<String>>,
    /// Equipment at a site of the ticket's customer; `null` clears it.
    #[serde(default, deserialize_with = "crate::kernel::fields::double_option")]
    #[validate(length(min = 1, max = 64))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 64)]
    pub equipment_id: Option<Option<String>>,
    /// The corrected problem description.
    #[validate(length(min = 1, max = 4000))]
    #[schema(nullable = false, min_length = 1, max_length = 4000)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub description: Option<String>,
    /// Why the ticket is corrected, kept in its transition log.
    #[validate(length(min = 1, max = 500))]
    #[schema(nullable = false, min_length = 1, max_length = 500)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "assignee_id": "0193a5c2-7b1e-7c3d-9a40-5f0e8d2b1c03",
    "planned_start": "2026-03-02T09:00:00+08:00",
    "planned_end": "2026-03-02T11:00:00+08:00"
}))]
pub struct AssignTicket {
    /// An enabled user with the engineer role.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub assignee_id: String,
    /// The planned visit window; `planned_end` after `planned_start`.
    pub planned_start: Option<DateTime<Utc>>,
    /// End of the planned visit window; both ends or neither.
    pub planned_end: Option<DateTime<Utc>>,
    /// Why the ticket is (re)assigned, kept in its transition log.
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub reason: Option<String>,
}

/// A command with a required reason.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "等待客户提供数据库备份"}))]
pub struct ReasonBody {
    /// Why, kept in the record's log.
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
}

/// A command with an optional note for the log.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "已到达现场开始处理"}))]
pub struct NoteBody {
    /// A note kept in the record's log.
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"resolution_summary": "更换通讯板后恢复正常", "fault_code": "E-COMM-01", "product_defect": false}))]
pub struct ResolveTicket {
    /// What was done to resolve the ticket; kept as its `resolution_summary` and in its log.
    #[validate(length(min = 1, max = 4000))]
    #[schema(min_length = 1, max_length = 4000)]
    pub resolution_summary: String,
    /// CON-9: the fault the repair fixed, for a ticket on a device; the warranty question
    /// (`checkRepairWarranty`) compares it with a later repair's.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub fault_code: Option<String>,
    /// CON-9: a product quality defect caused the fault (then a repeat is not the engineer's to
    /// redo free). Only with `fault_code`; default false.
    pub product_defect: Option<bool>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"confirmed_with": "王工（值班室）"}))]
pub struct ConfirmAppointment {
    /// The person at the customer the appointment was agreed with.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub confirmed_with: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "前一现场延误", "customer_consented": true}))]
pub struct MissedAppointment {
    /// Why the appointment was missed, kept in the ticket's log.
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
    /// Without the customer's consent the miss is escalated to the manager (TKT-4).
    pub customer_consented: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TransitionOut {
    /// The log entry's id.
    pub id: String,
    /// `open`, `assign`, `reassign`, `start`, `wait`, `resume`, `resolve`, `close`,
    /// `cancel`, `reopen`, `confirm_appointment`, `missed_appointment`, `escalate`.
    pub action: String,
    /// `null` for the opening.
    pub from_status: Option<Status>,
    /// The state after the action (the same as `from_status` for an appointment action).
    pub to_status: Status,
    /// The user who ran the action; `null` for the system.
    pub actor_id: Option<String>,
    /// The reason or note given with the action.
    pub reason: Option<String>,
    /// When the action ran.
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TicketQuery {
    pub status: Option<Status>,
    /// The dispatcher's board: `true` for the open tickets (`new`, `assigned`, `in_progress`,
    /// `waiting_customer`), `false` for the finished ones (`resolved`, `closed`,
    /// `cancelled`). Combines with `status` (both must hold).
    pub open: Option<bool>,
    pub assignee_id: Option<String>,
    pub customer_id: Option<String>,
    #[param(rename = "type")]
    #[serde(rename = "type")]
    pub ticket_type: Option<TicketType>,
    pub priority: Option<Priority>,
    /// TKT-2: only breached (`true`) or only not breached (`false`) tickets, judged now.
    pub breached: Option<bool>,
    /// Opened at or after this instant (RFC 3339).
    pub created_from: Option<DateTime<Utc>>,
    /// Opened before this instant (RFC 3339).
    pub created_to: Option<DateTime<Utc>>,
    /// Substring of the number or the description.
    /// At most 200 characters.
    #[param(max_length = 200)]
    #[serde(default, deserialize_with = "crate::kernel::fields::search_text")]
    pub q: Option<String>,
    /// The board's order: `-created_at` newest first, `created_at` oldest first,
    /// `resolution_due_at` most urgent resolution first (ties by id). Without it, id order.
    /// Not with `updated_since`, which pages in update order; a `cursor` continues the order
    /// it came from.
    #[param(inline)]
    pub sort: Option<TicketSort>,
    /// Delta sync: tickets changed after this instant (RFC 3339), deleted ones included as
    /// tombstones (`deleted: true`), in update order.
    #[param(example = "2026-03-01T08:00:00+08:00")]
    pub updated_since: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page (of a query with the same `updated_since`).
    pub cursor: Option<String>,
}

crate::paged!(TicketQuery);

/// The ticket list as CSV or XLSX (`crate::kernel::export`), e.g. the month's tickets for a report.
pub const EXPORT: Exportable = Exportable {
    operation_id: "listTickets",
    file: "tickets",
    columns: &[
        Column {
            field: "number",
            zh: "工单号",
        },
        Column {
            field: "channel",
            zh: "渠道",
        },
        Column {
            field: "ticket_type",
            zh: "类型",
        },
        Column {
            field: "priority",
            zh: "优先级",
        },
        Column {
            field: "status",
            zh: "状态",
        },
        Column {
            field: "customer_id",
            zh: "客户编号",
        },
        Column {
            field: "site_id",
            zh: "现场编号",
        },
        Column {
            field: "contact_id",
            zh: "联系人编号",
        },
        Column {
            field: "equipment_id",
            zh: "设备编号",
        },
        Column {
            field: "description",
            zh: "问题描述",
        },
        Column {
            field: "taken_by",
            zh: "受理人",
        },
        Column {
            field: "assignee_id",
            zh: "负责工程师",
        },
        Column {
            field: "team_id",
            zh: "班组",
        },
        Column {
            field: "planned_start",
            zh: "计划开始",
        },
        Column {
            field: "planned_end",
            zh: "计划结束",
        },
        Column {
            field: "appointment_confirmed_at",
            zh: "预约确认时间",
        },
        Column {
            field: "appointment_confirmed_with",
            zh: "预约确认对象",
        },
        Column {
            field: "escalated_at",
            zh: "升级时间",
        },
        Column {
            field: "escalation_reason",
            zh: "升级原因",
        },
        Column {
            field: "response_due_at",
            zh: "响应时限",
        },
        Column {
            field: "resolution_due_at",
            zh: "解决时限",
        },
        Column {
            field: "responded_at",
            zh: "响应时间",
        },
        Column {
            field: "waiting_since",
            zh: "等待客户起始",
        },
        Column {
            field: "resolved_at",
            zh: "解决时间",
        },
        Column {
            field: "resolution_summary",
            zh: "处理结果",
        },
        Column {
            field: "closed_at",
            zh: "关闭时间",
        },
        Column {
            field: "cancelled_at",
            zh: "取消时间",
        },
        Column {
            field: "breached",
            zh: "是否超时",
        },
        Column {
            field: "response_breached",
            zh: "响应超时",
        },
        Column {
            field: "resolution_breached",
            zh: "解决超时",
        },
        Column {
            field: "created_at",
            zh: "创建时间",
        },
        Column {
            field: "updated_at",
            zh: "更新时间",
        },
        Column {
            field: "id",
            zh: "系统编号",
        },
        Column {
            field: "version",
            zh: "版本",
        },
        Column {
            field: "deleted",
            zh: "已删除",
        },
        // What the exporting caller may do with the record (issue 17), as in the list.
        Column {
            field: "allowed_actions",
            zh: "可执行操作",
        },
    ],
};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AtRiskQuery {
    /// Horizon in minutes, 0–10080 (default 120): tickets with an unmet due instant before
    /// now plus this, breached ones included.
    #[param(minimum = 0, maximum = 10080)]
    pub within_minutes: Option<u32>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}
