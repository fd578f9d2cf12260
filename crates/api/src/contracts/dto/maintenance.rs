//! Request and response types of `/contracts/{id}/maintenance-acceptance` (CON-5), the
//! programme's steps and the overdue-steps dashboard (CON-6).

use crate::kernel::export::{Column, Exportable};
use chrono::{DateTime, NaiveDate, Utc};
use kefu_contracts::maintenance::AcceptanceCheck;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

/// One pre-signing check: passed or not, with the inspector's note.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckResult {
    /// The check passed.
    pub passed: bool,
    /// What was measured or found, e.g. the pressure read.
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    pub note: Option<String>,
}

/// The five checks of the pre-signing inspection (CON-5), each required.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptanceChecks {
    /// The alarm host and its boards work.
    #[validate(nested)]
    pub alarm_host: CheckResult,
    /// The device count on the host equals the installed count.
    #[validate(nested)]
    pub device_count: CheckResult,
    /// Sprinkler and hydrant pressure and pumps.
    #[validate(nested)]
    pub sprinkler_hydrant: CheckResult,
    /// Gas extinguishing pressure.
    #[validate(nested)]
    pub gas_extinguishing: CheckResult,
    /// Smoke-control fans and air speed.
    #[validate(nested)]
    pub smoke_control: CheckResult,
}

/// The site conditions (维保承接条件) of CON-5.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteConditions {
    /// The site passed the fire authority's inspection (消防验收).
    pub fire_inspected: bool,
    /// The site is well managed.
    pub well_managed: bool,
    /// The site has a dedicated duty person (专人值班).
    pub duty_person: bool,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "conditions": {"fire_inspected": true, "well_managed": true, "duty_person": true},
    "inspected_on": "2026-09-25",
    "inspector_id": "0193a5c0-0000-7000-8000-000000000003",
    "checks": {
        "alarm_host": {"passed": true, "note": null},
        "device_count": {"passed": true, "note": "主机 412 点 = 现场 412 点"},
        "sprinkler_hydrant": {"passed": true, "note": null},
        "gas_extinguishing": {"passed": false, "note": "3 号钢瓶压力 3.1 MPa，低于 4.2"},
        "smoke_control": {"passed": true, "note": null}
    }
}))]
pub struct RecordAcceptance {
    /// The site conditions of CON-5.
    pub conditions: SiteConditions,
    /// The day of the inspection (not in the future).
    pub inspected_on: NaiveDate,
    /// The user who inspected (default the caller).
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub inspector_id: Option<String>,
    /// The five pre-signing checks (CON-5).
    #[validate(nested)]
    pub checks: AcceptanceChecks,
}

/// CON-5: the recorded acceptance and what it still lacks for signing.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AcceptanceOut {
    /// The maintenance agreement.
    pub contract_id: String,
    /// The site conditions as recorded.
    pub conditions: SiteConditions,
    /// The day of the inspection.
    pub inspected_on: NaiveDate,
    /// The user who inspected.
    pub inspector_id: String,
    /// The five checks as recorded.
    pub checks: AcceptanceChecks,
    /// The unmet conditions and failed checks by code (`conditions.fire_inspected`,
    /// `checks.gas_extinguishing`, ...), as `signContract` would list them; empty when the
    /// agreement may be signed.
    #[schema(max_items = 8)]
    pub failed: Vec<String>,
    /// `failed` is empty: the agreement may be signed (CON-5).
    pub ready_to_sign: bool,
    /// Who recorded the acceptance.
    pub recorded_by: String,
    /// When it was last recorded.
    pub updated_at: DateTime<Utc>,
    /// The contract's version after recording: send it in `If-Match` to sign.
    pub contract_version: i64,
}

/// The check codes as the rules know them, in the order of [`AcceptanceCheck::ALL`].
pub fn passed(checks: &AcceptanceChecks) -> Vec<AcceptanceCheck> {
    [
        (AcceptanceCheck::AlarmHost, &checks.alarm_host),
        (AcceptanceCheck::DeviceCount, &checks.device_count),
        (AcceptanceCheck::SprinklerHydrant, &checks.sprinkler_hydrant),
        (AcceptanceCheck::GasExtinguishing, &checks.gas_extinguishing),
        (AcceptanceCheck::SmokeControl, &checks.smoke_control),
    ]
    .into_iter()
    .filter(|(_, r)| r.passed)
    .map(|(c, _)| c)
    .collect()
}

/// CON-6: one step of a signed maintenance agreement's programme.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StepOut {
    /// The step's id.
    pub id: String,
    /// The maintenance agreement.
    pub contract_id: String,
    /// What the step is (CON-6).
    pub kind: kefu_contracts::programme::StepKind,
    /// The step's number among the steps of its kind (1 for the one-off steps, the month or
    /// quarter of the period otherwise).
    pub seq: i64,
    /// The last day the step is due (company date).
    pub due_on: NaiveDate,
    /// Whether the customer signs the step's document (the comparison table, test records).
    pub customer_signs: bool,
    /// Approvals the step needs after it is done, in order: the test plan's manager, then
    /// executive.
    pub approvals_required: i64,
    /// `open`, `awaiting_approval` (done, approvals pending), `done` or `cancelled`.
    pub status: kefu_contracts::programme::StepStatus,
    /// Not done after its due day, judged at the server's current date.
    pub overdue: bool,
    /// The day the work was done; `null` before.
    pub completed_on: Option<NaiveDate>,
    /// Who recorded the work; `null` before.
    pub completed_by: Option<String>,
    /// Who signed for the customer (the comparison table, test records).
    pub customer_signatory: Option<String>,
    /// The manager who approved the test plan; `null` before.
    pub manager_approved_by: Option<String>,
    /// The day of that approval; `null` before.
    pub manager_approved_on: Option<NaiveDate>,
    /// The executive who approved the test plan; `null` before.
    pub executive_approved_by: Option<String>,
    /// The day of that approval; `null` before.
    pub executive_approved_on: Option<NaiveDate>,
    /// The day the `contracts.overdue_programme_steps` job told the responsible engineer and
    /// the managers that the step is overdue (once per step); `null` before.
    pub overdue_noticed_on: Option<NaiveDate>,
    /// When the step was planned (on signing).
    pub created_at: DateTime<Utc>,
    /// When the step last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`; send it back in `If-Match` to complete or approve the step.
    pub version: i64,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"completed_on": "2026-10-15", "customer_signatory": "王主任"}))]
pub struct CompleteStep {
    /// The day the work was done (default today; not in the future).
    pub completed_on: Option<NaiveDate>,
    /// Who signed for the customer; required for `device_comparison` and
    /// `monthly_test_record` (422 `CON-6`).
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub customer_signatory: Option<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({}))]
pub struct ApproveStep {}

/// CON-6: one overdue step on the dashboard, with what it belongs to and who chases it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OverdueStepOut {
    /// The step's id (its commands: `completeMaintenanceStep`, `approveMaintenanceStep`).
    pub id: String,
    /// The maintenance agreement.
    pub contract_id: String,
    /// Its title.
    pub contract_title: String,
    /// Its customer.
    pub customer_id: String,
    /// The customer's name.
    pub customer_name: String,
    /// The sites the contract covers.
    #[schema(max_items = 1000)]
    pub site_ids: Vec<String>,
    /// What the step is (CON-6).
    pub kind: kefu_contracts::programme::StepKind,
    /// The step's number among the steps of its kind (the month or quarter; 1 for one-offs).
    pub seq: i64,
    /// The last day the step was due (company date).
    pub due_on: NaiveDate,
    /// The step's status.
    pub status: kefu_contracts::programme::StepStatus,
    /// What the step waits for: the work, the work with the customer's signature, or the test
    /// plan's manager or executive approval.
    pub waiting_for: kefu_contracts::programme_overdue::WaitingFor,
    /// Working days (work calendar, holidays and make-up days) from the day after `due_on` to
    /// today, both included: at least 1.
    #[schema(minimum = 1)]
    pub working_days_overdue: i64,
    /// The responsible engineer: the contract's signer.
    pub responsible_id: String,
    /// The day the overdue job told the responsible engineer and the managers; `null` before.
    pub overdue_noticed_on: Option<NaiveDate>,
    /// When the step last changed.
    pub updated_at: DateTime<Utc>,
    /// The step's version, for `If-Match` on its commands.
    pub version: i64,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OverdueStepQuery {
    pub contract_id: Option<String>,
    pub customer_id: Option<String>,
    /// Only steps whose responsible engineer (the contract's signer) is this user.
    pub responsible_id: Option<String>,
    pub kind: Option<kefu_contracts::programme::StepKind>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

crate::paged!(OverdueStepQuery);

const fn col(field: &'static str, zh: &'static str) -> Column {
    Column { field, zh }
}

/// The overdue-steps dashboard as CSV or XLSX (`crate::kernel::export`).
pub const OVERDUE_EXPORT: Exportable = Exportable {
    operation_id: "listOverdueMaintenanceSteps",
    file: "overdue-maintenance-steps",
    columns: &[
        col("id", "步骤编号"),
        col("contract_id", "合同编号"),
        col("contract_title", "合同名称"),
        col("customer_id", "客户编号"),
        col("customer_name", "客户名称"),
        col("site_ids", "服务现场"),
        col("kind", "步骤"),
        col("seq", "序号"),
        col("due_on", "应完成日期"),
        col("status", "状态"),
        col("waiting_for", "等待"),
        col("working_days_overdue", "逾期工作日"),
        col("responsible_id", "责任人"),
        col("overdue_noticed_on", "逾期通知日期"),
        col("updated_at", "更新时间"),
        col("version", "版本"),
    ],
};
