//! HR-T3: the managers' assessments for promotion to team lead, and what eligibility reads
//! from the fines and the finalised cards.

use crate::delta::ListMode;
use crate::schema::{fines, promotion_assessments, scorecards};
use crate::{DbConnection, StoreError};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = promotion_assessments)]
pub struct AssessmentRow {
    pub id: String,
    pub user_id: String,
    pub meets_abilities: bool,
    pub note: String,
    pub assessed_on: NaiveDate,
    pub assessed_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub deleted_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConnection, row: &AssessmentRow) -> Result<(), StoreError> {
    diesel::insert_into(promotion_assessments::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<AssessmentRow>, StoreError> {
    Ok(promotion_assessments::table
        .find(id)
        .select(AssessmentRow::as_select())
        .first(conn)
        .optional()?)
}

/// Which assessments a list shows: `user_ids` limits them to those people (privacy), `None`
/// is everyone's.
#[derive(Debug, Clone, Default)]
pub struct AssessmentFilter {
    pub user_ids: Option<Vec<String>>,
}

pub fn list(
    conn: &mut DbConnection,
    filter: &AssessmentFilter,
    mode: &ListMode,
    limit: i64,
) -> Result<Vec<AssessmentRow>, StoreError> {
    let mut query = promotion_assessments::table
        .select(AssessmentRow::as_select())
        .into_boxed();
    if let Some(ids) = &filter.user_ids {
        query = query.filter(promotion_assessments::user_id.eq_any(ids.clone()));
    }
    let query = crate::apply_list_mode!(query, promotion_assessments, mode);
    Ok(query.limit(limit).load(conn)?)
}

/// `user_id`'s latest live assessment made on or after `since`.
pub fn latest_since(
    conn: &mut DbConnection,
    user_id: &str,
    since: NaiveDate,
) -> Result<Option<AssessmentRow>, StoreError> {
    Ok(promotion_assessments::table
        .filter(promotion_assessments::user_id.eq(user_id))
        .filter(promotion_assessments::assessed_on.ge(since))
        .filter(promotion_assessments::deleted_at.is_null())
        .select(AssessmentRow::as_select())
        .order((
            promotion_assessments::assessed_on.desc(),
            promotion_assessments::id.desc(),
        ))
        .first(conn)
        .optional()?)
}

/// HR-T3: `user_id`'s live fines in `statuses` that occurred in `[from, to]`.
pub fn fines_between(
    conn: &mut DbConnection,
    user_id: &str,
    statuses: &[&str],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<i64, StoreError> {
    let statuses: Vec<String> = statuses.iter().map(|s| (*s).to_owned()).collect();
    Ok(fines::table
        .filter(fines::user_id.eq(user_id))
        .filter(fines::status.eq_any(statuses))
        .filter(fines::occurred_on.ge(from))
        .filter(fines::occurred_on.le(to))
        .filter(fines::deleted_at.is_null())
        .count()
        .get_result(conn)?)
}

/// HR-T3: the totals (tenths) of `user_id`'s finalised cards of `months` (`YYYY-MM`).
pub fn card_totals(
    conn: &mut DbConnection,
    user_id: &str,
    months: &[String],
) -> Result<Vec<i64>, StoreError> {
    Ok(scorecards::table
        .filter(scorecards::user_id.eq(user_id))
        .filter(scorecards::month.eq_any(months.to_vec()))
        .filter(scorecards::deleted_at.is_null())
        .select(scorecards::total_tenths)
        .load(conn)?)
}
