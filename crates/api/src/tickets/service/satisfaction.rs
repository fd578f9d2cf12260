//! TKT-13: the satisfaction report of a month or quarter from the completed callbacks, per
//! team, engineer (the ticket's assignee) or customer. Managers and above see all teams; a
//! supervisor the teams they supervise.

use crate::kernel::error::ApiError;
use crate::tickets::dto::callbacks::{
    GroupBy, SatisfactionQuery, SatisfactionReport, SatisfactionRow,
};
use crate::tickets::service::complaints::day_start;
use crate::tickets::service::tickets::field;
use chrono_tz::Tz;
use kefu_core::{Actor, YearMonth};
use kefu_store::DbConnection;
use kefu_store::visibility::{Visible, teams_supervised_by};
use kefu_tickets::access::{ReportScope, satisfaction_scope};
use kefu_tickets::satisfaction::{Period, Scored, by_group, figures};

fn period(query: &SatisfactionQuery) -> Result<Period, ApiError> {
    match (&query.month, &query.quarter) {
        (Some(m), None) => m
            .parse::<YearMonth>()
            .map(Period::Month)
            .map_err(|_| field("query.month", "format", "a month in the form YYYY-MM")),
        (None, Some(q)) => Ok(Period::parse_quarter("query.quarter", q)?),
        (Some(_), Some(_)) => Err(field(
            "query.quarter",
            "not_allowed",
            "give either month or quarter",
        )),
        (None, None) => Err(field(
            "query.month",
            "required",
            "give a month (YYYY-MM) or a quarter (YYYY-Qn)",
        )),
    }
}

fn name_of(
    conn: &mut DbConnection,
    group_by: GroupBy,
    key: &str,
) -> Result<Option<String>, ApiError> {
    Ok(match group_by {
        GroupBy::Engineer => kefu_store::users::find(conn, key)?.map(|u| u.row.display_name),
        GroupBy::Team => kefu_store::teams::find(conn, key)?.map(|t| t.name),
        GroupBy::Customer => {
            kefu_store::customers::find_visible(conn, key, &Visible::everything())?.map(|c| c.name)
        }
    })
}

/// Counts each callback in the period it was completed in: the survey is taken when the
/// customer is reached, so a callback due 31 July and completed 3 August is August's.
pub fn report(
    conn: &mut DbConnection,
    actor: &Actor,
    tz: Tz,
    query: &SatisfactionQuery,
) -> Result<SatisfactionReport, ApiError> {
    let period = period(query)?;
    let (from, to) = period
        .days()
        .ok_or_else(|| field("query.month", "range", "out of range"))?;
    let group_by = query.group_by.unwrap_or(GroupBy::Engineer);
    let teams = match satisfaction_scope(&actor.roles)? {
        ReportScope::All => None,
        ReportScope::SupervisedTeams => Some(teams_supervised_by(conn, &actor.user_id)?),
    };
    let after = to
        .succ_opt()
        .ok_or_else(|| field("query.month", "range", "out of range"))?;
    let rows = kefu_store::callbacks::completed_between(
        conn,
        day_start(tz, from),
        day_start(tz, after),
        teams.as_deref(),
    )?;
    let scored: Vec<Scored> = rows
        .into_iter()
        .map(|(c, assignee, team, customer)| Scored {
            group: match group_by {
                GroupBy::Engineer => assignee,
                GroupBy::Team => team,
                GroupBy::Customer => Some(customer),
            },
            reached: c.reached == Some(true),
            satisfied: c.satisfied == Some(true),
            result_ok: c.result_ok == Some(true),
            timeliness: c.timeliness.unwrap_or(0),
            attitude: c.attitude.unwrap_or(0),
            technical: c.technical.unwrap_or(0),
        })
        .collect();
    let mut groups = Vec::new();
    for (key, figures) in by_group(&scored) {
        let name = match &key {
            Some(k) => name_of(conn, group_by, k)?,
            None => None,
        };
        groups.push(SatisfactionRow::new(key, name, figures));
    }
    Ok(SatisfactionReport {
        period: period.label(),
        from,
        to,
        group_by,
        groups,
        total: figures(&scored),
    })
}
