use crate::tickets::dto::callbacks::{CallbackOut, FollowUpOut};
use crate::tickets::dto::feedback_forms::FeedbackFormOut;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// At most this many items per section; `count` holds them all.
pub const SECTION_CAP: i64 = 50;

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DeskAgendaQuery {
    /// Whose agenda (default, or empty: the caller's). Not with `team_id`.
    #[param(max_length = 64)]
    pub user_id: Option<String>,
    /// A team's agenda: its members' callbacks, forms and follow-ups. Not with `user_id`.
    #[param(max_length = 64)]
    pub team_id: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CallbackSection {
    /// How many there are in all.
    pub count: i64,
    /// The first 50, oldest due first.
    #[schema(max_items = 50)]
    pub items: Vec<CallbackOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FormSection {
    /// How many there are in all.
    pub count: i64,
    /// The first 50, oldest due first.
    #[schema(max_items = 50)]
    pub items: Vec<FeedbackFormOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FollowUpSection {
    /// How many there are in all.
    pub count: i64,
    /// The first 50, oldest due first.
    #[schema(max_items = 50)]
    pub items: Vec<FollowUpOut>,
}

/// What a person of the callback desk, or a team, has to do today.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeskAgenda {
    /// Today in the company time zone.
    pub date: NaiveDate,
    /// The person whose agenda this is (null for a team's).
    pub user_id: Option<String>,
    /// The team whose agenda this is (null for a person's).
    pub team_id: Option<String>,
    /// Open callbacks assigned to them, due today.
    pub callbacks_due_today: CallbackSection,
    /// Open callbacks assigned to them, due before today (TKT-9).
    pub callbacks_overdue: CallbackSection,
    /// Signed feedback forms not yet received (TKT-7): for a person of the desk (a clerk or
    /// callback agent) the whole queue, the desk receiving every form; otherwise those of the
    /// person's or the team members' own visits.
    pub forms_to_receive: FormSection,
    /// Dissatisfied customers waiting on the manager (TKT-9): open follow-ups the person owns,
    /// or raised on callbacks assigned to them (for a team, to its members).
    pub follow_ups_waiting: FollowUpSection,
}
