use crate::kernel::export::{Column, Exportable};
use chrono::{DateTime, Utc};
use kefu_store::from_db_time;
use kefu_store::teams::TeamRow;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TeamOut {
    /// The team's id.
    pub id: String,
    /// The team's name, unique among teams.
    #[schema(example = "华东一组")]
    pub name: String,
    /// The user supervising the team (role `supervisor` or `manager`).
    pub supervisor_user_id: Option<String>,
    /// The team's service station / city; `null` if none.
    #[schema(example = "杭州")]
    pub station_city: Option<String>,
    /// True once the team is deleted.
    pub deleted: bool,
    /// When the team was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`; send it back in `If-Match` to change the record.
    pub version: i64,
}

impl From<&TeamRow> for TeamOut {
    fn from(t: &TeamRow) -> Self {
        TeamOut {
            id: t.id.clone(),
            name: t.name.clone(),
            supervisor_user_id: t.supervisor_user_id.clone(),
            station_city: t.station_city.clone(),
            deleted: t.deleted_at.is_some(),
            created_at: from_db_time(t.created_at),
            updated_at: from_db_time(t.updated_at),
            version: t.version,
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "华东一组", "supervisor_user_id": "0193a1b2-0000-7000-8000-000000000001", "station_city": "杭州"}))]
pub struct CreateTeam {
    /// Unique among teams.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// An enabled user holding the `supervisor` or `manager` role.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub supervisor_user_id: Option<String>,
    /// The team's service station / city.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub station_city: Option<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"station_city": "宁波"}))]
pub struct UpdateTeam {
    /// A new name, unique among teams.
    #[validate(length(min = 1, max = 100))]
    #[schema(nullable = false, min_length = 1, max_length = 100)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub name: Option<String>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "crate::kernel::fields::double_option")]
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64, value_type = Option<String>)]
    pub supervisor_user_id: Option<Option<String>>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "crate::kernel::fields::double_option")]
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100, value_type = Option<String>)]
    pub station_city: Option<Option<String>>,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TeamsQuery {
    /// Substring of the name.
    /// At most 200 characters.
    #[param(max_length = 200)]
    #[serde(default, deserialize_with = "crate::kernel::fields::search_text")]
    pub q: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

crate::paged!(TeamsQuery);

/// The teams list as CSV or XLSX (`crate::kernel::export`).
pub const EXPORT: Exportable = Exportable {
    operation_id: "listTeams",
    file: "teams",
    columns: &[
        Column {
            field: "id",
            zh: "班组编号",
        },
        Column {
            field: "name",
            zh: "班组名称",
        },
        Column {
            field: "supervisor_user_id",
            zh: "主管用户编号",
        },
        Column {
            field: "station_city",
            zh: "驻点城市",
        },
        Column {
            field: "deleted",
            zh: "已删除",
        },
        Column {
            field: "created_at",
            zh: "创建时间",
        },
        Column {
            field: "updated_at",
            zh: "更新时间",
        },
        Column {
            field: "version",
            zh: "版本",
        },
    ],
};
