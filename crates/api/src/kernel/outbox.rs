//! Webhooks for integration scripts. Every audited change of a published record is an event;
//! for each active subscription that asks for it, a delivery row and the job that sends it are
//! written in the change's own transaction (the transactional outbox), so an event is never
//! lost when the change commits and never sent when it rolls back.

use crate::kernel::command::Ctx;
use crate::kernel::error::ApiError;
use kefu_store::DbConnection;
use kefu_store::webhooks::{self as store, DeliveryRow};

/// The events subscribers can receive: every audited change of a business record, and the
/// audit log's signed checkpoints. Each audit action is either here or in [`NOT_PUBLISHED`]; an
/// action in neither is logged as an error, which the black-box suite and `make fuzz` fail on.
pub const EVENT_TYPES: &[&str] = &[
    "attachment.delete",
    "attachment.upload",
    "attendance.clock_import",
    "attendance.clock_in",
    "attendance.clock_out",
    "attendance.excuse",
    "audit.checkpoint",
    "calendar.import",
    "calendar.replace",
    "callback.attempt",
    "callback.complete",
    "callback.create",
    "callback_follow_up.answer",
    "callback_follow_up.create",
    "cash_advance.approve",
    "cash_advance.create",
    "cash_advance.overdue",
    "cash_advance.pay",
    "cash_advance.reject",
    "cash_advance.settle",
    "change_request.cancel",
    "change_request.confirm_requirements",
    "change_request.create",
    "change_request.delay",
    "change_request.deliver",
    "change_request.pass_test",
    "change_request.record_feedback",
    "change_request.reject",
    "change_request.review",
    "change_request.start_development",
    "change_request.submit_for_test",
    "chasing_note.add",
    "chasing_note.promise_lapsed",
    "city.create",
    "city.update",
    "commission_line.delete",
    "commission_line.due",
    "commission_line.executive_approve",
    "commission_line.forfeited",
    "commission_line.manager_approve",
    "commission_line.paid",
    "commission_line.pending",
    "commission_line.transferred",
    "commission_line.withheld",
    "commission_month.close",
    "commission_year.close",
    "commissioning_job.approve",
    "commissioning_job.commission",
    "commissioning_job.confirm_callback",
    "commissioning_job.create",
    "commissioning_job.documents_late",
    "commissioning_job.hand_in",
    "commissioning_job.recheck",
    "commissioning_job.record_acceptance",
    "complaint.close",
    "complaint.create",
    "complaint.judge",
    "complaint.reply",
    "contact.create",
    "contact.delete",
    "contact.grant_login",
    "contact.update",
    "contract.activate",
    "contract.cancel_renewal",
    "contract.create",
    "contract.expire",
    "contract.payment_overdue",
    "contract.record_acceptance",
    "contract.record_payment",
    "contract.renew",
    "contract.sign",
    "contract.terminate",
    "contract.update",
    "contract_reminder.answer",
    "contract_reminder.create",
    "controller_instruction.confirm",
    "controller_instruction.create",
    "controller_instruction.record_change",
    "customer.create",
    "customer.delete",
    "customer.update",
    "customer_payment.convert",
    "customer_payment.record",
    "customer_payment.refund",
    "employee.change_status",
    "employee.create",
    "employee.delete",
    "employee.update",
    "equipment.create",
    "equipment.delete",
    "equipment.update",
    "equipment.warranty_reminder",
    "exam_result.correct",
    "exam_result.record",
    "exam_session.close",
    "exam_session.create",
    "expense_claim.approve",
    "expense_claim.create",
    "expense_claim.pay",
    "expense_claim.reject",
    "fee_item.create",
    "fee_item.retire",
    "fee_item.update",
    "feedback_form.amend",
    "feedback_form.create",
    "feedback_form.receive",
    "feedback_form.sign",
    "feedback_form.update",
    "fine.cancel",
    "fine.confirm",
    "fine.deduct",
    "fine.propose",
    "fund_ledger.post",
    "invoice.credit",
    "invoice.issue",
    "kb_article.archive",
    "kb_article.create",
    "kb_article.edit",
    "kb_article.publish",
    "kb_article.update",
    "leave_request.approve",
    "leave_request.cancel",
    "leave_request.create",
    "leave_request.reject",
    "licence.issue",
    "licence.renew",
    "licence.supersede",
    "licence.void",
    "maintenance_step.approve",
    "maintenance_step.cancel",
    "maintenance_step.complete",
    "maintenance_step.overdue",
    "part.create",
    "part.update",
    "part_charge.create",
    "part_charge.deduct",
    "part_loan.approve",
    "part_loan.consume",
    "part_loan.issue",
    "part_loan.overdue",
    "part_loan.reject",
    "part_loan.report_loss",
    "part_loan.request",
    "part_loan.return",
    "part_loan.sign",
    "part_rma.close",
    "part_rma.overdue",
    "part_rma.send",
    "payroll_adjustment.apply",
    "payroll_adjustment.create",
    "payroll_month.generate",
    "payroll_statement.approve",
    "payroll_statement.generate",
    "payroll_statement.update",
    "probation.approve",
    "probation.open",
    "product.create",
    "product.delete",
    "product.update",
    "promotion_assessment.record",
    "rebate.cancel",
    "rebate.record",
    "repair_intake.create",
    "repair_intake.move",
    "repair_intake.sign",
    "repair_intake.update",
    "repair_quote.accept",
    "repair_quote.approve",
    "repair_quote.cancel",
    "repair_quote.create",
    "repair_quote.issue",
    "repair_quote.refuse",
    "repair_quote.update",
    "rule.delete_version",
    "rule.put_version",
    "score_appeal.decide",
    "score_appeal.file",
    "score_event.cancel",
    "score_event.issue",
    "scorecard.finalise",
    "scorecard_inputs.set",
    "service_record.create",
    "site.create",
    "site.delete",
    "site.update",
    "stock_count.submit",
    "stock_count_anomaly.below_minimum",
    "stock_count_anomaly.damaged",
    "stock_count_anomaly.difference",
    "stock_count_anomaly.missing_count",
    "stock_location.create",
    "stock_minimum.create",
    "stock_minimum.update",
    "stock_movement.consumption",
    "stock_movement.count_adjustment",
    "stock_movement.damage",
    "stock_movement.issue",
    "stock_movement.loan",
    "stock_movement.loss",
    "stock_movement.receipt",
    "stock_movement.return",
    "stock_movement.rma_in",
    "stock_movement.rma_out",
    "team.create",
    "team.delete",
    "team.update",
    "ticket.assign",
    "ticket.cancel",
    "ticket.close",
    "ticket.confirm_appointment",
    "ticket.create",
    "ticket.missed_appointment",
    "ticket.reassign",
    "ticket.record_repair",
    "ticket.reopen",
    "ticket.resolve",
    "ticket.resume",
    "ticket.start",
    "ticket.update",
    "ticket.wait",
    "travel_request.approve",
    "travel_request.cancel",
    "travel_request.create",
    "travel_request.reject",
    "visit.approve",
    "visit.arrive",
    "visit.depart",
    "visit.escalate",
    "visit.finish",
    "visit.reject",
    "visit.request",
    "work_order.cancel",
    "work_order.close",
    "work_order.create",
    "work_order.solve",
    "work_order.start",
];

/// Audit actions that never leave the service: security records (users, credentials,
/// sessions, API keys, webhook subscriptions and their secrets), a reader's own inbox state,
/// operations on the job queue and the rule seeding at start-up. Patterns as in [`matches`].
pub const NOT_PUBLISHED: &[&str] = &[
    "api_key.*",
    "auth.*",
    "job.*",
    "notification.*",
    "rule.seed",
    "user.*",
    "webhook.*",
    "webhook_delivery.*",
];

/// What the error log says of an audit action in neither list.
pub const UNCLASSIFIED: &str = "audit action neither published nor listed as unpublished";

/// What a subscription may ask for: `*`, `entity.*`, or an event type.
pub fn patterns() -> Vec<String> {
    let mut entities: Vec<&str> = EVENT_TYPES
        .iter()
        .filter_map(|t| t.split_once('.').map(|(e, _)| e))
        .collect();
    entities.dedup();
    std::iter::once("*".to_owned())
        .chain(entities.iter().map(|e| format!("{e}.*")))
        .chain(EVENT_TYPES.iter().map(|t| (*t).to_owned()))
        .collect()
}

/// Whether `pattern` covers `event_type`.
pub fn matches(pattern: &str, event_type: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some("") => true,
        Some(prefix) => event_type.starts_with(prefix),
        None => pattern == event_type,
    }
}

/// The job kind that sends one delivery.
pub const DELIVER_JOB: &str = "webhook.deliver";

/// Attempts per delivery: with the runner's default backoff (30 s doubling, at most an hour)
/// the last is about five hours after the first, long enough to ride out a receiver's outage.
pub const MAX_ATTEMPTS: i64 = 12;

/// Queues the job that sends `delivery_id` now.
pub fn queue_delivery(
    conn: &mut DbConnection,
    now: chrono::DateTime<chrono::Utc>,
    delivery_id: &str,
) -> Result<(), ApiError> {
    crate::kernel::jobs::enqueue(
        conn,
        crate::kernel::jobs::NewJob {
            kind: DELIVER_JOB,
            payload: serde_json::json!({ "delivery_id": delivery_id }),
            run_at: now,
            dedupe_key: None,
            max_attempts: MAX_ATTEMPTS,
        },
        now,
    )?;
    Ok(())
}

/// Queues `action` on `entity` for every active subscription that wants it. Called by
/// [`Ctx::audit`] for every audited change, inside the command's transaction.
pub fn publish(
    conn: &mut DbConnection,
    ctx: &Ctx,
    action: &str,
    entity: (&str, &str),
    data: Option<&serde_json::Value>,
) -> Result<(), ApiError> {
    if !EVENT_TYPES.contains(&action) {
        if !NOT_PUBLISHED.iter().any(|p| matches(p, action)) {
            tracing::error!(action, "{UNCLASSIFIED}");
        }
        return Ok(());
    }
    let subscriptions: Vec<_> = store::active_subscriptions(conn)?
        .into_iter()
        .filter(|s| {
            serde_json::from_str::<Vec<String>>(&s.event_types)
                .unwrap_or_default()
                .iter()
                .any(|p| matches(p, action))
        })
        .collect();
    if subscriptions.is_empty() {
        return Ok(());
    }
    let event_id = kefu_store::new_id();
    let payload = serde_json::json!({
        "event_id": event_id,
        "type": action,
        "occurred_at": ctx.now,
        "entity_type": entity.0,
        "entity_id": entity.1,
        "actor_id": ctx.actor_id,
        "request_id": ctx.request_id,
        "data": data,
    })
    .to_string();
    let now = kefu_store::to_db_time(ctx.now);
    for subscription in subscriptions {
        let delivery = DeliveryRow {
            id: kefu_store::new_id(),
            subscription_id: subscription.id,
            event_id: event_id.clone(),
            event_type: action.to_owned(),
            payload: payload.clone(),
            status: "pending".to_owned(),
            attempts: 0,
            last_status_code: None,
            last_error: None,
            delivered_at: None,
            created_at: now,
            updated_at: now,
        };
        store::insert_delivery(conn, &delivery)?;
        queue_delivery(conn, ctx.now, &delivery.id)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_cover_their_events() {
        assert!(matches("*", "customer.update"));
        assert!(matches("customer.*", "customer.update"));
        assert!(!matches("customer.*", "contact.update"));
        assert!(matches("site.create", "site.create"));
        assert!(!matches("site.create", "site.delete"));
    }

    #[test]
    fn every_pattern_offered_matches_some_event() {
        for p in patterns() {
            assert!(EVENT_TYPES.iter().any(|t| matches(&p, t)), "{p}");
        }
        assert!(patterns().contains(&"customer.*".to_owned()));
    }

    #[test]
    fn security_records_are_not_published() {
        for t in EVENT_TYPES {
            assert!(!NOT_PUBLISHED.iter().any(|p| matches(p, t)), "{t}");
        }
        for record in ["user", "auth", "api_key", "webhook"] {
            assert!(NOT_PUBLISHED.contains(&format!("{record}.*").as_str()));
        }
    }

    #[test]
    fn the_published_events_are_in_name_order_once() {
        assert!(EVENT_TYPES.windows(2).all(|w| w[0] < w[1]));
    }
}
