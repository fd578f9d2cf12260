//! The knowledge base (KB-1): articles written by the office and engineers, every content
//! edit a numbered version, published for everyone; customer contacts read published
//! articles only (drafts and archived ones read as missing to them).

use crate::kernel::command::{Ctx, snapshot};
use crate::kernel::error::ApiError;
use crate::tickets::dto::kb::{ArticleOut, ArticleVersionOut, CreateArticle, UpdateArticle};
use crate::tickets::service::tickets::field;
use kefu_core::Actor;
use kefu_store::kb::{self, ArticleChanges, ArticleFilter, ArticleRow, ArticleVersionRow};
use kefu_store::{DbConnection, from_db_time, new_id, to_db_time};
use kefu_tickets::access::{self, Action};
use kefu_tickets::kb::{
    ArticleCommand, ArticleStatus, article_transition, normalize_tags, search_key, search_text,
};

fn tags_of(json: &str) -> Result<Vec<String>, ApiError> {
    serde_json::from_str(json)
        .map_err(|e| ApiError::internal(format!("stored article tags are corrupt: {e}")))
}

fn tags_json(tags: &[String]) -> Result<String, ApiError> {
    serde_json::to_string(tags).map_err(ApiError::internal)
}

pub fn render(row: &ArticleRow) -> Result<ArticleOut, ApiError> {
    Ok(ArticleOut {
        id: row.id.clone(),
        title: row.title.clone(),
        problem: row.problem.clone(),
        answer: row.answer.clone(),
        tags: tags_of(&row.tags)?,
        product_id: row.product_id.clone(),
        status: row.status,
        version_no: row.version_no,
        created_by: row.created_by.clone(),
        deleted: row.deleted_at.is_some(),
        created_at: from_db_time(row.created_at),
        updated_at: from_db_time(row.updated_at),
        version: row.version,
    })
}

pub fn render_version(row: &ArticleVersionRow) -> Result<ArticleVersionOut, ApiError> {
    Ok(ArticleVersionOut {
        article_id: row.article_id.clone(),
        version_no: row.version_no,
        title: row.title.clone(),
        problem: row.problem.clone(),
        answer: row.answer.clone(),
        tags: tags_of(&row.tags)?,
        product_id: row.product_id.clone(),
        edited_by: row.edited_by.clone(),
        edited_at: from_db_time(row.edited_at),
        change_note: row.change_note.clone(),
    })
}

/// Whether the caller sees only published articles (a customer contact without a staff role).
pub fn published_only(actor: &Actor) -> bool {
    access::kb_published_only(&actor.roles)
}

/// A live article the caller may read; anything else is 404.
pub fn get_row(conn: &mut DbConnection, actor: &Actor, id: &str) -> Result<ArticleRow, ApiError> {
    let row = kb::find(conn, id)?
        .filter(|r| r.deleted_at.is_none())
        .ok_or(ApiError::NotFound)?;
    if published_only(actor) && row.status != ArticleStatus::Published {
        return Err(ApiError::NotFound);
    }
    Ok(row)
}

fn check_product(conn: &mut DbConnection, product_id: Option<&str>) -> Result<(), ApiError> {
    if let Some(p) = product_id
        && kefu_store::products::find(conn, p)?.is_none_or(|p| p.deleted_at.is_some())
    {
        return Err(field("product_id", "unknown", "no such product"));
    }
    Ok(())
}

fn trimmed(s: String, name: &str) -> Result<String, ApiError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(field(name, "length", "must not be blank"));
    }
    Ok(t.to_owned())
}

/// The list filter for the caller: `q` as the search text holds it; customer contacts see
/// published articles only.
pub fn filter_for(
    actor: &Actor,
    q: Option<String>,
    tag: Option<String>,
    product_id: Option<String>,
    status: Option<ArticleStatus>,
) -> ArticleFilter {
    let clean = |s: Option<String>| s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    ArticleFilter {
        q: clean(q).map(|q| search_key(&q)),
        tag: clean(tag),
        product_id: clean(product_id),
        status,
        only_statuses: published_only(actor).then(|| vec![ArticleStatus::Published]),
    }
}

/// KB-1: a new article, a draft, with its first version.
pub fn create(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    input: CreateArticle,
) -> Result<ArticleOut, ApiError> {
    let title = trimmed(input.title, "title")?;
    let problem = trimmed(input.problem, "problem")?;
    let answer = trimmed(input.answer, "answer")?;
    let tags = normalize_tags(&input.tags);
    check_product(conn, input.product_id.as_deref())?;
    let now = to_db_time(ctx.now);
    let tags_text = tags_json(&tags)?;
    let row = ArticleRow {
        id: new_id(),
        search_text: search_text(&title, &problem, &answer, &tags),
        title,
        problem,
        answer,
        tags: tags_text,
        product_id: input.product_id,
        status: ArticleStatus::Draft,
        version_no: 1,
        created_by: actor.user_id.clone(),
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
    };
    kb::insert(conn, &row)?;
    record_version(conn, &row, &actor.user_id, now, None)?;
    let stored = kb::find(conn, &row.id)?.ok_or(ApiError::NotFound)?;
    let out = render(&stored)?;
    ctx.audit(
        conn,
        "kb_article.create",
        ("kb_article", &stored.id),
        None,
        snapshot(&out),
    )?;
    Ok(out)
}

fn record_version(
    conn: &mut DbConnection,
    row: &ArticleRow,
    editor: &str,
    at: chrono::NaiveDateTime,
    change_note: Option<String>,
) -> Result<(), ApiError> {
    kb::insert_version(
        conn,
        &ArticleVersionRow {
            id: new_id(),
            article_id: row.id.clone(),
            version_no: row.version_no,
            title: row.title.clone(),
            problem: row.problem.clone(),
            answer: row.answer.clone(),
            tags: row.tags.clone(),
            product_id: row.product_id.clone(),
            edited_by: editor.to_owned(),
            edited_at: at,
            change_note,
        },
    )?;
    Ok(())
}

/// KB-1: an edit makes the next version; engineers edit drafts only.
pub fn update(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    id: &str,
    expected_version: i64,
    input: UpdateArticle,
) -> Result<ArticleOut, ApiError> {
    let row = get_row(conn, actor, id)?;
    let from = row.status;
    // KB-1: engineers edit drafts; editing a published or archived article is the editors'.
    if from != ArticleStatus::Draft {
        access::require(Action::KbEditPublished, &actor.roles)?;
    }
    if row.version != expected_version {
        return Err(ApiError::PreconditionFailed {
            current: row.version,
        });
    }
    article_transition(from, ArticleCommand::Edit)?;
    let mut next = row.clone();
    if let Some(v) = input.title {
        next.title = trimmed(v, "title")?;
    }
    if let Some(v) = input.problem {
        next.problem = trimmed(v, "problem")?;
    }
    if let Some(v) = input.answer {
        next.answer = trimmed(v, "answer")?;
    }
    let tags = match input.tags {
        Some(t) => normalize_tags(&t),
        None => tags_of(&row.tags)?,
    };
    next.tags = tags_json(&tags)?;
    if let Some(p) = input.product_id {
        check_product(conn, p.as_deref())?;
        next.product_id = p;
    }
    next.search_text = search_text(&next.title, &next.problem, &next.answer, &tags);
    next.version_no = row.version_no + 1;
    let changes = ArticleChanges {
        title: Some(next.title.clone()),
        problem: Some(next.problem.clone()),
        answer: Some(next.answer.clone()),
        tags: Some(next.tags.clone()),
        search_text: Some(next.search_text.clone()),
        product_id: Some(next.product_id.clone()),
        status: None,
        version_no: Some(next.version_no),
    };
    let before = render(&row)?;
    crate::kernel::command::written(kb::update(conn, id, expected_version, &changes, ctx.now)?)?;
    record_version(
        conn,
        &next,
        &actor.user_id,
        to_db_time(ctx.now),
        input.change_note.map(|n| n.trim().to_owned()),
    )?;
    let after = kb::find(conn, id)?.ok_or(ApiError::NotFound)?;
    let out = render(&after)?;
    ctx.audit(
        conn,
        "kb_article.update",
        ("kb_article", id),
        snapshot(&before),
        snapshot(&out),
    )?;
    Ok(out)
}

/// KB-1: publish or archive (no new content version).
pub fn act(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    id: &str,
    expected_version: i64,
    command: ArticleCommand,
) -> Result<ArticleOut, ApiError> {
    let row = get_row(conn, actor, id)?;
    if row.version != expected_version {
        return Err(ApiError::PreconditionFailed {
            current: row.version,
        });
    }
    let to = article_transition(row.status, command)?;
    let changes = ArticleChanges {
        status: Some(to),
        ..ArticleChanges::default()
    };
    let before = render(&row)?;
    crate::kernel::command::written(kb::update(conn, id, expected_version, &changes, ctx.now)?)?;
    let after = kb::find(conn, id)?.ok_or(ApiError::NotFound)?;
    let out = render(&after)?;
    ctx.audit(
        conn,
        &format!("kb_article.{}", command.as_str()),
        ("kb_article", id),
        snapshot(&before),
        snapshot(&out),
    )?;
    Ok(out)
}

pub fn versions(
    conn: &mut DbConnection,
    actor: &Actor,
    id: &str,
) -> Result<Vec<ArticleVersionOut>, ApiError> {
    get_row(conn, actor, id)?;
    kb::versions(conn, id)?.iter().map(render_version).collect()
}

pub fn version(
    conn: &mut DbConnection,
    actor: &Actor,
    id: &str,
    version_no: i64,
) -> Result<ArticleVersionOut, ApiError> {
    get_row(conn, actor, id)?;
    let row = kb::version(conn, id, version_no)?.ok_or(ApiError::NotFound)?;
    render_version(&row)
}

/// TKT-11: the article a work order closes with must exist, not deleted or archived.
pub fn live_article(conn: &mut DbConnection, id: &str) -> Result<ArticleRow, ApiError> {
    kb::find(conn, id)?
        .filter(|r| r.deleted_at.is_none() && r.status != ArticleStatus::Archived)
        .ok_or_else(|| {
            field(
                "kb_article_id",
                "unknown",
                "no such knowledge-base article (or it is archived)",
            )
        })
}
