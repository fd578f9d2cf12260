//! BIL-17: the phone allowance by position: each employee's `phone_allowance_class` priced by
//! the `expense-policy` version in force on the month's first day. Payroll (BIL-13) reads one
//! person's with [`phone_allowance`].

use crate::billing::dto::phone::PhoneAllowanceOut;
use crate::kernel::error::ApiError;
use crate::kernel::rules::load_in_force;
use kefu_billing::expenses::ExpensePolicy;
use kefu_core::rules::RuleVersion;
use kefu_core::{Money, YearMonth};
use kefu_store::DbConnection;
use kefu_store::employees::EmployeeRow;

/// The policy in force on `month`'s first day.
pub fn policy_for(
    conn: &mut DbConnection,
    month: YearMonth,
) -> Result<RuleVersion<ExpensePolicy>, ApiError> {
    let first = month
        .first_day()
        .ok_or_else(|| ApiError::internal("a month without a first day"))?;
    load_in_force::<ExpensePolicy>(conn, first)
}

/// BIL-17: `employee`'s allowance for `month` under `policy`: none for someone who left
/// before the month began.
pub fn allowance_of(
    policy: &RuleVersion<ExpensePolicy>,
    month: YearMonth,
    employee: &EmployeeRow,
) -> PhoneAllowanceOut {
    let left_before = employee.employment_status == "left"
        && month
            .first_day()
            .is_some_and(|first| employee.status_since < first);
    let class = employee.phone_allowance_class.as_deref();
    let known = class.is_some_and(|c| policy.value.phone_allowances.iter().any(|a| a.class == c));
    let (amount, reason) = if left_before {
        (Money(0), Some("已于本月前离职".to_owned()))
    } else if known {
        (policy.value.phone_allowance(class), None)
    } else {
        (
            policy.value.phone_allowance(class),
            Some("无岗位类别或类别不在标准中：按默认标准".to_owned()),
        )
    };
    PhoneAllowanceOut {
        month: month.to_string(),
        employee_id: employee.id.clone(),
        user_id: employee.user_id.clone(),
        name: employee.name.clone(),
        phone_allowance_class: employee.phone_allowance_class.clone(),
        employment_status: employee.employment_status.clone(),
        amount_fen: amount.fen(),
        rule: "BIL-17".to_owned(),
        rule_effective_from: policy.effective_from,
        reason,
    }
}

/// BIL-17: the allowance of the employee whose login is `user_id` for `month`, for payroll
/// (`None`: no employee record).
pub fn phone_allowance(
    conn: &mut DbConnection,
    user_id: &str,
    month: YearMonth,
) -> Result<Option<PhoneAllowanceOut>, ApiError> {
    let Some(employee) =
        kefu_store::employees::find_by_user(conn, user_id)?.filter(|e| e.deleted_at.is_none())
    else {
        return Ok(None);
    };
    let policy = policy_for(conn, month)?;
    Ok(Some(allowance_of(&policy, month, &employee)))
}
