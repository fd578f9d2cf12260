//! BIL-17: the month's phone allowance per employee on the wire.

use crate::billing::dto::travel::col;
use crate::kernel::export::Exportable;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// BIL-17: one employee's phone allowance for a month.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PhoneAllowanceOut {
    /// The month, `YYYY-MM`.
    #[schema(example = "2026-03")]
    pub month: String,
    /// The employee record.
    pub employee_id: String,
    /// The employee's login, when they have one.
    pub user_id: Option<String>,
    /// The employee's name.
    pub name: String,
    /// The position class the allowance goes by (`phone_allowance_class`).
    pub phone_allowance_class: Option<String>,
    /// The employee's employment status (ORG-2).
    pub employment_status: String,
    /// The month's allowance, in fen.
    pub amount_fen: i64,
    /// Always `BIL-17`.
    #[schema(example = "BIL-17")]
    pub rule: String,
    /// The day the `expense-policy` version used took effect.
    pub rule_effective_from: NaiveDate,
    /// Why it is 0 or the default, when it is.
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PhoneAllowanceQuery {
    /// The month, `YYYY-MM`.
    #[param(pattern = r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])$", example = "2026-03")]
    pub month: String,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

crate::paged!(PhoneAllowanceQuery);

pub const PHONE_EXPORT: Exportable = Exportable {
    operation_id: "listPhoneAllowances",
    file: "phone-allowances",
    columns: &[
        col("month", "月份"),
        col("employee_id", "员工编号"),
        col("user_id", "用户"),
        col("name", "姓名"),
        col("phone_allowance_class", "岗位类别"),
        col("employment_status", "在职状态"),
        col("amount_fen", "话费补贴(分)"),
        col("rule", "规则"),
        col("rule_effective_from", "标准生效日"),
        col("reason", "说明"),
    ],
};
