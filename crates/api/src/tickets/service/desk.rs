//! The callback desk's agenda (TKT-7, TKT-9): a person's or a team's callbacks due today and
//! overdue, the signed forms still to be received, and the dissatisfied customers waiting on
//! the manager.

use crate::kernel::access::roles::CALLBACK_CALLERS;
use crate::kernel::access::scope::{DeskSubject, sees_desk_of};
use crate::kernel::error::ApiError;
use crate::tickets::dto::desk::{
    CallbackSection, DeskAgenda, FollowUpSection, FormSection, SECTION_CAP,
};
use crate::tickets::service::callback_follow_ups::render_follow_up;
use crate::tickets::service::{callbacks, feedback_forms};
use chrono::{DateTime, NaiveDate, Utc};
use kefu_core::Actor;
use kefu_store::desk::{self as store, Due};
use kefu_store::{DbConnection, users, visibility};

pub fn agenda(
    conn: &mut DbConnection,
    actor: &Actor,
    subject: DeskSubject,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<DeskAgenda, ApiError> {
    if !sees_desk_of(conn, actor, &subject)? {
        return Err(ApiError::NotFound);
    }
    // The desk receives every form; anyone else's queue is their own visits' forms.
    let (people, whole_queue) = match &subject {
        DeskSubject::Person(user) => {
            let record = users::find(conn, user)?.ok_or(ApiError::NotFound)?;
            let desk = record.roles.iter().any(|r| CALLBACK_CALLERS.contains(r));
            (vec![user.clone()], desk)
        }
        DeskSubject::Team(team) => {
            if !visibility::team_exists(conn, team)? {
                return Err(ApiError::NotFound);
            }
            (
                visibility::member_user_ids(conn, std::slice::from_ref(team))?,
                false,
            )
        }
    };
    let due_today = store::callbacks(conn, &people, Due::On(today), SECTION_CAP)?;
    let overdue = store::callbacks(conn, &people, Due::Before(today), SECTION_CAP)?;
    let forms = store::forms_to_receive(
        conn,
        (!whole_queue).then_some(people.as_slice()),
        SECTION_CAP,
    )?;
    let follow_ups = store::follow_ups_waiting(conn, &people, SECTION_CAP)?;
    let (user_id, team_id) = match subject {
        DeskSubject::Person(user) => (Some(user), None),
        DeskSubject::Team(team) => (None, Some(team)),
    };
    Ok(DeskAgenda {
        date: today,
        user_id,
        team_id,
        callbacks_due_today: CallbackSection {
            count: due_today.count,
            items: callbacks::render_all(conn, &due_today.rows, today, actor)?,
        },
        callbacks_overdue: CallbackSection {
            count: overdue.count,
            items: callbacks::render_all(conn, &overdue.rows, today, actor)?,
        },
        forms_to_receive: FormSection {
            count: forms.count,
            items: feedback_forms::render_all(conn, &forms.rows, now, actor)?,
        },
        follow_ups_waiting: FollowUpSection {
            count: follow_ups.count,
            items: follow_ups
                .rows
                .iter()
                .map(|f| render_follow_up(f, today))
                .collect(),
        },
    })
}
