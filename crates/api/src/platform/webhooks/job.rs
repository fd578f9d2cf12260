//! The job that sends one delivery; the job runner gives it retries with backoff.

use crate::kernel::config::Config;
use crate::kernel::error::ApiError;
use crate::kernel::jobs::{JobHandler, JobRun};
use crate::kernel::outbox::MAX_ATTEMPTS;
use crate::kernel::webhook_target::TargetPolicy;
use crate::platform::webhooks::deliver::{Outgoing, attempt};
use kefu_store::webhooks::{self as store, AttemptOutcome};
use kefu_store::{DbConnection, write_tx};
use std::time::Duration;

pub struct DeliverWebhook {
    targets: TargetPolicy,
    timeout: Duration,
}

impl DeliverWebhook {
    pub fn new(config: &Config) -> Self {
        DeliverWebhook {
            targets: config.webhook_targets.clone(),
            timeout: config.webhook_timeout,
        }
    }
}

impl JobHandler for DeliverWebhook {
    fn kind(&self) -> &'static str {
        crate::kernel::outbox::DELIVER_JOB
    }

    fn max_attempts(&self) -> i64 {
        MAX_ATTEMPTS
    }

    /// One attempt. The HTTP call runs outside any transaction (a slow receiver must not hold
    /// locks); its outcome is logged in one. An error makes the runner retry the job later.
    fn run(&self, conn: &mut DbConnection, job: &JobRun<'_>) -> Result<(), ApiError> {
        let Some(delivery_id) = job.payload["delivery_id"].as_str() else {
            return Ok(());
        };
        let Some(delivery) = store::find_delivery(conn, delivery_id)? else {
            return Ok(());
        };
        if delivery.status == "succeeded" {
            // Sent by an earlier run of this job whose own outcome was not recorded (a
            // redelivery puts the delivery back to `pending` first).
            return Ok(());
        }
        let subscription = store::find_subscription(conn, &delivery.subscription_id)?;
        let Some(subscription) = subscription.filter(|s| s.deleted_at.is_none() && s.active) else {
            let outcome = AttemptOutcome {
                started_at: job.now,
                duration_ms: 0,
                status_code: None,
                error: Some("the subscription was paused or deleted".to_owned()),
                status: "failed",
            };
            write_tx(conn, |conn| {
                store::record_attempt(conn, delivery_id, &outcome, job.now)?;
                Ok::<_, ApiError>(())
            })?;
            return Ok(());
        };
        let started_at = chrono::Utc::now();
        let result = attempt(
            &self.targets,
            self.timeout,
            &Outgoing {
                url: &subscription.url,
                secret: &subscription.secret,
                delivery_id,
                event_type: &delivery.event_type,
                payload: &delivery.payload,
                timestamp: started_at.timestamp(),
            },
        );
        let last = job.attempt >= MAX_ATTEMPTS;
        let outcome = AttemptOutcome {
            started_at,
            duration_ms: i64::try_from(result.duration.as_millis()).unwrap_or(i64::MAX),
            status_code: result.status_code.map(i64::from),
            error: result.error.clone(),
            status: match (result.succeeded(), last) {
                (true, _) => "succeeded",
                (false, false) => "pending",
                (false, true) => "failed",
            },
        };
        write_tx(conn, |conn| {
            store::record_attempt(conn, delivery_id, &outcome, job.now)?;
            Ok::<_, ApiError>(())
        })?;
        if result.succeeded() {
            Ok(())
        } else {
            Err(ApiError::Internal(
                result.error.unwrap_or_else(|| "delivery failed".to_owned()),
            ))
        }
    }
}
