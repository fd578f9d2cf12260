//! The callback desk's agenda: what its people (or a team's) have to do today — callbacks due
//! and overdue, signed forms still to be received, dissatisfied customers waiting on the
//! manager. Each section is counted in full and read up to a cap, oldest due first.

use crate::DbConnection;
use crate::StoreError;
use crate::callbacks::{CallbackRow, FollowUpRow};
use crate::feedback_forms::FormRow;
use crate::schema::{callback_follow_ups, callbacks, feedback_forms};
use chrono::NaiveDate;
use diesel::prelude::*;
use kefu_tickets::callbacks::{CallbackStatus, FollowUpStatus};
use kefu_tickets::forms::FormStatus;

/// Which open callbacks of the people: due on the day, or due before it (overdue).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    On(NaiveDate),
    Before(NaiveDate),
}

/// A section of the agenda: how many there are, and the first `cap` of them.
#[derive(Debug, Clone, PartialEq)]
pub struct Section<T> {
    pub count: i64,
    pub rows: Vec<T>,
}

/// Open, live callbacks assigned to any of `people`, due as asked, by due date then id.
pub fn callbacks(
    conn: &mut DbConnection,
    people: &[String],
    due: Due,
    cap: i64,
) -> Result<Section<CallbackRow>, StoreError> {
    let query = || {
        let q = callbacks::table
            .filter(callbacks::assignee_id.eq_any(people.to_vec()))
            .filter(callbacks::status.eq(CallbackStatus::Open.as_str()))
            .filter(callbacks::deleted_at.is_null())
            .into_boxed();
        match due {
            Due::On(day) => q.filter(callbacks::due_date.eq(day)),
            Due::Before(day) => q.filter(callbacks::due_date.lt(day)),
        }
    };
    Ok(Section {
        count: query().count().get_result(conn)?,
        rows: query()
            .order((callbacks::due_date.asc(), callbacks::id.asc()))
            .select(CallbackRow::as_select())
            .limit(cap)
            .load(conn)?,
    })
}

/// Signed forms not yet received, of the visits of `engineers` (`None`: every engineer's, the
/// desk's whole queue), by due date then id.
pub fn forms_to_receive(
    conn: &mut DbConnection,
    engineers: Option<&[String]>,
    cap: i64,
) -> Result<Section<FormRow>, StoreError> {
    let query = || {
        let mut q = feedback_forms::table
            .filter(feedback_forms::status.eq(FormStatus::Signed.as_str()))
            .filter(feedback_forms::deleted_at.is_null())
            .into_boxed();
        if let Some(engineers) = engineers {
            q = q.filter(feedback_forms::engineer_id.eq_any(engineers.to_vec()));
        }
        q
    };
    Ok(Section {
        count: query().count().get_result(conn)?,
        rows: query()
            .order((feedback_forms::due_date.asc(), feedback_forms::id.asc()))
            .select(FormRow::as_select())
            .limit(cap)
            .load(conn)?,
    })
}

/// Open, live follow-ups that `people` wait on or owe: owned by one of them (the manager's
/// side) or raised on a callback one of them made (the desk's side), by due date then id.
pub fn follow_ups_waiting(
    conn: &mut DbConnection,
    people: &[String],
    cap: i64,
) -> Result<Section<FollowUpRow>, StoreError> {
    let query = || {
        let theirs = callbacks::table
            .filter(callbacks::assignee_id.eq_any(people.to_vec()))
            .select(callbacks::id);
        callback_follow_ups::table
            .filter(callback_follow_ups::status.eq(FollowUpStatus::Open.as_str()))
            .filter(callback_follow_ups::deleted_at.is_null())
            .filter(
                callback_follow_ups::owner_id
                    .eq_any(people.to_vec())
                    .or(callback_follow_ups::callback_id.eq_any(theirs)),
            )
            .into_boxed()
    };
    Ok(Section {
        count: query().count().get_result(conn)?,
        rows: query()
            .order((
                callback_follow_ups::due_date.asc(),
                callback_follow_ups::id.asc(),
            ))
            .select(FollowUpRow::as_select())
            .limit(cap)
            .load(conn)?,
    })
}
