use crate::kernel::export::{Column, Exportable};
use chrono::{DateTime, Utc};
use kefu_core::LocationClass;
use kefu_store::from_db_time;
use kefu_store::sites::SiteRow;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SiteOut {
    /// The site's id.
    pub id: String,
    /// The site's customer.
    pub customer_id: String,
    /// The site's name.
    #[schema(example = "总部大楼")]
    pub name: String,
    /// The street address.
    pub address: String,
    /// The city, one of `GET /api/v1/cities`.
    #[schema(example = "杭州市")]
    pub city: String,
    /// The city's county the site lies in; `null` for the city proper.
    pub county: Option<String>,
    /// ORG-3, in force: the override when set, else derived from the city and county.
    pub location_class: LocationClass,
    /// What the city and county give.
    pub derived_location_class: LocationClass,
    /// The class set by hand, overriding the derived one; `null` for none.
    pub location_class_override: Option<LocationClass>,
    /// When the site was added.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`; send it back in `If-Match` to change the record.
    pub version: i64,
    /// A tombstone in delta sync (`updated_since`).
    pub deleted: bool,
}

impl SiteOut {
    pub fn new(s: &SiteRow, derived: LocationClass) -> Self {
        let overridden = s
            .location_class_override
            .as_deref()
            .and_then(LocationClass::parse);
        SiteOut {
            id: s.id.clone(),
            customer_id: s.customer_id.clone(),
            name: s.name.clone(),
            address: s.address.clone(),
            city: s.city.clone(),
            county: s.county.clone(),
            location_class: overridden.unwrap_or(derived),
            derived_location_class: derived,
            location_class_override: overridden,
            created_at: from_db_time(s.created_at),
            updated_at: from_db_time(s.updated_at),
            version: s.version,
            deleted: s.deleted_at.is_some(),
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"customer_id": "0193…", "name": "总部大楼", "address": "西湖区文三路 100 号", "city": "杭州市"}))]
pub struct CreateSite {
    /// A UUID chosen by a client creating the record offline (idempotent on it).
    #[validate(custom(function = "crate::kernel::fields::client_id_ok"))]
    pub id: Option<String>,
    /// A customer visible to the caller.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub customer_id: String,
    /// The site's name.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// The street address.
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub address: String,
    /// One of the cities of `GET /api/v1/cities`.
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50)]
    pub city: String,
    /// One of the city's counties, when the site lies in a county rather than the city proper.
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50)]
    pub county: Option<String>,
    /// Sets the class by hand (ORG-3), overriding the one the city and county give.
    pub location_class_override: Option<LocationClass>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"location_class_override": "remote"}))]
pub struct UpdateSite {
    /// The new name.
    #[validate(length(min = 1, max = 200))]
    #[schema(nullable = false, min_length = 1, max_length = 200)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub name: Option<String>,
    /// The new street address.
    #[validate(length(min = 1, max = 500))]
    #[schema(nullable = false, min_length = 1, max_length = 500)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub address: Option<String>,
    /// One of the cities of `GET /api/v1/cities`.
    #[validate(length(min = 1, max = 50))]
    #[schema(nullable = false, min_length = 1, max_length = 50)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub city: Option<String>,
    /// One of the city's counties; `null` for the city proper.
    #[serde(default, deserialize_with = "crate::kernel::fields::double_option")]
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50, value_type = Option<String>)]
    pub county: Option<Option<String>>,
    /// `null` returns to the derived class.
    #[serde(default, deserialize_with = "crate::kernel::fields::double_option")]
    #[schema(value_type = Option<LocationClass>)]
    pub location_class_override: Option<Option<LocationClass>>,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SitesQuery {
    pub customer_id: Option<String>,
    pub city: Option<String>,
    /// Substring of the name or address.
    /// At most 200 characters.
    #[param(max_length = 200)]
    #[serde(default, deserialize_with = "crate::kernel::fields::search_text")]
    pub q: Option<String>,
    /// Delta sync: every site changed after this instant, tombstones included.
    pub updated_since: Option<DateTime<Utc>>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

crate::paged!(SitesQuery);

/// The sites list as CSV or XLSX (`crate::kernel::export`).
pub const EXPORT: Exportable = Exportable {
    operation_id: "listSites",
    file: "sites",
    columns: &[
        Column {
            field: "id",
            zh: "现场编号",
        },
        Column {
            field: "customer_id",
            zh: "客户编号",
        },
        Column {
            field: "name",
            zh: "现场名称",
        },
        Column {
            field: "address",
            zh: "地址",
        },
        Column {
            field: "city",
            zh: "城市",
        },
        Column {
            field: "county",
            zh: "区县",
        },
        Column {
            field: "location_class",
            zh: "地点类别",
        },
        Column {
            field: "derived_location_class",
            zh: "推算地点类别",
        },
        Column {
            field: "location_class_override",
            zh: "指定地点类别",
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
        Column {
            field: "deleted",
            zh: "已删除",
        },
    ],
};
