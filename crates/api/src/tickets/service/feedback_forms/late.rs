//! TKT-7: the finished visits whose feedback form came in late or is missing past its due
//! day — the facts the late-form fine (HR-F7/F8) is computed from.

use crate::calendar::service::{check_range, rule_error, working_time_calendar};
use crate::kernel::error::ApiError;
use crate::tickets::dto::feedback_forms::{LateFormOut, LateKind};
use crate::tickets::service::tickets::{local, utc_of};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use kefu_store::feedback_forms as store;
use kefu_store::visibility::Visible;
use kefu_store::{DbConnection, from_db_time, to_db_time};
use kefu_tickets::deadlines::ServiceDeadlines;
use kefu_tickets::forms;
use std::collections::{BTreeMap, HashMap};

/// The longest period one report covers: a year.
const MAX_RANGE_DAYS: i64 = 366;

/// The visits visible in `scope` that finished on a company-local day in `[from, to]` (of
/// one engineer, optionally) whose form was received after its due day, or was not received
/// (or never written) and `now` is past that day. Oldest finish first.
pub fn late_forms(
    conn: &mut DbConnection,
    scope: &Visible,
    tz: Tz,
    now: DateTime<Utc>,
    from: NaiveDate,
    to: NaiveDate,
    engineer_id: Option<&str>,
) -> Result<Vec<LateFormOut>, ApiError> {
    let errors = check_range(("from", from), ("to", to), MAX_RANGE_DAYS);
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    let start = utc_of(tz, from.and_hms_opt(0, 0, 0).unwrap_or_default());
    let end = utc_of(
        tz,
        (to + Duration::days(1))
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default(),
    );
    let visits = store::finished_visits(conn, scope, start, end, engineer_id)?;
    let ids: Vec<String> = visits.iter().map(|v| v.id.clone()).collect();
    let forms_by_visit: HashMap<String, store::FormRow> = store::of_visits(conn, &ids)?
        .into_iter()
        .map(|f| (f.visit_id.clone(), f))
        .collect();
    let calendar = working_time_calendar(conn, from)?;
    // The deadline in force on each finish day, loaded once per day.
    let mut days_on: BTreeMap<NaiveDate, i64> = BTreeMap::new();
    let now = to_db_time(now);
    let mut out = Vec::new();
    for visit in visits {
        let Some(finished) = visit.finished_at else {
            continue;
        };
        let day = local(tz, finished).date();
        let n = match days_on.get(&day) {
            Some(n) => *n,
            None => {
                let n = crate::kernel::rules::load_in_force::<ServiceDeadlines>(conn, day)?
                    .value
                    .feedback_form_working_days;
                days_on.insert(day, n);
                n
            }
        };
        let due = forms::due_date(&calendar, day, n).map_err(rule_error)?;
        let due_end = utc_of(tz, forms::due_end(due));
        let form = forms_by_visit.get(&visit.id);
        let received = form.and_then(|f| f.received_at);
        if !forms::is_late(due_end, received, now) {
            continue;
        }
        out.push(LateFormOut {
            visit_id: visit.id.clone(),
            ticket_id: visit.ticket_id.clone(),
            engineer_id: visit.engineer_id.clone(),
            finished_at: from_db_time(finished),
            due_date: due,
            form_id: form.map(|f| f.id.clone()),
            received_at: received.map(from_db_time),
            kind: if received.is_some() {
                LateKind::Late
            } else {
                LateKind::Missing
            },
        });
    }
    Ok(out)
}
