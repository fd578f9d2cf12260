//! Per-request context (language, request id, path) available to code that has no access to
//! the request, above all to error rendering. Set by the outermost middleware for the whole
//! request future.

use std::future::Future;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

#[derive(Debug, Clone)]
pub struct RequestContext {
    pub lang: Lang,
    pub request_id: String,
    pub path: String,
}

tokio::task_local! {
    static CONTEXT: RequestContext;
}

pub async fn scope<F: Future>(ctx: RequestContext, f: F) -> F::Output {
    CONTEXT.scope(ctx, f).await
}

/// The current request's context, to carry it onto the blocking pool.
pub fn current() -> Option<RequestContext> {
    CONTEXT.try_with(Clone::clone).ok()
}

/// Runs blocking `f` under `ctx` (task-locals do not cross into `web::block`), so errors
/// rendered there speak the request's language and name its id.
pub fn sync_scope<R>(ctx: Option<RequestContext>, f: impl FnOnce() -> R) -> R {
    match ctx {
        Some(ctx) => CONTEXT.sync_scope(ctx, f),
        None => f(),
    }
}

/// Wraps blocking `f` so that it runs under the context current where `carry` is called, on
/// whatever thread runs it: call it in the request's future, hand the result to `web::block`.
pub fn carry<R>(f: impl FnOnce() -> R) -> impl FnOnce() -> R {
    let ctx = current();
    move || sync_scope(ctx, f)
}

pub fn lang() -> Lang {
    CONTEXT.try_with(|c| c.lang).unwrap_or(Lang::Zh)
}

pub fn request_id() -> Option<String> {
    CONTEXT.try_with(|c| c.request_id.clone()).ok()
}

pub fn path() -> Option<String> {
    CONTEXT.try_with(|c| c.path.clone()).ok()
}

/// Picks zh-CN or en from `Accept-Language` by quality; zh-CN when neither is asked for.
pub fn negotiate(header: Option<&str>) -> Lang {
    let Some(header) = header else {
        return Lang::Zh;
    };
    let mut best: Option<(f32, Lang)> = None;
    for part in header.split(',') {
        let mut pieces = part.trim().split(';');
        let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
        let quality = pieces
            .find_map(|p| p.trim().strip_prefix("q="))
            .and_then(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        let lang = if tag == "zh" || tag.starts_with("zh-") {
            Lang::Zh
        } else if tag == "en" || tag.starts_with("en-") {
            Lang::En
        } else {
            continue;
        };
        if quality > 0.0 && best.is_none_or(|(q, _)| quality > q) {
            best = Some((quality, lang));
        }
    }
    best.map_or(Lang::Zh, |(_, lang)| lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiates_by_quality() {
        assert_eq!(negotiate(None), Lang::Zh);
        assert_eq!(negotiate(Some("en")), Lang::En);
        assert_eq!(negotiate(Some("en-US,en;q=0.9")), Lang::En);
        assert_eq!(negotiate(Some("zh-CN,zh;q=0.9,en;q=0.8")), Lang::Zh);
        assert_eq!(negotiate(Some("fr, en;q=0.5, zh;q=0.7")), Lang::Zh);
        assert_eq!(negotiate(Some("de")), Lang::Zh);
        assert_eq!(negotiate(Some("zh;q=0, en")), Lang::En);
    }

    #[actix_web::test]
    async fn carry_takes_the_request_context_onto_the_blocking_pool() {
        let ctx = RequestContext {
            lang: Lang::En,
            request_id: "req-7".to_owned(),
            path: "/api/v1/teams".to_owned(),
        };
        let (carried, lost) = scope(ctx, async {
            let carried = actix_web::web::block(carry(|| (lang(), request_id())))
                .await
                .unwrap();
            let lost = actix_web::web::block(lang).await.unwrap();
            (carried, lost)
        })
        .await;
        assert_eq!(carried, (Lang::En, Some("req-7".to_owned())));
        // Without it the blocking thread sees no request: the default language.
        assert_eq!(lost, Lang::Zh);
    }
}
