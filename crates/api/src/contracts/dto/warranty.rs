//! Request and response types of `/repair-warranty` (CON-9).

use chrono::NaiveDate;
use kefu_contracts::warranty::WarrantyReason;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct WarrantyQuery {
    /// The device to repair; 404 when it is not visible to the caller.
    #[param(min_length = 1, max_length = 64)]
    pub equipment_id: String,
    /// The fault of the new repair, as recorded with repairs (`resolveTicket`'s `fault_code`).
    #[param(min_length = 1, max_length = 64)]
    pub fault_code: String,
    /// The day of the new repair (default today, company time zone).
    pub on: Option<NaiveDate>,
}

/// CON-9: whether a new repair is a free warranty redo, who owes it, and why.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WarrantyOut {
    /// The device asked about.
    pub equipment_id: String,
    /// The fault asked about.
    pub fault_code: String,
    /// The day asked about.
    pub on: NaiveDate,
    /// The new repair is redone free (no fee, no commission).
    pub free_redo: bool,
    /// Why it is, or is not, a free redo.
    pub reason: WarrantyReason,
    /// The engineer who did the last repair and owes the free redo; `null` unless `free_redo`.
    pub owed_by: Option<String>,
    /// The last repair of this fault on this device before `on`: its ticket.
    pub last_repair_ticket_id: Option<String>,
    /// The company date that repair was finished (its ticket resolved).
    pub last_repaired_on: Option<NaiveDate>,
    /// The engineer of that repair (the ticket's assignee).
    pub last_repair_engineer_id: Option<String>,
    /// Whether that repair recorded a product quality defect.
    pub last_repair_product_defect: Option<bool>,
    /// The last day that repair's warranty covers: the `contract-deadlines` rule's
    /// `repair_warranty_months` (3) after it.
    pub warranty_until: Option<NaiveDate>,
}
