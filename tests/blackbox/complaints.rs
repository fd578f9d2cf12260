//! Complaints (TKT-10) over HTTP: judgement by the employee's leads, measures and reply,
//! closing, visibility, and the per-employee counts HR scoring reads (HR-C1).

use crate::tickets::{World, id, world};
use crate::{actions, audit_of};
use serde_json::{Value, json};

fn complaint(w: &World, token: &str, employee_id: &str, received_at: &str) -> Value {
    let res = w
        .app
        .post("/api/v1/complaints")
        .bearer(token)
        .json(
            &json!({"customer_id": w.customer["id"], "employee_id": employee_id,
                       "channel": "phone", "description": "上门迟到两小时且未提前告知",
                       "received_at": received_at}),
        )
        .send();
    assert_eq!(res.status, 201, "{}", res.body);
    res.json()
}

fn cmd(w: &World, token: &str, c: &Value, verb: &str, body: Value) -> kefu_blackbox::Resp {
    w.app
        .post(&format!("/api/v1/complaints/{}/{verb}", id(c)))
        .bearer(token)
        .if_match(&format!("\"{}\"", c["version"]))
        .json(&body)
        .send()
}

fn ok(w: &World, token: &str, c: &Value, verb: &str, body: Value) -> Value {
    let res = cmd(w, token, c, verb, body);
    assert_eq!(res.status, 200, "{verb}: {}", res.body);
    res.json()
}

/// A supervisor whose team has eng1 as a member; returns the supervisor's token.
fn supervisor_of_eng1(w: &World) -> String {
    supervised_team_of_eng1(w).0
}

/// A team with eng1 as a member and its supervisor: the supervisor's token and the team.
pub fn supervised_team_of_eng1(w: &World) -> (String, Value) {
    let sup = w
        .app
        .create_user(&w.admin, "sup", &["supervisor"], "Supervisor-pass-1");
    let res = w
        .app
        .post("/api/v1/teams")
        .bearer(&w.admin)
        .json(&json!({"name": "一组", "supervisor_user_id": sup["id"]}))
        .send();
    assert_eq!(res.status, 201, "{}", res.body);
    let team = res.json();
    let res = w
        .app
        .post("/api/v1/employees")
        .bearer(&w.admin)
        .json(
            &json!({"user_id": w.eng1_id, "name": "工程师一", "team_id": team["id"],
                       "supervisor_user_id": sup["id"], "track": "aftersales", "level": "junior",
                       "station_city": "杭州", "base_salary_fen": 650000}),
        )
        .send();
    assert_eq!(res.status, 201, "{}", res.body);
    (w.app.token("sup", "Supervisor-pass-1"), team)
}

fn counts(w: &World, token: &str, query: &str) -> Value {
    let res = w
        .app
        .get(&format!("/api/v1/complaints/counts?{query}"))
        .bearer(token)
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()["items"].clone()
}

#[test]
fn tkt_10_a_valid_complaint_counts_for_the_employee_and_an_invalid_one_does_not() {
    let w = world();
    let sup = supervisor_of_eng1(&w);
    w.app.create_user(&w.admin, "hr1", &["hr"], "Hr-pass-123");
    let hr = w.app.token("hr1", "Hr-pass-123");
    let valid = complaint(&w, &w.admin, &w.eng1_id, "2026-03-02T10:00:00+08:00");
    let invalid = complaint(&w, &w.admin, &w.eng1_id, "2026-03-03T10:00:00+08:00");
    let about_eng2 = complaint(&w, &w.admin, &w.eng2_id, "2026-03-04T10:00:00+08:00");
    assert_eq!(
        (valid["status"].clone(), valid["validity"].clone()),
        (json!("open"), Value::Null)
    );

    // Another engineer never sees it; the employee complained about not before judgement.
    for token in [&w.eng2, &w.eng1] {
        w.app
            .get(&format!("/api/v1/complaints/{}", id(&valid)))
            .bearer(token)
            .send()
            .problem(404, "not-found");
    }
    // Judging needs a lead: engineers are refused, a supervisor only judges their team's
    // members (another's complaint is not even visible to them).
    cmd(
        &w,
        &w.eng2,
        &valid,
        "judge",
        json!({"validity": "valid", "reason": "x"}),
    )
    .problem(403, "forbidden");
    cmd(
        &w,
        &sup,
        &about_eng2,
        "judge",
        json!({"validity": "valid", "reason": "x"}),
    )
    .problem(404, "not-found");
    let p = cmd(&w, &sup, &valid, "close", json!({})).problem(422, "rule-violation");
    assert_eq!(p["rule"], "TKT-10");

    let valid = ok(
        &w,
        &sup,
        &valid,
        "judge",
        json!({"validity": "valid", "reason": "经核实确实迟到"}),
    );
    assert_eq!(
        (
            valid["status"].clone(),
            valid["validity"].clone(),
            valid["validity_reason"].clone()
        ),
        (json!("judged"), json!("valid"), json!("经核实确实迟到"))
    );
    // The employee is told, and may now read it (but not handle it).
    let inbox = w
        .app
        .get("/api/v1/me/notifications")
        .bearer(&w.eng1)
        .send()
        .json();
    let notice = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["kind"] == "complaint.judged_valid")
        .cloned()
        .expect("the employee is notified");
    assert_eq!(notice["entity_id"], valid["id"]);
    let seen = w
        .app
        .get(&format!("/api/v1/complaints/{}", id(&valid)))
        .bearer(&w.eng1)
        .send();
    assert_eq!(seen.status, 200, "{}", seen.body);
    cmd(&w, &w.eng1, &valid, "close", json!({})).problem(403, "forbidden");

    // A valid complaint closes only with measures and a reply, which the English detail names.
    let p = w
        .app
        .post(&format!("/api/v1/complaints/{}/close", id(&valid)))
        .bearer(&sup)
        .header("Accept-Language", "en")
        .if_match(&format!("\"{}\"", valid["version"]))
        .json(&json!({}))
        .send()
        .problem(422, "rule-violation");
    assert_eq!(p["rule"], "TKT-10");
    let detail = p["detail"].as_str().unwrap();
    assert!(
        detail.contains("corrective_measures") && detail.contains("reply_to_customer"),
        "{detail}"
    );
    let p = cmd(
        &w,
        &sup,
        &valid,
        "reply",
        json!({"reply_to_customer": "已致歉"}),
    )
    .problem(422, "rule-violation");
    assert_eq!(p["rule"], "TKT-10");
    let valid = ok(
        &w,
        &sup,
        &valid,
        "reply",
        json!({"corrective_measures": "组织守时培训", "reply_to_customer": "已向客户致歉并说明整改"}),
    );
    assert_eq!(valid["status"], "replied");
    let valid = ok(&w, &sup, &valid, "close", json!({"reason": "客户满意"}));
    assert_eq!(valid["status"], "closed");
    cmd(
        &w,
        &sup,
        &valid,
        "judge",
        json!({"validity": "invalid", "reason": "x"}),
    )
    .rule_conflict("TKT-10");

    // An invalid complaint closes after judgement without a reply.
    let invalid = ok(
        &w,
        &w.manager,
        &invalid,
        "judge",
        json!({"validity": "invalid", "reason": "客户误解"}),
    );
    let invalid = ok(&w, &w.manager, &invalid, "close", json!({}));
    assert_eq!(invalid["status"], "closed");
    ok(
        &w,
        &w.manager,
        &about_eng2,
        "judge",
        json!({"validity": "valid", "reason": "属实"}),
    );

    // The counts: one valid complaint each; the invalid one does not count.
    let march = "from=2026-03-01&to=2026-03-31";
    let mut want = vec![
        json!({"employee_id": w.eng1_id, "valid_complaints": 1}),
        json!({"employee_id": w.eng2_id, "valid_complaints": 1}),
    ];
    want.sort_by_key(|v| v["employee_id"].as_str().unwrap().to_owned());
    assert_eq!(counts(&w, &hr, march), json!(want));
    assert_eq!(
        counts(&w, &hr, &format!("{march}&employee_id={}", w.eng1_id)),
        json!([{"employee_id": w.eng1_id, "valid_complaints": 1}])
    );
    // The period is of company dates: 2 March alone holds the valid one.
    assert_eq!(
        counts(
            &w,
            &hr,
            &format!("from=2026-03-02&to=2026-03-02&employee_id={}", w.eng1_id)
        ),
        json!([{"employee_id": w.eng1_id, "valid_complaints": 1}])
    );
    assert_eq!(counts(&w, &hr, "from=2026-04-01&to=2026-04-30"), json!([]));
    // A supervisor counts only their team's members.
    assert_eq!(
        counts(&w, &sup, march),
        json!([{"employee_id": w.eng1_id, "valid_complaints": 1}])
    );

    // Lists filter and keep ORG-5.
    let listed = w
        .app
        .get(&format!(
            "/api/v1/complaints?validity=valid&employee_id={}",
            w.eng1_id
        ))
        .bearer(&hr)
        .send()
        .json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    assert_eq!(listed["items"][0]["id"], valid["id"]);
    let theirs = w
        .app
        .get("/api/v1/complaints")
        .bearer(&w.eng2)
        .send()
        .json();
    assert_eq!(theirs["items"].as_array().unwrap().len(), 1);
    assert_eq!(theirs["items"][0]["id"], about_eng2["id"]);
    let received = w
        .app
        .get("/api/v1/complaints?received_from=2026-03-03&received_to=2026-03-03")
        .bearer(&hr)
        .send()
        .json();
    assert_eq!(received["items"].as_array().unwrap().len(), 1);
    assert_eq!(received["items"][0]["id"], invalid["id"]);

    // The audit trail holds every step with its actor.
    let entries = audit_of(&w.app, &w.admin, "complaint", id(&valid));
    assert_eq!(
        actions(&entries),
        [
            "complaint.create",
            "complaint.judge",
            "complaint.reply",
            "complaint.close"
        ]
    );
    assert_eq!(entries[1]["after"]["validity"], "valid");
    assert_eq!(entries[3]["after"]["close_reason"], "客户满意");
}

#[test]
fn tkt_10_a_complaint_names_a_known_customer_employee_and_ticket() {
    let w = world();
    let bad = w
        .app
        .post("/api/v1/complaints")
        .bearer(&w.admin)
        .json(
            &json!({"customer_id": w.customer["id"], "employee_id": "nobody",
                       "channel": "phone", "description": "态度差"}),
        )
        .send()
        .problem(422, "validation");
    assert_eq!(bad["errors"][0]["field"], "employee_id");
    let other = w.open(
        &w.admin,
        json!({"channel": "phone", "ticket_type": "complaint", "priority": "normal",
               "customer_id": w.other_customer["id"], "description": "投诉"}),
    );
    let bad = w
        .app
        .post("/api/v1/complaints")
        .bearer(&w.admin)
        .json(
            &json!({"customer_id": w.customer["id"], "employee_id": w.eng1_id,
                       "ticket_id": other["id"], "channel": "phone", "description": "态度差"}),
        )
        .send()
        .problem(422, "validation");
    assert_eq!(bad["errors"][0]["field"], "ticket_id");
    // Engineers do not record complaints.
    w.app
        .post("/api/v1/complaints")
        .bearer(&w.eng2)
        .json(
            &json!({"customer_id": w.customer["id"], "employee_id": w.eng1_id,
                       "channel": "phone", "description": "态度差"}),
        )
        .send()
        .problem(403, "forbidden");
}
