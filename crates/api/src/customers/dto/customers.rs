use crate::kernel::export::{Column, Exportable};
use chrono::{DateTime, Utc};
use kefu_store::customers::CustomerRow;
use kefu_store::from_db_time;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CustomerOut {
    /// The customer's id.
    pub id: String,
    /// The customer's name (用户单位).
    #[schema(example = "杭州某某消防设备有限公司")]
    pub name: String,
    /// The customer's switchboard phone; `null` if not given.
    pub phone: Option<String>,
    /// 重点客户.
    pub key_account: bool,
    /// The dealer (经销商) the customer was sold through, if any.
    pub dealer_name: Option<String>,
    /// CUS-1: the dealer consented to the customer being visited or called.
    pub dealer_consent: bool,
    /// CUS-1: false while a dealer's customer lacks the dealer's consent to be visited or called.
    pub contact_allowed: bool,
    /// The responsible engineer.
    pub owner_user_id: Option<String>,
    /// The responsible team.
    pub team_id: Option<String>,
    /// Free notes.
    pub note: Option<String>,
    /// When the customer was added.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`; send it back in `If-Match` to change the record.
    pub version: i64,
    /// A tombstone in delta sync (`updated_since`): the customer was deleted.
    pub deleted: bool,
}

impl From<&CustomerRow> for CustomerOut {
    fn from(c: &CustomerRow) -> Self {
        CustomerOut {
            id: c.id.clone(),
            name: c.name.clone(),
            phone: c.phone.clone(),
            key_account: c.key_account,
            dealer_name: c.dealer_name.clone(),
            dealer_consent: c.dealer_consent,
            contact_allowed: c.dealer_name.is_none() || c.dealer_consent,
            owner_user_id: c.owner_user_id.clone(),
            team_id: c.team_id.clone(),
            note: c.note.clone(),
            created_at: from_db_time(c.created_at),
            updated_at: from_db_time(c.updated_at),
            version: c.version,
            deleted: c.deleted_at.is_some(),
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "杭州某某消防设备有限公司", "phone": "0571-8888 6666", "key_account": true, "dealer_name": "华东消防经销部", "dealer_consent": true}))]
pub struct CreateCustomer {
    /// A UUID chosen by a client creating the record offline; the create is then idempotent
    /// on it. Omit to have the server choose.
    #[validate(custom(function = "crate::kernel::fields::client_id_ok"))]
    pub id: Option<String>,
    /// The customer's name (用户单位).
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// The customer's switchboard phone.
    #[validate(custom(function = "crate::kernel::fields::phone_ok"))]
    pub phone: Option<String>,
    /// A key account (重点客户); default false.
    #[serde(default)]
    pub key_account: bool,
    /// The dealer (经销商) the customer was sold through, if any.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub dealer_name: Option<String>,
    /// CUS-1: the dealer consents to visits and calls; default false.
    #[serde(default)]
    pub dealer_consent: bool,
    /// Defaults to the caller when an engineer creates the customer.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub owner_user_id: Option<String>,
    /// The responsible team.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub team_id: Option<String>,
    /// Free notes.
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"dealer_consent": true, "note": "经销商已书面同意上门服务"}))]
pub struct UpdateCustomer {
    /// The new name.
    #[validate(length(min = 1, max = 200))]
    #[schema(nullable = false, min_length = 1, max_length = 200)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub name: Option<String>,
    /// The switchboard phone; `null` clears it.
    #[serde(default, deserialize_with = "crate::kernel::fields::double_option")]
    #[validate(custom(function = "crate::kernel::fields::phone_ok"))]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    /// A key account (重点客户).
    #[schema(nullable = false)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub key_account: Option<bool>,
    /// The dealer; `null` clears it.
    #[serde(default, deserialize_with = "crate::kernel::fields::double_option")]
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200, value_type = Option<String>)]
    pub dealer_name: Option<Option<String>>,
    /// CUS-1: the dealer consents to visits and calls.
    #[schema(nullable = false)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub dealer_consent: Option<bool>,
    /// Only managers, supervisors and the office may reassign a customer.
    #[serde(default, deserialize_with = "crate::kernel::fields::double_option")]
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64, value_type = Option<String>)]
    pub owner_user_id: Option<Option<String>>,
    /// The responsible team; `null` clears it.
    #[serde(default, deserialize_with = "crate::kernel::fields::double_option")]
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64, value_type = Option<String>)]
    pub team_id: Option<Option<String>>,
    /// Free notes; `null` clears them.
    #[serde(default, deserialize_with = "crate::kernel::fields::double_option")]
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000, value_type = Option<String>)]
    pub note: Option<Option<String>>,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CustomersQuery {
    /// Substring of the name, the phone number or a site's city (Chinese text included).
    /// At most 200 characters.
    #[param(max_length = 200)]
    #[serde(default, deserialize_with = "crate::kernel::fields::search_text")]
    pub q: Option<String>,
    pub key_account: Option<bool>,
    pub owner_user_id: Option<String>,
    pub team_id: Option<String>,
    /// Delta sync: every customer changed after this instant, deleted ones as tombstones
    /// (`deleted: true`), oldest change first.
    pub updated_since: Option<DateTime<Utc>>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

crate::paged!(CustomersQuery);

/// The customers list as CSV or XLSX (`crate::kernel::export`).
pub const EXPORT: Exportable = Exportable {
    operation_id: "listCustomers",
    file: "customers",
    columns: &[
        Column {
            field: "id",
            zh: "客户编号",
        },
        Column {
            field: "name",
            zh: "客户名称",
        },
        Column {
            field: "phone",
            zh: "电话",
        },
        Column {
            field: "key_account",
            zh: "重点客户",
        },
        Column {
            field: "dealer_name",
            zh: "经销商",
        },
        Column {
            field: "dealer_consent",
            zh: "经销商同意",
        },
        Column {
            field: "contact_allowed",
            zh: "可联系",
        },
        Column {
            field: "owner_user_id",
            zh: "负责工程师",
        },
        Column {
            field: "team_id",
            zh: "负责班组",
        },
        Column {
            field: "note",
            zh: "备注",
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
