//! HR-T3: managers record their assessment of a candidate's abilities; the service computes
//! promotion eligibility from the employee record, complaints, fines, finalised cards and the
//! latest assessment, with a reason per condition. Privacy as the rest of the domain.

use super::privacy::{assesses, exists, scope, sees};
use crate::kernel::clock::day_start;
use crate::kernel::command::{Ctx, snapshot};
use crate::kernel::error::ApiError;
use crate::kernel::rules::load_in_force;
use crate::scoring::dto::promotion::{AssessmentOut, EligibilityOut, RecordAssessment};
use chrono::{Months, NaiveDate};
use chrono_tz::Tz;
use kefu_core::{Actor, FieldError, YearMonth};
use kefu_scoring::exams::TrainingRules;
use kefu_scoring::promotion::{Facts, eligibility as decide};
use kefu_store::promotion::{self as store, AssessmentRow};
use kefu_store::{DbConnection, complaints, employees, new_id, to_db_time};

/// An assessment the caller may see, else 404.
pub fn get(conn: &mut DbConnection, actor: &Actor, id: &str) -> Result<AssessmentRow, ApiError> {
    let row = store::find(conn, id)?.ok_or(ApiError::NotFound)?;
    if row.deleted_at.is_some() || !sees(&scope(conn, actor)?, &row.user_id) {
        return Err(ApiError::NotFound);
    }
    Ok(row)
}

/// HR-T3: the manager's assessment of a person they assess, dated today.
pub fn record(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    today: NaiveDate,
    input: RecordAssessment,
) -> Result<AssessmentOut, ApiError> {
    // Someone unseen and someone seen but not assessed read alike (ORG-5).
    if !assesses(conn, actor, &input.user_id)? {
        return Err(ApiError::Invalid(vec![
            FieldError::new("user_id", "unknown", "not a person you assess").by_rule("HR-T3"),
        ]));
    }
    let now = to_db_time(ctx.now);
    let row = AssessmentRow {
        id: new_id(),
        user_id: input.user_id,
        meets_abilities: input.meets_abilities,
        note: input.note.trim().to_owned(),
        assessed_on: today,
        assessed_by: actor.user_id.clone(),
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
    };
    store::insert(conn, &row)?;
    let out = AssessmentOut::from(&row);
    ctx.audit(
        conn,
        "promotion_assessment.record",
        ("promotion_assessment", &row.id),
        None,
        snapshot(&out),
    )?;
    Ok(out)
}

/// HR-T3: `user_id`'s eligibility for promotion to team lead on `today`.
pub fn eligibility(
    conn: &mut DbConnection,
    actor: &Actor,
    tz: Tz,
    today: NaiveDate,
    user_id: &str,
) -> Result<EligibilityOut, ApiError> {
    if !sees(&scope(conn, actor)?, user_id) || !exists(conn, user_id)? {
        return Err(ApiError::NotFound);
    }
    let rules = load_in_force::<TrainingRules>(conn, today)?.value.promotion;
    let lookback = u32::try_from(rules.lookback_months.max(1)).unwrap_or(12);
    let since = today
        .checked_sub_months(Months::new(lookback))
        .unwrap_or(today);
    let hired_on = match employees::find_by_user(conn, user_id)? {
        Some(e) => Some(
            employees::events(conn, &e.id)?
                .first()
                .map_or(e.status_since, |ev| ev.effective_on),
        ),
        None => None,
    };
    let to = day_start(tz, today.succ_opt().unwrap_or(today));
    let valid_complaints = complaints::valid_counts(conn, day_start(tz, since), to, Some(user_id))?
        .first()
        .map_or(0, |(_, n)| *n);
    let penalties = store::fines_between(conn, user_id, &["confirmed", "deducted"], since, today)?;
    // The look-back's months before this one: this month's card is not final yet.
    let mut month = YearMonth::of(today);
    let mut months = Vec::new();
    for _ in 0..lookback {
        month = month.previous();
        months.push(month.to_string());
    }
    let facts = Facts {
        hired_on,
        valid_complaints,
        penalties,
        card_totals_tenths: store::card_totals(conn, user_id, &months)?,
        assessment: store::latest_since(conn, user_id, since)?.map(|a| a.meets_abilities),
    };
    let (eligible, reasons) = decide(&rules, today, &facts);
    Ok(EligibilityOut {
        user_id: user_id.to_owned(),
        as_of: today,
        eligible,
        hired_on,
        reasons,
    })
}
