//! TKT-2: tells people when a ticket's response or resolution is due soon or has just been
//! missed. Due soon (the `sla-policy`'s `due_soon_minutes` ahead) goes to the assignee, or to
//! the managers while nobody is assigned to dispatch it; a breach goes to the assignee and the
//! managers. Each (ticket, target, due instant) is announced once per stage: a due instant
//! moved by waiting for the customer is announced again. Waiting tickets are skipped, their
//! clock stands still.

use crate::kernel::access::roles::{MANAGERS, role_names};
use crate::kernel::error::ApiError;
use crate::kernel::jobs::{JobHandler, JobRun};
use crate::kernel::notify::{Notice, notify};
use crate::tickets::service::tickets::local;
use chrono::{Duration, NaiveDateTime};
use chrono_tz::Tz;
use kefu_store::notifications as inbox;
use kefu_store::sla_marks::{self, Target};
use kefu_store::tickets::TicketRow;
use kefu_store::{DbConnection, to_db_time, write_tx};
use kefu_tickets::sla::SlaPolicy;
use std::collections::BTreeSet;

pub struct SlaWatch {
    pub tz: Tz,
}

/// Tickets looked at per query, paged by id.
const BATCH: i64 = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    DueSoon,
    Breached,
}

/// One announcement: a target of a ticket at a stage.
struct Alert<'a> {
    ticket: &'a TicketRow,
    target: &'static str,
    due: NaiveDateTime,
    stage: Stage,
}

impl Stage {
    fn as_str(self) -> &'static str {
        match self {
            Stage::DueSoon => sla_marks::DUE_SOON,
            Stage::Breached => sla_marks::BREACHED,
        }
    }
}

impl Alert<'_> {
    fn key(&self) -> String {
        let stage = self.stage.as_str();
        format!(
            "sla:{}:{}:{stage}:{}",
            self.ticket.id, self.target, self.due
        )
    }
}

/// The unmet targets of `ticket` that are due before `horizon`, at their stage at `now`.
fn alerts(ticket: &TicketRow, now: NaiveDateTime, horizon: NaiveDateTime) -> Vec<Alert<'_>> {
    let mut out = Vec::new();
    let targets = [
        ("response", ticket.response_due_at, ticket.responded_at),
        ("resolution", ticket.resolution_due_at, ticket.resolved_at),
    ];
    for (target, due, met) in targets {
        if met.is_some() || due > horizon {
            continue;
        }
        let stage = if due < now {
            Stage::Breached
        } else {
            Stage::DueSoon
        };
        out.push(Alert {
            ticket,
            target,
            due,
            stage,
        });
    }
    out
}

impl JobHandler for SlaWatch {
    fn kind(&self) -> &'static str {
        "tickets.sla_watch"
    }

    fn max_attempts(&self) -> i64 {
        3
    }

    fn run(&self, conn: &mut DbConnection, job: &JobRun<'_>) -> Result<(), ApiError> {
        let policy = crate::kernel::rules::load_in_force::<SlaPolicy>(conn, job.today)?.value;
        let now = to_db_time(job.now);
        let horizon = to_db_time(job.now + Duration::minutes(i64::from(policy.due_soon_minutes)));
        let managers = inbox::enabled_holders_of(conn, &role_names(MANAGERS))?;
        for target in [Target::Response, Target::Resolution] {
            let mut after: Option<String> = None;
            loop {
                // Only targets with something new to say: a backlog already announced is not
                // read again.
                let rows =
                    sla_marks::unannounced(conn, target, now, horizon, after.as_deref(), BATCH)?;
                let Some(last) = rows.last() else {
                    break;
                };
                after = Some(last.id.clone());
                let pending: Vec<Alert<'_>> = rows
                    .iter()
                    .flat_map(|t| alerts(t, now, horizon))
                    .filter(|a| a.target == target.as_str())
                    .collect();
                let keys: Vec<String> = pending.iter().map(Alert::key).collect();
                let sent: BTreeSet<String> =
                    inbox::dedupe_keys_used(conn, &keys)?.into_iter().collect();
                for alert in &pending {
                    // One transaction per alert: a failure leaves the others sent. An alert
                    // sent before the marks existed (or by a run that died before marking)
                    // is only marked.
                    write_tx(conn, |conn| {
                        if !sent.contains(&alert.key()) {
                            self.announce(conn, job, alert, &managers)?;
                        }
                        let stage = alert.stage.as_str();
                        sla_marks::mark(conn, &alert.ticket.id, target, alert.due, stage, now)?;
                        Ok::<_, ApiError>(())
                    })?;
                }
                if (rows.len() as i64) < BATCH {
                    break;
                }
            }
        }
        Ok(())
    }
}

impl SlaWatch {
    fn announce(
        &self,
        conn: &mut DbConnection,
        job: &JobRun<'_>,
        alert: &Alert<'_>,
        managers: &[String],
    ) -> Result<(), ApiError> {
        let t = alert.ticket;
        let assignee: Vec<String> = t.assignee_id.iter().cloned().collect();
        let mut users: BTreeSet<String> = inbox::enabled_people(conn, &assignee)?
            .into_iter()
            .collect();
        if alert.stage == Stage::Breached || users.is_empty() {
            users.extend(managers.iter().cloned());
        }
        let what = if alert.target == "response" {
            "响应"
        } else {
            "解决"
        };
        let due = local(self.tz, alert.due).format("%Y-%m-%d %H:%M");
        let (kind, title) = match alert.stage {
            Stage::DueSoon => ("ticket.due_soon", format!("工单即将超时：{}", t.number)),
            Stage::Breached => ("ticket.breached", format!("工单已超时：{}", t.number)),
        };
        let body = format!("{what}时限 {due}：{}", t.description);
        let key = alert.key();
        let notice = Notice {
            kind,
            title: &title,
            body: &body,
            entity: Some(("ticket", &t.id)),
            dedupe_key: Some(&key),
        };
        for user in users {
            notify(conn, job.now, &user, &notice)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 3, 9)
            .and_then(|d| d.and_hms_opt(h, m, 0))
            .unwrap_or_default()
    }

    fn ticket(responded: bool) -> TicketRow {
        TicketRow {
            id: "t".into(),
            number: "T1".into(),
            channel: kefu_tickets::channel::Channel::Phone,
            ticket_type: kefu_tickets::kinds::TicketType::Fault,
            priority: kefu_tickets::kinds::Priority::Urgent,
            status: kefu_tickets::lifecycle::Status::Assigned,
            customer_id: "c".into(),
            site_id: None,
            contact_id: None,
            equipment_id: None,
            description: "d".into(),
            taken_by: "u".into(),
            assignee_id: None,
            team_id: None,
            planned_start: None,
            planned_end: None,
            appointment_confirmed_at: None,
            appointment_confirmed_with: None,
            escalated_at: None,
            escalation_reason: None,
            response_due_at: at(2, 0),
            resolution_due_at: at(9, 0),
            responded_at: responded.then(|| at(1, 0)),
            waiting_since: None,
            resolved_at: None,
            resolution_summary: None,
            closed_at: None,
            cancelled_at: None,
            created_at: at(1, 0),
            updated_at: at(1, 0),
            version: 1,
            deleted_at: None,
        }
    }

    #[test]
    fn each_unmet_target_is_due_soon_before_its_instant_and_breached_after() {
        let t = ticket(false);
        let stages = |now, horizon| {
            alerts(&t, now, horizon)
                .iter()
                .map(|a| (a.target, a.stage))
                .collect::<Vec<_>>()
        };
        assert_eq!(stages(at(0, 30), at(1, 30)), []);
        assert_eq!(stages(at(1, 30), at(2, 30)), [("response", Stage::DueSoon)]);
        assert_eq!(
            stages(at(8, 30), at(9, 30)),
            [
                ("response", Stage::Breached),
                ("resolution", Stage::DueSoon)
            ]
        );
        let answered = ticket(true);
        assert_eq!(alerts(&answered, at(8, 30), at(9, 30)).len(), 1);
        let keys: BTreeSet<String> = alerts(&t, at(9, 30), at(10, 30))
            .iter()
            .map(Alert::key)
            .collect();
        assert_eq!(keys.len(), 2, "one key per target and stage: {keys:?}");
    }
}
