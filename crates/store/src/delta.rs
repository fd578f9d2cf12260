//! How lists page: live records in id order, or — for delta sync — every record changed
//! since an instant, tombstones included, in (updated_at, id) order.

use chrono::NaiveDateTime;

#[derive(Debug, Clone, PartialEq)]
pub enum ListMode {
    /// Records not deleted, ids after `after_id`.
    Live { after_id: Option<String> },
    /// Records (deleted ones too) changed after `since`, after the (updated_at, id) `after`.
    Changed {
        since: NaiveDateTime,
        after: Option<(NaiveDateTime, String)>,
    },
}

/// Applies a [`ListMode`] to a boxed query of a table with `id`, `updated_at` and
/// `deleted_at` columns, including its order.
#[macro_export]
macro_rules! apply_list_mode {
    ($query:expr, $table:ident, $mode:expr) => {{
        use diesel::prelude::*;
        let mut query = $query;
        match $mode {
            $crate::delta::ListMode::Live { after_id } => {
                query = query.filter($table::deleted_at.is_null());
                if let Some(after) = after_id {
                    query = query.filter($table::id.gt(after.clone()));
                }
                query.order($table::id.asc())
            }
            $crate::delta::ListMode::Changed { since, after } => {
                query = query.filter($table::updated_at.gt(*since));
                if let Some((at, id)) = after {
                    query = query.filter(
                        $table::updated_at
                            .gt(*at)
                            .or($table::updated_at.eq(*at).and($table::id.gt(id.clone()))),
                    );
                }
                query.then_order_by(($table::updated_at.asc(), $table::id.asc()))
            }
        }
    }};
}

/// Applies `changes` to the record `id` of `$table` if its version is `expected`, bumping the
/// version and `updated_at`; the conditional UPDATE is the lock, so of two writers holding
/// the same version exactly one wins. Evaluates to `Result<VersionedWrite, StoreError>`.
#[macro_export]
macro_rules! versioned_update {
    ($conn:expr, $table:ident, $id:expr, $expected:expr, $changes:expr, $now:expr) => {{
        use diesel::prelude::*;
        let written = diesel::update(
            $table::table
                .filter($table::id.eq($id))
                .filter($table::version.eq($expected)),
        )
        .set((
            $changes,
            $table::version.eq($table::version + 1),
            $table::updated_at.eq($crate::to_db_time($now)),
        ))
        .execute($conn)?;
        if written == 1 {
            Ok::<_, $crate::StoreError>($crate::VersionedWrite::Written)
        } else {
            let current: Option<i64> = $table::table
                .find($id)
                .select($table::version)
                .first($conn)
                .optional()?;
            Ok(current.map_or(
                $crate::VersionedWrite::NotFound,
                $crate::VersionedWrite::Stale,
            ))
        }
    }};
}
