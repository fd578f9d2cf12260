use crate::kernel::export::{Column, Exportable};
use chrono::{DateTime, Utc};
use kefu_core::Role;
use kefu_store::from_db_time;
use kefu_store::users::UserRecord;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

kefu_core::string_enum! {
    #[derive(ToSchema)]
    pub enum UserKind {
        /// A person who logs in with a password.
        Human = "human",
        /// An integration account that authenticates with API keys only.
        Service = "service",
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserOut {
    /// The user's id.
    pub id: String,
    /// The login name, lowercased.
    #[schema(example = "li.wei")]
    pub username: String,
    /// The name shown to other users.
    #[schema(example = "李伟")]
    pub display_name: String,
    /// The user's email; `null` if not given.
    pub email: Option<String>,
    /// The user's phone; `null` if not given.
    pub phone: Option<String>,
    /// A person (`human`, logs in with a password) or an integration (`service`, API keys only).
    pub kind: UserKind,
    /// The roles the user holds (ORG-1); one person may hold several.
    pub roles: Vec<Role>,
    /// A disabled user can neither log in nor use API keys.
    pub disabled: bool,
    /// Set after an admin reset: the user should choose a new password.
    pub must_change_password: bool,
    /// When the user was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`; send it back in `If-Match` to change the record.
    pub version: i64,
}

impl From<&UserRecord> for UserOut {
    fn from(u: &UserRecord) -> Self {
        UserOut {
            id: u.row.id.clone(),
            username: u.row.username.clone(),
            display_name: u.row.display_name.clone(),
            email: u.row.email.clone(),
            phone: u.row.phone.clone(),
            kind: if u.row.kind == "service" {
                UserKind::Service
            } else {
                UserKind::Human
            },
            roles: u.roles.clone(),
            disabled: u.row.disabled,
            must_change_password: u.row.must_change_password,
            created_at: from_db_time(u.row.created_at),
            updated_at: from_db_time(u.row.updated_at),
            version: u.row.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedUser {
    /// The user created (its members are inlined here).
    #[serde(flatten)]
    pub user: UserOut,
    /// Present only when the server generated the initial password: shown this once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generated_password: Option<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "human", "username": "li.wei", "display_name": "李伟", "roles": ["engineer"], "phone": "138 0013 8000"}))]
pub struct CreateUser {
    /// 2–64 characters: letters, digits, `.`, `_`, `-`; stored lowercased.
    #[schema(
        max_length = 64,
        pattern = "^[\\t\\n\\x0b\\f\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*[A-Za-z0-9][A-Za-z0-9._-]{1,63}[\\t\\n\\x0b\\f\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*$"
    )]
    pub username: String,
    /// 1–100 characters after trimming, no control characters.
    #[validate(length(min = 1, max = 100))]
    #[schema(
        max_length = 100,
        pattern = "^[\\t\\n\\x0b\\f\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*[^\\x00-\\x20\\x7f-\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000](?:[^\\x00-\\x1f\\x7f-\\x9f]{0,98}[^\\x00-\\x20\\x7f-\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000])?[\\t\\n\\x0b\\f\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*$"
    )]
    pub display_name: String,
    /// An email address, at most 254 characters.
    #[validate(email, length(max = 254))]
    #[schema(format = Email, max_length = 254)]
    pub email: Option<String>,
    /// 5–20 digits, with `+ - ( )` or spaces.
    #[validate(custom(function = "crate::kernel::fields::phone_ok"))]
    #[schema(
        pattern = "^[\\t\\n\\x0b\\f\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*(?:[+\\-() ]*[0-9]){5,20}[+\\-() ]*[\\t\\n\\x0b\\f\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*$"
    )]
    pub phone: Option<String>,
    /// `human` (a person, who may be given a password) or `service` (an account for
    /// integration scripts, with API keys and no password).
    pub kind: UserKind,
    /// The roles (ORG-1), at least one.
    #[validate(length(min = 1, max = 11))]
    #[schema(min_items = 1, max_items = 11)]
    pub roles: Vec<Role>,
    /// Initial password for a person; omit it to have one generated. Not allowed for service
    /// accounts. 10–128 characters mixing at least two of: lowercase, uppercase, digits,
    /// other characters.
    #[validate(length(max = 128))]
    #[schema(
        min_length = 10,
        max_length = 128,
        pattern = "^[^\\x00]*(?:[a-z][^a-z\\x00]|[A-Z][^A-Z\\x00]|[0-9][^0-9\\x00]|[^a-zA-Z0-9\\x00][a-zA-Z0-9])[^\\x00]*$"
    )]
    pub password: Option<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"display_name": "李伟（华东）", "roles": ["engineer", "clerk"]}))]
pub struct UpdateUser {
    /// 1–100 characters after trimming, no control characters.
    #[validate(length(min = 1, max = 100))]
    #[schema(
        nullable = false,
        max_length = 100,
        pattern = "^[\\t\\n\\x0b\\f\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*[^\\x00-\\x20\\x7f-\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000](?:[^\\x00-\\x1f\\x7f-\\x9f]{0,98}[^\\x00-\\x20\\x7f-\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000])?[\\t\\n\\x0b\\f\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*$"
    )]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub display_name: Option<String>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "crate::kernel::fields::double_option")]
    #[validate(email, length(max = 254))]
    #[schema(value_type = Option<String>, format = Email, max_length = 254)]
    pub email: Option<Option<String>>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "crate::kernel::fields::double_option")]
    #[validate(custom(function = "crate::kernel::fields::phone_ok"))]
    #[schema(value_type = Option<String>, pattern = "^[\\t\\n\\x0b\\f\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*(?:[+\\-() ]*[0-9]){5,20}[+\\-() ]*[\\t\\n\\x0b\\f\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*$")]
    pub phone: Option<Option<String>>,
    /// Replaces the user's roles.
    #[validate(length(min = 1, max = 11))]
    #[schema(nullable = false, min_items = 1, max_items = 11)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub roles: Option<Vec<Role>>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({}))]
pub struct ResetPassword {
    /// Omit to have a password generated and returned once. Same rules as `password` of
    /// `CreateUser`.
    #[validate(length(max = 128))]
    #[schema(
        min_length = 10,
        max_length = 128,
        pattern = "^[^\\x00]*(?:[a-z][^a-z\\x00]|[A-Z][^A-Z\\x00]|[0-9][^0-9\\x00]|[^a-zA-Z0-9\\x00][a-zA-Z0-9])[^\\x00]*$"
    )]
    pub new_password: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PasswordReset {
    /// The user whose password was reset.
    pub user: UserOut,
    /// The generated password, shown this once; left out when `new_password` was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generated_password: Option<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"current_password": "old-Secret-1", "new_password": "new-Secret-22"}))]
pub struct ChangePassword {
    /// The caller's current password.
    #[validate(length(min = 1, max = 128))]
    #[schema(min_length = 1, max_length = 128)]
    pub current_password: String,
    /// 10–128 characters mixing at least two of: lowercase, uppercase, digits, other characters.
    #[validate(length(max = 128))]
    #[schema(
        min_length = 10,
        max_length = 128,
        pattern = "^[^\\x00]*(?:[a-z][^a-z\\x00]|[A-Z][^A-Z\\x00]|[0-9][^0-9\\x00]|[^a-zA-Z0-9\\x00][a-zA-Z0-9])[^\\x00]*$"
    )]
    pub new_password: String,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UsersQuery {
    /// Only users holding this role.
    pub role: Option<Role>,
    pub kind: Option<UserKind>,
    pub disabled: Option<bool>,
    /// Substring of the username or display name.
    /// At most 200 characters.
    #[param(max_length = 200)]
    #[serde(default, deserialize_with = "crate::kernel::fields::search_text")]
    pub q: Option<String>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[param(pattern = "^k(?:[1-9a-fA-F][0-9a-fA-F]|0[1-9a-fA-F])*$")]
    pub cursor: Option<String>,
}

crate::paged!(UsersQuery);

/// The users list as CSV or XLSX (`crate::kernel::export`).
pub const EXPORT: Exportable = Exportable {
    operation_id: "listUsers",
    file: "users",
    columns: &[
        Column {
            field: "id",
            zh: "用户编号",
        },
        Column {
            field: "username",
            zh: "用户名",
        },
        Column {
            field: "display_name",
            zh: "显示名",
        },
        Column {
            field: "email",
            zh: "邮箱",
        },
        Column {
            field: "phone",
            zh: "电话",
        },
        Column {
            field: "kind",
            zh: "账号类型",
        },
        Column {
            field: "roles",
            zh: "角色",
        },
        Column {
            field: "disabled",
            zh: "已停用",
        },
        Column {
            field: "must_change_password",
            zh: "须改密码",
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
