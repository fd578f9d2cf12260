//! The authorisation matrix: every operation of the committed spec whose path names a record,
//! called by every kind of stranger with the owner side's record and with a well-formed id
//! that does not exist. Per the API conventions (ORG-5: "a forbidden record reads as 404")
//! no token is 401, and a stranger never gets a 2xx, never sees the record's data, and cannot
//! tell someone else's record from a missing one. The operations come from
//! `openapi/openapi.json`, so a new endpoint joins the matrix by being in the spec; a new
//! resource fails the test until the fixture has a record for it.

mod fixture;

use fixture::{Fixture, MARKER, Params};
use kefu_blackbox::Resp;
use serde_json::Value;

/// Callers with a token, as named in the fixture.
const SIGNED_IN: &[&str] = &["engineer B", "supervisor of B", "contact of Y", "finance"];
const STAFF: &[&str] = &["engineer B", "supervisor of B", "finance"];
/// The weakest office role: no command on tickets or customers, but like every office role
/// it works with every customer (ORG-5 `SEE_ALL`), so it reads their records.
const FINANCE: &[&str] = &["finance"];

/// Who legitimately sees the owner side's record, from the access tables
/// (`kernel/access/roles.rs`, `kernel/access/scope.rs`, `kefu_tickets::access`) and the
/// operations' descriptions. For these pairs a read answers 200 (or 403 alike for the record
/// and a missing one when a role check comes first) and a write is refused: 403 for the role
/// or the record's condition, or 412 for the stale `If-Match: "1"` where the role may edit (KB
/// editors). That the record exists is no secret from someone who may read it.
const SEES: &[(&[&str], &[&str], &str)] = &[
    (
        &["cities"],
        SIGNED_IN,
        "getCity: any signed-in caller reads master data",
    ),
    (
        &["rules"],
        SIGNED_IN,
        "getRuleSet, getRuleInForce: any signed-in user",
    ),
    (
        &["calendar/schedules"],
        SIGNED_IN,
        "the work calendar is the company's, read by every signed-in user; importing is \
         CalendarEdit, the admins'",
    ),
    (&["products"], STAFF, "ProductRead is STAFF (roles.rs)"),
    (
        &["fee-items"],
        STAFF,
        "FeeItemRead is STAFF (kefu_billing::access): the fee schedule is no one's record; \
         editing is finance's and management's, meeting the stale version (412)",
    ),
    (
        &["repair-quotes", "payments", "invoices", "rebates"],
        FINANCE,
        "SEE_ALL: customer-facing money follows scope::visible, everything for finance; its \
         quote commands, credit notes and rebate cancellations meet the stale version (412) or \
         the role (403), and a payment is no deposit to refund or convert (409)",
    ),
    (
        &["arrears"],
        FINANCE,
        "ReceivableRead and ChasingNoteRead (kefu_billing::access) within scope::visible, \
         everything for finance; a chasing note needs the document in arrears (409 BIL-8), \
         which the fixture's contract, not yet due, is not",
    ),
    (&["teams"], STAFF, "TeamRead is STAFF (roles.rs)"),
    (
        &["exam-sessions"],
        STAFF,
        "ExamSessionRead is STAFF (kefu_scoring::access): a session is no one's record; \
         recording a result needs a person one assesses, closing is the office's",
    ),
    (
        &["parts"],
        STAFF,
        "PartRead is STAFF (kefu_inventory::access)",
    ),
    (
        &["stock-locations"],
        FINANCE,
        "STOCK_SEE_ALL (kefu_inventory::access): every location; engineers only their own",
    ),
    (
        &["part-loans"],
        FINANCE,
        "STOCK_SEE_ALL: every loan; engineers only their own; commands need other roles",
    ),
    (
        &["part-rmas"],
        FINANCE,
        "STOCK_SEE_ALL: every RMA; engineers those sent from their own hands; sending and \
         closing need the office roles",
    ),
    (
        &["repair-intakes"],
        FINANCE,
        "IntakeRead is every staff role within scope::tickets, which is everything for \
         finance; registering and its commands need IntakeEdit (not finance's)",
    ),
    (
        &["stock-counts", "stock-minimums"],
        FINANCE,
        "CountRead is STOCK_SEE_ALL (kefu_inventory::access): the service centre's counts and \
         minimums are shared stock; setting a minimum needs the office roles",
    ),
    (
        &["kb-articles"],
        SIGNED_IN,
        "KbGet is ANYONE and the article is published; KbVersions is STAFF",
    ),
    (
        &["customers", "sites", "contacts", "equipment"],
        FINANCE,
        "SEE_ALL: scope::visible is everything",
    ),
    (
        &[
            "tickets",
            "visits",
            "feedback-forms",
            "change-requests",
            "attachments",
        ],
        FINANCE,
        "SEE_ALL: scope::tickets, which these are read through, is everything",
    ),
    (
        &["work-orders"],
        FINANCE,
        "WorkOrderGet is STAFF, scope::tickets is everything; commands need assignee or lead",
    ),
    (
        &["callbacks"],
        FINANCE,
        "not CALLBACKS_SEE_ALL, so scope::callbacks is scope::tickets: everything",
    ),
    (&["employees"], FINANCE, "EMPLOYEES_SEE_ALL"),
    (
        &["travel-requests", "expense-claims", "cash-advances"],
        FINANCE,
        "people's money (kefu_billing::access::SEE_ALL): finance sees everyone's trips, claims \
         and advances; deciding is a manager's or the GM's, paying needs an approved record",
    ),
    (
        &["contracts"],
        FINANCE,
        "SEE_ALL: scope::contracts is everything; finance may book payments (412 when stale)",
    ),
    (
        &["controller-instructions"],
        FINANCE,
        "SEE_ALL: scope::visible is everything (CON-10 instructions are the customer's)",
    ),
    (
        &["licences"],
        FINANCE,
        "SEE_ALL: a licence is its contract's; issuing is the office's (not finance)",
    ),
    (
        &["maintenance-steps"],
        FINANCE,
        "SEE_ALL: a step is its contract's; no step command is finance's",
    ),
    (
        &["commission-lines"],
        FINANCE,
        "CommissionLineRead with the people-money privacy (kefu_billing::access::SEE_ALL): \
         finance reads everyone's lines",
    ),
    (
        &["commission-months"],
        FINANCE,
        "CommissionMonthPreview/Close are the office's (finance among them); the fixture's \
         month has not begun, so both answer 422 BIL-9 (400 for the malformed missing one)",
    ),
    (
        &["commission-years"],
        FINANCE,
        "CommissionYearClose is the office's (finance among them); the fixture's year has not \
         begun, so it answers 422 BIL-12c (400 for the malformed missing one)",
    ),
    (
        &["commissioning-jobs"],
        FINANCE,
        "SEE_ALL: scope::commissioning is everything; no command is finance's",
    ),
    (
        &["payroll-statements"],
        FINANCE,
        "PayrollRead with the people-money privacy (Reach::OwnOnly, SEE_ALL): finance reads \
         everyone's statements; its note and approval meet the stale version (412)",
    ),
];

/// One operation of the spec with a path parameter.
struct Op {
    method: String,
    path: String,
    /// The request body's example from the spec (a minimal valid body), if it takes one.
    body: Option<Value>,
    if_match: bool,
}

impl Op {
    /// What the path names: `tickets` for `/api/v1/tickets/{id}/assign`, `me/notifications`
    /// for `/api/v1/me/notifications/{id}/read`.
    fn prefix(&self) -> String {
        let rest = self.path.trim_start_matches("/api/v1/");
        rest.split('/')
            .take_while(|s| !s.starts_with('{'))
            .collect::<Vec<_>>()
            .join("/")
    }

    fn label(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    fn url(&self, params: &Params) -> String {
        let mut url = self.path.clone();
        for (name, value) in params {
            url = url.replace(&format!("{{{name}}}"), value);
        }
        assert!(
            !url.contains('{'),
            "{}: a parameter the fixture lacks",
            self.path
        );
        url
    }
}

fn resolve<'a>(spec: &'a Value, v: &'a Value) -> &'a Value {
    match v["$ref"].as_str() {
        Some(r) => spec
            .pointer(r.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("dangling {r}")),
        None => v,
    }
}

fn operations(spec: &Value) -> Vec<Op> {
    let mut ops = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        if !path.contains('{') {
            continue;
        }
        for (method, op) in item.as_object().unwrap() {
            if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                continue;
            }
            let body = op["requestBody"]["content"]["application/json"]
                .get("schema")
                .map(|schema| {
                    let schema = resolve(spec, schema);
                    schema
                        .get("example")
                        .cloned()
                        .unwrap_or_else(|| serde_json::json!({}))
                });
            let if_match = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|p| resolve(spec, p)["name"] == "If-Match");
            ops.push(Op {
                method: method.to_uppercase(),
                path: path.clone(),
                body,
                if_match,
            });
        }
    }
    ops
}

/// The same parameters with the record's id (`first`) swapped for one of the same shape that
/// names nothing.
fn missing(params: &Params, first: &str) -> Params {
    let mut out = params.clone();
    let value = out.get_mut(first).unwrap();
    *value = if uuid::Uuid::parse_str(value).is_ok() {
        uuid::Uuid::now_v7().to_string()
    } else {
        format!("no-such-{value}")
    };
    out
}

fn send(f: &Fixture, op: &Op, token: Option<&str>, url: &str) -> Resp {
    let mut req = f.app.req(&op.method, url);
    if let Some(token) = token {
        req = req.bearer(token);
    }
    if op.if_match {
        req = req.if_match("\"1\"");
    }
    if let Some(body) = &op.body {
        req = req.json(body);
    }
    req.send()
}

fn problem_type(res: &Resp) -> String {
    serde_json::from_str::<Value>(&res.body)
        .ok()
        .and_then(|v| v["type"].as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The body as a stranger could read it, without `instance` (the request's own path, which
/// names the id the caller sent).
fn readable(res: &Resp) -> String {
    match serde_json::from_str::<Value>(&res.body) {
        Ok(Value::Object(mut map)) => {
            map.remove("instance");
            Value::Object(map).to_string()
        }
        _ => res.body.clone(),
    }
}

fn ok_2xx(res: &Resp) -> bool {
    (200..300).contains(&res.status)
}

/// Why one (operation, caller) pair breaks the property, if it does.
fn verdict(
    op: &Op,
    caller: &str,
    signed_in: bool,
    id: &str,
    theirs: &Resp,
    gone: &Resp,
) -> Option<String> {
    if !signed_in {
        return (theirs.status != 401 || gone.status != 401).then(|| "not 401".to_owned());
    }
    let sees = SEES.iter().any(|(prefixes, callers, _)| {
        prefixes.contains(&op.prefix().as_str()) && callers.contains(&caller)
    });
    let same = theirs.status == gone.status && problem_type(theirs) == problem_type(gone);
    if sees {
        let fine = if op.method == "GET" {
            (theirs.status == 200 && gone.status == 404) || (same && theirs.status == 403)
        } else {
            !ok_2xx(theirs) && !ok_2xx(gone)
        };
        return (!fine).then(|| "not the documented answer for a visible record".to_owned());
    }
    if ok_2xx(theirs) {
        return Some("2xx for someone else's record".to_owned());
    }
    if !same {
        return Some("tells someone else's record from a missing one".to_owned());
    }
    let body = readable(theirs);
    (body.contains(id) || body.contains(MARKER)).then(|| format!("body shows the record: {body}"))
}

#[test]
fn strangers_cannot_reach_or_detect_anyone_elses_records() {
    let started = std::time::Instant::now();
    let spec_path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json");
    let spec: Value = serde_json::from_str(&std::fs::read_to_string(spec_path).unwrap()).unwrap();
    let ops = operations(&spec);
    assert!(
        ops.len() > 80,
        "only {} operations in {spec_path}",
        ops.len()
    );

    let f = fixture::build();
    // Whoever adds a resource adds its record to the fixture: none is skipped silently.
    let mut unknown: Vec<String> = ops
        .iter()
        .map(Op::prefix)
        .filter(|p| !f.records.contains_key(p.as_str()))
        .collect();
    unknown.sort();
    unknown.dedup();
    assert!(
        unknown.is_empty(),
        "the access-matrix fixture has no record for {unknown:?}: add one to \
         tests/blackbox/access_matrix/fixture.rs"
    );

    let mut leaks = Vec::new();
    let mut checks = 0;
    // What the record's answers were, to show what the checks rest on (a matrix of 422s
    // would prove little).
    let mut answers = std::collections::BTreeMap::<u16, usize>::new();
    for op in &ops {
        let params = &f.records[op.prefix().as_str()];
        // The record's own id: the path's first parameter.
        let first = op
            .path
            .split('{')
            .nth(1)
            .unwrap()
            .split('}')
            .next()
            .unwrap();
        let id = params[first].clone();
        let theirs_url = op.url(params);
        let gone_url = op.url(&missing(params, first));
        for (caller, token) in &f.callers {
            let theirs = send(&f, op, token.as_deref(), &theirs_url);
            let gone = send(&f, op, token.as_deref(), &gone_url);
            checks += 1;
            *answers.entry(theirs.status).or_default() += 1;
            if let Some(why) = verdict(op, caller, token.is_some(), &id, &theirs, &gone) {
                leaks.push(format!(
                    "{} as {caller}: {} {} for theirs, {} {} for missing — {why}",
                    op.label(),
                    theirs.status,
                    problem_type(&theirs),
                    gone.status,
                    problem_type(&gone),
                ));
            }
        }
    }
    eprintln!(
        "access matrix: {} operations × {} callers = {checks} checks, {} leaks \
         (answers for the record: {answers:?}; {:.1?})",
        ops.len(),
        f.callers.len(),
        leaks.len(),
        started.elapsed()
    );
    assert!(
        leaks.is_empty(),
        "{} leaks:\n{}",
        leaks.len(),
        leaks.join("\n")
    );
}
