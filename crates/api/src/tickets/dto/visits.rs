use crate::tickets::dto::tickets::TicketOut;
use chrono::{DateTime, NaiveDate, Utc};
use kefu_tickets::service::{ServiceKind, ServiceMode};
use kefu_tickets::visits::VisitStatus;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

/// A GPS reading of the field app.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GpsPoint {
    /// Latitude in decimal degrees (WGS 84 as the device reports it), stored to 6 decimals.
    #[validate(range(min = -90.0, max = 90.0))]
    #[schema(minimum = -90.0, maximum = 90.0, example = 31.2304)]
    pub lat: f64,
    /// Longitude in decimal degrees (WGS 84 as the device reports it), stored to 6 decimals.
    #[validate(range(min = -180.0, max = 180.0))]
    #[schema(minimum = -180.0, maximum = 180.0, example = 121.4737)]
    pub lng: f64,
    /// Metres, 0–100000.
    #[validate(range(min = 0, max = 100_000))]
    #[schema(minimum = 0, maximum = 100_000, example = 15)]
    pub accuracy_m: Option<i64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VisitOut {
    /// The visit's id.
    pub id: String,
    /// The ticket the visit serves.
    pub ticket_id: String,
    /// The engineer who makes the visit (the ticket's assignee when requested).
    pub engineer_id: String,
    /// The day of the visit (company time zone).
    pub planned_date: NaiveDate,
    /// What the engineer goes to do, as requested.
    pub purpose: String,
    /// TKT-5: `requested` → `approved`/`rejected` by a manager, then `departed` → `arrived` → `finished`.
    pub status: VisitStatus,
    /// The manager who approved or rejected the request, when and why.
    pub decided_by: Option<String>,
    /// When the request was approved or rejected; `null` while `requested`.
    pub decided_at: Option<DateTime<Utc>>,
    /// The manager's note on the approval or rejection; `null` when none was given.
    pub decision_note: Option<String>,
    /// When the engineer reported leaving for the site (TKT-5); `null` before.
    pub departed_at: Option<DateTime<Utc>>,
    /// When the engineer reported arriving on site (TKT-5); `null` before.
    pub arrived_at: Option<DateTime<Utc>>,
    /// Where the field app was on arrival; `null` when it sent no reading.
    pub arrived_gps: Option<GpsPoint>,
    /// When the engineer reported finishing on site (TKT-5); `null` before.
    pub finished_at: Option<DateTime<Utc>>,
    /// Where the field app was on finishing; `null` when it sent no reading.
    pub finished_gps: Option<GpsPoint>,
    /// Whether the problem was solved on this visit (reported on finish).
    pub resolved: Option<bool>,
    /// The engineer's note on finishing; `null` when none was given.
    pub outcome_note: Option<String>,
    /// TKT-8: escalated to the manager from the site.
    pub escalated_at: Option<DateTime<Utc>>,
    /// Who escalated from the site (TKT-8); `null` if not escalated.
    pub escalated_by: Option<String>,
    /// Why it was escalated (TKT-8); `null` if not escalated.
    pub escalation_reason: Option<String>,
    /// TKT-8: finished unresolved and never escalated (a breach, fine HR-F10).
    pub unresolved_not_escalated: bool,
    /// A tombstone: only delta sync (`updated_since`) returns deleted records.
    pub deleted: bool,
    /// When the visit was requested.
    pub created_at: DateTime<Utc>,
    /// When the visit last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`; send it back in `If-Match` for every command.
    pub version: i64,
    /// The commands the caller may run on this visit now, as the commands themselves decide: the
    /// caller's role and whether they are its engineer (only they report from the field) and its
    /// state (TKT-5, TKT-8: one escalation; no departure once the ticket is resolved). Still
    /// refused for its body (422: a report time out of bounds) or after a concurrent change (412).
    #[schema(max_items = 6)]
    pub allowed_actions: Vec<kefu_tickets::visits::VisitCommand>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"planned_date": "2026-03-02", "purpose": "现场检修报警主机"}))]
pub struct CreateVisit {
    /// The day of the visit (company time zone).
    pub planned_date: NaiveDate,
    /// What the engineer goes to do, for the approving manager (TKT-5).
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub purpose: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"note": "同意，注意带备件"}))]
pub struct DecideVisit {
    /// A note for the engineer on the approval or rejection.
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub note: Option<String>,
}

/// A field report: when (default now; a client may send the instant it recorded offline, at
/// most 5 minutes ahead of the server and not before the visit was requested) and where.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"at": "2026-03-02T09:40:00+08:00", "gps": {"lat": 31.2304, "lng": 121.4737, "accuracy_m": 15}}))]
pub struct FieldReport {
    /// The instant of the report; default now.
    pub at: Option<DateTime<Utc>>,
    /// Where the device is; kept on arrival, not on departure.
    #[validate(nested)]
    pub gps: Option<GpsPoint>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"resolved": true, "note": "更换通讯板", "gps": {"lat": 31.2304, "lng": 121.4737}}))]
pub struct FinishVisit {
    /// The instant the work on site finished; default now.
    pub at: Option<DateTime<Utc>>,
    /// Where the device is on finishing.
    #[validate(nested)]
    pub gps: Option<GpsPoint>,
    /// Whether the problem was solved; an unresolved visit must be escalated (TKT-8).
    pub resolved: bool,
    /// What was done or is left, kept as the visit's `outcome_note`.
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct VisitQuery {
    pub ticket_id: Option<String>,
    pub engineer_id: Option<String>,
    pub status: Option<VisitStatus>,
    pub planned_date: Option<NaiveDate>,
    /// TKT-8: only visits finished unresolved and not escalated (`true`), or the others.
    pub unresolved_not_escalated: Option<bool>,
    /// Delta sync: visits changed after this instant (RFC 3339), tombstones included, in
    /// update order.
    #[param(example = "2026-03-01T08:00:00+08:00")]
    pub updated_since: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "mode": "onsite",
    "kind": "data_clearing",
    "work_done": "清除历史报警记录",
    "tool": "SQL Server Management Studio",
    "sql": "DELETE FROM alarm_log WHERE created < '2025-01-01'"
}))]
pub struct CreateServiceRecord {
    /// Whether the service was given remotely or on site.
    pub mode: ServiceMode,
    /// A visit of this ticket (on-site records).
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub visit_id: Option<String>,
    /// Which fields are required (TKT-6): `data_clearing` → `tool`, `sql`;
    /// `admin_password` → `application_ref`, `contact_told`; `report_problem` →
    /// `report_name`, `analysis`, `solution`; `bug` → `reproduction_steps`, `error_text`,
    /// `promised_date`; `general` → none. Fields of another kind are refused.
    pub kind: ServiceKind,
    /// What was done, 1–4000 characters.
    #[validate(length(min = 1, max = 4000))]
    #[schema(min_length = 1, max_length = 4000)]
    pub work_done: String,
    /// `data_clearing`: the tool the data was cleared with.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub tool: Option<String>,
    /// `data_clearing`: the SQL that was run.
    #[validate(length(min = 1, max = 20000))]
    #[schema(min_length = 1, max_length = 20000)]
    pub sql: Option<String>,
    /// `admin_password`: the reference of the customer's written application.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub application_ref: Option<String>,
    /// `admin_password`: the contact who was told the password.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub contact_told: Option<String>,
    /// `report_problem`: the name of the report.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub report_name: Option<String>,
    /// `report_problem`: the analysis of the problem.
    #[validate(length(min = 1, max = 4000))]
    #[schema(min_length = 1, max_length = 4000)]
    pub analysis: Option<String>,
    /// `report_problem`: the solution given.
    #[validate(length(min = 1, max = 4000))]
    #[schema(min_length = 1, max_length = 4000)]
    pub solution: Option<String>,
    /// `bug`: how to reproduce it.
    #[validate(length(min = 1, max = 4000))]
    #[schema(min_length = 1, max_length = 4000)]
    pub reproduction_steps: Option<String>,
    /// `bug`: the error text shown.
    #[validate(length(min = 1, max = 4000))]
    #[schema(min_length = 1, max_length = 4000)]
    pub error_text: Option<String>,
    /// `bug`: the date promised for the change request a bug raises (TKT-12).
    pub promised_date: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ServiceRecordOut {
    /// The service record's id.
    pub id: String,
    /// The ticket the service was done for.
    pub ticket_id: String,
    /// The on-site visit the record belongs to; `null` for remote service.
    pub visit_id: Option<String>,
    pub mode: ServiceMode,
    pub kind: ServiceKind,
    /// What was done, as the engineer wrote it.
    pub work_done: String,
    /// The fields of `kind` (TKT-6), e.g. `{"tool": ..., "sql": ...}`.
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
    /// For a `bug` record, the date promised to the customer for the fix (TKT-12); else `null`.
    pub promised_date: Option<NaiveDate>,
    /// TKT-12: the change request a `bug` record raised (created with it, promised for
    /// `promised_date`).
    pub change_request_id: Option<String>,
    /// The engineer (user id) who wrote the record.
    pub created_by: String,
    /// When the record was written.
    pub created_at: DateTime<Utc>,
    /// The record's version, as its `ETag` quotes it.
    pub version: i64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BoardQuery {
    pub date: NaiveDate,
    /// Only the engineers of this team.
    pub team_id: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BoardEngineer {
    /// The engineer (user id) whose day this is.
    pub engineer_id: String,
    /// The engineer's display name; `null` if the user is not found.
    pub display_name: Option<String>,
    /// Visits planned that day (rejected requests left out).
    pub visits: Vec<VisitOut>,
    /// Tickets whose planned window starts that day.
    pub planned_tickets: Vec<TicketOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DispatchBoard {
    /// The day shown (company time zone).
    pub date: NaiveDate,
    /// One entry per engineer with a visit or a planned ticket that day, by id.
    pub engineers: Vec<BoardEngineer>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AgendaQuery {
    /// The day in the company time zone (default today).
    pub date: Option<NaiveDate>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgendaCustomer {
    /// The customer's id.
    pub id: String,
    /// The customer's name.
    pub name: String,
    /// A key account (重点客户, ORG-3).
    pub key_account: bool,
    /// CUS-1: a customer sold through a dealer may only be visited or called with the
    /// dealer's consent.
    pub contact_allowed: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgendaSite {
    /// The site's id.
    pub id: String,
    /// The site's name.
    pub name: String,
    /// The site's street address.
    pub address: String,
    /// The site's city.
    pub city: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgendaContact {
    /// The contact's id.
    pub id: String,
    /// The contact's name.
    pub name: String,
    /// Withheld (`null`) when the customer may not be called (CUS-1).
    pub phone: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgendaEquipment {
    /// The equipment's id.
    pub id: String,
    /// The equipment's serial number.
    pub serial: String,
    /// The product (catalogue entry) the equipment is.
    pub product_id: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgendaItem {
    /// The visit of the day; `null` for a ticket whose planned window starts that day.
    pub visit: Option<VisitOut>,
    /// The ticket the item is about.
    pub ticket: TicketOut,
    /// The ticket's customer; `null` if it was deleted.
    pub customer: Option<AgendaCustomer>,
    /// The ticket's site; `null` when the ticket names none or it was deleted.
    pub site: Option<AgendaSite>,
    /// The ticket's contact; `null` when the ticket names none or it was deleted.
    pub contact: Option<AgendaContact>,
    /// The ticket's equipment; `null` when the ticket names none or it was deleted.
    pub equipment: Option<AgendaEquipment>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Agenda {
    /// The day shown (company time zone).
    pub date: NaiveDate,
    /// The caller's visits of the day and their tickets planned to start that day.
    pub items: Vec<AgendaItem>,
}
