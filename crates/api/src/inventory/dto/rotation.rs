use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SuggestionQuery {
    /// Only the units at this location (where they are to be issued from); without it (or
    /// empty), every location the caller sees.
    #[param(max_length = 64)]
    pub location_id: Option<String>,
    /// How many units to suggest, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
}

/// INV-8: one unit at the location and how long it has been idle.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IdleUnitOut {
    /// The unit.
    pub serial_unit_id: String,
    /// Its serial number.
    #[schema(example = "SN20260001")]
    pub serial: String,
    /// Where it is.
    pub location_id: String,
    /// Its last ledger movement (its arrival there, for a unit that has not moved since).
    pub last_moved_at: DateTime<Utc>,
    /// Whole days since `last_moved_at`.
    pub idle_days: i64,
}

/// INV-8: the units of a serialised part in stock in the order to issue them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IssueSuggestionOut {
    /// The part asked about.
    pub part_id: String,
    /// The location asked for, if any.
    pub location_id: Option<String>,
    /// Idle longest first; empty for a bulk part (counted, not tracked by unit) or when none
    /// is there.
    pub items: Vec<IdleUnitOut>,
}
