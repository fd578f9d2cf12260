//! Cursor pagination: `?limit=&cursor=` in, `{items, next_cursor}` out. A cursor is an opaque
//! token wrapping the sort key of the last item returned.
//!
//! Two kinds of cursor exist:
//! - the plain list cursor ([`encode_cursor`] / [`decode_cursor`], built by [`paginate`]):
//!   the id of the last item, for lists in id order;
//! - the delta-sync cursor ([`encode_change_cursor`] / [`decode_change_cursor`], built by
//!   [`paginate_changes`]): the `(updated_at, id)` pair of the last item, for
//!   `?updated_since=` lists in update order. The store seeks with
//!   `updated_at > at OR (updated_at = at AND id > id)`, so records sharing an instant are
//!   neither skipped nor repeated. Parse the parameter itself with [`parse_updated_since`].
//!
//! A cursor of one kind is refused (400) where the other is expected.

use crate::error::ApiError;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, SecondsFormat, Utc};
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
        .ok_or_else(bad_cursor)
}

pub fn encode_cursor(key: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("k:{key}"))
}

fn bad_cursor() -> ApiError {
    ApiError::BadRequest {
        detail: "cursor is not one this API issued".to_owned(),
        errors: vec![FieldError::new(
            "query.cursor",
            "format",
            "not a cursor issued by this API",
        )],
    }
}

/// The delta-sync cursor for the item last returned: its `updated_at` (to the nanosecond, in
/// UTC) and its id.
pub fn encode_change_cursor(updated_at: DateTime<Utc>, id: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!(
        "u:{}|{id}",
        updated_at.to_rfc3339_opts(SecondsFormat::Nanos, true)
    ))
}

/// The `(updated_at, id)` pair of a delta-sync cursor; 400 for anything else, a plain list
/// cursor included.
pub fn decode_change_cursor(
    cursor: Option<&str>,
) -> Result<Option<(DateTime<Utc>, String)>, ApiError> {
    let Some(cursor) = cursor else {
        return Ok(None);
    };
    let text = URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(bad_cursor)?;
    let (at, id) = text
        .strip_prefix("u:")
        .and_then(|rest| rest.split_once('|'))
        .ok_or_else(bad_cursor)?;
    let at = DateTime::parse_from_rfc3339(at).map_err(|_| bad_cursor())?;
    if id.is_empty() {
        return Err(bad_cursor());
    }
    Ok(Some((at.with_timezone(&Utc), id.to_owned())))
}

/// `?updated_since=` as an instant. RFC 3339 with an offset; an unencoded `+` of the offset
/// arrives as a space and is taken back as `+`.
pub fn parse_updated_since(raw: &str) -> Result<DateTime<Utc>, ApiError> {
    let raw = raw.trim();
    DateTime::parse_from_rfc3339(raw)
        .or_else(|_| DateTime::parse_from_rfc3339(&raw.replace(' ', "+")))
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| ApiError::BadRequest {
            detail: format!("`{raw}` is not an RFC 3339 time"),
            errors: vec![FieldError::new(
                "query.updated_since",
                "format",
                "must be an RFC 3339 time with offset, e.g. 2026-03-01T08:05:00+08:00",
            )],
        })
}

/// Like [`paginate`] for delta sync: the cursor is the `(updated_at, id)` of the last item.
pub fn paginate_changes<R, T: ToSchema>(
    mut rows: Vec<R>,
    limit: usize,
    key: impl Fn(&R) -> (DateTime<Utc>, String),
    to_item: impl FnMut(R) -> T,
) -> Page<T> {
    let next_cursor = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|r| {
            let (at, id) = key(r);
            encode_change_cursor(at, &id)
        })
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
    fn change_cursor_round_trips_and_is_not_a_list_cursor() {
        let at = DateTime::parse_from_rfc3339("2026-03-01T08:05:00.123456789+08:00")
            .unwrap()
            .with_timezone(&Utc);
        let c = encode_change_cursor(at, "0193-abc");
        assert_eq!(
            decode_change_cursor(Some(&c)).unwrap(),
            Some((at, "0193-abc".to_owned()))
        );
        assert!(decode_change_cursor(Some(&encode_cursor("0193-abc"))).is_err());
        assert!(decode_cursor(Some(&c)).is_err());
        assert!(decode_change_cursor(Some(&URL_SAFE_NO_PAD.encode("u:yesterday|x"))).is_err());
        let page = paginate_changes(vec![1, 2, 3], 2, |n| (at, n.to_string()), |n| n);
        assert_eq!(
            decode_change_cursor(page.next_cursor.as_deref()).unwrap(),
            Some((at, "2".to_owned()))
        );
    }

    #[test]
    fn updated_since_takes_rfc3339_with_an_unencoded_plus() {
        let want = DateTime::parse_from_rfc3339("2026-03-01T00:05:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            parse_updated_since("2026-03-01T08:05:00+08:00").unwrap(),
            want
        );
        assert_eq!(
            parse_updated_since("2026-03-01T08:05:00 08:00").unwrap(),
            want
        );
        assert!(parse_updated_since("2026-03-01").is_err());
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
