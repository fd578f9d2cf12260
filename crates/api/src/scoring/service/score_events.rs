//! HR-S2/HR-S6: score events issued against a person for a month, and their appeals. Privacy
//! as the rest of the domain (`privacy`); the issuer is the person's supervisor, HR or a
//! manager (`privacy::assesses`).

use super::privacy::{assesses, scope, sees};
use crate::kernel::command::{Ctx, snapshot, written};
use crate::kernel::error::ApiError;
use crate::kernel::notify::{Notice, notify};
use crate::kernel::rules::load_in_force;
use crate::scoring::dto::scorecards::{
    AppealOut, AppealOutcome, AppealStatus, DecideAppeal, EventStatus, FileAppeal, IssueScoreEvent,
    ScoreEventOut, parse_month,
};
use chrono::Duration;
use kefu_core::{Actor, FieldError, Role, YearMonth};
use kefu_scoring::scorecard::{Counting, ScorecardTemplates};
use kefu_store::scorecards::{
    self as store, AppealChanges, AppealRow, EventChanges, ScoreEventRow,
};
use kefu_store::visibility::team_of_user;
use kefu_store::{DbConnection, from_db_time, new_id, to_db_time};

fn field(name: &str, code: &'static str, message: &str, rule: &'static str) -> ApiError {
    ApiError::Invalid(vec![FieldError::new(name, code, message).by_rule(rule)])
}

fn forbidden(message: &str) -> ApiError {
    ApiError::from(kefu_core::DomainError::Forbidden {
        rule: "HR-S6",
        message: message.to_owned(),
    })
}

/// The month of a command: `YYYY-MM`, begun by `today`.
pub fn begun_month(raw: &str, today: chrono::NaiveDate) -> Result<YearMonth, ApiError> {
    let month = parse_month(raw)
        .ok_or_else(|| ApiError::Invalid(vec![FieldError::new("month", "format", "YYYY-MM")]))?;
    let first = month.first_day().ok_or_else(|| {
        ApiError::Invalid(vec![FieldError::new("month", "range", "out of range")])
    })?;
    if first > today {
        return Err(ApiError::Invalid(vec![FieldError::new(
            "month",
            "range",
            "a month that has not begun",
        )]));
    }
    Ok(month)
}

/// The rule sets read for `month`: those in force on its first day.
pub fn templates_for(
    conn: &mut DbConnection,
    month: YearMonth,
) -> Result<ScorecardTemplates, ApiError> {
    let first = month.first_day().ok_or_else(|| {
        ApiError::Invalid(vec![FieldError::new("month", "range", "out of range")])
    })?;
    rules_on::<ScorecardTemplates>(conn, first)
}

/// A rule set in force on a month's first day; a month before any version took effect has
/// nothing to be scored by (422 on `month`).
pub fn rules_on<T: kefu_core::rules::RuleSet>(
    conn: &mut DbConnection,
    first: chrono::NaiveDate,
) -> Result<T, ApiError> {
    match load_in_force::<T>(conn, first) {
        Ok(v) => Ok(v.value),
        Err(ApiError::NotFound) => Err(ApiError::Invalid(vec![FieldError::new(
            "month",
            "range",
            "no scorecard rules were in force then",
        )])),
        Err(other) => Err(other),
    }
}

/// A list's `month` filter: `YYYY-MM` or absent (400 otherwise).
pub fn month_filter(raw: Option<String>) -> Result<Option<String>, ApiError> {
    match raw {
        None => Ok(None),
        Some(m) if parse_month(&m).is_some() => Ok(Some(m)),
        Some(_) => Err(ApiError::BadRequest {
            detail: "month must be YYYY-MM".to_owned(),
            errors: vec![FieldError::new(
                "query.month",
                "format",
                "a month in the form YYYY-MM",
            )],
        }),
    }
}

/// HR-S3: a finalised card of the month refuses every change to it (409).
pub fn refuse_if_finalised(
    conn: &mut DbConnection,
    user_id: &str,
    month: &str,
) -> Result<(), ApiError> {
    if store::find_card(conn, user_id, month)?.is_some() {
        return Err(ApiError::State {
            rule: "HR-S3",
            message: format!("the card of {month} is finalised and no longer changes"),
        });
    }
    Ok(())
}

/// The output of events, with their evidence files.
pub fn outs(
    conn: &mut DbConnection,
    rows: &[ScoreEventRow],
    appeal_days: i64,
) -> Result<Vec<ScoreEventOut>, ApiError> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let files = store::evidence_files(conn, &ids)?;
    Ok(rows
        .iter()
        .map(|r| {
            let mine = files
                .iter()
                .filter(|(e, _)| *e == r.id)
                .map(|(_, a)| a.clone())
                .collect();
            ScoreEventOut::of(r, mine, appeal_days)
        })
        .collect())
}

pub fn out(conn: &mut DbConnection, row: &ScoreEventRow) -> Result<ScoreEventOut, ApiError> {
    let days = appeal_days(conn, row)?;
    outs(conn, std::slice::from_ref(row), days)?
        .pop()
        .ok_or(ApiError::NotFound)
}

fn appeal_days(conn: &mut DbConnection, row: &ScoreEventRow) -> Result<i64, ApiError> {
    let day = from_db_time(row.issued_at).date_naive();
    Ok(load_in_force::<ScorecardTemplates>(conn, day)?
        .value
        .appeal_days)
}

/// HR-S2: an event against `input.user_id` for `input.month`, its points from the rules in
/// force on the month's first day; the person is notified.
pub fn issue(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    today: chrono::NaiveDate,
    input: IssueScoreEvent,
) -> Result<ScoreEventOut, ApiError> {
    // Someone unseen and someone seen but not assessed read alike (ORG-5).
    if !assesses(conn, actor, &input.user_id)? {
        return Err(field(
            "user_id",
            "unknown",
            "not a person you assess: events are issued by their supervisor, HR or a manager",
            "HR-S2",
        ));
    }
    let month = begun_month(&input.month, today)?;
    refuse_if_finalised(conn, &input.user_id, &input.month)?;
    let set = templates_for(conn, month)?;
    let inputs = store::find_inputs(conn, &input.user_id, &input.month)?;
    let template = inputs
        .as_ref()
        .and_then(|i| set.template(&i.position))
        .or(set.templates.first());
    let units = input.units.unwrap_or(1);
    let (title, points, sets_exam) =
        if let Some(item) = template.and_then(|t| t.item(&input.item_key)) {
            if item.per == Counting::PointsBelow {
                return Err(field(
                    "item_key",
                    "measured",
                    "a measured score is entered with the month's scores, not as an event",
                    "HR-S1",
                ));
            }
            (item.title.clone(), item.points_for(units), None)
        } else if let Some(e) = set.event(&input.item_key) {
            let signed = match e.kind {
                kefu_scoring::scorecard::ItemKind::Deduction => -e.points,
                kefu_scoring::scorecard::ItemKind::Bonus => e.points,
            };
            (
                e.title.clone(),
                signed.saturating_mul(units),
                e.sets_exam_score,
            )
        } else {
            return Err(field(
                "item_key",
                "unknown",
                "not an item of the person's template nor an HR-S2 event",
                "HR-S2",
            ));
        };
    let measure = match (sets_exam, input.measure_key) {
        (Some(score), Some(key)) => {
            let measured = template
                .and_then(|t| t.item(&key))
                .is_some_and(|i| i.per == Counting::PointsBelow);
            if !measured {
                return Err(field(
                    "measure_key",
                    "unknown",
                    "a measured item of the person's template",
                    "HR-S2",
                ));
            }
            Some((key, score))
        }
        (Some(_), None) => {
            return Err(field(
                "measure_key",
                "required",
                "this event sets an exam score: name the exam",
                "HR-S2",
            ));
        }
        (None, Some(_)) => {
            return Err(field(
                "measure_key",
                "unexpected",
                "only events that set an exam score take one",
                "HR-S2",
            ));
        }
        (None, None) => None,
    };
    let row = insert(
        conn,
        ctx,
        actor,
        NewEvent {
            user_id: &input.user_id,
            month: &input.month,
            item_key: &input.item_key,
            title,
            units,
            points,
            measure,
            evidence: input.evidence,
            penalty_for: None,
        },
    )?;
    out(conn, &row)
}

struct NewEvent<'a> {
    user_id: &'a str,
    month: &'a str,
    item_key: &'a str,
    title: String,
    units: i64,
    points: i64,
    measure: Option<(String, i64)>,
    evidence: String,
    penalty_for: Option<String>,
}

fn insert(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    e: NewEvent<'_>,
) -> Result<ScoreEventRow, ApiError> {
    let now = to_db_time(ctx.now);
    let (measure_key, measure_score) = e.measure.unzip();
    let row = ScoreEventRow {
        id: new_id(),
        user_id: e.user_id.to_owned(),
        month: e.month.to_owned(),
        item_key: e.item_key.to_owned(),
        item_title: e.title,
        units: e.units,
        points: e.points,
        sets_measure_key: measure_key,
        sets_measure_score: measure_score,
        evidence: e.evidence,
        status: EventStatus::Active.as_str().to_owned(),
        cancelled_by_appeal_id: None,
        penalty_for_event_id: e.penalty_for,
        issued_by: actor.user_id.clone(),
        issued_at: now,
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
    };
    store::insert_event(conn, &row)?;
    let audited = out(conn, &row)?;
    ctx.audit(
        conn,
        "score_event.issue",
        ("score_event", &row.id),
        None,
        snapshot(&audited),
    )?;
    let title = format!(
        "{} 考核记录：{}（{:+} 分）",
        row.month, row.item_title, row.points
    );
    let key = format!("score_event.issued:{}", row.id);
    notify(
        conn,
        ctx.now,
        &row.user_id,
        &Notice {
            kind: "score_event.issued",
            title: &title,
            body: &row.evidence,
            entity: Some(("score_event", &row.id)),
            dedupe_key: Some(&key),
        },
    )?;
    Ok(row)
}

/// An event the caller may see, else 404.
pub fn get(conn: &mut DbConnection, actor: &Actor, id: &str) -> Result<ScoreEventRow, ApiError> {
    let row = store::find_event(conn, id)?.ok_or(ApiError::NotFound)?;
    if row.deleted_at.is_some() || !sees(&scope(conn, actor)?, &row.user_id) {
        return Err(ApiError::NotFound);
    }
    Ok(row)
}

/// HR-S6: the person an event is against appeals it within the rule set's days.
pub fn appeal(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    event_id: &str,
    input: FileAppeal,
) -> Result<AppealOut, ApiError> {
    let event = get(conn, actor, event_id)?;
    if event.user_id != actor.user_id {
        return Err(forbidden("only the person an event is against appeals it"));
    }
    if event.status != EventStatus::Active.as_str() {
        return Err(ApiError::State {
            rule: "HR-S6",
            message: "the event is cancelled already".to_owned(),
        });
    }
    let days = appeal_days(conn, &event)?;
    if ctx.now > from_db_time(event.issued_at) + Duration::days(days) {
        return Err(ApiError::Rule {
            rule: "HR-S6",
            message: format!("an event is appealed within {days} days of being issued"),
        });
    }
    let now = to_db_time(ctx.now);
    let row = AppealRow {
        id: new_id(),
        event_id: event.id.clone(),
        user_id: actor.user_id.clone(),
        reason: input.reason,
        status: AppealStatus::Pending.as_str().to_owned(),
        decided_by: None,
        decided_at: None,
        decision_note: None,
        penalty_event_id: None,
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
    };
    store::insert_appeal(conn, &row)?;
    let out = AppealOut::from(&row);
    ctx.audit(
        conn,
        "score_appeal.file",
        ("score_appeal", &row.id),
        None,
        snapshot(&out),
    )?;
    let title = format!(
        "{} 考核记录「{}」被申诉，请处理",
        event.month, event.item_title
    );
    for decider in deciders(conn, &event)? {
        let key = format!("score_appeal.filed:{}:{decider}", row.id);
        notify(
            conn,
            ctx.now,
            &decider,
            &Notice {
                kind: "score_appeal.filed",
                title: &title,
                body: &row.reason,
                entity: Some(("score_appeal", &row.id)),
                dedupe_key: Some(&key),
            },
        )?;
    }
    Ok(out)
}

/// HR-S6: who is told of an appeal against `event`: the supervisor of the person's team,
/// unless they issued it; otherwise the managers (other than the issuer).
fn deciders(conn: &mut DbConnection, event: &ScoreEventRow) -> Result<Vec<String>, ApiError> {
    let supervisor = match team_of_user(conn, &event.user_id)? {
        Some(team) => kefu_store::teams::find(conn, &team)?.and_then(|t| t.supervisor_user_id),
        None => None,
    };
    let enabled = |conn: &mut DbConnection, id: &str| {
        kefu_store::users::is_enabled_with_any_role(conn, id, &[Role::Supervisor, Role::Manager])
    };
    if let Some(s) = supervisor.filter(|s| *s != event.issued_by && *s != event.user_id)
        && enabled(conn, &s)?
    {
        return Ok(vec![s]);
    }
    Ok(kefu_store::users::enabled_with_role(conn, Role::Manager)?
        .into_iter()
        .filter(|m| *m != event.issued_by && *m != event.user_id)
        .collect())
}

/// An appeal the caller may see (the appellant's records), else 404.
pub fn get_appeal(conn: &mut DbConnection, actor: &Actor, id: &str) -> Result<AppealRow, ApiError> {
    let row = store::find_appeal(conn, id)?.ok_or(ApiError::NotFound)?;
    if row.deleted_at.is_some() || !sees(&scope(conn, actor)?, &row.user_id) {
        return Err(ApiError::NotFound);
    }
    Ok(row)
}

/// HR-S6: a supervisor (not the event's issuer) decides. Upheld: the event is cancelled, its
/// issuer gets the rule set's `appeal_upheld_against_issuer` event in the same month and a
/// warning; the appellant is told either way.
pub fn decide(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    id: &str,
    version: i64,
    input: DecideAppeal,
) -> Result<AppealOut, ApiError> {
    let before = get_appeal(conn, actor, id)?;
    let event = store::find_event(conn, &before.event_id)?.ok_or(ApiError::NotFound)?;
    if event.issued_by == actor.user_id || !assesses(conn, actor, &before.user_id)? {
        return Err(forbidden(
            "an appeal is decided by the person's supervisor, not the event's issuer",
        ));
    }
    if before.version != version {
        return Err(ApiError::PreconditionFailed {
            current: before.version,
        });
    }
    if before.status != AppealStatus::Pending.as_str() {
        return Err(ApiError::State {
            rule: "HR-S6",
            message: "the appeal is decided already".to_owned(),
        });
    }
    let mut penalty = None;
    if input.outcome == AppealOutcome::Upheld {
        refuse_if_finalised(conn, &event.user_id, &event.month)?;
        refuse_if_finalised(conn, &event.issued_by, &event.month)?;
        let month = parse_month(&event.month).ok_or(ApiError::NotFound)?;
        let set = templates_for(conn, month)?;
        let rule = set.event("appeal_upheld_against_issuer").ok_or_else(|| {
            ApiError::internal("scorecard-templates has no appeal_upheld_against_issuer event")
        })?;
        let signed = match rule.kind {
            kefu_scoring::scorecard::ItemKind::Deduction => -rule.points,
            kefu_scoring::scorecard::ItemKind::Bonus => rule.points,
        };
        let changes = EventChanges {
            status: Some(EventStatus::Cancelled.as_str().to_owned()),
            cancelled_by_appeal_id: Some(Some(before.id.clone())),
        };
        let event_before = out(conn, &event)?;
        written(store::update_event(
            conn,
            &event.id,
            event.version,
            &changes,
            ctx.now,
        )?)?;
        let cancelled = store::find_event(conn, &event.id)?.ok_or(ApiError::NotFound)?;
        let event_after = out(conn, &cancelled)?;
        ctx.audit(
            conn,
            "score_event.cancel",
            ("score_event", &event.id),
            snapshot(&event_before),
            snapshot(&event_after),
        )?;
        let row = insert(
            conn,
            ctx,
            actor,
            NewEvent {
                user_id: &event.issued_by,
                month: &event.month,
                item_key: &rule.key,
                title: rule.title.clone(),
                units: 1,
                points: signed,
                measure: None,
                evidence: format!("申诉成立（{}）：{}", event.item_title, input.note),
                penalty_for: Some(event.id.clone()),
            },
        )?;
        let title = format!("警告：您开具的考核记录（{}）申诉成立", event.item_title);
        let key = format!("score_appeal.issuer_warning:{}", before.id);
        notify(
            conn,
            ctx.now,
            &event.issued_by,
            &Notice {
                kind: "score_appeal.issuer_warning",
                title: &title,
                body: &input.note,
                entity: Some(("score_event", &row.id)),
                dedupe_key: Some(&key),
            },
        )?;
        penalty = Some(row.id);
    }
    let changes = AppealChanges {
        status: Some(input.outcome.as_str().to_owned()),
        decided_by: Some(Some(actor.user_id.clone())),
        decided_at: Some(Some(to_db_time(ctx.now))),
        decision_note: Some(Some(input.note.clone())),
        penalty_event_id: Some(penalty),
    };
    written(store::update_appeal(conn, id, version, &changes, ctx.now)?)?;
    let after = store::find_appeal(conn, id)?.ok_or(ApiError::NotFound)?;
    let out = AppealOut::from(&after);
    ctx.audit(
        conn,
        "score_appeal.decide",
        ("score_appeal", id),
        snapshot(&AppealOut::from(&before)),
        snapshot(&out),
    )?;
    let title = format!("申诉结果：{}", input.outcome.as_str());
    let key = format!("score_appeal.decided:{id}");
    notify(
        conn,
        ctx.now,
        &after.user_id,
        &Notice {
            kind: "score_appeal.decided",
            title: &title,
            body: &input.note,
            entity: Some(("score_appeal", id)),
            dedupe_key: Some(&key),
        },
    )?;
    Ok(out)
}
