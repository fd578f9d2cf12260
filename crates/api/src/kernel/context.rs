//! Per-request context (language, request id, path) available to code that has no access to
//! the request, above all to error rendering. Set by the outermost middleware for the whole
//! request future.

use std::any::Any;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

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
    pub memo: Memo,
    pub db: Arc<DbUse>,
}

impl RequestContext {
    pub fn new(lang: Lang, request_id: String, path: String) -> RequestContext {
        RequestContext {
            lang,
            request_id,
            path,
            memo: Memo::default(),
            db: Arc::default(),
        }
    }
}

/// What a request cost the database: statements sent and time spent holding a connection,
/// summed over every blocking call it made.
#[derive(Debug, Default)]
pub struct DbUse {
    statements: AtomicU64,
    micros: AtomicU64,
}

impl DbUse {
    pub fn statements(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    pub fn time(&self) -> Duration {
        Duration::from_micros(self.micros.load(Ordering::Relaxed))
    }
}

/// Adds one database call's statements and time to the current request's count.
pub fn count_db(statements: u64, time: Duration) {
    let _ = CONTEXT.try_with(|c| {
        c.db.statements.fetch_add(statements, Ordering::Relaxed);
        let micros = u64::try_from(time.as_micros()).unwrap_or(u64::MAX);
        c.db.micros.fetch_add(micros, Ordering::Relaxed);
    });
}

/// Values a request computes at most once (the caller's ORG-5 place, read by every list and
/// record check it makes), shared by the request's future and every blocking call it makes:
/// clones of a context share one memo.
#[derive(Clone, Default)]
pub struct Memo(Arc<Mutex<Vec<Arc<dyn Any + Send + Sync>>>>);

impl std::fmt::Debug for Memo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Memo")
    }
}

impl Memo {
    fn find<T: Any + Send + Sync>(&self, accept: &impl Fn(&T) -> bool) -> Option<Arc<T>> {
        let slots = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        slots
            .iter()
            .filter_map(|slot| slot.clone().downcast::<T>().ok())
            .find(|value| accept(value))
    }

    fn keep<T: Any + Send + Sync>(&self, value: Arc<T>) {
        self.drop_all::<T>();
        let mut slots = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        slots.push(value);
    }

    fn drop_all<T: Any + Send + Sync>(&self) {
        let mut slots = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        slots.retain(|slot| !slot.is::<T>());
    }
}

/// Keeps `value` for the rest of the current request (replacing an earlier `T`); outside a
/// request it is dropped.
pub fn remember<T: Any + Send + Sync>(value: T) {
    if let Ok(memo) = CONTEXT.try_with(|c| c.memo.clone()) {
        memo.keep(Arc::new(value));
    }
}

/// Forgets the `T` the current request remembered, if any.
pub fn forget<T: Any + Send + Sync>() {
    if let Ok(memo) = CONTEXT.try_with(|c| c.memo.clone()) {
        memo.drop_all::<T>();
    }
}

/// The `T` the current request remembered, if any.
pub fn recall<T: Any + Send + Sync>() -> Option<Arc<T>> {
    CONTEXT
        .try_with(|c| c.memo.find(&|_: &T| true))
        .ok()
        .flatten()
}

/// The current request's memoised `T` that `accept` takes (e.g. one computed for this very
/// caller), else `compute`'s, kept for the rest of the request. Outside a request (jobs, the
/// command line) it is computed every time.
pub fn memoised<T, E>(
    accept: impl Fn(&T) -> bool,
    compute: impl FnOnce() -> Result<T, E>,
) -> Result<Arc<T>, E>
where
    T: Any + Send + Sync,
{
    let memo = CONTEXT.try_with(|c| c.memo.clone()).ok();
    if let Some(found) = memo.as_ref().and_then(|m| m.find(&accept)) {
        return Ok(found);
    }
    let value = Arc::new(compute()?);
    if let Some(memo) = memo {
        memo.keep(value.clone());
    }
    Ok(value)
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

    fn request() -> RequestContext {
        RequestContext::new(Lang::En, "req-7".to_owned(), "/api/v1/tickets".to_owned())
    }

    #[test]
    fn a_memoised_value_is_computed_once_per_request_and_shared_by_its_clones() {
        let computed = std::cell::Cell::new(0);
        let compute = || {
            computed.set(computed.get() + 1);
            Ok::<_, ()>(("u1".to_owned(), computed.get()))
        };
        let for_u1 = |v: &(String, i32)| v.0 == "u1";
        let ctx = request();
        let first = CONTEXT
            .sync_scope(ctx.clone(), || memoised(for_u1, compute))
            .unwrap();
        // The blocking pool runs under a clone of the request's context: it sees the same memo.
        let again = CONTEXT
            .sync_scope(ctx, || memoised(for_u1, compute))
            .unwrap();
        assert_eq!((first.1, again.1, computed.get()), (1, 1, 1));
        // Another request starts afresh, and so does code outside any request.
        let other = CONTEXT
            .sync_scope(request(), || memoised(for_u1, compute))
            .unwrap();
        let outside = memoised(for_u1, compute).unwrap();
        assert_eq!((other.1, outside.1, computed.get()), (2, 3, 3));
    }

    #[test]
    fn a_remembered_value_is_recalled_within_its_request_only() {
        #[derive(Debug, PartialEq)]
        struct Claimed(&'static str);
        let ctx = request();
        CONTEXT.sync_scope(ctx.clone(), || {
            assert_eq!(recall::<Claimed>(), None);
            remember(Claimed("k1"));
            remember(Claimed("k2"));
        });
        let seen = CONTEXT.sync_scope(ctx.clone(), recall::<Claimed>);
        assert_eq!(seen.as_deref(), Some(&Claimed("k2")));
        CONTEXT.sync_scope(ctx.clone(), forget::<Claimed>);
        assert_eq!(CONTEXT.sync_scope(ctx, recall::<Claimed>), None);
        assert_eq!(CONTEXT.sync_scope(request(), recall::<Claimed>), None);
        remember(Claimed("nowhere"));
        assert_eq!(recall::<Claimed>(), None);
    }

    #[test]
    fn a_memoised_value_for_someone_else_is_not_taken() {
        CONTEXT.sync_scope(request(), || {
            let a = memoised(|v: &String| v == "a", || Ok::<_, ()>("a".to_owned())).unwrap();
            let b = memoised(|v: &String| v == "b", || Ok::<_, ()>("b".to_owned())).unwrap();
            assert_eq!((a.as_str(), b.as_str()), ("a", "b"));
            let failed = memoised(|v: &String| v == "c", || Err::<String, _>("db down"));
            assert_eq!(failed.unwrap_err(), "db down");
        });
    }
}
