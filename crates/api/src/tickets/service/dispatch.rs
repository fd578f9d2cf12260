//! TKT-4/TKT-5 views of a day: the dispatch board (visits and planned windows per engineer)
//! and an engineer's own agenda with everything needed on the road.

use crate::kernel::error::ApiError;
use crate::tickets::dto::visits::{
    Agenda, AgendaContact, AgendaCustomer, AgendaEquipment, AgendaItem, AgendaSite, BoardEngineer,
    DispatchBoard,
};
use crate::tickets::service::tickets::{
    render_all as render_tickets, render_for as render_ticket, ticket_scope, utc_of,
};
use crate::tickets::service::visits::{render_all as render_visits, render_for as render_visit};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use kefu_core::Actor;
use kefu_store::DbConnection;
use kefu_store::tickets::{self, TicketRow};
use kefu_store::visibility::{Visible, member_user_ids};
use kefu_store::visits::{self, VisitRow};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The day's window `[00:00, next 00:00)` in the company time zone, as stored UTC instants.
fn day_bounds(tz: Tz, day: NaiveDate) -> (chrono::NaiveDateTime, chrono::NaiveDateTime) {
    let start = day.and_time(chrono::NaiveTime::MIN);
    (
        utc_of(tz, start),
        utc_of(tz, start + chrono::Duration::days(1)),
    )
}

fn day_work(
    conn: &mut DbConnection,
    scope: &Visible,
    tz: Tz,
    day: NaiveDate,
    engineer: Option<&str>,
) -> Result<(Vec<VisitRow>, Vec<TicketRow>), ApiError> {
    let visits = visits::of_day(conn, scope, day, engineer)?;
    let (from, to) = day_bounds(tz, day);
    let planned = tickets::planned_between(conn, scope, from, to, engineer)?;
    Ok((visits, planned))
}

pub fn board(
    conn: &mut DbConnection,
    actor: &Actor,
    tz: Tz,
    now: DateTime<Utc>,
    day: NaiveDate,
    team_id: Option<&str>,
) -> Result<DispatchBoard, ApiError> {
    let scope = ticket_scope(conn, actor)?;
    let (visits, planned) = day_work(conn, &scope, tz, day, None)?;
    let members: Option<BTreeSet<String>> = team_id
        .map(|t| member_user_ids(conn, &[t.to_owned()]).map(|m| m.into_iter().collect()))
        .transpose()?;
    let wanted = |id: &str| members.as_ref().is_none_or(|m| m.contains(id));
    let mut by_engineer: BTreeMap<String, BoardEngineer> = BTreeMap::new();
    let entry = |id: &str| -> BoardEngineer {
        BoardEngineer {
            engineer_id: id.to_owned(),
            display_name: None,
            visits: Vec::new(),
            planned_tickets: Vec::new(),
        }
    };
    let shown: Vec<VisitRow> = visits
        .into_iter()
        .filter(|v| wanted(&v.engineer_id))
        .collect();
    for v in render_visits(conn, &shown, actor)? {
        by_engineer
            .entry(v.engineer_id.clone())
            .or_insert_with(|| entry(&v.engineer_id))
            .visits
            .push(v);
    }
    let planned: Vec<TicketRow> = planned
        .into_iter()
        .filter(|t| t.assignee_id.as_deref().is_some_and(wanted))
        .collect();
    for t in render_tickets(conn, &planned, now, actor)? {
        let Some(engineer) = t.assignee_id.clone() else {
            continue;
        };
        by_engineer
            .entry(engineer.clone())
            .or_insert_with(|| entry(&engineer))
            .planned_tickets
            .push(t);
    }
    let mut engineers = Vec::with_capacity(by_engineer.len());
    for (id, mut e) in by_engineer {
        e.display_name = kefu_store::users::find(conn, &id)?.map(|u| u.row.display_name);
        engineers.push(e);
    }
    Ok(DispatchBoard {
        date: day,
        engineers,
    })
}

/// The calling engineer's day: their visits of the day and the tickets whose planned window
/// starts that day, each with its customer, site (address), contact (phone only when CUS-1
/// allows calling) and equipment.
pub fn agenda(
    conn: &mut DbConnection,
    actor: &Actor,
    tz: Tz,
    now: DateTime<Utc>,
    day: NaiveDate,
) -> Result<Agenda, ApiError> {
    let me = Visible {
        user_ids: vec![actor.user_id.clone()],
        ..Visible::default()
    };
    let (visits, planned) = day_work(conn, &me, tz, day, Some(&actor.user_id))?;
    let mut ids: Vec<String> = visits.iter().map(|v| v.ticket_id.clone()).collect();
    ids.sort();
    ids.dedup();
    let mut by_id: HashMap<String, TicketRow> = tickets::find_many(conn, &ids)?
        .into_iter()
        .map(|t| (t.id.clone(), t))
        .collect();
    let mut items = Vec::new();
    for v in &visits {
        if let Some(t) = by_id.get(&v.ticket_id).cloned() {
            items.push(item(conn, actor, Some(v), &t, now)?);
        }
    }
    for t in planned {
        if !visits.iter().any(|v| v.ticket_id == t.id) {
            by_id.insert(t.id.clone(), t.clone());
            items.push(item(conn, actor, None, &t, now)?);
        }
    }
    Ok(Agenda { date: day, items })
}

fn item(
    conn: &mut DbConnection,
    actor: &Actor,
    visit: Option<&VisitRow>,
    ticket: &TicketRow,
    now: DateTime<Utc>,
) -> Result<AgendaItem, ApiError> {
    let customer =
        kefu_store::customers::find_visible(conn, &ticket.customer_id, &Visible::everything())?;
    let allowed = customer
        .as_ref()
        .is_some_and(|c| c.dealer_name.is_none() || c.dealer_consent);
    let site = match &ticket.site_id {
        Some(id) => kefu_store::sites::find_live(conn, id, None)?,
        None => None,
    };
    let contact = match &ticket.contact_id {
        Some(id) => kefu_store::contacts::find_live(conn, id, None)?,
        None => None,
    };
    let equipment = match &ticket.equipment_id {
        Some(id) => kefu_store::equipment::find(conn, id)?.filter(|e| e.deleted_at.is_none()),
        None => None,
    };
    Ok(AgendaItem {
        visit: visit.map(|v| render_visit(v, ticket.status, actor)),
        ticket: render_ticket(conn, ticket, now, actor)?,
        customer: customer.map(|c| AgendaCustomer {
            id: c.id,
            name: c.name,
            key_account: c.key_account,
            contact_allowed: allowed,
        }),
        site: site.map(|s| AgendaSite {
            id: s.id,
            name: s.name,
            address: s.address,
            city: s.city,
        }),
        contact: contact.map(|c| AgendaContact {
            id: c.id,
            name: c.name,
            phone: allowed.then_some(c.phone),
        }),
        equipment: equipment.map(|e| AgendaEquipment {
            id: e.id,
            serial: e.serial,
            product_id: e.product_id,
        }),
    })
}
