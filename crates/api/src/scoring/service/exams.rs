//! HR-T1/HR-T2 and the exam items of HR-S2/HR-S4: sessions held by HR or a manager, results
//! recorded by the person's assessor, one retake, and the close of a monthly session that
//! ranks it and issues its HR-S2 events. The month's card counts the monthly results
//! (`month_scores`). Sessions are no one's record; results follow the domain's privacy.

use super::privacy::{assesses, scope, sees};
use super::score_events::{issue, refuse_if_finalised, templates_for};
use crate::kernel::command::{Ctx, snapshot, written};
use crate::kernel::error::ApiError;
use crate::kernel::notify::{Notice, notify};
use crate::kernel::rules::load_in_force;
use crate::scoring::dto::exams::{
    CorrectExamResult, CreateExamSession, ExamResultOut, ExamScores, ExamSessionOut,
    RecordExamResult, SessionStatus, parse_parts,
};
use crate::scoring::dto::scorecards::IssueScoreEvent;
use chrono::NaiveDate;
use kefu_core::{Actor, FieldError, YearMonth};
use kefu_scoring::card::TENTHS;
use kefu_scoring::exams::{
    self as rules, ExamKind, ExamPart, Presence, Substitutes, TrainingRules,
};
use kefu_store::exams::{self as store, ResultChanges, ResultRow, SessionChanges, SessionRow};
use kefu_store::{DbConnection, new_id, to_db_time};
use std::collections::BTreeMap;

fn field(name: &str, code: &'static str, message: &str, rule: &'static str) -> ApiError {
    ApiError::Invalid(vec![FieldError::new(name, code, message).by_rule(rule)])
}

/// The rules in force on the exam's day; a day before any version took effect: 422.
fn training_on(conn: &mut DbConnection, day: NaiveDate) -> Result<TrainingRules, ApiError> {
    match load_in_force::<TrainingRules>(conn, day) {
        Ok(v) => Ok(v.value),
        Err(ApiError::NotFound) => Err(field(
            "exam_date",
            "range",
            "no training rules were in force then",
            "HR-T1",
        )),
        Err(other) => Err(other),
    }
}

fn kind_of(row: &SessionRow) -> Result<ExamKind, ApiError> {
    row.kind
        .parse()
        .map_err(|e: kefu_core::ParseEnumError| ApiError::internal(e))
}

/// A live session, else 404.
pub fn get_session(conn: &mut DbConnection, id: &str) -> Result<SessionRow, ApiError> {
    match store::find_session(conn, id)? {
        Some(row) if row.deleted_at.is_none() => Ok(row),
        _ => Err(ApiError::NotFound),
    }
}

/// A result the caller may see, else 404.
pub fn get_result(conn: &mut DbConnection, actor: &Actor, id: &str) -> Result<ResultRow, ApiError> {
    let row = store::find_result(conn, id)?.ok_or(ApiError::NotFound)?;
    if row.deleted_at.is_some() || !sees(&scope(conn, actor)?, &row.user_id) {
        return Err(ApiError::NotFound);
    }
    Ok(row)
}

/// HR-T1/HR-T2/HR-S2: holds a session; its pass mark comes from `training-rules` in force
/// on its day (the department's new-hire mark where it has one). A retake takes the parts,
/// department and pass mark of the session it retakes; one retake only.
pub fn create_session(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    input: CreateExamSession,
) -> Result<ExamSessionOut, ApiError> {
    let training = training_on(conn, input.exam_date)?;
    let mut parts = input.parts.clone();
    parts.sort();
    parts.dedup();
    if parts.len() != input.parts.len() {
        return Err(ApiError::Invalid(vec![FieldError::new(
            "parts",
            "unique",
            "each part once",
        )]));
    }
    if let Some(d) = &input.department
        && training.department(d).is_none()
    {
        return Err(field(
            "department",
            "unknown",
            "not a department of training-rules",
            "HR-T1",
        ));
    }
    let (department, pass_mark, attempt, parts) = match &input.retake_of {
        None => (
            input.department.clone(),
            training.pass_mark(input.kind, input.department.as_deref()),
            1,
            parts,
        ),
        Some(of) => {
            let original = store::find_session(conn, of)?
                .filter(|s| s.deleted_at.is_none())
                .ok_or_else(|| {
                    field("retake_of", "unknown", "no such session", input.kind.rule())
                })?;
            let kind = kind_of(&original)?;
            if kind != input.kind {
                return Err(field(
                    "retake_of",
                    "kind",
                    "a retake is of the same kind as its session",
                    input.kind.rule(),
                ));
            }
            rules::may_retake(kind, original.attempt, training.retakes)?;
            if input.exam_date < original.exam_date {
                return Err(field(
                    "exam_date",
                    "range",
                    "a retake is held on or after its session's day",
                    kind.rule(),
                ));
            }
            if !store::retakes_of(conn, of)?.is_empty() {
                return Err(ApiError::State {
                    rule: kind.rule(),
                    message: "this session has its retake already".to_owned(),
                });
            }
            (
                original.department.clone(),
                original.pass_mark,
                original.attempt + 1,
                parse_parts(&original.parts),
            )
        }
    };
    let now = to_db_time(ctx.now);
    let row = SessionRow {
        id: new_id(),
        kind: input.kind.as_str().to_owned(),
        title: input.title.trim().to_owned(),
        exam_date: input.exam_date,
        parts: parts
            .iter()
            .map(|p| p.as_str())
            .collect::<Vec<_>>()
            .join(","),
        department,
        pass_mark,
        retake_of: input.retake_of,
        attempt,
        status: SessionStatus::Open.as_str().to_owned(),
        created_by: actor.user_id.clone(),
        closed_by: None,
        closed_at: None,
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
    };
    store::insert_session(conn, &row)?;
    let out = ExamSessionOut::from(&row);
    ctx.audit(
        conn,
        "exam_session.create",
        ("exam_session", &row.id),
        None,
        snapshot(&out),
    )?;
    Ok(out)
}

/// HR-S2: the scores cheating and an excused absence count as, from `scorecard-templates`.
fn substitutes(conn: &mut DbConnection, day: NaiveDate) -> Result<Substitutes, ApiError> {
    let set = templates_for(conn, YearMonth::of(day))?;
    Ok(Substitutes {
        cheating: set
            .event("exam_cheating")
            .and_then(|e| e.sets_exam_score)
            .unwrap_or(0),
        excused: set
            .event("exam_absent_excused")
            .and_then(|e| e.sets_exam_score),
    })
}

/// A result as counted: the written scores, what counts of them, the verdict and its flags.
struct Counted {
    knowledge_written: Option<i64>,
    operation_written: Option<i64>,
    knowledge_counted: Option<i64>,
    operation_counted: Option<i64>,
    passed: bool,
    /// Comma-separated, as stored.
    flags: String,
}

/// HR-T1/HR-T2/HR-S2: counts `presence` and `scores` in `session` by the rules in force on
/// its day: what a recorded and a corrected result both go through.
fn count(
    conn: &mut DbConnection,
    session: &SessionRow,
    kind: ExamKind,
    presence: Presence,
    scores: Option<&ExamScores>,
) -> Result<Counted, ApiError> {
    let training = training_on(conn, session.exam_date)?;
    let parts = parse_parts(&session.parts);
    let mut written = BTreeMap::new();
    if let Some(s) = scores {
        if let Some(k) = s.knowledge {
            written.insert(ExamPart::Knowledge, k);
        }
        if let Some(o) = s.operation {
            written.insert(ExamPart::Operation, o);
        }
    }
    let counted = rules::count(
        kind,
        &parts,
        session.pass_mark,
        presence,
        &written,
        substitutes(conn, session.exam_date)?,
    )?;
    let flags = rules::flags(kind, session.attempt, training.retakes, counted.passed);
    Ok(Counted {
        knowledge_written: written.get(&ExamPart::Knowledge).copied(),
        operation_written: written.get(&ExamPart::Operation).copied(),
        knowledge_counted: counted.scores.get(&ExamPart::Knowledge).copied(),
        operation_counted: counted.scores.get(&ExamPart::Operation).copied(),
        passed: counted.passed,
        flags: flags
            .iter()
            .map(|f| f.as_str())
            .collect::<Vec<_>>()
            .join(","),
    })
}

/// HR-T1/HR-T2/HR-S2: records a person's result in an open session held by `today`: counted
/// and judged by the session's pass mark; a retake only for those who failed the session it
/// retakes; a monthly result not for a month whose card is finalised (HR-S3). The person is
/// notified.
pub fn record_result(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    today: NaiveDate,
    session_id: &str,
    input: RecordExamResult,
) -> Result<ExamResultOut, ApiError> {
    let session = get_session(conn, session_id)?;
    let kind = kind_of(&session)?;
    // Someone unseen and someone seen but not assessed read alike (ORG-5).
    if !assesses(conn, actor, &input.user_id)? {
        return Err(field(
            "user_id",
            "unknown",
            "not a person you assess: results are recorded by their supervisor, HR or a manager",
            kind.rule(),
        ));
    }
    if session.status != SessionStatus::Open.as_str() {
        return Err(ApiError::State {
            rule: kind.rule(),
            message: "the session is closed: it takes no more results".to_owned(),
        });
    }
    if session.exam_date > today {
        return Err(ApiError::Rule {
            rule: kind.rule(),
            message: format!(
                "the exam is on {}: results come after it",
                session.exam_date
            ),
        });
    }
    if let Some(of) = &session.retake_of {
        let failed = store::result_of(conn, of, &input.user_id)?.is_some_and(|r| !r.passed);
        if !failed {
            return Err(ApiError::State {
                rule: kind.rule(),
                message: "only a person who failed the session retakes it".to_owned(),
            });
        }
    }
    if kind == ExamKind::Monthly {
        let month = YearMonth::of(session.exam_date).to_string();
        refuse_if_finalised(conn, &input.user_id, &month)?;
    }
    let card_id = match kind {
        ExamKind::Retest => Some(super::retests::card_for(conn, &session, &input.user_id)?),
        _ => None,
    };
    let counted = count(conn, &session, kind, input.presence, input.scores.as_ref())?;
    let now = to_db_time(ctx.now);
    let row = ResultRow {
        id: new_id(),
        session_id: session.id.clone(),
        user_id: input.user_id.clone(),
        presence: input.presence.as_str().to_owned(),
        knowledge_written: counted.knowledge_written,
        operation_written: counted.operation_written,
        knowledge_counted: counted.knowledge_counted,
        operation_counted: counted.operation_counted,
        passed: counted.passed,
        top_place: false,
        flags: counted.flags.clone(),
        note: input.note.map(|n| n.trim().to_owned()),
        recorded_by: actor.user_id.clone(),
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
        card_id,
    };
    store::insert_result(conn, &row)?;
    let out = ExamResultOut::from(&row);
    ctx.audit(
        conn,
        "exam_result.record",
        ("exam_result", &row.id),
        None,
        snapshot(&out),
    )?;
    let title = format!(
        "{}（{}）：{}",
        session.title,
        session.exam_date,
        if row.passed { "及格" } else { "不及格" }
    );
    let key = format!("exam_result.recorded:{}", row.id);
    notify(
        conn,
        ctx.now,
        &row.user_id,
        &Notice {
            kind: "exam_result.recorded",
            title: &title,
            body: &row.flags,
            entity: Some(("exam_result", &row.id)),
            dedupe_key: Some(&key),
        },
    )?;
    Ok(out)
}

/// HR-T1/HR-T2/HR-S2: corrects a recorded result while its session is open: counted again
/// like a new one, the reason kept as its note, the audit entry holding both. Refused (409)
/// once the session is closed (its ranking and events are issued), once a retake result builds
/// on it, or once the monthly card that counts it is finalised (HR-S3). Only the person's
/// assessor corrects; someone who sees the result but does not assess the person: 403.
pub fn correct_result(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    id: &str,
    version: i64,
    input: CorrectExamResult,
) -> Result<ExamResultOut, ApiError> {
    let before = get_result(conn, actor, id)?;
    let session = get_session(conn, &before.session_id)?;
    let kind = kind_of(&session)?;
    if !assesses(conn, actor, &before.user_id)? {
        return Err(ApiError::from(kefu_core::DomainError::Forbidden {
            rule: kind.rule(),
            message: "results are corrected by the person's supervisor, HR or a manager".to_owned(),
        }));
    }
    let state = |message: &str| ApiError::State {
        rule: kind.rule(),
        message: message.to_owned(),
    };
    if session.status != SessionStatus::Open.as_str() {
        return Err(state("the session is closed: its results are final"));
    }
    for retake in store::retakes_of(conn, &session.id)? {
        if store::result_of(conn, &retake.id, &before.user_id)?.is_some() {
            return Err(state("a retake result builds on this one: it is final"));
        }
    }
    if kind == ExamKind::Monthly {
        let month = YearMonth::of(session.exam_date).to_string();
        refuse_if_finalised(conn, &before.user_id, &month)?;
    }
    let counted = count(conn, &session, kind, input.presence, input.scores.as_ref())?;
    let changes = ResultChanges {
        presence: Some(input.presence.as_str().to_owned()),
        knowledge_written: Some(counted.knowledge_written),
        operation_written: Some(counted.operation_written),
        knowledge_counted: Some(counted.knowledge_counted),
        operation_counted: Some(counted.operation_counted),
        passed: Some(counted.passed),
        flags: Some(counted.flags),
        note: Some(Some(input.reason.trim().to_owned())),
    };
    written(store::update_result(conn, id, version, &changes, ctx.now)?)?;
    let after = store::find_result(conn, id)?.ok_or(ApiError::NotFound)?;
    let out = ExamResultOut::from(&after);
    ctx.audit(
        conn,
        "exam_result.correct",
        ("exam_result", id),
        snapshot(&ExamResultOut::from(&before)),
        snapshot(&out),
    )?;
    let title = format!(
        "{}（{}）成绩更正：{}",
        session.title,
        session.exam_date,
        if after.passed { "及格" } else { "不及格" }
    );
    let key = format!("exam_result.corrected:{id}@{}", after.version);
    notify(
        conn,
        ctx.now,
        &after.user_id,
        &Notice {
            kind: "exam_result.corrected",
            title: &title,
            body: after.note.as_deref().unwrap_or_default(),
            entity: Some(("exam_result", id)),
            dedupe_key: Some(&key),
        },
    )?;
    Ok(out)
}

/// HR-S2: closes a session; a monthly one is ranked (the best `top_places` of those who sat
/// it, ties included) and its events issued on the exam month's cards: top places
/// `exam_top_three`, fails `exam_failed`, unexcused absences `exam_absent_unexcused`.
pub fn close_session(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    today: NaiveDate,
    id: &str,
    version: i64,
) -> Result<ExamSessionOut, ApiError> {
    let before = get_session(conn, id)?;
    let kind = kind_of(&before)?;
    if before.status != SessionStatus::Open.as_str() {
        return Err(ApiError::State {
            rule: kind.rule(),
            message: "the session is closed already".to_owned(),
        });
    }
    if before.exam_date > today {
        return Err(ApiError::Rule {
            rule: kind.rule(),
            message: format!("the exam is on {}: it closes after it", before.exam_date),
        });
    }
    let changes = SessionChanges {
        status: Some(SessionStatus::Closed.as_str().to_owned()),
        closed_by: Some(Some(actor.user_id.clone())),
        closed_at: Some(Some(to_db_time(ctx.now))),
    };
    written(store::update_session(conn, id, version, &changes, ctx.now)?)?;
    if kind == ExamKind::Monthly {
        rank_and_score(conn, ctx, actor, today, &before)?;
    }
    let after = get_session(conn, id)?;
    let out = ExamSessionOut::from(&after);
    ctx.audit(
        conn,
        "exam_session.close",
        ("exam_session", id),
        snapshot(&ExamSessionOut::from(&before)),
        snapshot(&out),
    )?;
    Ok(out)
}

fn rank_and_score(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    today: NaiveDate,
    session: &SessionRow,
) -> Result<(), ApiError> {
    let training = training_on(conn, session.exam_date)?;
    let results = store::session_results(conn, &session.id)?;
    let totals: Vec<(String, i64)> = results
        .iter()
        .filter(|r| r.presence == Presence::Sat.as_str())
        .map(|r| {
            let total = r.knowledge_counted.unwrap_or(0) + r.operation_counted.unwrap_or(0);
            (r.id.clone(), total)
        })
        .collect();
    let top = rules::top_places(&totals, training.top_places);
    store::mark_top_places(conn, &top, ctx.now)?;
    let month = YearMonth::of(session.exam_date).to_string();
    for r in &results {
        let mut items = Vec::new();
        if top.contains(&r.id) {
            items.push(("exam_top_three", "前三名"));
        }
        let took_it = r.presence == Presence::Sat.as_str() || r.presence == "cheated";
        if took_it && !r.passed {
            items.push(("exam_failed", "不及格"));
        }
        if r.presence == Presence::AbsentUnexcused.as_str() {
            items.push(("exam_absent_unexcused", "无故缺考"));
        }
        for (item_key, what) in items {
            issue(
                conn,
                ctx,
                actor,
                today,
                IssueScoreEvent {
                    user_id: r.user_id.clone(),
                    month: month.clone(),
                    item_key: item_key.to_owned(),
                    units: None,
                    measure_key: None,
                    evidence: format!(
                        "{}（{}）{what}，成绩 {}",
                        session.title, session.exam_date, r.id
                    ),
                },
            )?;
        }
    }
    Ok(())
}

/// HR-S1: the measured exam scores of `user_id`'s month from its monthly exam results, in
/// tenths by template item (`knowledge_exam`, `operation_exam`): per part the latest
/// session's counted score. Parts without a result keep the month's entered inputs.
pub fn month_scores(
    conn: &mut DbConnection,
    user_id: &str,
    month: YearMonth,
) -> Result<BTreeMap<String, i64>, ApiError> {
    let (Some(first), Some(next)) = (month.first_day(), month.next().first_day()) else {
        return Ok(BTreeMap::new());
    };
    let last = next.pred_opt().unwrap_or(first);
    let mut out = BTreeMap::new();
    for (_, r) in store::results_between(conn, user_id, ExamKind::Monthly.as_str(), first, last)? {
        for (part, counted) in [
            (ExamPart::Knowledge, r.knowledge_counted),
            (ExamPart::Operation, r.operation_counted),
        ] {
            if let Some(score) = counted {
                out.entry(part.measure_key().to_owned())
                    .or_insert(score.saturating_mul(TENTHS));
            }
        }
    }
    Ok(out)
}
