//! The one API error type; every error leaves as RFC 9457 problem+json in the caller's language.

use crate::kernel::context::{self, Lang};
use crate::kernel::i18n;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use chrono::{DateTime, Utc};
use kefu_core::{DomainError, FieldError};
use kefu_store::StoreError;

pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request cannot be read: malformed JSON, wrong field types, unknown fields or
    /// query parameters.
    #[error("bad request: {detail}")]
    BadRequest {
        detail: String,
        errors: Vec<FieldError>,
    },
    /// A body that is not JSON at all, with where the parser gave up.
    #[error("malformed JSON at line {line}, column {column}")]
    MalformedJson { line: usize, column: usize },
    /// Well-formed input that breaks field rules.
    #[error("validation failed")]
    Invalid(Vec<FieldError>),
    /// A business rule of domain.md refused the command.
    #[error("{rule}: {message}")]
    Rule { rule: &'static str, message: String },
    #[error("unauthenticated: {0}")]
    Unauthenticated(&'static str),
    #[error("forbidden")]
    Forbidden,
    /// The caller's roles do not allow the command, by the named rule of domain.md: a 403
    /// whose `rule` member names the rule id (e.g. `BIL-3`: only a manager approves a quote
    /// below the floor price).
    #[error("forbidden by {rule}")]
    ForbiddenBy { rule: &'static str },
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed { allowed: Vec<String> },
    /// The account holds a temporary password and may only change it.
    #[error("password change required")]
    PasswordChangeRequired,
    /// The record's state does not allow the command and no domain rule is involved.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The record's state does not allow the command, by the named rule of domain.md: a 409
    /// of type `urn:kefu:problem:conflict` whose `rule` member names the rule id.
    #[error("{rule}: {message}")]
    State { rule: &'static str, message: String },
    /// A unique key refused the write: a 409 of type `urn:kefu:problem:conflict` with a generic
    /// detail and, when the key is one a client writes, a field error `{field, code:
    /// "duplicate"}`. The database's own text stays in the log.
    #[error("duplicate: {0}")]
    Duplicate(kefu_store::UniqueViolation),
    #[error("If-Match required")]
    PreconditionRequired,
    #[error("version mismatch, current version {current}")]
    PreconditionFailed { current: i64 },
    #[error("payload too large (limit {limit} bytes)")]
    PayloadTooLarge { limit: usize },
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// A body or an uploaded file whose type the operation does not take; `found` is what was
    /// declared (for a body) or detected from the content (for a file).
    #[error("unsupported media type {found}")]
    MediaTypeRefused {
        found: String,
        allowed: &'static [&'static str],
    },
    #[error("Idempotency-Key reused with a different request")]
    IdempotencyKeyReused,
    #[error("a request with this Idempotency-Key is still being processed")]
    IdempotencyInProgress { retry_after_secs: u64 },
    /// The first request with the key was carried out, but its process died before the
    /// response was stored: it is not run again. `entity` is the record it wrote, if any.
    #[error("the request with this Idempotency-Key was carried out but its response was lost")]
    IdempotencyOutcomeLost { entity: Option<(String, String)> },
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// A bounded resource (password hashing) stayed busy for as long as a request may wait:
    /// 503 with `Retry-After`, the client retries later.
    #[error("overloaded: {what}")]
    Overloaded {
        what: &'static str,
        retry_after_secs: u64,
    },
    /// What the caller may see shrank after `updated_since` (moved off a team, a role or a
    /// record taken away): a delta cannot name the records they lost, so the list must be read
    /// again in full, and `resync_since` is the `updated_since` to continue from afterwards.
    #[error("delta sync must start over")]
    SyncReset { resync_since: DateTime<Utc> },
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    pub fn bad_request(detail: impl Into<String>) -> Self {
        ApiError::BadRequest {
            detail: detail.into(),
            errors: Vec::new(),
        }
    }

    /// A duplicate found before writing, answered as the unique key `key` (a name of
    /// `kefu_store::UNIQUE_KEYS`) would answer a racing write: a field error, a generic detail.
    pub fn duplicate(key: &'static str) -> Self {
        ApiError::Duplicate(kefu_store::UniqueViolation::of(key))
    }

    pub fn internal(e: impl std::fmt::Display) -> Self {
        ApiError::Internal(e.to_string())
    }

    fn lost_entity(&self) -> Option<&(String, String)> {
        match self {
            ApiError::IdempotencyOutcomeLost { entity } => entity.as_ref(),
            _ => None,
        }
    }

    /// The rule id of domain.md a refusal names, if it names one.
    pub fn rule(&self) -> Option<&'static str> {
        match self {
            ApiError::Rule { rule, .. }
            | ApiError::State { rule, .. }
            | ApiError::ForbiddenBy { rule } => Some(rule),
            ApiError::Invalid(errors) => kefu_core::single_rule(errors),
            _ => None,
        }
    }

    pub fn status(&self) -> StatusCode {
        self.status_code()
    }

    /// The error's kind, as the last segment of its problem `type`.
    pub fn kind(&self) -> &'static str {
        self.slug()
    }

    fn slug(&self) -> &'static str {
        match self {
            ApiError::BadRequest { .. } | ApiError::MalformedJson { .. } => "bad-request",
            ApiError::Invalid(_) => "validation",
            ApiError::Rule { .. } => "rule-violation",
            ApiError::Unauthenticated(_) => "unauthenticated",
            ApiError::Forbidden | ApiError::ForbiddenBy { .. } => "forbidden",
            ApiError::NotFound => "not-found",
            ApiError::MethodNotAllowed { .. } => "method-not-allowed",
            ApiError::PasswordChangeRequired => "password-change-required",
            // One type for every 409 state conflict; `rule` and `errors` tell them apart.
            ApiError::Conflict(_) | ApiError::State { .. } | ApiError::Duplicate(_) => "conflict",
            ApiError::PreconditionRequired => "precondition-required",
            ApiError::PreconditionFailed { .. } => "precondition-failed",
            ApiError::PayloadTooLarge { .. } => "payload-too-large",
            ApiError::UnsupportedMediaType | ApiError::MediaTypeRefused { .. } => {
                "unsupported-media-type"
            }
            ApiError::IdempotencyKeyReused => "idempotency-key-reused",
            ApiError::IdempotencyInProgress { .. } => "idempotency-in-progress",
            ApiError::IdempotencyOutcomeLost { .. } => "idempotency-outcome-lost",
            ApiError::TooManyRequests { .. } => "rate-limited",
            ApiError::Unavailable(_) => "unavailable",
            ApiError::Overloaded { .. } => "overloaded",
            ApiError::SyncReset { .. } => "sync-reset",
            ApiError::Internal(_) => "internal",
        }
    }

    fn title(&self, lang: Lang) -> &'static str {
        i18n::title(self.slug(), lang)
    }

    fn detail(&self, lang: Lang) -> String {
        match self {
            ApiError::BadRequest { detail, errors } => i18n::bad_request(detail, errors, lang),
            ApiError::MalformedJson { line, column } => match lang {
                Lang::Zh => format!("请求体不是有效的 JSON（第 {line} 行第 {column} 列）"),
                Lang::En => format!("The body is not valid JSON (line {line}, column {column})"),
            },
            ApiError::Invalid(errors) => match lang {
                Lang::Zh => format!("{} 个字段未通过校验", errors.len()),
                Lang::En => format!("{} field(s) failed validation", errors.len()),
            },
            ApiError::Rule { rule, message } => i18n::refused_by(rule, message, false, lang),
            ApiError::Unauthenticated(reason) => i18n::unauthenticated(reason, lang).to_owned(),
            ApiError::Forbidden | ApiError::ForbiddenBy { .. } => pick(
                lang,
                "你的角色无权执行此操作",
                "Your roles do not allow this operation",
            )
            .to_owned(),
            ApiError::NotFound => pick(
                lang,
                "请求的资源不存在或对你不可见",
                "The resource does not exist or is not visible to you",
            )
            .to_owned(),
            ApiError::MethodNotAllowed { allowed } => match lang {
                Lang::Zh => format!("此路径支持的方法：{}", allowed.join(", ")),
                Lang::En => format!("This path supports: {}", allowed.join(", ")),
            },
            ApiError::PasswordChangeRequired => pick(
                lang,
                "账号使用的是临时密码，请先通过 POST /api/v1/me/password 修改密码",
                "The account has a temporary password: change it with POST /api/v1/me/password first",
            )
            .to_owned(),
            ApiError::Conflict(message) => match lang {
                Lang::Zh => "记录当前的状态不允许此操作".to_owned(),
                Lang::En => message.clone(),
            },
            ApiError::State { rule, message } => i18n::refused_by(rule, message, true, lang),
            ApiError::Duplicate(unique) => match (unique.field, lang) {
                (Some(field), Lang::Zh) => format!("记录重复：已有记录使用相同的 {field}"),
                (Some(field), Lang::En) => {
                    format!("duplicate record: another record already has this {field}")
                }
                (None, Lang::Zh) => "记录重复：已有相同键值的记录".to_owned(),
                (None, Lang::En) => {
                    "duplicate record: a record with the same key already exists".to_owned()
                }
            },
            ApiError::PreconditionRequired => pick(
                lang,
                "修改已有记录须带 If-Match 头（取自 GET 返回的 ETag）",
                "Changing an existing record needs an If-Match header with the ETag from GET",
            )
            .to_owned(),
            ApiError::PreconditionFailed { current } => match lang {
                Lang::Zh => format!("记录已被他人修改，当前版本为 {current}，请重新读取后再提交"),
                Lang::En => format!(
                    "The record was changed by someone else; its current version is {current}. Read it again and retry"
                ),
            },
            ApiError::PayloadTooLarge { limit } => match lang {
                Lang::Zh => format!("请求体超过上限 {limit} 字节"),
                Lang::En => format!("The request body exceeds the limit of {limit} bytes"),
            },
            ApiError::UnsupportedMediaType => pick(
                lang,
                "请求体须为 application/json",
                "The request body must be application/json",
            )
            .to_owned(),
            ApiError::MediaTypeRefused { found, allowed } => match lang {
                Lang::Zh => format!("不接受 {found} 类型的内容；允许：{}", allowed.join(", ")),
                Lang::En => format!("{found} is not accepted here; allowed: {}", allowed.join(", ")),
            },
            ApiError::IdempotencyKeyReused => pick(
                lang,
                "该 Idempotency-Key 已用于内容不同的请求",
                "This Idempotency-Key was already used with a different request",
            )
            .to_owned(),
            ApiError::IdempotencyInProgress { retry_after_secs } => match lang {
                Lang::Zh => format!(
                    "使用该 Idempotency-Key 的第一个请求尚未完成，请在 {retry_after_secs} 秒后重试"
                ),
                Lang::En => format!(
                    "The first request with this Idempotency-Key is still running; retry after \
                     {retry_after_secs} seconds"
                ),
            },
            ApiError::IdempotencyOutcomeLost { entity } => {
                let wrote = entity.as_ref().map(|(kind, id)| match lang {
                    Lang::Zh => format!("；它写入了 {kind} {id}"),
                    Lang::En => format!("; it wrote {kind} {id}"),
                });
                let wrote = wrote.unwrap_or_default();
                match lang {
                    Lang::Zh => format!(
                        "使用该 Idempotency-Key 的第一个请求已执行，但服务在应答前停止，不会再次执行{wrote}"
                    ),
                    Lang::En => format!(
                        "The first request with this Idempotency-Key was carried out, but the \
                         server stopped before answering it; it is not run again{wrote}"
                    ),
                }
            }
            ApiError::TooManyRequests { retry_after_secs } => match lang {
                Lang::Zh => format!("请在 {retry_after_secs} 秒后重试"),
                Lang::En => format!("Retry after {retry_after_secs} seconds"),
            },
            ApiError::Overloaded {
                retry_after_secs, ..
            } => match lang {
                Lang::Zh => format!("服务繁忙，请在 {retry_after_secs} 秒后重试"),
                Lang::En => format!("The service is busy; retry after {retry_after_secs} seconds"),
            },
            ApiError::Unavailable(_) => pick(
                lang,
                "数据库暂时不可用，请稍后重试",
                "The database is temporarily unavailable; retry shortly",
            )
            .to_owned(),
            ApiError::SyncReset { resync_since } => match lang {
                Lang::Zh => format!(
                    "自 updated_since 之后你可见的范围缩小了（调离班组、角色或记录被移走）：请删除本地的该列表，\
                     不带 updated_since 重新读取全部，之后以 {} 作为 updated_since 继续增量同步",
                    resync_since.to_rfc3339()
                ),
                Lang::En => format!(
                    "What you may see shrank after updated_since (moved off a team, a role or a \
                     record taken away): drop your copy of this list, read it again without \
                     updated_since, then continue delta sync from {}",
                    resync_since.to_rfc3339()
                ),
            },
            ApiError::Internal(_) => pick(
                lang,
                "服务器内部错误，请凭 request_id 联系管理员",
                "Internal error; quote the request_id to your administrator",
            )
            .to_owned(),
        }
    }

    pub fn problem(&self) -> Problem {
        let lang = context::lang();
        let errors = match self {
            ApiError::BadRequest { errors, .. } | ApiError::Invalid(errors) => {
                let mut errors: Vec<&FieldError> = errors.iter().collect();
                // A stable order, whatever order the checks ran in.
                errors.sort_by(|a, b| (&a.field, a.code).cmp(&(&b.field, b.code)));
                Some(errors.into_iter().map(|e| field_problem(e, lang)).collect())
            }
            ApiError::Duplicate(kefu_store::UniqueViolation {
                field: Some(field), ..
            }) => Some(vec![field_problem(
                &FieldError::new(*field, "duplicate", "already used by another record"),
                lang,
            )]),
            _ => None,
        };
        Problem {
            r#type: format!("urn:kefu:problem:{}", self.slug()),
            title: self.title(lang).to_owned(),
            status: self.status_code().as_u16(),
            detail: self.detail(lang),
            instance: context::path(),
            request_id: context::request_id(),
            errors,
            rule: self.rule().map(str::to_owned),
            entity_type: self.lost_entity().map(|(kind, _)| kind.clone()),
            entity_id: self.lost_entity().map(|(_, id)| id.clone()),
            current_version: match self {
                ApiError::PreconditionFailed { current } => Some(*current),
                _ => None,
            },
            resync_since: match self {
                ApiError::SyncReset { resync_since } => Some(*resync_since),
                _ => None,
            },
        }
    }
}

fn pick(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } | ApiError::MalformedJson { .. } => StatusCode::BAD_REQUEST,
            ApiError::Invalid(_) | ApiError::Rule { .. } | ApiError::IdempotencyKeyReused => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ApiError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden
            | ApiError::ForbiddenBy { .. }
            | ApiError::PasswordChangeRequired => StatusCode::FORBIDDEN,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::Conflict(_)
            | ApiError::State { .. }
            | ApiError::Duplicate(_)
            | ApiError::IdempotencyInProgress { .. }
            | ApiError::IdempotencyOutcomeLost { .. } => StatusCode::CONFLICT,
            ApiError::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            ApiError::PreconditionFailed { .. } => StatusCode::PRECONDITION_FAILED,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType | ApiError::MediaTypeRefused { .. } => {
                StatusCode::UNSUPPORTED_MEDIA_TYPE
            }
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) | ApiError::Overloaded { .. } => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            ApiError::SyncReset { .. } => StatusCode::GONE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            // The cause stays in the log, keyed by the request id the client sees.
            ApiError::Internal(cause) | ApiError::Unavailable(cause) => tracing::error!(
                request_id = context::request_id().unwrap_or_default(),
                error = %cause,
                "request failed"
            ),
            // The database's text never reaches the client; the log keeps it.
            ApiError::Duplicate(unique) => tracing::info!(
                request_id = context::request_id().unwrap_or_default(),
                key = unique.key.unwrap_or("unknown"),
                error = %unique.db_message,
                "unique key refused a write"
            ),
            _ => {}
        }
        let problem = self.problem();
        let body = serde_json::to_string(&problem).unwrap_or_else(|_| "{}".to_owned());
        let mut res = HttpResponse::build(self.status_code());
        res.insert_header((header::CONTENT_TYPE, PROBLEM_CONTENT_TYPE));
        match self {
            ApiError::TooManyRequests { retry_after_secs }
            | ApiError::IdempotencyInProgress { retry_after_secs } => {
                res.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            ApiError::Unavailable(_) => {
                res.insert_header((header::RETRY_AFTER, "5"));
            }
            ApiError::Overloaded {
                retry_after_secs, ..
            } => {
                res.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            ApiError::MethodNotAllowed { allowed } => {
                res.insert_header((header::ALLOW, allowed.join(", ")));
            }
            ApiError::Unauthenticated(_) => {
                res.insert_header((
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"kefu\""),
                ));
            }
            _ => {}
        }
        res.body(body)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Unavailable(m) => ApiError::Unavailable(m),
            StoreError::Duplicate(unique) => ApiError::Duplicate(unique),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<kefu_store::DieselError> for ApiError {
    fn from(e: kefu_store::DieselError) -> Self {
        ApiError::from(StoreError::from(e))
    }
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::Invalid(errors) => ApiError::Invalid(errors),
            DomainError::Rule { rule, message } => ApiError::Rule { rule, message },
            DomainError::State { rule, message } => ApiError::State { rule, message },
            DomainError::Conflict(message) => ApiError::Conflict(message),
            DomainError::Forbidden { rule, .. } => ApiError::ForbiddenBy { rule },
        }
    }
}

mod problem;
mod validation;

use problem::field_problem;
pub use problem::{Problem, ProblemFieldError};

#[cfg(test)]
mod tests;
