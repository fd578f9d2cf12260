use chrono::{DateTime, Utc};
use kefu_store::cities::CityRow;
use kefu_store::from_db_time;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

crate::kernel::fields::text_item!(
    /// A county of a city (ORG-3): at most 50 characters; blank names are dropped.
    CountyItem,
    0,
    50
);

#[derive(Debug, Serialize, ToSchema)]
pub struct CityOut {
    /// The city's id.
    pub id: String,
    /// The city's name.
    #[schema(example = "杭州市")]
    pub name: String,
    /// The province it lies in.
    #[schema(example = "浙江省")]
    pub province: String,
    /// A resident engineer works here: its sites are `local` (ORG-3).
    pub has_station: bool,
    /// The city's counties: sites there are `county` when the city has a station.
    pub counties: Vec<String>,
    /// When the city was added.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`; send it back in `If-Match` to change the record.
    pub version: i64,
}

impl From<&CityRow> for CityOut {
    fn from(c: &CityRow) -> Self {
        CityOut {
            id: c.id.clone(),
            name: c.name.clone(),
            province: c.province.clone(),
            has_station: c.has_station,
            counties: c.county_names(),
            created_at: from_db_time(c.created_at),
            updated_at: from_db_time(c.updated_at),
            version: c.version,
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "杭州市", "province": "浙江省", "has_station": true, "counties": ["淳安县", "桐庐县", "建德市"]}))]
pub struct CreateCity {
    /// The city's name.
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50)]
    pub name: String,
    /// The province it lies in.
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50)]
    pub province: String,
    /// A resident engineer works here (ORG-3); default false.
    #[serde(default)]
    pub has_station: bool,
    /// The city's counties, at most 100.
    #[serde(default)]
    #[validate(length(max = 100))]
    #[schema(max_items = 100, value_type = Vec<CountyItem>)]
    pub counties: Vec<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"has_station": true}))]
pub struct UpdateCity {
    /// The new name.
    #[validate(length(min = 1, max = 50))]
    #[schema(nullable = false, min_length = 1, max_length = 50)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub name: Option<String>,
    /// The new province.
    #[validate(length(min = 1, max = 50))]
    #[schema(nullable = false, min_length = 1, max_length = 50)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub province: Option<String>,
    /// A resident engineer works here (ORG-3).
    #[schema(nullable = false)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub has_station: Option<bool>,
    /// Replaces the city's counties, at most 100.
    #[validate(length(max = 100))]
    #[schema(nullable = false, max_items = 100, value_type = Option<Vec<CountyItem>>)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub counties: Option<Vec<String>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CitiesQuery {
    /// Substring of the city or province name.
    /// At most 200 characters.
    #[param(max_length = 200)]
    #[serde(default, deserialize_with = "crate::kernel::fields::search_text")]
    pub q: Option<String>,
    pub has_station: Option<bool>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}
