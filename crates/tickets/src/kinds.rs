//! TKT-1: what a ticket is about and how urgent it is.

use utoipa::ToSchema;

kefu_core::string_enum! {
    /// TKT-1 ticket types.
    #[derive(PartialOrd, Ord, ToSchema)]
    pub enum TicketType {
        /// 售前咨询
        Consultation = "consultation",
        /// 故障/报修
        Fault = "fault",
        /// 投诉
        Complaint = "complaint",
        /// 程序修改申请
        ChangeRequest = "change_request",
        /// 清除数据申请
        DataClearRequest = "data_clear_request",
        /// 管理员密码恢复申请
        AdminPasswordRequest = "admin_password_request",
        /// 软件BUG
        Bug = "bug",
        Training = "training",
        Installation = "installation",
    }
}

kefu_core::string_enum! {
    /// TKT-1 priorities, from the least to the most urgent.
    #[derive(PartialOrd, Ord, ToSchema)]
    pub enum Priority {
        Low = "low",
        Normal = "normal",
        High = "high",
        Urgent = "urgent",
    }
}
