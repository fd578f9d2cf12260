//! Request and response types of `/contracts/{id}/maintenance-acceptance` (CON-5).

use chrono::{DateTime, NaiveDate, Utc};
use kefu_contracts::maintenance::AcceptanceCheck;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

/// One pre-signing check: passed or not, with the inspector's note.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckResult {
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
    pub conditions: SiteConditions,
    /// The day of the inspection (not in the future).
    pub inspected_on: NaiveDate,
    /// The user who inspected (default the caller).
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub inspector_id: Option<String>,
    #[validate(nested)]
    pub checks: AcceptanceChecks,
}

/// CON-5: the recorded acceptance and what it still lacks for signing.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AcceptanceOut {
    pub contract_id: String,
    pub conditions: SiteConditions,
    pub inspected_on: NaiveDate,
    pub inspector_id: String,
    pub checks: AcceptanceChecks,
    /// The unmet conditions and failed checks by code (`conditions.fire_inspected`,
    /// `checks.gas_extinguishing`, ...), as `signContract` would list them; empty when the
    /// agreement may be signed.
    #[schema(max_items = 8)]
    pub failed: Vec<String>,
    pub ready_to_sign: bool,
    pub recorded_by: String,
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
    pub id: String,
    pub contract_id: String,
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
    pub status: kefu_contracts::programme::StepStatus,
    /// Not done after its due day, judged at the server's current date.
    pub overdue: bool,
    pub completed_on: Option<NaiveDate>,
    pub completed_by: Option<String>,
    /// Who signed for the customer (the comparison table, test records).
    pub customer_signatory: Option<String>,
    pub manager_approved_by: Option<String>,
    pub manager_approved_on: Option<NaiveDate>,
    pub executive_approved_by: Option<String>,
    pub executive_approved_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
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
