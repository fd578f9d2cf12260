use crate::{actions, audit_of};
use kefu_blackbox::TestApp;
use serde_json::{Value, json};

fn quote(app: &TestApp, token: &str, query: &str) -> Value {
    let res = app
        .get(&format!("/api/v1/commissioning-rates/quote?{query}"))
        .bearer(token)
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()
}

#[test]
fn every_rule_set_is_seeded_with_the_domain_defaults() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let list = app.get("/api/v1/rules").bearer(&admin).send().json();
    let keys: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"].as_str().unwrap())
        .collect();
    for key in [
        "commissioning-rates",
        "commissioning-monthly-multiplier",
        "contract-deadlines",
        "spare-part-loans",
        "fines",
        "lateness-fines",
        "commission-shares",
        "year-end-bonuses",
        "scorecard-grades",
        "star-ratings",
        "work-hours",
        "sla-policy",
        "attendance-times",
        "scorecard-templates",
        "travel-standards",
        "repair-labour-share",
    ] {
        assert!(keys.contains(&key), "{key} in {keys:?}");
    }
    let contracts = app
        .get("/api/v1/rules/contract-deadlines")
        .bearer(&admin)
        .send();
    assert_eq!(contracts.etag(), "\"1\"");
    let body = contracts.json();
    assert_eq!(body["versions"][0]["effective_from"], "2000-01-01");
    assert_eq!(
        body["versions"][0]["value"]["pure_alarm_controller_points"],
        127
    );
    assert_eq!(body["versions"][0]["value"]["payment_due_days"], 3);
    // BIL-9 defaults: 391–509 local points take the ≤ 390 rate of 0.20 yuan.
    let q = quote(&app, &admin, "class=local&points=400");
    assert_eq!(
        (q["fen_per_point"].as_i64(), q["commission_fen"].as_i64()),
        (Some(20), Some(8_000))
    );
    let q = quote(&app, &admin, "class=remote&points=3900");
    assert_eq!(q["fen_per_point"], 45);
    app.get("/api/v1/rules/no-such-rule")
        .bearer(&admin)
        .send()
        .problem(404, "not-found");
}

#[test]
fn a_change_from_april_leaves_march_on_the_old_rate() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let set = app
        .get("/api/v1/rules/commissioning-rates")
        .bearer(&admin)
        .send();
    let mut value = set.json()["versions"][0]["value"].clone();
    value["local"][0]["fen_per_point"] = json!(25);
    let put = app
        .req(
            "PUT",
            "/api/v1/rules/commissioning-rates/versions/2026-04-01",
        )
        .bearer(&admin)
        .if_match(&set.etag())
        .json(&json!({"value": value, "note": "四月起上调"}))
        .send();
    assert_eq!(put.status, 200, "{}", put.body);
    assert_eq!(put.etag(), "\"2\"");
    let versions = put.json()["versions"].as_array().unwrap().clone();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[1]["effective_from"], "2026-04-01");
    assert!(versions[1]["created_by"].is_string());

    let march = quote(&app, &admin, "class=local&points=100&on=2026-03-31");
    assert_eq!(march["fen_per_point"], 20);
    assert_eq!(march["rates_effective_from"], "2000-01-01");
    let april = quote(&app, &admin, "class=local&points=100&on=2026-04-01");
    assert_eq!(april["fen_per_point"], 25);
    assert_eq!(april["commission_fen"], 2_500);
    let in_force = app
        .get("/api/v1/rules/commissioning-rates/in-force?on=2026-03-15")
        .bearer(&admin)
        .send()
        .json();
    assert_eq!(in_force["value"]["local"][0]["fen_per_point"], 20);

    let trail = audit_of(&app, &admin, "rule_set", "commissioning-rates");
    assert_eq!(actions(&trail), ["rule.seed", "rule.put_version"]);
    assert!(trail[1]["before"].is_null());
    assert_eq!(trail[1]["after"]["effective_from"], "2026-04-01");
    assert_eq!(trail[1]["after"]["value"]["local"][0]["fen_per_point"], 25);

    // Undoing it restores the old rate for April too.
    let deleted = app
        .req(
            "DELETE",
            "/api/v1/rules/commissioning-rates/versions/2026-04-01",
        )
        .bearer(&admin)
        .if_match("\"2\"")
        .send();
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    assert_eq!(
        quote(&app, &admin, "class=local&points=100&on=2026-04-01")["fen_per_point"],
        20
    );
    app.req(
        "DELETE",
        "/api/v1/rules/commissioning-rates/versions/2000-01-01",
    )
    .bearer(&admin)
    .if_match("\"3\"")
    .send()
    .plain_conflict();
}

#[test]
fn rule_changes_are_checked_against_the_rule_type() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let put = |value: Value, etag: &str| {
        app.req(
            "PUT",
            "/api/v1/rules/commissioning-monthly-multiplier/versions/2026-05-01",
        )
        .bearer(&admin)
        .if_match(etag)
        .json(&json!({ "value": value }))
        .send()
    };
    let current = app
        .get("/api/v1/rules/commissioning-monthly-multiplier")
        .bearer(&admin)
        .send()
        .json()["versions"][0]["value"]
        .clone();
    let mut unsorted = current.clone();
    unsorted["tiers"][2]["min_points"] = json!(100);
    let problem = put(unsorted, "\"1\"").problem(422, "validation");
    assert_eq!(problem["errors"][0]["field"], "value.tiers[2]");
    let mut negative = current.clone();
    negative["base_salary_cut_fen"] = json!(-1);
    let problem = put(negative, "\"1\"").problem(422, "validation");
    assert_eq!(problem["errors"][0]["field"], "value.base_salary_cut_fen");
    let problem = put(json!({"tiers": []}), "\"1\"").problem(422, "validation");
    assert_eq!(
        (
            &problem["errors"][0]["field"],
            &problem["errors"][0]["code"]
        ),
        (&json!("value.minimum_points"), &json!("required")),
        "{problem}"
    );
    put(current.clone(), "\"9\"").problem(412, "precondition-failed");
    app.req(
        "PUT",
        "/api/v1/rules/commissioning-monthly-multiplier/versions/May-first",
    )
    .bearer(&admin)
    .if_match("\"1\"")
    .json(&json!({ "value": current }))
    .send()
    .problem(400, "bad-request");
    // Nothing was written by the refused attempts.
    let after = app
        .get("/api/v1/rules/commissioning-monthly-multiplier")
        .bearer(&admin)
        .send();
    assert_eq!(after.etag(), "\"1\"");
    assert_eq!(after.json()["versions"].as_array().unwrap().len(), 1);
}

#[test]
fn everyone_reads_the_rules_but_only_admins_change_them() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    app.create_user(&admin, "eng", &["engineer"], "Engineer-pass-1");
    let eng = app.token("eng", "Engineer-pass-1");
    let set = app.get("/api/v1/rules/fines").bearer(&eng).send();
    assert_eq!(set.status, 200);
    let value = set.json()["versions"][0]["value"].clone();
    assert_eq!(value["fines"][0]["rule"], "HR-C1");
    app.req("PUT", "/api/v1/rules/fines/versions/2026-06-01")
        .bearer(&eng)
        .if_match("\"1\"")
        .json(&json!({ "value": value }))
        .send()
        .problem(403, "forbidden");
    app.get("/api/v1/rules")
        .send()
        .problem(401, "unauthenticated");
}

fn value_of(app: &TestApp, token: &str, key: &str) -> Value {
    let res = app
        .get(&format!("/api/v1/rules/{key}"))
        .bearer(token)
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.etag(), "\"1\"", "{key}");
    res.json()["versions"][0]["value"].clone()
}

#[test]
fn the_sla_hr_and_expense_sets_hold_their_defaults() {
    let app = TestApp::spawn();
    let admin = app.admin_token();

    // TKT-2: every type and priority once; an urgent fault answers in 1 working hour and is
    // resolved in 1 working day.
    let sla = value_of(&app, &admin, "sla-policy");
    let targets = sla["targets"].as_array().unwrap();
    assert_eq!(targets.len(), 36);
    assert_eq!(sla["due_soon_minutes"], 60);
    let urgent_fault = targets
        .iter()
        .find(|t| t["ticket_type"] == "fault" && t["priority"] == "urgent")
        .unwrap();
    assert_eq!(
        urgent_fault["response"],
        json!({"amount": 1, "unit": "working_hours"})
    );
    assert_eq!(
        urgent_fault["resolution"],
        json!({"amount": 1, "unit": "working_days"})
    );

    // HR-A1.
    assert_eq!(
        value_of(&app, &admin, "attendance-times"),
        json!({"clock_in_by": "08:00", "late_until": "08:30", "half_day_until": "12:00"})
    );

    // HR-S1: the representative's card, 20 / 55 (25, 15, 15) / 15 (10, 5) / 10.
    let cards = value_of(&app, &admin, "scorecard-templates");
    let card = &cards["templates"][0];
    assert_eq!(card["position"], "call_centre_representative");
    let weights: Vec<i64> = card["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["points"].as_i64().unwrap())
        .collect();
    assert_eq!(weights, [20, 55, 15, 10]);
    assert_eq!(card["sections"][0]["qa_average_share_bp"], 2_000);
    let operation_exam = &card["sections"][2]["subsections"][1]["items"][0];
    assert_eq!(
        (
            &operation_exam["below"],
            &operation_exam["step"],
            &operation_exam["points"]
        ),
        (&json!(70), &json!(2), &json!(1))
    );
    let events = cards["events"].as_array().unwrap();
    let cheating = events.iter().find(|e| e["key"] == "exam_cheating").unwrap();
    assert_eq!(cheating["sets_exam_score"], 0);

    // BIL-14/15: staff at 120 yuan lodging and 30 yuan meals a day, counties at the
    // second-tier standard, the day cut-off at noon.
    let travel = value_of(&app, &admin, "travel-standards");
    assert_eq!(travel["county_city_tier"], "second");
    assert_eq!(travel["day_cutoff"], "12:00");
    assert_eq!(
        travel["standards"][0],
        json!({
            "grade": "staff",
            "city_tier": "first",
            "transport": "train_hard_sleeper",
            "lodging_cap_fen_per_day": 12_000,
            "meals_fen_per_day": 3_000,
            "local_transport_cap_fen_per_day": null
        })
    );

    // BIL-12b.
    assert_eq!(
        value_of(&app, &admin, "repair-labour-share"),
        json!({"tax_difference_bp": 1_300})
    );
}

#[test]
fn invalid_sla_scorecard_and_travel_changes_name_the_field() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let put = |key: &str, value: Value| {
        app.req("PUT", &format!("/api/v1/rules/{key}/versions/2026-07-01"))
            .bearer(&admin)
            .if_match("\"1\"")
            .json(&json!({ "value": value }))
            .send()
            .problem(422, "validation")
    };

    let mut late = value_of(&app, &admin, "sla-policy");
    late["due_soon_minutes"] = json!(1441);
    let p = put("sla-policy", late);
    assert_eq!(p["errors"][0]["field"], "value.due_soon_minutes");
    let mut sla = value_of(&app, &admin, "sla-policy");
    sla["targets"].as_array_mut().unwrap().remove(0);
    let p = put("sla-policy", sla.clone());
    assert_eq!(p["errors"][0]["field"], "value.targets");
    sla["targets"][3]["resolution"]["amount"] = json!(0);
    let p = put("sla-policy", sla);
    assert_eq!(
        p["errors"][0]["field"],
        "value.targets[3].resolution.amount"
    );

    let mut cards = value_of(&app, &admin, "scorecard-templates");
    cards["templates"][0]["sections"][1]["subsections"][0]["points"] = json!(30);
    let p = put("scorecard-templates", cards.clone());
    assert_eq!(
        p["errors"][0]["field"],
        "value.templates[0].sections[1].subsections"
    );
    cards["templates"][0]["sections"][1]["subsections"][0]["points"] = json!(25);
    cards["templates"][0]["sections"][3]["points"] = json!(5);
    let p = put("scorecard-templates", cards);
    assert_eq!(p["errors"][0]["field"], "value.templates[0].sections");

    let mut attendance = value_of(&app, &admin, "attendance-times");
    attendance["late_until"] = json!("07:30");
    let p = put("attendance-times", attendance);
    assert_eq!(p["errors"][0]["field"], "value.late_until");

    let mut travel = value_of(&app, &admin, "travel-standards");
    travel["standards"][2]["lodging_cap_fen_per_day"] = json!(-100);
    let p = put("travel-standards", travel);
    assert_eq!(
        p["errors"][0]["field"],
        "value.standards[2].lodging_cap_fen_per_day"
    );

    let p = put("repair-labour-share", json!({"tax_difference_bp": 20_000}));
    assert_eq!(p["errors"][0]["field"], "value.tax_difference_bp");

    // Nothing was stored.
    for key in ["sla-policy", "scorecard-templates", "travel-standards"] {
        value_of(&app, &admin, key);
    }
}
