//! One delivery attempt over HTTP: the stored payload, signed, to the subscription's URL.

use crate::kernel::webhook_target::TargetPolicy;
use crate::platform::webhooks::signing::sign;
use std::time::{Duration, Instant};

/// What the receiver did with one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptResult {
    pub status_code: Option<u16>,
    pub error: Option<String>,
    pub duration: Duration,
}

impl AttemptResult {
    /// A 2xx answer is the receiver's acknowledgement; anything else is retried.
    pub fn succeeded(&self) -> bool {
        self.status_code.is_some_and(|c| (200..300).contains(&c))
    }
}

/// The parts of a delivery an attempt needs.
pub struct Outgoing<'a> {
    pub url: &'a str,
    pub secret: &'a str,
    pub delivery_id: &'a str,
    pub event_type: &'a str,
    pub payload: &'a str,
    pub timestamp: i64,
}

/// Posts the payload. Redirects are not followed: a redirect could lead past the address
/// check to an internal host, and a receiver that moved should be re-registered.
pub fn attempt(policy: &TargetPolicy, timeout: Duration, out: &Outgoing<'_>) -> AttemptResult {
    let started = Instant::now();
    let resolver = policy.clone();
    let agent = ureq::AgentBuilder::new()
        .timeout(timeout)
        .redirects(0)
        .user_agent("kefu-webhooks/1")
        .resolver(move |netloc: &str| resolver.resolve(netloc))
        .build();
    let signature = sign(
        out.secret,
        out.delivery_id,
        out.timestamp,
        out.payload.as_bytes(),
    );
    let response = agent
        .post(out.url)
        .set("content-type", "application/json")
        .set("webhook-id", out.delivery_id)
        .set("webhook-timestamp", &out.timestamp.to_string())
        .set("webhook-signature", &signature)
        .set("kefu-event", out.event_type)
        .send_string(out.payload);
    let (status_code, error) = match response {
        Ok(resp) => (Some(resp.status()), None),
        Err(ureq::Error::Status(code, resp)) => {
            let reason = resp.status_text().to_owned();
            (Some(code), Some(format!("HTTP {code} {reason}")))
        }
        Err(ureq::Error::Transport(t)) => (None, Some(transport_error(&t))),
    };
    AttemptResult {
        status_code,
        error,
        duration: started.elapsed(),
    }
}

/// The transport failure as the delivery log shows it: the kind and the cause, no URL
/// (which the log already names through the subscription).
fn transport_error(t: &ureq::Transport) -> String {
    let mut text = t.kind().to_string();
    if let Some(message) = t.message() {
        text.push_str(": ");
        text.push_str(message);
    }
    if let Some(source) = std::error::Error::source(t) {
        text.push_str(": ");
        text.push_str(&source.to_string());
    }
    text.chars().take(500).collect()
}
