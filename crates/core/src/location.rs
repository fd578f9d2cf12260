use serde::{Deserialize, Serialize};

/// ORG-3: where a site lies relative to the company's resident engineers. `local`: a city with
/// a resident engineer; `county`: a county of such a city; `remote`: anywhere else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LocationClass {
    Local,
    County,
    Remote,
}
