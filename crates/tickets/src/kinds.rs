//! TKT-1: what a ticket is about and how urgent it is.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// TKT-1 ticket types.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum TicketType {
    /// 售前咨询
    Consultation,
    /// 故障/报修
    Fault,
    /// 投诉
    Complaint,
    /// 程序修改申请
    ChangeRequest,
    /// 清除数据申请
    DataClearRequest,
    /// 管理员密码恢复申请
    AdminPasswordRequest,
    /// 软件BUG
    Bug,
    Training,
    Installation,
}

impl TicketType {
    pub const ALL: [TicketType; 9] = [
        TicketType::Consultation,
        TicketType::Fault,
        TicketType::Complaint,
        TicketType::ChangeRequest,
        TicketType::DataClearRequest,
        TicketType::AdminPasswordRequest,
        TicketType::Bug,
        TicketType::Training,
        TicketType::Installation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TicketType::Consultation => "consultation",
            TicketType::Fault => "fault",
            TicketType::Complaint => "complaint",
            TicketType::ChangeRequest => "change_request",
            TicketType::DataClearRequest => "data_clear_request",
            TicketType::AdminPasswordRequest => "admin_password_request",
            TicketType::Bug => "bug",
            TicketType::Training => "training",
            TicketType::Installation => "installation",
        }
    }
}

/// TKT-1 priorities, from the least to the most urgent.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Low,
    Normal,
    High,
    Urgent,
}

impl Priority {
    pub const ALL: [Priority; 4] = [
        Priority::Low,
        Priority::Normal,
        Priority::High,
        Priority::Urgent,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Normal => "normal",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }
}
