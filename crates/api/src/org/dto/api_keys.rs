use chrono::{DateTime, Utc};
use kefu_store::credentials::ApiKeyRow;
use kefu_store::from_db_time;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApiKeyOut {
    /// The key's id.
    pub id: String,
    /// The service account the key acts as; the key has that account's roles.
    pub user_id: String,
    /// A name to recognise the key by.
    pub name: String,
    /// The key's first characters, to recognise it in lists and logs.
    #[schema(example = "kefu_Xb3kP9")]
    pub prefix: String,
    /// Who created it.
    pub created_by: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it stops working; `null` for no expiry.
    pub expires_at: Option<DateTime<Utc>>,
    /// When it last authenticated a request; `null` if never used.
    pub last_used_at: Option<DateTime<Utc>>,
    /// When it was revoked; `null` while usable.
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<&ApiKeyRow> for ApiKeyOut {
    fn from(k: &ApiKeyRow) -> Self {
        ApiKeyOut {
            id: k.id.clone(),
            user_id: k.user_id.clone(),
            name: k.name.clone(),
            prefix: k.prefix.clone(),
            created_by: k.created_by.clone(),
            created_at: from_db_time(k.created_at),
            expires_at: k.expires_at.map(from_db_time),
            last_used_at: k.last_used_at.map(from_db_time),
            revoked_at: k.revoked_at.map(from_db_time),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedApiKey {
    /// The key created (its members are inlined here).
    #[serde(flatten)]
    pub api_key: ApiKeyOut,
    /// The secret, shown this once: only its hash is stored. Left out of an idempotent replay.
    #[schema(required = false)]
    pub key: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"user_id": "0193…", "name": "finance export"}))]
pub struct CreateApiKey {
    /// A service account (`kind: service`).
    #[validate(length(min = 1, max = 64))]
    #[schema(
        max_length = 64,
        pattern = "^[\\t\\n\\x0b\\f\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*[^\\x00\\t\\n\\x0b\\f\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000](?:[^\\x00]{0,62}[^\\x00\\t\\n\\x0b\\f\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000])?[\\t\\n\\x0b\\f\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*$"
    )]
    pub user_id: String,
    /// A name to recognise the key by.
    #[validate(length(min = 1, max = 100))]
    #[schema(
        max_length = 100,
        pattern = "^[\\t\\n\\x0b\\f\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*[^\\x00\\t\\n\\x0b\\f\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000](?:[^\\x00]{0,98}[^\\x00\\t\\n\\x0b\\f\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000])?[\\t\\n\\x0b\\f\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*$"
    )]
    pub name: String,
    /// When the key stops working; must be in the future. Omit for no expiry.
    pub expires_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ApiKeysQuery {
    /// Only keys of this service account.
    pub user_id: Option<String>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[param(pattern = "^k(?:[1-9a-fA-F][0-9a-fA-F]|0[1-9a-fA-F])*$")]
    pub cursor: Option<String>,
}
