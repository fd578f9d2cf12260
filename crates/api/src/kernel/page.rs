//! Cursor pagination: `?limit=&cursor=` in, `{items, next_cursor}` out. A cursor is an opaque
//! token (`k` and the hex of the sort key) of the last item returned.

use crate::kernel::error::ApiError;
use kefu_core::FieldError;
use kefu_store::delta::ListMode;
use serde::Serialize;
use utoipa::ToSchema;

pub const DEFAULT_LIMIT: u32 = 50;
/// How far before `updated_since` a delta list reaches back. A change is stamped when its
/// command starts and seen when it commits; reaching back this far means a change committed
/// late, or stamped in the same microsecond as the last one a client received, still arrives.
/// Records in the overlap come again; clients keep the one with the higher `version`.
pub const SYNC_OVERLAP_SECS: i64 = 60;
pub const MAX_LIMIT: u32 = 200;

#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    /// At most `limit` records (1 to 200, default 50).
    #[schema(max_items = 200)]
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
    // `k` and the hex of the last sort key: any such string is a cursor (the spec's pattern),
    // and one that was not issued merely starts the page at that key. No NUL byte: PostgreSQL
    // text cannot hold one.
    cursor
        .strip_prefix('k')
        .and_then(|hex| hex::decode(hex).ok())
        .filter(|bytes| !bytes.contains(&0))
        .map(|bytes| Some(String::from_utf8_lossy(&bytes).into_owned()))
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
    format!("k{}", hex::encode(key))
}

/// `?updated_since=` as an instant. RFC 3339 with an offset; an unencoded `+` of the offset
/// arrives as a space and is taken back as `+`.
pub fn parse_updated_since(raw: &str) -> Result<chrono::DateTime<chrono::Utc>, ApiError> {
    let raw = raw.trim();
    chrono::DateTime::parse_from_rfc3339(raw)
        .or_else(|_| chrono::DateTime::parse_from_rfc3339(&raw.replace(' ', "+")))
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|_| ApiError::BadRequest {
            detail: format!("`{raw}` is not an RFC 3339 time"),
            errors: vec![FieldError::new(
                "query.updated_since",
                "format",
                "must be an RFC 3339 time with offset, e.g. 2026-03-01T08:05:00+08:00",
            )],
        })
}

/// Cuts the extra row off and makes the cursor from the last item kept.
pub fn paginate<R, T>(
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

/// How a list pages: by id over live records, or — with `updated_since` — over every record
/// changed since then, tombstones included, by (updated_at, id).
/// A delta-syncable list's window from its query: the page size, the rows to fetch (one more,
/// to know whether there is a next page) and the mode (live rows in id order, or rows changed
/// after `updated_since` in update order), each refusal naming its parameter.
pub fn window(
    limit: Option<u32>,
    updated_since: Option<&str>,
    cursor: Option<&str>,
) -> Result<(usize, i64, ListMode), ApiError> {
    let (limit, fetch) = fetch_size(limit)?;
    let since = updated_since.map(parse_updated_since).transpose()?;
    Ok((limit, fetch, list_mode(since, cursor)?))
}

pub fn list_mode(
    updated_since: Option<chrono::DateTime<chrono::Utc>>,
    cursor: Option<&str>,
) -> Result<ListMode, ApiError> {
    let key = decode_cursor(cursor)?;
    match updated_since {
        None => Ok(ListMode::Live { after_id: key }),
        Some(since) => {
            let after = key.as_deref().map(keyset_after).transpose()?;
            Ok(ListMode::Changed {
                since: since.naive_utc() - chrono::Duration::seconds(SYNC_OVERLAP_SECS),
                after,
            })
        }
    }
}

/// The cursor key of a row in a list of `mode`.
pub fn row_key(mode: &ListMode, updated_at: chrono::NaiveDateTime, id: &str) -> String {
    match mode {
        ListMode::Live { .. } => id.to_owned(),
        ListMode::Changed { .. } => keyset_key(updated_at, id),
    }
}

/// The cursor key of a list ordered by (instant, id): a delta sync's update order, or a board
/// order such as the tickets' `sort`.
pub fn keyset_key(at: chrono::NaiveDateTime, id: &str) -> String {
    format!("{}|{id}", at.and_utc().timestamp_micros())
}

/// The (instant, id) a [`keyset_key`] names; a cursor of another kind of list is a 400.
pub fn keyset_after(key: &str) -> Result<(chrono::NaiveDateTime, String), ApiError> {
    key.split_once('|')
        .and_then(|(micros, id)| {
            let at = chrono::DateTime::from_timestamp_micros(micros.parse().ok()?)?;
            Some((at.naive_utc(), id.to_owned()))
        })
        .ok_or_else(|| ApiError::BadRequest {
            detail: "cursor does not belong to this list's order".to_owned(),
            errors: vec![FieldError::new(
                "query.cursor",
                "format",
                "not a cursor of this list",
            )],
        })
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
        assert!(decode_cursor(Some("not-hex!")).is_err());
        assert!(decode_cursor(Some("x31")).is_err());
        assert!(decode_cursor(Some("k3")).is_err());
        assert!(decode_cursor(Some("k6100")).is_err());
        assert!(decode_cursor(Some("")).is_err());
    }

    #[test]
    fn delta_cursors_round_trip() {
        let since = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let at = chrono::DateTime::from_timestamp_micros(1_700_000_001_234_567)
            .unwrap()
            .naive_utc();
        let mode = list_mode(Some(since), None).unwrap();
        let cursor = encode_cursor(&row_key(&mode, at, "abc"));
        match list_mode(Some(since), Some(&cursor)).unwrap() {
            ListMode::Changed { after, .. } => assert_eq!(after, Some((at, "abc".to_owned()))),
            other => panic!("{other:?}"),
        }
        let live = encode_cursor("abc");
        assert!(list_mode(Some(since), Some(&live)).is_err());
    }

    #[test]
    fn parse_updated_since_takes_an_unencoded_plus_back() {
        let t = parse_updated_since("2026-03-01T08:05:00 08:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-03-01T00:05:00+00:00");
        assert!(parse_updated_since("yesterday").is_err());
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
