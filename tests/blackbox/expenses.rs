//! BIL-14 … BIL-17 over HTTP: travel requests approved by a manager with the standard copied
//! on approval; the travel example as a claim (2.0 days, meals 60.00, lodging 220.00);
//! cash advances approved by the GM, one open at a time (also under two parallel requests),
//! the overdue claim told once, settlement against the claim; the month's phone allowances;
//! people's-money privacy (another employee's record is 404, a supervisor sees no team's).
use crate::{actions, audit_of};
use kefu_blackbox::{Resp, TestApp};
use serde_json::{Value, json};

const PASSWORD: &str = "Secret-pass-123";

fn ok(res: Resp, status: u16) -> Value {
    assert_eq!(res.status, status, "{}", res.body);
    res.json()
}

fn id(v: &Value) -> &str {
    v["id"].as_str().unwrap()
}

struct World {
    app: TestApp,
    clock: kefu_blackbox::Clock,
    admin: String,
    mgr: String,
    fin: String,
    gm: String,
    sup: String,
    eng: String,
    eng_id: String,
    other: String,
}

fn world() -> World {
    let (builder, clock) = TestApp::builder().clock("2026-03-01T09:00:00+08:00");
    let app = builder.env("KEFU_ACCESS_TOKEN_TTL_SECS", "8640000").spawn();
    let admin = app.admin_token();
    let user = |name: &str, role: &str| {
        let made = app.create_user(&admin, name, &[role], PASSWORD);
        (
            app.token(name, PASSWORD),
            made["id"].as_str().unwrap().to_owned(),
        )
    };
    let (mgr, _) = user("mgr", "manager");
    let (fin, _) = user("fin", "finance");
    let (gm, _) = user("gm", "executive");
    let (sup, _) = user("sup", "supervisor");
    let (eng, eng_id) = user("eng", "engineer");
    let (other, _) = user("other", "engineer");
    World {
        app,
        clock,
        admin,
        mgr,
        fin,
        gm,
        sup,
        eng,
        eng_id,
        other,
    }
}

impl World {
    fn kinds(&self, token: &str) -> Vec<String> {
        ok(
            self.app
                .get("/api/v1/me/notifications")
                .bearer(token)
                .send(),
            200,
        )["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["kind"].as_str().unwrap().to_owned())
            .collect()
    }

    fn post(&self, token: &str, path: &str, body: Value) -> Resp {
        self.app.post(path).bearer(token).json(&body).send()
    }

    fn step(&self, token: &str, path: &str, record: &Value, verb: &str, body: Value) -> Resp {
        self.app
            .post(&format!("/api/v1/{path}/{}/{verb}", id(record)))
            .bearer(token)
            .if_match(&format!("\"{}\"", record["version"]))
            .json(&body)
            .send()
    }

    fn read(&self, token: &str, path: &str, record_id: &str) -> Resp {
        self.app
            .get(&format!("/api/v1/{path}/{record_id}"))
            .bearer(token)
            .send()
    }

    fn approved_trip(&self, token: &str) -> Value {
        let trip = ok(
            self.post(
                token,
                "/api/v1/travel-requests",
                json!({"destination_city": "温州", "city_tier": "second",
                       "purpose": "瑞安项目调试", "reference": "合同 HT-2026-031",
                       "planned_departure": "2026-03-02", "planned_return": "2026-03-04",
                       "transport": "train_hard_sleeper"}),
            ),
            201,
        );
        ok(
            self.step(&self.mgr, "travel-requests", &trip, "approve", json!(null)),
            200,
        )
    }

    fn claim(&self, token: &str, trip: &Value) -> Resp {
        self.post(
            token,
            "/api/v1/expense-claims",
            json!({"travel_request_id": id(trip),
                   "departed_at": "2026-03-02T13:30:00+08:00",
                   "returned_at": "2026-03-04T11:00:00+08:00",
                   "lodging": [{"nights": 1, "amount_fen": 15000, "invoice_no": "No.3301"},
                               {"nights": 1, "amount_fen": 10000, "invoice_no": "No.3302"}]}),
        )
    }
}

#[test]
fn bil_14_15_the_travel_example_from_request_to_payment() {
    let w = world();
    let body = json!({"destination_city": "温州", "city_tier": "second",
                      "purpose": "瑞安项目调试", "planned_departure": "2026-03-02",
                      "planned_return": "2026-03-04", "transport": "train_hard_sleeper"});
    // BIL-14: bad destinations and dates name the rule and the field.
    let mut no_tier = body.clone();
    no_tier.as_object_mut().unwrap().remove("city_tier");
    let p = w
        .post(&w.eng, "/api/v1/travel-requests", no_tier)
        .problem(422, "validation");
    assert_eq!(
        (&p["rule"], &p["errors"][0]["field"]),
        (&json!("BIL-14"), &json!("city_tier"))
    );
    let mut backwards = body.clone();
    backwards["planned_return"] = json!("2026-03-01");
    let p = w
        .post(&w.eng, "/api/v1/travel-requests", backwards)
        .problem(422, "validation");
    assert_eq!(p["errors"][0]["field"], "planned_return");

    let trip = ok(w.post(&w.eng, "/api/v1/travel-requests", body), 201);
    assert_eq!(
        (&trip["status"], &trip["standard"]),
        (&json!("requested"), &json!(null))
    );
    assert_eq!(trip["user_id"], w.eng_id.as_str());
    assert!(w.kinds(&w.mgr).contains(&"travel.requested".to_owned()));
    // Privacy: another engineer and a supervisor get 404; finance sees it.
    for stranger in [&w.other, &w.sup] {
        w.read(stranger, "travel-requests", id(&trip))
            .problem(404, "not-found");
        let theirs = ok(
            w.app.get("/api/v1/travel-requests").bearer(stranger).send(),
            200,
        );
        assert_eq!(theirs["items"], json!([]));
    }
    ok(w.read(&w.fin, "travel-requests", id(&trip)), 200);
    w.step(&w.eng, "travel-requests", &trip, "approve", json!(null))
        .problem(403, "forbidden");
    w.step(&w.other, "travel-requests", &trip, "approve", json!(null))
        .problem(403, "forbidden");

    // Travel without an approved request is not reimbursed.
    w.clock.set("2026-03-04T12:00:00+08:00");
    let p = w.claim(&w.eng, &trip).problem(422, "validation");
    assert_eq!(
        (&p["rule"], &p["errors"][0]["field"]),
        (&json!("BIL-14"), &json!("travel_request_id"))
    );

    // Approval on the 1st copies the standard in force then.
    w.clock.set("2026-03-01T10:00:00+08:00");
    let trip = ok(
        w.step(&w.mgr, "travel-requests", &trip, "approve", json!(null)),
        200,
    );
    assert_eq!(trip["status"], "approved");
    assert_eq!(trip["standard"]["lodging_cap_fen_per_day"], 12_000);
    assert_eq!(trip["standard"]["meals_fen_per_day"], 3_000);
    assert_eq!(trip["standard"]["city_tier"], "second");
    assert!(trip["standard_effective_from"].is_string());
    assert!(w.kinds(&w.eng).contains(&"travel.approved".to_owned()));
    let p = w
        .step(&w.mgr, "travel-requests", &trip, "approve", json!(null))
        .problem(409, "conflict");
    assert_eq!(p["rule"], "BIL-14");
    // A later change of the table (meals 50 yuan from the 3rd) does not move the trip.
    let set = w
        .app
        .get("/api/v1/rules/travel-standards")
        .bearer(&w.admin)
        .send();
    let mut value = set.json()["versions"][0]["value"].clone();
    for s in value["standards"].as_array_mut().unwrap() {
        s["meals_fen_per_day"] = json!(5_000);
    }
    let put = w
        .app
        .req("PUT", "/api/v1/rules/travel-standards/versions/2026-03-03")
        .bearer(&w.admin)
        .if_match(&set.etag())
        .json(&json!({"value": value, "note": "伙食补助上调"}))
        .send();
    assert_eq!(put.status, 200, "{}", put.body);

    // A claim before the return is refused; after it, the example.
    w.clock.set("2026-03-04T10:00:00+08:00");
    let p = w.claim(&w.eng, &trip).problem(422, "validation");
    assert_eq!(
        (&p["rule"], &p["errors"][0]["field"]),
        (&json!("BIL-15"), &json!("returned_at"))
    );
    w.clock.set("2026-03-04T12:00:00+08:00");
    let p = w.claim(&w.other, &trip).problem(422, "validation");
    assert_eq!(p["rule"], "BIL-14", "only the traveller claims the trip");
    let claim = ok(w.claim(&w.eng, &trip), 201);
    assert_eq!(
        (&claim["half_days"], &claim["travel_days"]),
        (&json!(4), &json!(2.0))
    );
    let lines = claim["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 3);
    assert_eq!(
        (
            &lines[0]["kind"],
            &lines[0]["reimbursed_fen"],
            &lines[0]["standard_fen_per_day"]
        ),
        (&json!("meals"), &json!(6_000), &json!(3_000))
    );
    assert_eq!(lines[0]["rule"], "BIL-15");
    assert_eq!(
        (
            &lines[1]["claimed_fen"],
            &lines[1]["reimbursed_fen"],
            &lines[1]["nights"]
        ),
        (&json!(15_000), &json!(12_000), &json!(1))
    );
    assert!(lines[1]["reason"].as_str().unwrap().contains("自行承担"));
    assert_eq!(
        (&lines[2]["reimbursed_fen"], &lines[2]["reason"]),
        (&json!(10_000), &json!(null))
    );
    assert_eq!(claim["total_fen"], 6_000 + 22_000);
    assert_eq!(claim["status"], "submitted");
    assert!(w.kinds(&w.mgr).contains(&"expense.submitted".to_owned()));
    let p = w.claim(&w.eng, &trip).problem(409, "conflict");
    assert_eq!(p["rule"], "BIL-15");

    // Privacy of the claim, then manager approval and payment by finance.
    w.read(&w.other, "expense-claims", id(&claim))
        .problem(404, "not-found");
    w.read(&w.sup, "expense-claims", id(&claim))
        .problem(404, "not-found");
    let theirs = ok(
        w.app.get("/api/v1/expense-claims").bearer(&w.other).send(),
        200,
    );
    assert_eq!(theirs["items"], json!([]));
    w.step(&w.other, "expense-claims", &claim, "approve", json!(null))
        .problem(403, "forbidden");
    w.step(&w.mgr, "expense-claims", &claim, "pay", json!(null))
        .problem(403, "forbidden");
    let p = w
        .step(&w.fin, "expense-claims", &claim, "pay", json!(null))
        .problem(409, "conflict");
    assert_eq!(p["rule"], "BIL-15");
    let claim = ok(
        w.step(&w.mgr, "expense-claims", &claim, "approve", json!(null)),
        200,
    );
    assert!(
        w.kinds(&w.fin)
            .contains(&"expense.awaits_payment".to_owned())
    );
    let claim = ok(
        w.step(&w.fin, "expense-claims", &claim, "pay", json!(null)),
        200,
    );
    assert_eq!(
        (&claim["status"], &claim["paid_fen"]),
        (&json!("paid"), &json!(28_000))
    );
    let stored = ok(w.read(&w.eng, "expense-claims", id(&claim)), 200);
    assert_eq!(
        (&stored["status"], &stored["total_fen"]),
        (&json!("paid"), &json!(28_000))
    );
    assert!(w.kinds(&w.eng).contains(&"expense.paid".to_owned()));
    let listed = ok(
        w.app
            .get("/api/v1/expense-claims?status=paid")
            .bearer(&w.fin)
            .send(),
        200,
    );
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    let csv = w
        .app
        .get("/api/v1/expense-claims/export?format=csv")
        .bearer(&w.fin)
        .send();
    assert_eq!(csv.status, 200, "{}", csv.body);
    assert!(csv.body.contains("280"), "{}", csv.body);

    assert_eq!(
        actions(&audit_of(&w.app, &w.admin, "travel_request", id(&trip))),
        ["travel_request.create", "travel_request.approve"]
    );
    assert_eq!(
        actions(&audit_of(&w.app, &w.admin, "expense_claim", id(&claim))),
        [
            "expense_claim.create",
            "expense_claim.approve",
            "expense_claim.pay"
        ]
    );
}

#[test]
fn bil_16_one_open_advance_overdue_once_and_settled_against_the_claim() {
    let w = world();
    let trip = w.approved_trip(&w.eng);
    let ask = |token: &str, trip: &Value, fen: i64| {
        w.post(
            token,
            "/api/v1/cash-advances",
            json!({"travel_request_id": id(trip), "amount_fen": fen, "purpose": "差旅费借支"}),
        )
    };
    let p = ask(&w.other, &trip, 50_000).problem(422, "validation");
    assert_eq!(
        p["rule"], "BIL-16",
        "an advance is for one's own approved trip"
    );
    let advance = ok(ask(&w.eng, &trip, 50_000), 201);
    assert_eq!(advance["status"], "requested");
    assert!(w.kinds(&w.gm).contains(&"advance.requested".to_owned()));
    // A second advance while one is open: 422 naming BIL-16.
    let p = ask(&w.eng, &trip, 10_000).problem(422, "rule-violation");
    assert_eq!(p["rule"], "BIL-16");
    w.read(&w.other, "cash-advances", id(&advance))
        .problem(404, "not-found");
    w.read(&w.sup, "cash-advances", id(&advance))
        .problem(404, "not-found");

    // The GM approves, finance pays out; the claim falls due a week after the return.
    w.step(&w.mgr, "cash-advances", &advance, "approve", json!(null))
        .problem(403, "forbidden");
    w.step(&w.gm, "cash-advances", &advance, "pay", json!(null))
        .problem(403, "forbidden");
    let advance = ok(
        w.step(&w.gm, "cash-advances", &advance, "approve", json!(null)),
        200,
    );
    let advance = ok(
        w.step(&w.fin, "cash-advances", &advance, "pay", json!(null)),
        200,
    );
    assert_eq!(
        (&advance["status"], &advance["due_date"]),
        (&json!("paid"), &json!("2026-03-11"))
    );
    let p = ask(&w.eng, &trip, 10_000).problem(422, "rule-violation");
    assert_eq!(p["rule"], "BIL-16");

    // No claim by the 11th: the traveller and finance are told once.
    w.clock.set("2026-03-12T09:00:00+08:00");
    let runner = w
        .app
        .another_instance(&[("KEFU_JOBS_ENABLED", "1"), ("KEFU_JOBS_POLL_MS", "50")]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let overdue = |token: &str| {
        w.kinds(token)
            .iter()
            .filter(|k| *k == "advance.claim_overdue")
            .count()
    };
    while overdue(&w.eng) == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "no advance.claim_overdue"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    drop(runner);
    assert_eq!((overdue(&w.eng), overdue(&w.fin)), (1, 1));
    let advance = ok(w.read(&w.eng, "cash-advances", id(&advance)), 200);
    assert!(advance["overdue_notified_at"].is_string());

    // The claim (280.00), approved; paying it directly is refused: settle instead.
    let claim = ok(w.claim(&w.eng, &trip), 201);
    let claim = ok(
        w.step(&w.mgr, "expense-claims", &claim, "approve", json!(null)),
        200,
    );
    let p = w
        .step(&w.fin, "expense-claims", &claim, "pay", json!(null))
        .problem(409, "conflict");
    assert_eq!(p["rule"], "BIL-16");
    let settle = |a: &Value, claim_id: &str| {
        w.step(
            &w.fin,
            "cash-advances",
            a,
            "settle",
            json!({"claim_id": claim_id}),
        )
    };
    let p = settle(&advance, "no-such-claim").problem(422, "validation");
    assert_eq!(
        (&p["rule"], &p["errors"][0]["field"]),
        (&json!("BIL-16"), &json!("claim_id"))
    );
    // 280.00 claimed against 500.00 advanced: the traveller pays 220.00 back.
    let advance = ok(settle(&advance, id(&claim)), 200);
    assert_eq!(
        (
            &advance["status"],
            &advance["settlement_fen"],
            &advance["claim_id"]
        ),
        (&json!("settled"), &json!(-22_000), &claim["id"])
    );
    let claim = ok(w.read(&w.eng, "expense-claims", id(&claim)), 200);
    assert_eq!(
        (&claim["status"], &claim["paid_fen"], &claim["advance_id"]),
        (&json!("paid"), &json!(-22_000), &advance["id"])
    );
    assert!(w.kinds(&w.eng).contains(&"advance.settled".to_owned()));
    // Settled: the advance is closed and a new one may be asked for.
    let p = settle(&advance, id(&claim)).problem(409, "conflict");
    assert_eq!(p["rule"], "BIL-16");
    ok(ask(&w.eng, &trip, 10_000), 201);

    assert_eq!(
        actions(&audit_of(&w.app, &w.admin, "cash_advance", id(&advance))),
        [
            "cash_advance.create",
            "cash_advance.approve",
            "cash_advance.pay",
            "cash_advance.overdue",
            "cash_advance.settle"
        ]
    );
    assert_eq!(
        actions(&audit_of(&w.app, &w.admin, "expense_claim", id(&claim))),
        [
            "expense_claim.create",
            "expense_claim.approve",
            "expense_claim.pay"
        ]
    );
    let listed = ok(
        w.app.get("/api/v1/cash-advances").bearer(&w.eng).send(),
        200,
    );
    assert_eq!(listed["items"].as_array().unwrap().len(), 2);
    let theirs = ok(
        w.app.get("/api/v1/cash-advances").bearer(&w.other).send(),
        200,
    );
    assert_eq!(theirs["items"], json!([]));
}

#[test]
fn bil_16_two_parallel_advance_requests_leave_one_open() {
    let w = world();
    for round in 0..3 {
        let name = format!("par{round}");
        w.app.create_user(&w.admin, &name, &["engineer"], PASSWORD);
        let token = w.app.token(&name, PASSWORD);
        let trip = w.approved_trip(&token);
        let body = json!({"travel_request_id": id(&trip), "amount_fen": 30_000,
                          "purpose": "差旅费借支"});
        let answers: Vec<Resp> = std::thread::scope(|s| {
            let asks: Vec<_> = (0..2)
                .map(|_| s.spawn(|| w.post(&token, "/api/v1/cash-advances", body.clone())))
                .collect();
            asks.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let mut statuses: Vec<u16> = answers.iter().map(|r| r.status).collect();
        statuses.sort();
        assert_eq!(
            statuses,
            [201, 422],
            "{:?}",
            answers.iter().map(|r| &r.body).collect::<Vec<_>>()
        );
        let refused = answers.iter().find(|r| r.status == 422).unwrap();
        assert_eq!(refused.json()["rule"], "BIL-16");
        let mine = ok(
            w.app.get("/api/v1/cash-advances").bearer(&token).send(),
            200,
        );
        assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    }
}

#[test]
fn bil_17_phone_allowances_by_position_class_and_privacy() {
    let w = world();
    let eng_user = w.eng_id.clone();
    let employee = |user_id: Option<&str>, name: &str, class: Option<&str>| {
        let res = w.post(
            &w.admin,
            "/api/v1/employees",
            json!({"user_id": user_id, "name": name, "base_salary_fen": 500000,
                   "phone_allowance_class": class}),
        );
        ok(res, 201)
    };
    let mine = employee(Some(&eng_user), "王强", Some("B"));
    employee(None, "李明", Some("A"));
    employee(None, "赵六", None);
    let all = ok(
        w.app
            .get("/api/v1/phone-allowances?month=2026-03")
            .bearer(&w.fin)
            .send(),
        200,
    );
    let items = all["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    let amount = |name: &str| {
        let i = items.iter().find(|i| i["name"] == name).unwrap();
        (i["amount_fen"].clone(), i["rule"].clone())
    };
    assert_eq!(amount("王强"), (json!(10_000), json!("BIL-17")));
    assert_eq!(amount("李明").0, 20_000);
    assert_eq!(amount("赵六").0, 0);
    let own = ok(
        w.app
            .get("/api/v1/phone-allowances?month=2026-03")
            .bearer(&w.eng)
            .send(),
        200,
    );
    let own = own["items"].as_array().unwrap();
    assert_eq!(own.len(), 1);
    assert_eq!(
        (&own[0]["employee_id"], &own[0]["month"]),
        (&mine["id"], &json!("2026-03"))
    );
    let none = ok(
        w.app
            .get("/api/v1/phone-allowances?month=2026-03")
            .bearer(&w.sup)
            .send(),
        200,
    );
    assert_eq!(none["items"], json!([]));
    w.app
        .get("/api/v1/phone-allowances?month=2026-3")
        .bearer(&w.fin)
        .send()
        .problem(400, "bad-request");
}
