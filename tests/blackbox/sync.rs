//! The offline sync batch (`POST /api/v1/sync/batch`): commands queued by the mobile app,
//! applied once however often the queue is replayed, with conflicts, ORG-5 and roles per
//! command, and the delta lists the app refreshes from afterwards.
use crate::{actions, audit_of};
use kefu_blackbox::{Resp, TestApp};
use serde_json::{Value, json};

const PASSWORD: &str = "Secret-pass-123";

fn created(res: Resp) -> Value {
    assert_eq!(res.status, 201, "{}", res.body);
    res.json()
}

fn post(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    created(app.post(path).bearer(token).json(&body).send())
}

fn batch(app: &TestApp, token: &str, commands: &[Value]) -> Vec<Value> {
    let res = app
        .post("/api/v1/sync/batch")
        .bearer(token)
        .json(&json!({ "commands": commands }))
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    let results = res.json()["results"].as_array().unwrap().clone();
    assert_eq!(results.len(), commands.len());
    results
}

fn uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

fn audit_count(app: &TestApp, admin: &str) -> usize {
    let res = app.get("/api/v1/audit?limit=200").bearer(admin).send();
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.json()["next_cursor"], Value::Null, "more than one page");
    res.json()["items"].as_array().unwrap().len()
}

fn delta(app: &TestApp, token: &str, list: &str) -> Vec<Value> {
    let res = app
        .get(&format!(
            "/api/v1/{list}?updated_since=2000-01-01T00:00:00Z&limit=200"
        ))
        .bearer(token)
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()["items"].as_array().unwrap().clone()
}

fn find<'a>(items: &'a [Value], id: &str) -> &'a Value {
    items
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("{id} missing from {items:?}"))
}

struct World {
    app: TestApp,
    admin: String,
    engineer: String,
    /// Created online before the app went offline: the engineer's customer's equipment.
    equipment: String,
    /// A customer the engineer is not assigned to.
    foreign: String,
    product: String,
}

fn world() -> World {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    app.create_user(&admin, "eng", &["engineer"], PASSWORD);
    let engineer = app.token("eng", PASSWORD);
    post(
        &app,
        &admin,
        "/api/v1/cities",
        json!({"name": "杭州市", "province": "浙江省", "has_station": true, "counties": []}),
    );
    let product = post(
        &app,
        &admin,
        "/api/v1/products",
        json!({"model": "JB-3208", "name": "报警控制器", "category": "controller",
               "unit_price_fen": 100_000, "unit_cost_fen": 60_000, "floor_price_fen": 90_000}),
    );
    let own = post(
        &app,
        &engineer,
        "/api/v1/customers",
        json!({"name": "西湖大厦物业"}),
    );
    let site = post(
        &app,
        &engineer,
        "/api/v1/sites",
        json!({"customer_id": own["id"], "name": "主楼", "address": "湖滨路 1 号", "city": "杭州市"}),
    );
    let equipment = post(
        &app,
        &engineer,
        "/api/v1/equipment",
        json!({"site_id": site["id"], "product_id": product["id"], "serial": "SN-0001"}),
    );
    let foreign = post(
        &app,
        &admin,
        "/api/v1/customers",
        json!({"name": "别人的客户"}),
    );
    World {
        equipment: equipment["id"].as_str().unwrap().to_owned(),
        foreign: foreign["id"].as_str().unwrap().to_owned(),
        product: product["id"].as_str().unwrap().to_owned(),
        app,
        admin,
        engineer,
    }
}

/// Twenty commands an engineer queued offline: creates with ids the app chose, updates of
/// those records with the versions the app holds, a delete, and one command on a customer
/// the engineer may not see.
fn offline_queue(
    w: &World,
    customers: &[String],
    sites: &[String],
    contacts: &[String],
) -> Vec<Value> {
    let mut q = Vec::new();
    let mut key = 0;
    let mut cmd = |op: &str, id: Option<&str>, if_match: Option<&str>, body: Value| {
        key += 1;
        let mut c = json!({"idempotency_key": format!("offline-{key:03}"), "op": op, "body": body});
        if let Some(id) = id {
            c["id"] = json!(id);
        }
        if let Some(v) = if_match {
            c["if_match"] = json!(v);
        }
        c
    };
    for (i, c) in customers.iter().enumerate() {
        q.push(cmd(
            "customers.create",
            Some(c),
            None,
            json!({"name": format!("离线客户{i}"), "phone": "0571-8888 6666"}),
        ));
    }
    for (i, s) in sites.iter().enumerate() {
        q.push(cmd("sites.create", Some(s), None, json!({"customer_id": customers[i], "name": "机房", "address": "某路 1 号", "city": "杭州市"})));
    }
    for (i, k) in contacts.iter().enumerate() {
        q.push(cmd(
            "contacts.create",
            Some(k),
            None,
            json!({"customer_id": customers[i], "name": "王工", "phone": "13800000000"}),
        ));
    }
    for (i, s) in sites.iter().take(2).enumerate() {
        q.push(cmd(
            "equipment.create",
            None,
            None,
            json!({"site_id": s, "product_id": w.product, "serial": format!("SN-OFF-{i}")}),
        ));
    }
    for c in customers.iter().take(3) {
        q.push(cmd(
            "customers.update",
            Some(c),
            Some("\"1\""),
            json!({"note": "门卫处登记后进入"}),
        ));
    }
    q.push(cmd(
        "sites.update",
        Some(&sites[0]),
        Some("1"),
        json!({"name": "一号机房"}),
    ));
    q.push(cmd(
        "equipment.delete",
        Some(&w.equipment),
        Some("\"1\""),
        Value::Null,
    ));
    q.push(cmd(
        "customers.update",
        Some(&w.foreign),
        Some("\"1\""),
        json!({"note": "不该看到"}),
    ));
    q
}

#[test]
fn an_offline_queue_replayed_twice_applies_each_command_once() {
    let w = world();
    let (app, admin, eng) = (&w.app, &w.admin, &w.engineer);
    let customers: Vec<String> = (0..5).map(|_| uuid()).collect();
    let sites: Vec<String> = (0..4).map(|_| uuid()).collect();
    let contacts: Vec<String> = (0..3).map(|_| uuid()).collect();
    let mut queue = offline_queue(&w, &customers, &sites, &contacts);
    for c in &mut queue {
        if c["body"].is_null() {
            c.as_object_mut().unwrap().remove("body");
        }
    }
    assert_eq!(queue.len(), 20);

    let first = batch(app, eng, &queue);
    for (r, c) in first.iter().zip(&queue).take(19) {
        assert_eq!(r["outcome"], "applied", "{c}: {r}");
        assert_eq!(r["idempotency_key"], c["idempotency_key"]);
    }
    let statuses: Vec<u64> = first
        .iter()
        .map(|r| r["status"].as_u64().unwrap())
        .collect();
    assert_eq!(&statuses[..14], &[201; 14]);
    assert_eq!(&statuses[14..19], &[200; 5]);
    assert_eq!(first[0]["record"]["id"], customers[0].as_str());
    assert_eq!(
        first[0]["record"]["owner_user_id"],
        app.get("/api/v1/me").bearer(eng).send().json()["id"]
    );
    assert_eq!(first[14]["record"]["note"], "门卫处登记后进入");
    assert_eq!(first[14]["version"], 2);
    assert_eq!(first[17]["record"]["name"], "一号机房");
    assert_eq!(first[18]["record"]["deleted"], true);
    // ORG-5 per command: another engineer's customer reads as not found.
    assert_eq!(first[19]["outcome"], "error");
    assert_eq!(first[19]["status"], 404);
    assert_eq!(first[19]["problem"]["type"], "urn:kefu:problem:not-found");

    // The records are there, changed once, with the audit entries of the normal endpoints.
    let c0 = app
        .get(&format!("/api/v1/customers/{}", customers[0]))
        .bearer(eng)
        .send();
    assert_eq!(c0.status, 200);
    assert_eq!(c0.etag(), "\"2\"");
    assert_eq!(
        actions(&audit_of(app, admin, "customer", &customers[0])),
        ["customer.create", "customer.update"]
    );
    let gone = app
        .get(&format!("/api/v1/equipment/{}", w.equipment))
        .bearer(eng)
        .send();
    gone.problem(404, "not-found");
    let foreign = app
        .get(&format!("/api/v1/customers/{}", w.foreign))
        .bearer(admin)
        .send();
    assert_eq!(
        foreign.etag(),
        "\"1\"",
        "the refused command changed nothing"
    );
    let audits = audit_count(app, admin);
    let listed = delta(app, eng, "customers").len();

    // The app did not see the answer and sends the whole queue again.
    let second = batch(app, eng, &queue);
    for (again, once) in second.iter().zip(&first) {
        assert_eq!(again["outcome"], "duplicate", "{again}");
        assert_eq!(again["first_outcome"], once["outcome"]);
        assert_eq!(again["status"], once["status"]);
        assert_eq!(again["record"], once["record"]);
    }
    assert_eq!(audit_count(app, admin), audits, "nothing was done again");
    assert_eq!(delta(app, eng, "customers").len(), listed);
    assert_eq!(
        actions(&audit_of(app, admin, "customer", &customers[0])),
        ["customer.create", "customer.update"]
    );

    // A key used again for another command is refused for that command alone.
    let mut reused = queue[15].clone();
    reused["body"] = json!({"note": "另一个改动"});
    let r = batch(app, eng, &[reused, queue[16].clone()]);
    assert_eq!(r[0]["outcome"], "error");
    assert_eq!(
        r[0]["problem"]["type"],
        "urn:kefu:problem:idempotency-key-reused"
    );
    assert_eq!(r[1]["outcome"], "duplicate");

    // The delta lists the app refreshes from carry every change, the delete as a tombstone.
    let items = delta(app, eng, "customers");
    assert_eq!(find(&items, &customers[4])["version"], 1);
    assert_eq!(
        find(&delta(app, eng, "sites"), &sites[0])["name"],
        "一号机房"
    );
    assert_eq!(
        find(&delta(app, eng, "contacts"), &contacts[2])["deleted"],
        false
    );
    assert_eq!(
        find(&delta(app, eng, "equipment"), &w.equipment)["deleted"],
        true
    );
    let employees = app
        .get("/api/v1/employees?updated_since=2000-01-01T00:00:00Z")
        .bearer(admin)
        .send();
    assert_eq!(employees.status, 200, "{}", employees.body);
}

#[test]
fn a_command_on_a_record_changed_meanwhile_is_a_conflict_and_the_others_still_apply() {
    let w = world();
    let (app, admin, eng) = (&w.app, &w.admin, &w.engineer);
    let (a, b) = (uuid(), uuid());
    let made = batch(
        app,
        eng,
        &[
            json!({"idempotency_key": "k1", "op": "customers.create", "id": a, "body": {"name": "甲客户"}}),
            json!({"idempotency_key": "k2", "op": "customers.create", "id": b, "body": {"name": "乙客户"}}),
        ],
    );
    assert!(made.iter().all(|r| r["outcome"] == "applied"), "{made:?}");

    // The office changes customer a while the engineer is offline.
    let res = app
        .patch(&format!("/api/v1/customers/{a}"))
        .bearer(admin)
        .if_match("\"1\"")
        .json(&json!({"note": "办公室改的"}))
        .send();
    assert_eq!(res.status, 200, "{}", res.body);

    let r = batch(
        app,
        eng,
        &[
            json!({"idempotency_key": "k3", "op": "customers.update", "id": a, "if_match": "\"1\"", "body": {"note": "工程师改的"}}),
            json!({"idempotency_key": "k4", "op": "customers.update", "id": b, "if_match": "\"1\"", "body": {"note": "工程师改的"}}),
            json!({"idempotency_key": "k5", "op": "customers.delete", "id": b, "if_match": "\"2\""}),
            json!({"idempotency_key": "k6", "op": "customers.update", "id": b, "body": {"note": "x"}}),
            json!({"idempotency_key": "k7", "op": "customers.update", "id": b, "if_match": "2", "body": {"nmae": "x"}}),
        ],
    );
    assert_eq!(r[0]["outcome"], "conflict", "{}", r[0]);
    assert_eq!(r[0]["status"], 412);
    assert_eq!(r[0]["version"], 2);
    assert_eq!(r[0]["record"]["note"], "办公室改的");
    assert_eq!(r[0]["problem"]["current_version"], 2);
    assert_eq!(r[1]["outcome"], "applied", "{}", r[1]);
    assert_eq!(r[1]["record"]["note"], "工程师改的");
    // Roles per command, as on the endpoint: engineers do not delete customers.
    assert_eq!(r[2]["outcome"], "error");
    assert_eq!(r[2]["problem"]["type"], "urn:kefu:problem:forbidden");
    assert_eq!(r[3]["status"], 428);
    assert_eq!(r[4]["status"], 400);
    assert_eq!(r[4]["problem"]["errors"][0]["field"], "nmae");

    let a_now = app
        .get(&format!("/api/v1/customers/{a}"))
        .bearer(admin)
        .send()
        .json();
    assert_eq!(
        a_now["note"], "办公室改的",
        "the stale change was not applied"
    );
    assert_eq!(
        actions(&audit_of(app, admin, "customer", &a)),
        ["customer.create", "customer.update"]
    );
}

#[test]
fn a_batch_needs_a_caller_and_known_commands_within_the_cap() {
    let app = TestApp::builder()
        .env("KEFU_SYNC_MAX_COMMANDS", "2")
        .spawn();
    let admin = app.admin_token();
    let one = json!({"idempotency_key": "k", "op": "customers.create", "body": {"name": "甲"}});
    app.post("/api/v1/sync/batch")
        .json(&json!({"commands": [one]}))
        .send()
        .problem(401, "unauthenticated");
    let res = app
        .post("/api/v1/sync/batch")
        .bearer(&admin)
        .json(&json!({"commands": [one, one, one]}))
        .send();
    let p = res.problem(422, "validation");
    assert_eq!(p["errors"][0]["field"], "commands");
    let res = app
        .post("/api/v1/sync/batch")
        .bearer(&admin)
        .json(&json!({"commands": [{"idempotency_key": "k", "op": "tickets.launch"}]}))
        .send();
    assert_eq!(
        res.problem(422, "validation")["errors"][0]["field"],
        "commands[0].op"
    );
}

/// An offline command's `if_match` is compared strongly like the header: a weak tag is a
/// validation error naming the field, and the record is left as it was.
#[test]
fn a_weak_if_match_in_a_batch_is_refused() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let created = app
        .post("/api/v1/customers")
        .bearer(&admin)
        .json(&json!({"name": "弱标签客户"}))
        .send();
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.json()["id"].as_str().unwrap().to_owned();
    let res = app
        .post("/api/v1/sync/batch")
        .bearer(&admin)
        .json(&json!({"commands": [{
            "idempotency_key": "weak-1", "op": "customers.update", "id": id,
            "if_match": "W/\"1\"", "body": {"note": "弱"}
        }]}))
        .send();
    let p = res.problem(422, "validation");
    assert_eq!(
        p["errors"][0]["field"], "commands[0].if_match",
        "{}",
        res.body
    );
    assert_eq!(p["errors"][0]["code"], "format", "{}", res.body);
    let now = app
        .get(&format!("/api/v1/customers/{id}"))
        .bearer(&admin)
        .send();
    assert_eq!(now.status, 200, "{}", now.body);
    assert_eq!(now.etag(), "\"1\"");
    assert!(
        now.json()["note"].is_null() || now.json()["note"] == "",
        "{}",
        now.body
    );
}
