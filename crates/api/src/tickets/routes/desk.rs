use crate::kernel::access::scope::DeskSubject;
use crate::kernel::auth::Caller;
use crate::kernel::error::ApiError;
use crate::kernel::extract::{StrictQuery, trimmed};
use crate::kernel::state::AppState;
use crate::tickets::dto::desk::{DeskAgenda, DeskAgendaQuery};
use crate::tickets::service::desk as svc;
use actix_web::{HttpResponse, get, web};
use kefu_core::FieldError;
use kefu_tickets::access::{self, Action};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(desk_agenda);
}

/// Get the desk's agenda of today
///
/// What a person of the callback desk — or a team — has to do today, in one call: open callbacks
/// assigned to them due today and overdue (TKT-9), signed feedback forms not yet received
/// (TKT-7: for a clerk or callback agent the desk's whole queue, else those of their own or the
/// team members' visits), and the dissatisfied customers waiting on the manager's follow-up
/// (TKT-9). Each section counts all and lists the first 50, oldest due first.
///
/// Who: admins, managers, supervisors, clerks, callback agents, QA inspectors and executives
/// (403 for others). Without parameters the caller's own agenda; `user_id` or `team_id` (not
/// both: 422) another's, which the desk and the roles above it may read for anyone and a
/// supervisor for their teams and those teams' members; any other person or team reads as 404
/// (ORG-5). Read-only.
#[utoipa::path(
    tag = "callbacks",
    operation_id = "getDeskAgenda",
    params(DeskAgendaQuery),
    responses(
        (status = 200, description = "The agenda", body = DeskAgenda),
        (status = 404, description = "No such person or team, or one the caller may not read (ORG-5)", body = crate::kernel::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Both `user_id` and `team_id`", body = crate::kernel::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/desk/agenda")]
async fn desk_agenda(
    state: web::Data<AppState>,
    caller: Caller,
    StrictQuery(query): StrictQuery<DeskAgendaQuery>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::DeskAgenda, &caller.actor.roles)?;
    let subject = match (trimmed(query.user_id), trimmed(query.team_id)) {
        (Some(_), Some(_)) => {
            return Err(ApiError::Invalid(vec![FieldError::new(
                "query.team_id",
                "not_allowed",
                "ask for a person's agenda or a team's, not both",
            )]));
        }
        (Some(user), None) => DeskSubject::Person(user),
        (None, Some(team)) => DeskSubject::Team(team),
        (None, None) => DeskSubject::Person(caller.actor.user_id.clone()),
    };
    let actor = caller.actor.clone();
    let today = state.today();
    let now = state.clock.now();
    let agenda = state
        .db(move |conn| svc::agenda(conn, &actor, subject, today, now))
        .await?;
    Ok(HttpResponse::Ok().json(agenda))
}
