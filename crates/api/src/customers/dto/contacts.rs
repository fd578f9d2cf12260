use crate::kernel::export::{Column, Exportable};
use chrono::{DateTime, Utc};
use kefu_store::contacts::ContactRow;
use kefu_store::from_db_time;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ContactOut {
    /// The contact's id.
    pub id: String,
    /// The contact's customer.
    pub customer_id: String,
    /// The site the contact works at; `null` if not tied to one.
    pub site_id: Option<String>,
    /// The contact's name.
    #[schema(example = "王经理")]
    pub name: String,
    /// The contact's phone.
    pub phone: String,
    /// The contact's job title; `null` if not given.
    pub title: Option<String>,
    /// May sign feedback forms for the customer (TKT-7).
    pub authorised_signer: bool,
    /// The contact's own login (role `customer_contact`), if given one.
    pub user_id: Option<String>,
    /// When the contact was added.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`; send it back in `If-Match` to change the record.
    pub version: i64,
    /// A tombstone in delta sync (`updated_since`).
    pub deleted: bool,
}

impl From<&ContactRow> for ContactOut {
    fn from(c: &ContactRow) -> Self {
        ContactOut {
            id: c.id.clone(),
            customer_id: c.customer_id.clone(),
            site_id: c.site_id.clone(),
            name: c.name.clone(),
            phone: c.phone.clone(),
            title: c.title.clone(),
            authorised_signer: c.authorised_signer,
            user_id: c.user_id.clone(),
            created_at: from_db_time(c.created_at),
            updated_at: from_db_time(c.updated_at),
            version: c.version,
            deleted: c.deleted_at.is_some(),
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"customer_id": "0193…", "name": "王经理", "phone": "139 0571 0000", "title": "设备科科长", "authorised_signer": true}))]
pub struct CreateContact {
    /// A UUID chosen by a client creating the record offline (idempotent on it).
    #[validate(custom(function = "crate::kernel::fields::client_id_ok"))]
    pub id: Option<String>,
    /// A customer visible to the caller.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub customer_id: String,
    /// A site of the same customer.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub site_id: Option<String>,
    /// The contact's name.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// The contact's phone.
    #[validate(custom(function = "crate::kernel::fields::phone_ok"))]
    pub phone: String,
    /// The contact's job title.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub title: Option<String>,
    /// May sign feedback forms for the customer (TKT-7); default false.
    #[serde(default)]
    pub authorised_signer: bool,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"authorised_signer": false}))]
pub struct UpdateContact {
    /// A site of the same customer; `null` clears it.
    #[serde(default, deserialize_with = "crate::kernel::fields::double_option")]
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64, value_type = Option<String>)]
    pub site_id: Option<Option<String>>,
    /// The new name.
    #[validate(length(min = 1, max = 100))]
    #[schema(nullable = false, min_length = 1, max_length = 100)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub name: Option<String>,
    /// The new phone.
    #[validate(custom(function = "crate::kernel::fields::phone_ok"))]
    #[schema(nullable = false)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub phone: Option<String>,
    /// The job title; `null` clears it.
    #[serde(default, deserialize_with = "crate::kernel::fields::double_option")]
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100, value_type = Option<String>)]
    pub title: Option<Option<String>>,
    /// May sign feedback forms for the customer (TKT-7).
    #[schema(nullable = false)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub authorised_signer: Option<bool>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"username": "wang.jingli"}))]
pub struct CreateContactLogin {
    /// The login's username (as `username` of `CreateUser`); its password is generated and
    /// returned once.
    #[schema(
        max_length = 64,
        pattern = "^[\\t\\n\\x0b\\f\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*[A-Za-z0-9][A-Za-z0-9._-]{1,63}[\\t\\n\\x0b\\f\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*$"
    )]
    pub username: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ContactLogin {
    /// The contact, now with its `user_id`.
    pub contact: ContactOut,
    /// The login created (role `customer_contact`).
    pub user: crate::org::dto::users::UserOut,
    /// Shown this once; the contact must change it at first login.
    pub generated_password: Option<String>,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ContactsQuery {
    pub customer_id: Option<String>,
    pub site_id: Option<String>,
    pub authorised_signer: Option<bool>,
    /// Substring of the name or phone.
    /// At most 200 characters.
    #[param(max_length = 200)]
    #[serde(default, deserialize_with = "crate::kernel::fields::search_text")]
    pub q: Option<String>,
    /// Delta sync: every contact changed after this instant, tombstones included.
    pub updated_since: Option<DateTime<Utc>>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

crate::paged!(ContactsQuery);

/// The contacts list as CSV or XLSX (`crate::kernel::export`).
pub const EXPORT: Exportable = Exportable {
    operation_id: "listContacts",
    file: "contacts",
    columns: &[
        Column {
            field: "id",
            zh: "联系人编号",
        },
        Column {
            field: "customer_id",
            zh: "客户编号",
        },
        Column {
            field: "site_id",
            zh: "现场编号",
        },
        Column {
            field: "name",
            zh: "姓名",
        },
        Column {
            field: "phone",
            zh: "电话",
        },
        Column {
            field: "title",
            zh: "职务",
        },
        Column {
            field: "authorised_signer",
            zh: "授权签字人",
        },
        Column {
            field: "user_id",
            zh: "登录用户编号",
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
