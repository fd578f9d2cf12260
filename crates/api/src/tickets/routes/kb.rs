use crate::kernel::auth::Caller;
use crate::kernel::command::Ctx;
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::extract::{IfMatch, StrictQuery, ValidJson};
use crate::kernel::page::{Page, fetch_size, list_mode, paginate};
use crate::kernel::respond::{created, versioned};
use crate::kernel::state::AppState;
use crate::tickets::dto::kb::{
    ArticleOut, ArticleQuery, ArticleVersionOut, CreateArticle, UpdateArticle,
};
use crate::tickets::service::kb as svc;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, patch, post, web};
use kefu_store::kb as store;
use kefu_tickets::access::{self, Action};
use kefu_tickets::kb::ArticleCommand;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create_article)
        .service(list_articles)
        .service(get_article)
        .service(update_article)
        .service(list_article_versions)
        .service(get_article_version)
        .service(publish_article)
        .service(archive_article);
}

/// Create a knowledge-base article
///
/// Writes a knowledge-base article (KB-1). It starts as a `draft` with version 1 (readable under
/// `/versions`); a `product_id` must name a product (422 otherwise).
///
/// Who: admins, managers, supervisors, clerks (the support specialists who write the
/// customer-facing wording) and engineers (403 for others). Triggers the audit entry
/// `kb_article.create`.
#[utoipa::path(
    tag = "knowledge-base",
    operation_id = "createKbArticle",
    request_body = CreateArticle,
    responses(
        (status = 201, description = "Created as a draft", body = ArticleOut, headers(("Location" = String), ("ETag" = String))),
    )
)]
#[post("/kb-articles")]
async fn create_article(
    state: web::Data<AppState>,
    caller: Caller,
    ValidJson(input): ValidJson<CreateArticle>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::KbCreate, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let out = state
        .tx(move |conn| svc::create(conn, &ctx, &actor, input))
        .await?;
    Ok(created(
        format!("/api/v1/kb-articles/{}", out.id),
        Some(out.version),
        &out,
    ))
}

/// Search knowledge-base articles
///
/// Searches and lists the knowledge base (KB-1): `q` finds a substring of the title, problem,
/// answer or a tag (case-insensitive, Chinese included); filters `tag`, `product_id`, `status`;
/// cursor pagination. Every signed-in role: staff read all articles; a customer contact reads
/// published articles only. Read-only.
#[utoipa::path(
    tag = "knowledge-base",
    operation_id = "listKbArticles",
    params(ArticleQuery),
    responses((status = 200, description = "One page of articles, oldest first", body = Page<ArticleOut>))
)]
#[get("/kb-articles")]
async fn list_articles(
    state: web::Data<AppState>,
    caller: Caller,
    StrictQuery(query): StrictQuery<ArticleQuery>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::KbList, &caller.actor.roles)?;
    let (limit, fetch) = fetch_size(query.limit)?;
    let mode = list_mode(None, query.cursor.as_deref())?;
    let filter = svc::filter_for(
        &caller.actor,
        query.q,
        query.tag,
        query.product_id,
        query.status,
    );
    let rows = state
        .db(move |conn| {
            let rows = store::list(conn, &filter, &mode, fetch)?;
            rows.iter().map(svc::render).collect::<Result<Vec<_>, _>>()
        })
        .await?;
    let page = paginate(rows, limit, |a| a.id.clone(), |a| a);
    Ok(HttpResponse::Ok().json(page))
}

/// Get a knowledge-base article
///
/// The article with its version as `ETag`. Every signed-in role; a customer contact reads published
/// articles only — drafts and archived ones are 404 to them. Read-only.
#[utoipa::path(
    tag = "knowledge-base",
    operation_id = "getKbArticle",
    params(("id" = String, Path, description = "Article id")),
    responses((status = 200, description = "The article", body = ArticleOut, headers(("ETag" = String))))
)]
#[get("/kb-articles/{id}")]
async fn get_article(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::KbGet, &caller.actor.roles)?;
    let id = id.into_inner();
    let actor = caller.actor.clone();
    let out = state
        .db(move |conn| svc::render(&svc::get_row(conn, &actor, &id)?))
        .await?;
    Ok(versioned(StatusCode::OK, out.version, &out))
}

/// Edit a knowledge-base article (new version)
///
/// Edits an article (KB-1): the fields sent replace the current ones and make the next version
/// (`version_no` + 1), readable under `/versions`.
///
/// Who: admins, managers, supervisors and clerks edit any article; engineers edit drafts only (403
/// on others); other roles 403. Needs `If-Match`. An archived article is frozen (409). Triggers the
/// audit entry `kb_article.update`.
#[utoipa::path(
    tag = "knowledge-base",
    operation_id = "updateKbArticle",
    params(("id" = String, Path, description = "Article id"), crate::kernel::openapi::IfMatchHeader),
    request_body = UpdateArticle,
    responses(
        (status = 200, description = "Edited", body = ArticleOut, headers(("ETag" = String))),
        (status = 409, description = "The article is archived", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/kb-articles/{id}")]
async fn update_article(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<UpdateArticle>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::KbUpdate, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let id = id.into_inner();
    let out = state
        .tx(move |conn| svc::update(conn, &ctx, &actor, &id, version, input))
        .await?;
    Ok(versioned(StatusCode::OK, out.version, &out))
}

/// List an article's versions
///
/// Every content version of an article, oldest first. Staff only — every role but
/// `customer_contact` (403). Read-only.
#[utoipa::path(
    tag = "knowledge-base",
    operation_id = "listKbArticleVersions",
    params(("id" = String, Path, description = "Article id")),
    responses((status = 200, description = "The versions", body = Page<ArticleVersionOut>))
)]
#[get("/kb-articles/{id}/versions")]
async fn list_article_versions(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::KbVersions, &caller.actor.roles)?;
    let id = id.into_inner();
    let actor = caller.actor.clone();
    let items = state
        .db(move |conn| svc::versions(conn, &actor, &id))
        .await?;
    Ok(HttpResponse::Ok().json(Page {
        items,
        next_cursor: None,
    }))
}

/// Get one version of an article
///
/// One content version of an article, as it was written. Staff only — every role but
/// `customer_contact` (403); an unknown article or version is 404. Read-only.
#[utoipa::path(
    tag = "knowledge-base",
    operation_id = "getKbArticleVersion",
    params(
        ("id" = String, Path, description = "Article id"),
        ("n" = i64, Path, minimum = 1, description = "Version number, from 1"),
    ),
    responses((status = 200, description = "The version", body = ArticleVersionOut))
)]
#[get("/kb-articles/{id}/versions/{n}")]
async fn get_article_version(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::KbVersions, &caller.actor.roles)?;
    let (id, n) = path.into_inner();
    // Not a version number: no such version (a problem body, not actix's plain-text 404).
    let n: i64 = n.parse().map_err(|_| ApiError::NotFound)?;
    let actor = caller.actor.clone();
    let out = state
        .db(move |conn| svc::version(conn, &actor, &id, n))
        .await?;
    Ok(HttpResponse::Ok().json(out))
}

async fn act(
    state: web::Data<AppState>,
    caller: Caller,
    id: String,
    version: i64,
    command: ArticleCommand,
) -> Result<HttpResponse, ApiError> {
    let action = match command {
        ArticleCommand::Publish => Action::KbPublish,
        ArticleCommand::Archive => Action::KbArchive,
        ArticleCommand::Edit => Action::KbEditPublished,
    };
    access::require(action, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let out = state
        .tx(move |conn| svc::act(conn, &ctx, &actor, &id, version, command))
        .await?;
    Ok(versioned(StatusCode::OK, out.version, &out))
}

/// Publish an article
///
/// Publishes an article (a draft, or an archived one again): customer contacts can read it then
/// (KB-1). Admins, managers, supervisors and clerks (403 for others). Needs `If-Match`. 409 when it
/// is published already. Triggers the audit entry `kb_article.publish`.
#[utoipa::path(
    tag = "knowledge-base",
    operation_id = "publishKbArticle",
    params(("id" = String, Path, description = "Article id"), crate::kernel::openapi::IfMatchHeader),
    responses(
        (status = 200, description = "Published", body = ArticleOut, headers(("ETag" = String))),
        (status = 409, description = "The article is published already", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/kb-articles/{id}/publish")]
async fn publish_article(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
) -> Result<HttpResponse, ApiError> {
    act(
        state,
        caller,
        id.into_inner(),
        version,
        ArticleCommand::Publish,
    )
    .await
}

/// Archive an article
///
/// Archives an article (a draft or a published one): it stays readable to staff, leaves the
/// customers' view and can no longer be edited (KB-1). Admins, managers, supervisors and clerks
/// (403 for others). Needs `If-Match`. 409 when it is archived already. Triggers the audit entry
/// `kb_article.archive`.
#[utoipa::path(
    tag = "knowledge-base",
    operation_id = "archiveKbArticle",
    params(("id" = String, Path, description = "Article id"), crate::kernel::openapi::IfMatchHeader),
    responses(
        (status = 200, description = "Archived", body = ArticleOut, headers(("ETag" = String))),
        (status = 409, description = "The article is archived already", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/kb-articles/{id}/archive")]
async fn archive_article(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
) -> Result<HttpResponse, ApiError> {
    act(
        state,
        caller,
        id.into_inner(),
        version,
        ArticleCommand::Archive,
    )
    .await
}
