//! The database statements the hot endpoints cost, read from the per-route histogram on
//! `/metrics`: pinned, so a change that adds a round trip to the dispatcher's board, a ticket
//! read or a create fails here instead of slowing every request quietly. The ceilings are
//! today's counts; issue 18 aims at read ≤ 2, list ≤ 2 and create ≤ 8.
use crate::tickets::{id, world};
use kefu_blackbox::{Resp, TestApp};

/// The statements one request to `route` cost: the change in the route's histogram sum
/// around `send`, which must be the route's only request meanwhile.
fn statements_of(app: &TestApp, method: &str, route: &str, send: impl FnOnce() -> Resp) -> u64 {
    let read = || {
        let text = app.get("/metrics").send().body;
        let series =
            format!("kefu_db_statements_per_request_sum{{method=\"{method}\",route=\"{route}\"}} ");
        let count = format!(
            "kefu_db_statements_per_request_count{{method=\"{method}\",route=\"{route}\"}} "
        );
        let find = |prefix: &str| -> f64 {
            text.lines()
                .find_map(|l| l.strip_prefix(prefix))
                .map_or(0.0, |v| v.trim().parse().unwrap())
        };
        (find(&series), find(&count))
    };
    let (sum_before, count_before) = read();
    let res = send();
    assert!(
        res.status < 300,
        "{} {route}: {} {}",
        method,
        res.status,
        res.body
    );
    let (sum_after, count_after) = read();
    assert_eq!(count_after - count_before, 1.0, "one request to {route}");
    (sum_after - sum_before) as u64
}

#[test]
fn the_hot_endpoints_cost_no_more_statements_than_pinned() {
    let w = world();
    let app = &w.app;
    let ticket = w.fault("normal");
    w.assign(&ticket, &w.eng1_id);
    let path = format!("/api/v1/tickets/{}", id(&ticket));
    let mut counts = Vec::new();
    // Warm: the first request of a token may fill caches the rest reuse.
    app.get(&path).bearer(&w.eng1).send();
    let read = |token: &str| {
        statements_of(app, "GET", "/api/v1/tickets/{id}", || {
            app.get(&path).bearer(token).send()
        })
    };
    counts.push(("read as admin", read(&w.admin), 3));
    counts.push(("read as the assigned engineer", read(&w.eng1), 4));
    let list = |token: &str| {
        statements_of(app, "GET", "/api/v1/tickets", || {
            app.get("/api/v1/tickets?status=assigned&limit=25")
                .bearer(token)
                .send()
        })
    };
    counts.push(("list as admin", list(&w.admin), 3));
    counts.push(("list as an engineer", list(&w.eng1), 4));
    let create = statements_of(app, "POST", "/api/v1/tickets", || {
        app.post("/api/v1/tickets")
            .bearer(&w.admin)
            .header("Idempotency-Key", "pin-create-1")
            .json(
                &serde_json::json!({"channel": "phone", "ticket_type": "fault",
                "priority": "normal", "customer_id": w.customer["id"],
                "site_id": w.site["id"], "description": "报警主机通讯故障"}),
            )
            .send()
    });
    counts.push(("create with an idempotency key", create, 27));
    let over: Vec<_> = counts
        .iter()
        .filter(|(_, n, ceiling)| n > ceiling)
        .collect();
    assert!(
        over.is_empty(),
        "over the pinned statement counts: {over:?} (all: {counts:?})"
    );
}
