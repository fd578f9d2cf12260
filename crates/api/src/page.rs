//! Cursor pagination: `?limit=&cursor=` in, `{items, next_cursor}` out. A cursor is an opaque
//! token wrapping the sort key of the last item returned.

use crate::error::ApiError;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use kefu_core::FieldError;
use serde::Serialize;
use utoipa::ToSchema;

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 200;

#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T: ToSchema> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// The validated `limit`, as a row count to fetch (one more than asked, to know whether a
/// further page exists).
pub fn fetch_size(limit: Option<u32>) -> Result<(usize, i64), ApiError> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::Invalid(vec![FieldError::new(
            "query.limit",
            "range",
            format!("must be between 1 and {MAX_LIMIT}"),
        )]));
    }
    Ok((limit as usize, i64::from(limit) + 1))
}

pub fn decode_cursor(cursor: Option<&str>) -> Result<Option<String>, ApiError> {
    let Some(cursor) = cursor else {
        return Ok(None);
    };
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|s| s.strip_prefix("k:").map(str::to_owned))
        .map(Some)
        .ok_or_else(|| ApiError::BadRequest {
            detail: "cursor is not one this API issued".to_owned(),
            errors: vec![FieldError::new(
                "query.cursor",
                "format",
                "not a cursor issued by this API",
            )],
        })
}

pub fn encode_cursor(key: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("k:{key}"))
}

// --- Delta-sync cursors -------------------------------------------------------------------
//
// Delta sync (`?updated_since=`) pages in `(updated_at, id)` order, so its cursor carries both
// halves of that key: `base64url("u:" + updated_at + "|" + id)`, the instant written in UTC with
// nanoseconds (`2026-03-01T00:05:00.123456789Z`) so that no precision the database keeps is lost.

/// The cursor after a record last changed at `updated_at` with id `id`.
pub fn encode_change_cursor(updated_at: chrono::DateTime<chrono::Utc>, id: &str) -> String {
    let at = updated_at.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true);
    URL_SAFE_NO_PAD.encode(format!("u:{at}|{id}"))
}

/// The `(updated_at, id)` pair of a cursor made by [`encode_change_cursor`]; 400 for any other.
pub fn decode_change_cursor(
    cursor: Option<&str>,
) -> Result<Option<(chrono::DateTime<chrono::Utc>, String)>, ApiError> {
    let Some(cursor) = cursor else {
        return Ok(None);
    };
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|s| {
            let (at, id) = s.strip_prefix("u:")?.split_once('|')?;
            let at = chrono::DateTime::parse_from_rfc3339(at).ok()?;
            (!id.is_empty()).then(|| (at.with_timezone(&chrono::Utc), id.to_owned()))
        })
        .map(Some)
        .ok_or_else(|| ApiError::BadRequest {
            detail: "cursor is not one this API issued for this query".to_owned(),
            errors: vec![FieldError::new(
                "query.cursor",
                "format",
                "not a delta-sync cursor issued by this API",
            )],
        })
}

/// Like [`paginate`], with the cursor made by `cursor_of` from the last row kept.
pub fn paginate_with<R, T: ToSchema>(
    mut rows: Vec<R>,
    limit: usize,
    cursor_of: impl Fn(&R) -> String,
    to_item: impl FnMut(R) -> T,
) -> Page<T> {
    let next_cursor = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(cursor_of)
    } else {
        None
    };
    Page {
        items: rows.into_iter().map(to_item).collect(),
        next_cursor,
    }
}

/// Cuts the extra row off and makes the cursor from the last item kept.
pub fn paginate<R, T: ToSchema>(
    mut rows: Vec<R>,
    limit: usize,
    key: impl Fn(&R) -> String,
    to_item: impl FnMut(R) -> T,
) -> Page<T> {
    let next_cursor = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|r| encode_cursor(&key(r)))
    } else {
        None
    };
    Page {
        items: rows.into_iter().map(to_item).collect(),
        next_cursor,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trips_and_rejects_forgeries() {
        let c = encode_cursor("0193-abc");
        assert_eq!(
            decode_cursor(Some(&c)).unwrap(),
            Some("0193-abc".to_owned())
        );
        assert!(decode_cursor(Some("not-base64!")).is_err());
        assert!(decode_cursor(Some(&URL_SAFE_NO_PAD.encode("x:1"))).is_err());
    }

    #[test]
    fn change_cursor_round_trips_and_rejects_id_cursors() {
        let at = chrono::DateTime::parse_from_rfc3339("2026-03-01T08:05:00.123456789+08:00")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let c = encode_change_cursor(at, "0193-abc");
        assert_eq!(
            decode_change_cursor(Some(&c)).unwrap(),
            Some((at, "0193-abc".to_owned()))
        );
        assert_eq!(decode_change_cursor(None).unwrap(), None);
        assert!(decode_change_cursor(Some(&encode_cursor("0193-abc"))).is_err());
        assert!(decode_change_cursor(Some(&URL_SAFE_NO_PAD.encode("u:nonsense|x"))).is_err());
    }

    #[test]
    fn limit_is_bounded() {
        assert_eq!(fetch_size(None).unwrap(), (50, 51));
        assert!(fetch_size(Some(0)).is_err());
        assert!(fetch_size(Some(201)).is_err());
    }

    #[test]
    fn paginate_sets_next_cursor_only_when_more_remain() {
        let page = paginate(vec![1, 2, 3], 2, |n| n.to_string(), |n| n);
        assert_eq!(page.items, vec![1, 2]);
        assert_eq!(
            decode_cursor(page.next_cursor.as_deref()).unwrap(),
            Some("2".into())
        );
        let last = paginate(vec![1, 2], 2, |n| n.to_string(), |n| n);
        assert_eq!(last.next_cursor, None);
    }
}
