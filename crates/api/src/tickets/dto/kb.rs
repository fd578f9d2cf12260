use chrono::{DateTime, Utc};
use kefu_tickets::kb::ArticleStatus;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

crate::kernel::fields::text_item!(
    /// A tag of an article: 1 to 50 characters.
    TagItem,
    1,
    50
);

/// At most 20 tags of 1–50 characters each.
pub fn tags_ok(tags: &[String]) -> Result<(), validator::ValidationError> {
    let ok = tags.len() <= 20
        && tags
            .iter()
            .all(|t| (1..=50).contains(&t.trim().chars().count()));
    if ok {
        Ok(())
    } else {
        let mut e = validator::ValidationError::new("length");
        e.message = Some("at most 20 tags of 1 to 50 characters each".into());
        Err(e)
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ArticleOut {
    /// The article's id.
    pub id: String,
    /// The article's title.
    #[schema(example = "报警主机无法联网")]
    pub title: String,
    /// The problem the article answers.
    pub problem: String,
    /// The customer-facing wording (对外沟通话术).
    pub answer: String,
    /// Its tags, for search (at most 20).
    pub tags: Vec<String>,
    /// The catalogue product the article is about; `null` for none.
    pub product_id: Option<String>,
    /// `draft`, `published` (what customer contacts see) or `archived`.
    pub status: ArticleStatus,
    /// The number of the current content version (1 for a new article, +1 per edit).
    pub version_no: i64,
    /// Who wrote the first version.
    pub created_by: String,
    /// The article was deleted.
    pub deleted: bool,
    /// When the article was created.
    pub created_at: DateTime<Utc>,
    /// When the article last changed.
    pub updated_at: DateTime<Utc>,
    /// Echoed as the `ETag`; send it back in `If-Match` to edit, publish or archive.
    pub version: i64,
}

/// One content version of an article, as it was written.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ArticleVersionOut {
    /// The article this is a version of.
    pub article_id: String,
    /// 1 for the first version, +1 per edit.
    pub version_no: i64,
    /// The title in this version.
    pub title: String,
    /// The problem in this version.
    pub problem: String,
    /// The customer-facing wording in this version.
    pub answer: String,
    /// The tags in this version.
    pub tags: Vec<String>,
    /// The product in this version; `null` for none.
    pub product_id: Option<String>,
    /// Who wrote this version.
    pub edited_by: String,
    /// When this version was written.
    pub edited_at: DateTime<Utc>,
    /// Why the article changed; `null` for the first version or when not given.
    pub change_note: Option<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "报警主机无法连接云平台",
    "problem": "客户反映报警主机离线，网站显示设备未连接",
    "answer": "请先重启路由器，再在主机菜单中重新登记网络参数；如仍离线请联系客服。",
    "tags": ["报警主机", "网络"],
    "product_id": null
}))]
pub struct CreateArticle {
    /// The article's title.
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// The problem the article answers.
    #[validate(length(min = 1, max = 10000))]
    #[schema(min_length = 1, max_length = 10000)]
    pub problem: String,
    /// The customer-facing wording (对外沟通话术).
    #[validate(length(min = 1, max = 20000))]
    #[schema(min_length = 1, max_length = 20000)]
    pub answer: String,
    /// At most 20, 1–50 characters each; trimmed, duplicates dropped.
    #[serde(default)]
    #[validate(custom(function = "tags_ok"))]
    #[schema(max_items = 20, value_type = Vec<TagItem>)]
    pub tags: Vec<String>,
    /// A product of the catalogue the article is about.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub product_id: Option<String>,
}

/// An edit: the fields sent replace the current ones and make a new version.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "answer": "请先重启路由器并检查网线；再在主机菜单中重新登记网络参数。",
    "change_note": "技术服务中心确认的处理步骤"
}))]
pub struct UpdateArticle {
    /// The new title.
    #[validate(length(min = 1, max = 200))]
    #[schema(nullable = false, min_length = 1, max_length = 200)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub title: Option<String>,
    /// The new problem text.
    #[validate(length(min = 1, max = 10000))]
    #[schema(nullable = false, min_length = 1, max_length = 10000)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub problem: Option<String>,
    /// The new customer-facing wording.
    #[validate(length(min = 1, max = 20000))]
    #[schema(nullable = false, min_length = 1, max_length = 20000)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub answer: Option<String>,
    /// Replaces all tags: at most 20, 1–50 characters each; trimmed, duplicates dropped.
    #[validate(custom(function = "tags_ok"))]
    #[schema(nullable = false, max_items = 20, value_type = Option<Vec<TagItem>>)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub tags: Option<Vec<String>>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "crate::kernel::fields::double_option")]
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64, value_type = Option<String>)]
    pub product_id: Option<Option<String>>,
    /// Why the article changed, kept with the version.
    #[validate(length(min = 1, max = 500))]
    #[schema(nullable = false, min_length = 1, max_length = 500)]
    #[serde(default, deserialize_with = "crate::kernel::fields::required")]
    pub change_note: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ArticleQuery {
    /// Full text: a substring of the title, problem, answer or a tag, case-insensitive,
    /// Chinese included (e.g. `报警`).
    /// At most 200 characters.
    #[param(max_length = 200)]
    #[serde(default, deserialize_with = "crate::kernel::fields::search_text")]
    pub q: Option<String>,
    /// Articles carrying this tag (exactly).
    pub tag: Option<String>,
    pub product_id: Option<String>,
    /// Customer contacts see published articles only, whatever they ask for.
    pub status: Option<ArticleStatus>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}
