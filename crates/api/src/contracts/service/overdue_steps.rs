//! CON-6 overdue programme steps: the dashboard (`listOverdueMaintenanceSteps`) and what the
//! `contracts.overdue_programme_steps` job reads. A step is overdue once a working day has
//! begun after its due day (`kefu_contracts::programme_overdue`), so the store filters by the
//! last working day on or before today and the working days overdue are counted here.
//!
//! Visibility is the contracts' (ORG-5): an engineer sees the steps of the contracts they sign
//! or carry out and of their team's customers, a customer contact their own customer's.

use crate::calendar::service::load_work_calendar;
use crate::contracts::dto::maintenance::OverdueStepOut;
use crate::contracts::service::contracts::contract_scope;
use crate::kernel::error::ApiError;
use chrono::{Days, NaiveDate};
use kefu_contracts::programme_overdue::{
    WaitingFor, overdue_if_due_before, waiting_for, working_days_overdue,
};
use kefu_core::{Actor, WorkCalendar};
use kefu_store::contracts as contracts_store;
use kefu_store::maintenance::{self as store, OverdueFilter, OverdueStep};
use kefu_store::{DbConnection, from_db_time};

/// How far back the search for the last working day reads the calendar's overrides.
const CUTOFF_LOOKBACK_DAYS: u64 = 366;

/// The due day before which an unfinished step is overdue on `today`: the last working day on
/// or before it. `None` when the calendar has no working day in the past year.
pub fn due_before(
    conn: &mut DbConnection,
    today: NaiveDate,
) -> Result<Option<NaiveDate>, ApiError> {
    let from = today
        .checked_sub_days(Days::new(CUTOFF_LOOKBACK_DAYS))
        .unwrap_or(today);
    let calendar = load_work_calendar(conn, from, today)?;
    Ok(overdue_if_due_before(&calendar, today))
}

/// The calendar that counts the working days overdue of `rows` on `today`.
pub fn calendar_for(
    conn: &mut DbConnection,
    rows: &[OverdueStep],
    today: NaiveDate,
) -> Result<WorkCalendar, ApiError> {
    let from = rows.iter().map(|r| r.0.due_on).min().unwrap_or(today);
    load_work_calendar(conn, from.min(today), today)
}

/// What an overdue step waits for (an unfinished step always waits for something).
pub fn waits_for(step: &kefu_store::maintenance::StepRow) -> WaitingFor {
    waiting_for(step.kind, step.status, step.manager_approved_on.is_some())
        .unwrap_or(WaitingFor::Work)
}

/// The dashboard's rows, each with its contract's sites.
pub fn render_all(
    conn: &mut DbConnection,
    rows: Vec<OverdueStep>,
    today: NaiveDate,
) -> Result<Vec<OverdueStepOut>, ApiError> {
    let calendar = calendar_for(conn, &rows, today)?;
    let mut ids: Vec<String> = rows.iter().map(|r| r.0.contract_id.clone()).collect();
    ids.sort();
    ids.dedup();
    let items = contracts_store::items_of(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(
            |(step, contract_title, customer_id, signer_id, customer_name)| {
                let site_ids = ids
                    .iter()
                    .position(|id| *id == step.contract_id)
                    .and_then(|i| items.get(i))
                    .map(|it| it.site_ids.clone())
                    .unwrap_or_default();
                OverdueStepOut {
                    waiting_for: waits_for(&step),
                    working_days_overdue: working_days_overdue(&calendar, step.due_on, today),
                    id: step.id,
                    contract_id: step.contract_id,
                    contract_title,
                    customer_id,
                    customer_name,
                    site_ids,
                    kind: step.kind,
                    seq: step.seq,
                    due_on: step.due_on,
                    status: step.status,
                    responsible_id: signer_id,
                    overdue_noticed_on: step.overdue_noticed_on,
                    updated_at: from_db_time(step.updated_at),
                    version: step.version,
                }
            },
        )
        .collect())
}

/// CON-6: one page of the steps overdue on `today` of the running contracts `actor` sees, by
/// due day then id, after the `(due_on, id)` key `after`.
pub fn list(
    conn: &mut DbConnection,
    actor: &Actor,
    filter: &OverdueFilter,
    after: Option<(NaiveDate, String)>,
    fetch: i64,
    today: NaiveDate,
) -> Result<Vec<OverdueStepOut>, ApiError> {
    let scope = contract_scope(conn, actor)?;
    let ids = contracts_store::running_visible_ids(conn, &scope)?;
    let Some(before) = due_before(conn, today)? else {
        return Ok(Vec::new());
    };
    let rows = store::overdue(conn, ids.as_deref(), filter, before, after, fetch)?;
    render_all(conn, rows, today)
}
