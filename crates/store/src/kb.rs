//! The knowledge base (KB-1): articles and their numbered versions, and the `q=` search over
//! the article's `search_text` (a trigram GIN index serves it on PostgreSQL).

use crate::delta::ListMode;
use crate::schema::{kb_article_versions, kb_articles};
use crate::users::escape_like;
use crate::{DbConnection, StoreError, VersionedWrite};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use kefu_tickets::kb::ArticleStatus;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = kb_articles)]
pub struct ArticleRow {
    pub id: String,
    pub title: String,
    pub problem: String,
    pub answer: String,
    /// A JSON array of strings.
    pub tags: String,
    pub search_text: String,
    pub product_id: Option<String>,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub status: ArticleStatus,
    pub version_no: i64,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = kb_article_versions)]
pub struct ArticleVersionRow {
    pub id: String,
    pub article_id: String,
    pub version_no: i64,
    pub title: String,
    pub problem: String,
    pub answer: String,
    pub tags: String,
    pub product_id: Option<String>,
    pub edited_by: String,
    pub edited_at: NaiveDateTime,
    pub change_note: Option<String>,
}

pub fn insert(conn: &mut DbConnection, row: &ArticleRow) -> Result<(), StoreError> {
    diesel::insert_into(kb_articles::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<ArticleRow>, StoreError> {
    Ok(kb_articles::table
        .find(id)
        .select(ArticleRow::as_select())
        .first(conn)
        .optional()?)
}

#[derive(Debug, Clone, Default)]
pub struct ArticleFilter {
    /// Already lower-cased (as `search_text` is); matched as a substring.
    pub q: Option<String>,
    pub tag: Option<String>,
    pub product_id: Option<String>,
    pub status: Option<ArticleStatus>,
    /// The statuses the caller may see at all (customer contacts: published only).
    pub only_statuses: Option<Vec<ArticleStatus>>,
}

/// One page of articles not deleted, in id order after the cursor.
pub fn list(
    conn: &mut DbConnection,
    filter: &ArticleFilter,
    mode: &ListMode,
    limit: i64,
) -> Result<Vec<ArticleRow>, StoreError> {
    let mut query = kb_articles::table
        .select(ArticleRow::as_select())
        .into_boxed();
    if let Some(q) = &filter.q {
        // A plain LIKE on both databases. On PostgreSQL the trigram index on `search_text`
        // answers it for patterns of 3 characters or more; shorter ones (a 2-character
        // Chinese word) fall back to a scan, still correct.
        query = query.filter(
            kb_articles::search_text
                .like(format!("%{}%", escape_like(q)))
                .escape('\\'),
        );
    }
    if let Some(tag) = &filter.tag {
        // `tags` is a JSON array: the tag as a JSON string, quotes included, is one element.
        let quoted = serde_json::to_string(tag).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        query = query.filter(
            kb_articles::tags
                .like(format!("%{}%", escape_like(&quoted)))
                .escape('\\'),
        );
    }
    if let Some(v) = &filter.product_id {
        query = query.filter(kb_articles::product_id.eq(v.clone()));
    }
    if let Some(v) = filter.status {
        query = query.filter(kb_articles::status.eq(v.as_str()));
    }
    if let Some(only) = &filter.only_statuses {
        query = query.filter(kb_articles::status.eq_any(crate::wire_names(only)));
    }
    let query = crate::apply_list_mode!(query, kb_articles, mode);
    Ok(query.limit(limit).load(conn)?)
}

/// Fields an edit or a command changes; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = kb_articles)]
pub struct ArticleChanges {
    pub title: Option<String>,
    pub problem: Option<String>,
    pub answer: Option<String>,
    pub tags: Option<String>,
    pub search_text: Option<String>,
    pub product_id: Option<Option<String>>,
    #[diesel(serialize_as = String)]
    pub status: Option<ArticleStatus>,
    pub version_no: Option<i64>,
}

pub fn update(
    conn: &mut DbConnection,
    id: &str,
    expected_version: i64,
    changes: &ArticleChanges,
    now: DateTime<Utc>,
) -> Result<VersionedWrite, StoreError> {
    crate::versioned_update!(
        conn,
        kb_articles,
        id,
        expected_version,
        changes.clone(),
        now
    )
}

pub fn insert_version(conn: &mut DbConnection, row: &ArticleVersionRow) -> Result<(), StoreError> {
    diesel::insert_into(kb_article_versions::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Every version of an article, oldest first.
pub fn versions(
    conn: &mut DbConnection,
    article_id: &str,
) -> Result<Vec<ArticleVersionRow>, StoreError> {
    Ok(kb_article_versions::table
        .filter(kb_article_versions::article_id.eq(article_id))
        .select(ArticleVersionRow::as_select())
        .order(kb_article_versions::version_no.asc())
        .load(conn)?)
}

pub fn version(
    conn: &mut DbConnection,
    article_id: &str,
    version_no: i64,
) -> Result<Option<ArticleVersionRow>, StoreError> {
    Ok(kb_article_versions::table
        .filter(kb_article_versions::article_id.eq(article_id))
        .filter(kb_article_versions::version_no.eq(version_no))
        .select(ArticleVersionRow::as_select())
        .first(conn)
        .optional()?)
}
