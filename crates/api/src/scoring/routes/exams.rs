use crate::kernel::auth::Caller;
use crate::kernel::command::Ctx;
use crate::kernel::error::{ApiError, Problem};
use crate::kernel::export::{self, Listed};
use crate::kernel::extract::{IfMatch, ValidJson, trimmed};
use crate::kernel::page::{Page, paginate, row_key, window};
use crate::kernel::respond::{created, versioned};
use crate::kernel::state::AppState;
use crate::scoring::dto::exams::{
    CorrectExamResult, CreateExamSession, ExamResultOut, ExamResultQuery, ExamSessionOut,
    ExamSessionQuery, RESULTS_EXPORT, RecordExamResult, SESSIONS_EXPORT,
};
use crate::scoring::service::exams as svc;
use crate::scoring::service::privacy::{narrow, scope};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, put, web};
use kefu_scoring::access::{self, Action};
use kefu_store::exams::{self as store, ResultFilter, SessionFilter};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create_session)
        .service(list_sessions)
        .service(get_session)
        .service(close_session)
        .service(record_result)
        .service(list_results)
        .service(get_result)
        .service(correct_result);
}

/// Hold an exam session
///
/// HR-T1/HR-T2/HR-S2/HR-S4: a `new_hire`, `annual`, `retest` (of a month graded D) or
/// `monthly` exam on `exam_date`, testing `knowledge` and/or `operation` (0–100 each). Its
/// pass mark is taken from the `training-rules` rule set in force on that day (80; a
/// department's new-hire mark where it has one, e.g. `technical_service` 70) and kept. A
/// retake names its session in `retake_of` (same kind, on or after it; its parts, department
/// and pass mark): a monthly exam has none (422 `HR-S2`), a retake of a retake or a second
/// retake is 409 naming the kind's rule. HR, managers and admins (403 otherwise). Triggers
/// the audit entry and webhook event `exam_session.create`.
#[utoipa::path(
    tag = "scorecards",
    operation_id = "createExamSession",
    request_body = CreateExamSession,
    responses(
        (status = 201, description = "Held", body = ExamSessionOut,
            headers(("Location" = String), ("ETag" = String))),
        (status = 409, description = "One retake only", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/exam-sessions")]
async fn create_session(
    state: web::Data<AppState>,
    caller: Caller,
    ValidJson(input): ValidJson<CreateExamSession>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::ExamSessionManage, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let out = state
        .tx(move |conn| svc::create_session(conn, &ctx, &actor, input))
        .await?;
    Ok(created(
        format!("/api/v1/exam-sessions/{}", out.id),
        Some(out.version),
        &out,
    ))
}

/// List or delta-sync exam sessions
///
/// HR-T1/HR-T2/HR-S2: sessions by `kind` and `status`, in id order; `updated_since`
/// delta-syncs; `/export` (CSV or XLSX) exports. A session is no one's record: every staff
/// member reads them (customer contacts get 403); the results are private
/// (`listExamResults`). Read-only.
#[utoipa::path(
    tag = "scorecards",
    operation_id = "listExamSessions",
    params(ExamSessionQuery),
    responses((status = 200, description = "One page of sessions", body = Page<ExamSessionOut>))
)]
#[get("/exam-sessions")]
async fn list_sessions(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<ExamSessionQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = state.clone();
    export::respond(&data, &SESSIONS_EXPORT, listed, move |query| {
        sessions_page(state.clone(), caller.clone(), query)
    })
    .await
}

async fn sessions_page(
    state: web::Data<AppState>,
    caller: Caller,
    query: ExamSessionQuery,
) -> Result<Page<ExamSessionOut>, ApiError> {
    access::require(Action::ExamSessionRead, &caller.actor.roles)?;
    let (limit, fetch, mode) = window(
        query.limit,
        query.updated_since.as_deref(),
        query.cursor.as_deref(),
    )?;
    let filter = SessionFilter {
        kind: query.kind.map(|k| k.as_str().to_owned()),
        status: query.status.map(|s| s.as_str().to_owned()),
    };
    let (mode, rows) = state
        .db(move |conn| {
            Ok((
                mode.clone(),
                store::list_sessions(conn, &filter, &mode, fetch)?,
            ))
        })
        .await?;
    Ok(paginate(
        rows,
        limit,
        |r| row_key(&mode, r.updated_at, &r.id),
        |r| ExamSessionOut::from(&r),
    ))
}

/// Read an exam session
///
/// HR-T1/HR-T2/HR-S2: one session; every staff member reads it. Read-only.
#[utoipa::path(
    tag = "scorecards",
    operation_id = "getExamSession",
    params(("id" = String, Path, description = "Exam session id")),
    responses((status = 200, description = "The session", body = ExamSessionOut, headers(("ETag" = String))))
)]
#[get("/exam-sessions/{id}")]
async fn get_session(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::ExamSessionRead, &caller.actor.roles)?;
    let id = id.into_inner();
    let row = state.db(move |conn| svc::get_session(conn, &id)).await?;
    Ok(versioned(
        StatusCode::OK,
        row.version,
        &ExamSessionOut::from(&row),
    ))
}

/// Close an exam session
///
/// HR-S2: an open session whose day has come (422 naming the kind's rule before) is closed
/// and takes no more results (a closed one: 409 naming the kind's rule). Closing a `monthly`
/// session ranks those who sat it by their counted total (the `training-rules`
/// `top_places`, 3, ties included) and issues score events on the exam month's cards:
/// `exam_top_three` (+5) to the top places, `exam_failed` (−5) to those who sat or cheated
/// and failed, `exam_absent_unexcused` (−10) to unexcused absences — each as
/// `issueScoreEvent` would, so a person whose card of the month is finalised is 409 `HR-S3`
/// and the closer may not score themselves (422 `HR-S2`). HR, managers and admins (403
/// otherwise). Needs `If-Match`. Triggers the audit entry and webhook event
/// `exam_session.close`, and per event the webhook event `score_event.issue` and the notice
/// `score_event.issued`.
#[utoipa::path(
    tag = "scorecards",
    operation_id = "closeExamSession",
    params(("id" = String, Path, description = "Exam session id"), crate::kernel::openapi::IfMatchHeader),
    responses(
        (status = 200, description = "Closed", body = ExamSessionOut, headers(("ETag" = String))),
        (status = 409, description = "Closed already, or a card finalised (HR-S3)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The exam has not been held yet", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/exam-sessions/{id}/close")]
async fn close_session(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::ExamSessionManage, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let today = state.today();
    let id = id.into_inner();
    let out = state
        .tx(move |conn| svc::close_session(conn, &ctx, &actor, today, &id, version))
        .await?;
    Ok(versioned(StatusCode::OK, out.version, &out))
}

/// Record an exam result
///
/// HR-T1/HR-T2/HR-S2/HR-S4: a person's result in an open session (409 naming the kind's rule
/// when closed) whose day has come (422 before): `sat` with a score for every part of the
/// session (0–100), `cheated` (every part counts the `scorecard-templates` cheating score, 0;
/// a fail), `absent_excused` (a monthly exam counts the excused score, 70; any other exam is
/// a fail) or `absent_unexcused` (a fail). `passed` when every counted part reaches the
/// session's pass mark. A first attempt that fails raises the flag `retake`; the failed
/// retake of an `annual` exam or a `retest` raises `dismissal`, of a `new_hire` exam
/// `not_hired` — recommendations for a person to act on, never automatic acts. A retake
/// session takes only those who failed its session (409). A `retest` result names in
/// `card_id` the card it re-tests: the person's latest finalised card flagged `retest` (HR-S4,
/// graded D) that no result re-tests yet — none is 422 `HR-S4` — and its retake the same card.
/// A monthly result is the month's
/// exam score on the card (`getScorecard`), over entered inputs; 409 `HR-S3` once that card
/// is finalised. One result per person and session (409 on `user_id`). Recorded by the
/// person's supervisor (their teams' members), HR, managers or admins (403 for other roles);
/// a person the caller does not assess, themselves included, is 422 on `user_id`. Triggers
/// the audit entry and webhook event `exam_result.record` and the notice
/// `exam_result.recorded` to the person.
#[utoipa::path(
    tag = "scorecards",
    operation_id = "recordExamResult",
    params(("id" = String, Path, description = "Exam session id")),
    request_body = RecordExamResult,
    responses(
        (status = 201, description = "Recorded", body = ExamResultOut,
            headers(("Location" = String), ("ETag" = String))),
        (status = 409, description = "Closed, recorded already, not a retaker, or the card is finalised", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Scores missing or refused, or the exam is still to come", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/exam-sessions/{id}/results")]
async fn record_result(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    ValidJson(input): ValidJson<RecordExamResult>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::ExamResultRecord, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let today = state.today();
    let id = id.into_inner();
    let out = state
        .tx(move |conn| svc::record_result(conn, &ctx, &actor, today, &id, input))
        .await?;
    Ok(created(
        format!("/api/v1/exam-results/{}", out.id),
        Some(out.version),
        &out,
    ))
}

/// List or delta-sync exam results
///
/// HR-T1/HR-T2/HR-S2: results by `user_id` and `session_id`, in id order; `updated_since`
/// delta-syncs; `/export` (CSV or XLSX) exports. Privacy: staff see their own; a supervisor also
/// their teams' members'; admins, managers, HR and executives everyone's. Customer contacts
/// get 403. Read-only.
#[utoipa::path(
    tag = "scorecards",
    operation_id = "listExamResults",
    params(ExamResultQuery),
    responses((status = 200, description = "One page of results", body = Page<ExamResultOut>))
)]
#[get("/exam-results")]
async fn list_results(
    state: web::Data<AppState>,
    caller: Caller,
    listed: Listed<ExamResultQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = state.clone();
    export::respond(&data, &RESULTS_EXPORT, listed, move |query| {
        results_page(state.clone(), caller.clone(), query)
    })
    .await
}

async fn results_page(
    state: web::Data<AppState>,
    caller: Caller,
    query: ExamResultQuery,
) -> Result<Page<ExamResultOut>, ApiError> {
    access::require(Action::ExamResultRead, &caller.actor.roles)?;
    let (limit, fetch, mode) = window(
        query.limit,
        query.updated_since.as_deref(),
        query.cursor.as_deref(),
    )?;
    let actor = caller.actor.clone();
    let person = trimmed(query.user_id);
    let session_id = trimmed(query.session_id);
    let card_id = trimmed(query.card_id);
    let (mode, rows) = state
        .db(move |conn| {
            let filter = ResultFilter {
                user_ids: narrow(scope(conn, &actor)?, person),
                session_id,
                card_id,
            };
            Ok((
                mode.clone(),
                store::list_results(conn, &filter, &mode, fetch)?,
            ))
        })
        .await?;
    Ok(paginate(
        rows,
        limit,
        |r| row_key(&mode, r.updated_at, &r.id),
        |r| ExamResultOut::from(&r),
    ))
}

/// Read an exam result
///
/// HR-T1/HR-T2/HR-S2: one result, under the privacy of `listExamResults` (404 for one the
/// caller may not see). Read-only.
#[utoipa::path(
    tag = "scorecards",
    operation_id = "getExamResult",
    params(("id" = String, Path, description = "Exam result id")),
    responses((status = 200, description = "The result", body = ExamResultOut, headers(("ETag" = String))))
)]
#[get("/exam-results/{id}")]
async fn get_result(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::ExamResultRead, &caller.actor.roles)?;
    let actor = caller.actor.clone();
    let id = id.into_inner();
    let row = state
        .db(move |conn| svc::get_result(conn, &actor, &id))
        .await?;
    Ok(versioned(
        StatusCode::OK,
        row.version,
        &ExamResultOut::from(&row),
    ))
}

/// Correct an exam result
///
/// HR-T1/HR-T2/HR-S2: the whole result again — `presence` and, when the person sat it, a
/// score for every part — with the `reason`, kept as the result's note; counted and judged
/// like a new result (`passed` and the flags follow). Needs `If-Match`. Only while the session
/// is open: once it is closed (its ranking and events issued), once a retake result of the
/// person builds on it, or once the monthly card counting it is finalised (`HR-S3`): 409
/// naming the rule. By the person's assessor — their supervisor, HR, a manager or an admin;
/// someone else who sees the result gets 403 naming the exam's rule; a result the caller may
/// not see is 404. Triggers the audit entry and webhook event `exam_result.correct` (before
/// and after) and the notice `exam_result.corrected` to the person.
#[utoipa::path(
    tag = "scorecards",
    operation_id = "correctExamResult",
    params(
        ("id" = String, Path, description = "Exam result id"),
        crate::kernel::openapi::IfMatchHeader,
    ),
    request_body = CorrectExamResult,
    responses(
        (status = 200, description = "Corrected", body = ExamResultOut, headers(("ETag" = String))),
        (status = 409, description = "The session is closed, a retake builds on it, or the card is finalised", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Scores missing or refused", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/exam-results/{id}")]
async fn correct_result(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    IfMatch(version): IfMatch,
    ValidJson(input): ValidJson<CorrectExamResult>,
) -> Result<HttpResponse, ApiError> {
    access::require(Action::ExamResultRecord, &caller.actor.roles)?;
    let ctx = Ctx::of(&caller, state.clock.now());
    let actor = caller.actor.clone();
    let id = id.into_inner();
    let out = state
        .tx(move |conn| svc::correct_result(conn, &ctx, &actor, &id, version, input))
        .await?;
    Ok(versioned(StatusCode::OK, out.version, &out))
}
