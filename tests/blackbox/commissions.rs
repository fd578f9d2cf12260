//! Commissions (BIL-9 … BIL-12, HR-F4) over HTTP on a test clock, on SQLite or PostgreSQL:
//! jobs made through the API, the month previewed and closed, the ledger read back.

use crate::tickets::{World, id, world};
use crate::{actions, audit_of};
use kefu_blackbox::Resp;
use serde_json::{Value, json};

struct Cast {
    exec: String,
    clerk: String,
    finance: String,
    sup: String,
    remote_site: Value,
}

fn cast(w: &World) -> Cast {
    let app = &w.app;
    app.create_user(&w.admin, "exec", &["executive"], "Executive-pass-1");
    app.create_user(&w.admin, "clerk", &["clerk"], "Clerk-pass-1");
    app.create_user(&w.admin, "fin", &["finance"], "Finance-pass-1");
    let sup = app.create_user(&w.admin, "sup", &["supervisor"], "Supervisor-pass-1");
    let team = app
        .post("/api/v1/teams")
        .bearer(&w.admin)
        .json(&json!({"name": "一组", "supervisor_user_id": sup["id"]}))
        .send();
    assert_eq!(team.status, 201, "{}", team.body);
    let res = app
        .post("/api/v1/employees")
        .bearer(&w.admin)
        .json(
            &json!({"user_id": w.eng1_id, "name": "工程师一", "track": "aftersales",
                       "level": "junior", "station_city": "杭州", "team_id": team.json()["id"],
                       "base_salary_fen": 650000}),
        )
        .send();
    assert_eq!(res.status, 201, "{}", res.body);
    let city = app
        .post("/api/v1/cities")
        .bearer(&w.admin)
        .json(
            &json!({"name": "温州市", "province": "浙江省", "has_station": false, "counties": []}),
        )
        .send();
    assert_eq!(city.status, 201, "{}", city.body);
    let site = app
        .post("/api/v1/sites")
        .bearer(&w.admin)
        .json(
            &json!({"customer_id": w.customer["id"], "name": "温州仓库", "address": "三路 3 号",
                       "city": "温州市"}),
        )
        .send();
    assert_eq!(site.status, 201, "{}", site.body);
    let remote_site = site.json();
    assert_eq!(remote_site["location_class"], "remote");
    Cast {
        exec: app.token("exec", "Executive-pass-1"),
        clerk: app.token("clerk", "Clerk-pass-1"),
        finance: app.token("fin", "Finance-pass-1"),
        sup: app.token("sup", "Supervisor-pass-1"),
        remote_site,
    }
}

impl Cast {
    /// Tokens are tied to the clock: sign in again after moving it.
    fn refresh(&mut self, w: &World) {
        self.exec = w.app.token("exec", "Executive-pass-1");
        self.clerk = w.app.token("clerk", "Clerk-pass-1");
        self.finance = w.app.token("fin", "Finance-pass-1");
        self.sup = w.app.token("sup", "Supervisor-pass-1");
    }
}

fn cmd(w: &World, token: &str, j: &Value, verb: &str, body: Value) -> Value {
    let res = w
        .app
        .post(&format!("/api/v1/commissioning-jobs/{}/{verb}", id(j)))
        .bearer(token)
        .if_match(&format!("\"{}\"", j["version"]))
        .json(&body)
        .send();
    assert_eq!(res.status, 200, "{verb}: {}", res.body);
    res.json()
}

/// A job approved today by the executive.
fn job(w: &World, c: &Cast, site: &Value, engineer: &str, body: Value) -> Value {
    let mut body = body;
    body["site_id"] = site["id"].clone();
    body["engineer_id"] = json!(engineer);
    body["notice_no"] = json!(format!("TS-{}", uuid::Uuid::new_v4()));
    body["title"] = json!("调试");
    let res = w
        .app
        .post("/api/v1/commissioning-jobs")
        .bearer(&w.admin)
        .json(&body)
        .send();
    assert_eq!(res.status, 201, "{}", res.body);
    cmd(w, &c.exec, &res.json(), "approve", json!({}))
}

fn month(w: &World, token: &str, m: &str, verb: &str) -> Resp {
    w.app
        .post(&format!("/api/v1/commission-months/{m}/{verb}"))
        .bearer(token)
        .send()
}

pub fn lines(w: &World, token: &str, query: &str) -> Vec<Value> {
    let res = w
        .app
        .get(&format!("/api/v1/commission-lines?limit=200{query}"))
        .bearer(token)
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()["items"].as_array().unwrap().clone()
}

fn line<'a>(all: &'a [Value], source: &Value, kind: &str) -> &'a Value {
    let source = source.as_str().unwrap_or_else(|| id(source));
    all.iter()
        .find(|l| l["source_id"] == source && l["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} line of {source}: {all:?}"))
}

fn summary(l: &Value) -> (i64, String, Value, String) {
    (
        l["amount_fen"].as_i64().unwrap(),
        l["status"].as_str().unwrap().to_owned(),
        l["due_month"].clone(),
        l["rule"].as_str().unwrap().to_owned(),
    )
}

/// March: eng1 is assigned job A (local, 400 points) and job B (remote, 2100 points); eng2 a
/// pure alarm controller (127 points whatever its size) and a 353-point job, not done yet.
fn march(w: &mut World) -> (Cast, Value, Value, Value) {
    w.set_clock("2026-03-02T09:00:00+08:00");
    let c = cast(w);
    let site = w.site.clone();
    let a = job(
        w,
        &c,
        &site,
        &w.eng1_id.clone(),
        json!({"controller_points": 400}),
    );
    let b = job(
        w,
        &c,
        &c.remote_site,
        &w.eng1_id.clone(),
        json!({"controller_points": 2100}),
    );
    let pure = job(
        w,
        &c,
        &site,
        &w.eng2_id.clone(),
        json!({"controller_points": 60, "pure_alarm_controller": true}),
    );
    assert_eq!(pure["billable_points"], 127);
    job(
        w,
        &c,
        &site,
        &w.eng2_id.clone(),
        json!({"controller_points": 353}),
    );
    // Both of eng1's jobs end on Tuesday 10 March: documents due Friday 13 March.
    w.set_clock("2026-03-10T18:00:00+08:00");
    let mut c = c;
    c.refresh(w);
    let done = json!({"started_on": "2026-03-09", "ended_on": "2026-03-10"});
    let a = cmd(w, &w.eng1, &a, "commission", done.clone());
    let b = cmd(w, &w.eng1, &b, "commission", done);
    assert_eq!(b["documents_due_on"], "2026-03-13");
    w.set_clock("2026-03-12T10:00:00+08:00");
    c.refresh(w);
    let a = cmd(
        w,
        &c.clerk,
        &a,
        "hand-in",
        json!({"documents": ["project_file", "satisfaction_questionnaire", "settlement_notice"]}),
    );
    let a = cmd(w, &c.clerk, &a, "confirm-callback", json!({}));
    (c, a, b, pure)
}

#[test]
fn bil_9_10_11_12_the_march_example_closed_once_withheld_then_due_with_hr_f4() {
    let mut w = world();
    let (mut c, a, b, _) = march(&mut w);
    // Tuesday 17 March: B's documents are 4 days late.
    w.set_clock("2026-03-17T10:00:00+08:00");
    c.refresh(&w);
    month(&w, &w.eng1, "2026-03", "preview").forbidden_by("BIL-9");
    month(&w, &c.sup, "2026-03", "close").forbidden_by("BIL-9");
    let p = month(&w, &c.finance, "2026-04", "close").problem(422, "rule-violation");
    assert_eq!(p["rule"], "BIL-9");
    month(&w, &c.finance, "2026-3", "preview").problem(400, "bad-request");

    let preview = month(&w, &c.finance, "2026-03", "preview");
    assert_eq!(preview.status, 200, "{}", preview.body);
    let preview = preview.json();
    assert_eq!(preview["closed"], false);
    assert_eq!(preview["changes"].as_array().unwrap().len(), 6, "{preview}");
    assert!(
        lines(&w, &w.admin, "").is_empty(),
        "a preview saves nothing"
    );

    let closed = month(&w, &c.finance, "2026-03", "close");
    assert_eq!(closed.status, 200, "{}", closed.body);
    let all = lines(&w, &w.admin, "&month=2026-03");
    assert_eq!(all.len(), 6, "{all:?}");
    let first_a = line(&all, &a, "commissioning_first");
    assert_eq!(
        summary(first_a),
        (4_864, "due".into(), json!("2026-04"), "BIL-11".into())
    );
    let i = &first_a["inputs"];
    assert_eq!(
        (
            i["points"].clone(),
            i["fen_per_point"].clone(),
            i["commission_fen"].clone(),
            i["month_points"].clone(),
            i["multiplier_bp"].clone(),
            i["after_multiplier_fen"].clone(),
            i["engineer_fen"].clone()
        ),
        (
            json!(400),
            json!(20),
            json!(8_000),
            json!(2_500),
            json!(8_000),
            json!(6_400),
            json!(6_080)
        )
    );
    assert!(
        first_a["rule_versions"]["commissioning-rates"].is_string(),
        "{first_a}"
    );
    assert_eq!(
        summary(line(&all, &a, "commissioning_held")),
        (1_216, "pending".into(), Value::Null, "BIL-11".into())
    );
    let first_b = line(&all, &b, "commissioning_first");
    assert_eq!(
        summary(first_b),
        (57_456, "withheld".into(), Value::Null, "BIL-11".into())
    );
    assert_eq!(first_b["inputs"]["engineer_fen"], 71_820);
    assert_eq!(first_b["inputs"]["documents_late_days"], 4);
    assert_eq!(
        summary(line(&all, &b, "commissioning_held")),
        (14_364, "withheld".into(), Value::Null, "BIL-11".into())
    );
    let clerk = line(&all, &json!("2026-03"), "clerk_share");
    assert_eq!(
        summary(clerk),
        (4_100, "due".into(), json!("2026-04"), "BIL-12".into())
    );
    // BIL-10: eng2's 127 + 353 = 480 points, below 510, while the month had work for both.
    let cut = line(&all, &json!("2026-03"), "base_salary_cut");
    assert_eq!(cut["person_id"], w.eng2_id.as_str());
    assert_eq!(cut["inputs"]["month_points"], 480);
    assert_eq!(
        summary(cut),
        (-30_000, "due".into(), json!("2026-03"), "BIL-10".into())
    );

    // HR-F4: the late documents' 20 yuan fine, proposed once.
    let fines = |w: &World| -> Vec<Value> {
        let res = w
            .app
            .get(&format!("/api/v1/fines?user_id={}", w.eng1_id))
            .bearer(&w.admin)
            .send();
        assert_eq!(res.status, 200, "{}", res.body);
        res.json()["items"].as_array().unwrap().clone()
    };
    let proposed = fines(&w);
    assert_eq!(proposed.len(), 1, "{proposed:?}");
    assert_eq!(
        (
            proposed[0]["rule"].clone(),
            proposed[0]["amount_fen"].clone(),
            proposed[0]["status"].clone()
        ),
        (json!("HR-F4"), json!(2_000), json!("proposed"))
    );

    // Closing again gives the same lines once, and proposes nothing more.
    let again = month(&w, &c.finance, "2026-03", "close");
    assert_eq!(again.status, 200, "{}", again.body);
    assert!(
        again.json()["changes"].as_array().unwrap().is_empty(),
        "{}",
        again.body
    );
    let after: Vec<Value> = lines(&w, &w.admin, "&month=2026-03");
    assert_eq!(
        after
            .iter()
            .map(|l| (l["id"].clone(), l["version"].clone()))
            .collect::<Vec<_>>(),
        all.iter()
            .map(|l| (l["id"].clone(), l["version"].clone()))
            .collect::<Vec<_>>()
    );
    assert_eq!(fines(&w).len(), 1);
    let audit = audit_of(&w.app, &w.admin, "commission_month", "2026-03");
    assert_eq!(
        actions(&audit),
        ["commission_month.close", "commission_month.close"]
    );
    assert_eq!(audit[1]["after"]["written"], 0, "{audit:?}");
    let withheld = first_b["id"].as_str().unwrap();
    assert_eq!(
        actions(&audit_of(&w.app, &w.admin, "commission_line", withheld)),
        ["commission_line.withheld"]
    );

    // Privacy: one's own lines; a supervisor their team's (eng1); another's line is 404.
    let own: Vec<Value> = lines(&w, &w.eng2, "");
    assert_eq!(own.len(), 1, "{own:?}");
    assert_eq!(own[0]["kind"], "base_salary_cut");
    let path = format!("/api/v1/commission-lines/{withheld}");
    w.app
        .get(&path)
        .bearer(&w.eng2)
        .send()
        .problem(404, "not-found");
    assert!(lines(&w, &w.eng2, &format!("&person_id={}", w.eng1_id)).is_empty());
    let res = w.app.get(&path).bearer(&c.sup).send();
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.json()["amount_fen"], 57_456);
    assert_eq!(lines(&w, &c.sup, "").len(), 4, "the team's eng1 only");
    let cut_path = format!("/api/v1/commission-lines/{}", cut["id"].as_str().unwrap());
    w.app
        .get(&cut_path)
        .bearer(&c.sup)
        .send()
        .problem(404, "not-found");
    assert_eq!(lines(&w, &w.eng1, "&status=withheld").len(), 2);

    // The documents come in (4 days late) with the callback: the 80% is due in April. (The
    // CON-7 job may have marked B late meanwhile: read its version afresh.)
    let b = w
        .app
        .get(&format!("/api/v1/commissioning-jobs/{}", id(&b)))
        .bearer(&w.admin)
        .send()
        .json();
    let b = cmd(
        &w,
        &c.clerk,
        &b,
        "hand-in",
        json!({"documents": ["project_file", "satisfaction_questionnaire", "settlement_notice"]}),
    );
    let b = cmd(&w, &c.clerk, &b, "confirm-callback", json!({}));
    // Over 1000 points the manager's re-check comes too (seed 002 §5 (7)) before the 80%.
    let since = "2026-03-17T12:00:00%2B08:00";
    w.set_clock("2026-03-18T10:00:00+08:00");
    c.refresh(&w);
    let early = month(&w, &c.finance, "2026-03", "preview").json();
    assert_eq!(
        line(
            early["lines"].as_array().unwrap(),
            &b,
            "commissioning_first"
        )["status"],
        "pending"
    );
    cmd(&w, &w.manager, &b, "recheck", json!({}));
    let preview = month(&w, &c.finance, "2026-03", "preview").json();
    assert_eq!(preview["changes"].as_array().unwrap().len(), 2, "{preview}");
    let res = month(&w, &c.finance, "2026-03", "close");
    assert_eq!(res.status, 200, "{}", res.body);
    let changed = lines(&w, &w.admin, &format!("&updated_since={since}"));
    assert_eq!(changed.len(), 2, "{changed:?}");
    let all = lines(&w, &w.admin, "&month=2026-03");
    assert_eq!(
        summary(line(&all, &b, "commissioning_first")),
        (57_456, "due".into(), json!("2026-04"), "BIL-11".into())
    );
    assert_eq!(line(&all, &b, "commissioning_held")["status"], "pending");
    assert_eq!(
        actions(&audit_of(&w.app, &w.admin, "commission_line", withheld)),
        ["commission_line.withheld", "commission_line.due"]
    );
    assert_eq!(fines(&w).len(), 1, "HR-F4 once per job");
    // What payroll reads for April: the due lines of that month.
    let april = lines(&w, &w.admin, "&status=due&due_month=2026-04");
    let mut fen: Vec<i64> = april
        .iter()
        .map(|l| l["amount_fen"].as_i64().unwrap())
        .collect();
    fen.sort_unstable();
    assert_eq!(fen, [4_100, 4_864, 57_456]);
    let csv = w
        .app
        .get("/api/v1/commission-lines/export?format=csv")
        .bearer(&c.finance)
        .send();
    assert_eq!(csv.status, 200, "{}", csv.body);
    assert!(
        csv.body.contains("amount_fen") && csv.body.contains(",57456,"),
        "{}",
        csv.body
    );
}

#[test]
fn bil_11_two_closes_at_once_write_each_line_once() {
    let mut w = world();
    let (mut c, _, _, _) = march(&mut w);
    w.set_clock("2026-03-17T10:00:00+08:00");
    c.refresh(&w);
    let statuses: Vec<u16> = std::thread::scope(|s| {
        let runs: Vec<_> = (0..4)
            .map(|_| s.spawn(|| month(&w, &c.finance, "2026-03", "close").status))
            .collect();
        runs.into_iter().map(|r| r.join().unwrap()).collect()
    });
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    let all = lines(&w, &w.admin, "&month=2026-03");
    assert_eq!(all.len(), 6, "{all:?}");
    let withheld: Vec<String> = all
        .iter()
        .filter(|l| l["status"] == "withheld")
        .map(|l| l["id"].as_str().unwrap().to_owned())
        .collect();
    for id in withheld {
        assert_eq!(
            actions(&audit_of(&w.app, &w.admin, "commission_line", &id)),
            ["commission_line.withheld"]
        );
    }
    let fines = w
        .app
        .get(&format!("/api/v1/fines?user_id={}", w.eng1_id))
        .bearer(&w.admin)
        .send();
    assert_eq!(
        fines.json()["items"].as_array().unwrap().len(),
        1,
        "{}",
        fines.body
    );
}
