//! HR-S1..S5: a month's measured scores, the card computed from them and the month's events
//! (a preview any time), and its finalisation in the HR-S3 window, after which the stored
//! snapshot is the card and nothing changes it.

use super::privacy::{assesses, scope, sees};
use super::score_events::{begun_month, refuse_if_finalised, rules_on, templates_for};
use crate::calendar::service::{load_work_calendar_from, rule_error};
use crate::kernel::clock::day_start;
use crate::kernel::command::{Ctx, snapshot, written};
use crate::kernel::error::ApiError;
use crate::kernel::notify::{Notice, notify};
use crate::scoring::dto::scorecards::{
    CardInputsIn, CardInputsOut, FinaliseCard, ScorecardOut, ScorecardRowOut,
};
use chrono::{Months, NaiveDate};
use chrono_tz::Tz;
use kefu_core::{Actor, FieldError, Role, YearMonth};
use kefu_scoring::card::{self, CardEvent, CardScore, History, Outcome, TENTHS};
use kefu_scoring::grades::{GradeRules, StarRules};
use kefu_scoring::scorecard::Counting;
use kefu_store::scorecards::{self as store, CardInputsRow, InputsChanges, ScorecardRow};
use kefu_store::visibility::teams_supervised_by;
use kefu_store::{
    DbConnection, attendance, complaints, employees, from_db_time, new_id, to_db_time, users,
};
use std::collections::BTreeMap;

fn invalid(field: &str, code: &'static str, message: &str, rule: &'static str) -> ApiError {
    ApiError::Invalid(vec![FieldError::new(field, code, message).by_rule(rule)])
}

/// The person's records must be visible to the caller (404 otherwise).
fn visible(conn: &mut DbConnection, actor: &Actor, user_id: &str) -> Result<(), ApiError> {
    if sees(&scope(conn, actor)?, user_id) && super::privacy::exists(conn, user_id)? {
        Ok(())
    } else {
        Err(ApiError::NotFound)
    }
}

/// A visible person the caller does not assess: 403 naming `rule`.
fn assessor(
    conn: &mut DbConnection,
    actor: &Actor,
    user_id: &str,
    rule: &'static str,
) -> Result<(), ApiError> {
    visible(conn, actor, user_id)?;
    if assesses(conn, actor, user_id)? {
        Ok(())
    } else {
        Err(ApiError::from(kefu_core::DomainError::Forbidden {
            rule,
            message: "only the person's supervisor, HR or a manager assesses them".to_owned(),
        }))
    }
}

fn measures_of(row: &CardInputsRow) -> Result<BTreeMap<String, i64>, ApiError> {
    serde_json::from_str(&row.measures_json)
        .map_err(|e| ApiError::internal(format!("stored card inputs are corrupt: {e}")))
}

pub fn inputs_out(row: &CardInputsRow) -> Result<CardInputsOut, ApiError> {
    Ok(CardInputsOut {
        id: row.id.clone(),
        user_id: row.user_id.clone(),
        month: row.month.clone(),
        position: row.position.clone(),
        qa_average_tenths: row.qa_average_tenths,
        measures: measures_of(row)?,
        entered_by: row.entered_by.clone(),
        updated_at: from_db_time(row.updated_at),
        version: row.version,
    })
}

/// HR-S1: sets the month's position and measured scores: `version` `None` creates them (409
/// when they exist), else replaces them (404 when they do not); 409 `HR-S3` once the card is
/// finalised.
#[allow(clippy::too_many_arguments)]
pub fn put_inputs(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    today: NaiveDate,
    user_id: &str,
    month_raw: &str,
    version: Option<i64>,
    input: CardInputsIn,
) -> Result<CardInputsOut, ApiError> {
    assessor(conn, actor, user_id, "HR-S1")?;
    let month = begun_month(month_raw, today)?;
    refuse_if_finalised(conn, user_id, month_raw)?;
    let set = templates_for(conn, month)?;
    let template = set.template(&input.position).ok_or_else(|| {
        invalid(
            "position",
            "unknown",
            "no template for this position",
            "HR-S1",
        )
    })?;
    for (key, score) in &input.measures {
        let measured = template
            .item(key)
            .is_some_and(|i| i.per == Counting::PointsBelow);
        if !measured {
            return Err(invalid(
                &format!("measures.{key}"),
                "unknown",
                "not a measured item of the position's template",
                "HR-S1",
            ));
        }
        if !(0..=1000).contains(score) {
            return Err(ApiError::Invalid(vec![FieldError::new(
                format!("measures.{key}"),
                "range",
                "0 to 1000 tenths",
            )]));
        }
    }
    let measures_json = serde_json::to_string(&input.measures).map_err(ApiError::internal)?;
    let existing = store::find_inputs(conn, user_id, month_raw)?;
    let now = to_db_time(ctx.now);
    match (existing, version) {
        (None, None) => {
            let row = CardInputsRow {
                id: new_id(),
                user_id: user_id.to_owned(),
                month: month_raw.to_owned(),
                position: input.position,
                qa_average_tenths: input.qa_average_tenths,
                measures_json,
                entered_by: actor.user_id.clone(),
                created_at: now,
                updated_at: now,
                version: 1,
                deleted_at: None,
            };
            store::insert_inputs(conn, &row)?;
            let out = inputs_out(&row)?;
            ctx.audit(
                conn,
                "scorecard_inputs.set",
                ("scorecard_inputs", &row.id),
                None,
                snapshot(&out),
            )?;
            Ok(out)
        }
        (Some(_), None) => Err(ApiError::Conflict(
            "the month's scores are set already: replace them with PUT and If-Match".to_owned(),
        )),
        (None, Some(_)) => Err(ApiError::NotFound),
        (Some(before), Some(expected)) => {
            let changes = InputsChanges {
                position: Some(input.position),
                qa_average_tenths: Some(input.qa_average_tenths),
                measures_json: Some(measures_json),
                entered_by: Some(actor.user_id.clone()),
            };
            written(store::update_inputs(
                conn, &before.id, expected, &changes, ctx.now,
            )?)?;
            let after = store::find_inputs(conn, user_id, month_raw)?.ok_or(ApiError::NotFound)?;
            let out = inputs_out(&after)?;
            ctx.audit(
                conn,
                "scorecard_inputs.set",
                ("scorecard_inputs", &after.id),
                snapshot(&inputs_out(&before)?),
                snapshot(&out),
            )?;
            Ok(out)
        }
    }
}

pub fn get_inputs(
    conn: &mut DbConnection,
    actor: &Actor,
    user_id: &str,
    month: &str,
) -> Result<CardInputsRow, ApiError> {
    visible(conn, actor, user_id)?;
    store::find_inputs(conn, user_id, month)?.ok_or(ApiError::NotFound)
}

fn last_day(month: YearMonth) -> Result<NaiveDate, ApiError> {
    month
        .next()
        .first_day()
        .and_then(|d| d.pred_opt())
        .ok_or_else(|| ApiError::Invalid(vec![FieldError::new("month", "range", "out of range")]))
}

/// HR-S3: the next month's working days 1 to `finalise_working_days`, by the work calendar.
pub fn window(
    conn: &mut DbConnection,
    month: YearMonth,
    grades: &GradeRules,
) -> Result<(NaiveDate, NaiveDate), ApiError> {
    let last = last_day(month)?;
    let calendar = load_work_calendar_from(conn, last)?;
    let from = calendar.add_working_days(last, 1).map_err(rule_error)?;
    let n = u32::try_from(grades.finalise_working_days.max(1)).unwrap_or(1);
    let until = calendar.add_working_days(last, n).map_err(rule_error)?;
    Ok((from, until))
}

/// HR-S3: whether the person was absent more than 2 months in the period, as far as the data
/// tells: their employee record left before the month, or they clock in (they have attendance
/// days) but did so on none of the days from two months before the month's end to its end.
fn absent(conn: &mut DbConnection, user_id: &str, month: YearMonth) -> Result<bool, ApiError> {
    let first = month.first_day().ok_or(ApiError::NotFound)?;
    let last = last_day(month)?;
    if let Some(e) = employees::find_by_user(conn, user_id)?
        && e.employment_status == "left"
        && e.status_since <= first
    {
        return Ok(true);
    }
    let since = last.checked_sub_months(Months::new(2)).unwrap_or(first);
    // Any clock-in before the month's end at all (a date both databases take).
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or(first);
    let ever = !attendance::days_between(conn, user_id, epoch, last)?.is_empty();
    Ok(ever && attendance::days_between(conn, user_id, since, last)?.is_empty())
}

/// The previous months' finalised grades, most recent first, up to the first month without one.
fn previous_cards(
    conn: &mut DbConnection,
    user_id: &str,
    month: YearMonth,
) -> Result<(Vec<String>, Vec<i64>), ApiError> {
    let mut months = Vec::new();
    let mut m = month;
    for _ in 0..12 {
        m = m.previous();
        months.push(m.to_string());
    }
    let found = store::grades_of(conn, user_id, &months)?;
    let (mut grades, mut totals) = (Vec::new(), Vec::new());
    for m in months {
        match found.iter().find(|(fm, _, _)| *fm == m) {
            Some((_, g, t)) => {
                grades.push(g.clone());
                totals.push(t / TENTHS);
            }
            None => break,
        }
    }
    Ok((grades, totals))
}

/// The live card of a month and its outcome, by the rules in force on its first day.
fn compute(
    conn: &mut DbConnection,
    tz: Tz,
    user_id: &str,
    month: YearMonth,
) -> Result<(CardScore, Option<Outcome>, bool), ApiError> {
    let key = month.to_string();
    let set = templates_for(conn, month)?;
    let inputs = store::find_inputs(conn, user_id, &key)?;
    let template = inputs
        .as_ref()
        .and_then(|i| set.template(&i.position))
        .or(set.templates.first())
        .ok_or_else(|| ApiError::internal("scorecard-templates has no template"))?;
    let mut measures = match &inputs {
        Some(i) => measures_of(i)?,
        None => BTreeMap::new(),
    };
    // HR-S1: the month's exam results, where there are any, are its exam scores.
    measures.extend(super::exams::month_scores(conn, user_id, month)?);
    let events: Vec<CardEvent> = store::month_events(conn, user_id, &key)?
        .into_iter()
        .map(|e| CardEvent {
            sets_measure: e.sets_measure_key.clone().zip(e.sets_measure_score),
            id: e.id,
            item_key: e.item_key,
            title: e.item_title,
            points: e.points,
        })
        .collect();
    let mut card = card::compute(
        template,
        inputs.as_ref().and_then(|i| i.qa_average_tenths),
        &measures,
        &events,
    );
    if inputs.is_none() {
        card.missing_measures.insert(0, "position".to_owned());
    }
    let first = month.first_day().ok_or(ApiError::NotFound)?;
    let grades = rules_on::<GradeRules>(conn, first)?;
    let stars = rules_on::<StarRules>(conn, first)?;
    let from = day_start(tz, first);
    let to = day_start(tz, last_day(month)?.succ_opt().unwrap_or(first));
    let complaints = complaints::valid_counts(conn, from, to, Some(user_id))?
        .first()
        .map_or(0, |(_, n)| *n);
    let is_manager = users::find(conn, user_id)?.is_some_and(|u| u.roles.contains(&Role::Manager));
    let (previous, previous_totals) = previous_cards(conn, user_id, month)?;
    let is_team_lead = !teams_supervised_by(conn, user_id)?.is_empty();
    let outcome = card::outcome(
        &card,
        &grades,
        &stars,
        &History {
            previous_grades: &previous,
            previous_totals: &previous_totals,
            is_team_lead,
            complaints,
            is_manager,
        },
    );
    Ok((card, outcome, absent(conn, user_id, month)?))
}

fn stored_out(row: &ScorecardRow) -> Result<ScorecardOut, ApiError> {
    let corrupt = |e: serde_json::Error| ApiError::internal(format!("stored card is corrupt: {e}"));
    Ok(ScorecardOut {
        id: Some(row.id.clone()),
        user_id: row.user_id.clone(),
        month: row.month.clone(),
        finalised: true,
        scored: true,
        card: Some(serde_json::from_str(&row.card_json).map_err(corrupt)?),
        outcome: Some(serde_json::from_str(&row.outcome_json).map_err(corrupt)?),
        justification: row.justification.clone(),
        finalised_by: Some(row.finalised_by.clone()),
        finalised_at: Some(from_db_time(row.finalised_at)),
        finalise_from: None,
        finalise_until: None,
        version: row.version,
    })
}

/// HR-S1..S5: the finalised card, or the live preview of one not finalised yet.
pub fn view(
    conn: &mut DbConnection,
    actor: &Actor,
    tz: Tz,
    today: NaiveDate,
    user_id: &str,
    month_raw: &str,
) -> Result<ScorecardOut, ApiError> {
    visible(conn, actor, user_id)?;
    let month = begun_month(month_raw, today)?;
    if let Some(row) = store::find_card(conn, user_id, month_raw)? {
        return stored_out(&row);
    }
    let (card, outcome, absent) = compute(conn, tz, user_id, month)?;
    let first = month.first_day().ok_or(ApiError::NotFound)?;
    let grades = rules_on::<GradeRules>(conn, first)?;
    let (from, until) = window(conn, month, &grades)?;
    Ok(ScorecardOut {
        id: None,
        user_id: user_id.to_owned(),
        month: month_raw.to_owned(),
        finalised: false,
        scored: !absent,
        card: (!absent).then_some(card),
        outcome: if absent { None } else { outcome },
        justification: None,
        finalised_by: None,
        finalised_at: None,
        finalise_from: Some(from),
        finalise_until: Some(until),
        version: 0,
    })
}

/// HR-S3/HR-S4: the assessor finalises the month's card in its window; the computed card and
/// outcome are stored and never change again. The person is notified.
#[allow(clippy::too_many_arguments)]
pub fn finalise(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    tz: Tz,
    today: NaiveDate,
    user_id: &str,
    month_raw: &str,
    input: FinaliseCard,
) -> Result<ScorecardOut, ApiError> {
    assessor(conn, actor, user_id, "HR-S3")?;
    let month = begun_month(month_raw, today)?;
    refuse_if_finalised(conn, user_id, month_raw)?;
    let first = month.first_day().ok_or(ApiError::NotFound)?;
    let grades = rules_on::<GradeRules>(conn, first)?;
    let (from, until) = window(conn, month, &grades)?;
    if today < from || today > until {
        return Err(ApiError::Rule {
            rule: "HR-S3",
            message: format!(
                "the card of {month_raw} is finalised from {from} to {until} (working days 1 to {} of the next month)",
                grades.finalise_working_days
            ),
        });
    }
    let (card, outcome, absent) = compute(conn, tz, user_id, month)?;
    if absent {
        return Err(ApiError::Rule {
            rule: "HR-S3",
            message: "absent more than 2 months in the period: not scored".to_owned(),
        });
    }
    if !card.missing_measures.is_empty() {
        return Err(ApiError::Invalid(
            card.missing_measures
                .iter()
                .map(|m| {
                    FieldError::new(format!("inputs.{m}"), "required", "enter it first")
                        .by_rule("HR-S1")
                })
                .collect(),
        ));
    }
    let outcome = outcome.ok_or_else(|| ApiError::internal("no grade band for the card"))?;
    if outcome.needs_justification && input.justification.is_none() {
        return Err(invalid(
            "justification",
            "required",
            "this grade needs the assessor's written justification",
            "HR-S4",
        ));
    }
    let now = to_db_time(ctx.now);
    let row = ScorecardRow {
        id: new_id(),
        user_id: user_id.to_owned(),
        month: month_raw.to_owned(),
        position: card.position.clone(),
        total_tenths: card.total_tenths,
        grade: outcome.grade.clone(),
        card_json: serde_json::to_string(&card).map_err(ApiError::internal)?,
        outcome_json: serde_json::to_string(&outcome).map_err(ApiError::internal)?,
        justification: input.justification,
        finalised_by: actor.user_id.clone(),
        finalised_at: now,
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
    };
    store::insert_card(conn, &row)?;
    let out = stored_out(&row)?;
    ctx.audit(
        conn,
        "scorecard.finalise",
        ("scorecard", &row.id),
        None,
        snapshot(&row_out(&row)?),
    )?;
    let title = format!(
        "{} 月度考核已定稿：{} 分，等级 {}",
        row.month,
        tenths(row.total_tenths),
        row.grade
    );
    let key = format!("scorecard.finalised:{}", row.id);
    notify(
        conn,
        ctx.now,
        user_id,
        &Notice {
            kind: "scorecard.finalised",
            title: &title,
            body: row.justification.as_deref().unwrap_or_default(),
            entity: Some(("scorecard", &row.id)),
            dedupe_key: Some(&key),
        },
    )?;
    Ok(out)
}

fn tenths(v: i64) -> String {
    format!("{}.{}", v / 10, v % 10)
}

pub fn row_out(row: &ScorecardRow) -> Result<ScorecardRowOut, ApiError> {
    let outcome: Outcome = serde_json::from_str(&row.outcome_json)
        .map_err(|e| ApiError::internal(format!("stored card is corrupt: {e}")))?;
    Ok(ScorecardRowOut {
        id: row.id.clone(),
        user_id: row.user_id.clone(),
        month: row.month.clone(),
        position: row.position.clone(),
        total_tenths: row.total_tenths,
        grade: row.grade.clone(),
        grade_amount_fen: outcome.grade_amount_fen,
        streak_bonus_fen: outcome.streak_bonus_fen,
        stars: outcome.stars,
        star_reward_fen: outcome.star_reward_fen,
        flags: outcome
            .flags
            .iter()
            .map(|f| f.as_str())
            .collect::<Vec<_>>()
            .join(","),
        justification: row.justification.clone(),
        finalised_by: row.finalised_by.clone(),
        finalised_at: from_db_time(row.finalised_at),
        deleted: row.deleted_at.is_some(),
        updated_at: from_db_time(row.updated_at),
        version: row.version,
    })
}
