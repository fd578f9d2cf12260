//! HR-C1 over HTTP: a complaint judged valid proposes the complaint fine in the same
//! transaction; a person's complaint summary raises the dismissal flag for more than five in a
//! calendar year and the demotion flag for three within six months — flags only.
use crate::tickets::{World, id, world};
use serde_json::{Value, json};

fn judged(w: &World, employee_id: &str, received_at: &str, validity: &str) -> Value {
    let res = w
        .app
        .post("/api/v1/complaints")
        .bearer(&w.admin)
        .json(
            &json!({"customer_id": w.customer["id"], "employee_id": employee_id,
                    "channel": "phone", "description": "上门迟到两小时且未提前告知",
                    "received_at": received_at}),
        )
        .send();
    assert_eq!(res.status, 201, "{}", res.body);
    let c = res.json();
    let res = w
        .app
        .post(&format!("/api/v1/complaints/{}/judge", id(&c)))
        .bearer(&w.manager)
        .if_match(&format!("\"{}\"", c["version"]))
        .json(&json!({"validity": validity, "reason": "经核实"}))
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()
}

fn summary(w: &World, token: &str, query: &str) -> kefu_blackbox::Resp {
    w.app
        .get(&format!("/api/v1/complaint-summaries?{query}"))
        .bearer(token)
        .send()
}

fn fines(w: &World, query: &str) -> Vec<Value> {
    let res = w
        .app
        .get(&format!("/api/v1/fines{query}"))
        .bearer(&w.admin)
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()["items"].as_array().unwrap().clone()
}

#[test]
fn hr_c1_a_valid_complaint_proposes_the_100_yuan_fine_an_invalid_one_none() {
    let w = world();
    let valid = judged(&w, &w.eng1_id, "2026-03-02T10:00:00+08:00", "valid");
    judged(&w, &w.eng1_id, "2026-03-03T10:00:00+08:00", "invalid");
    let found = fines(&w, "?rule=HR-C1");
    assert_eq!(found.len(), 1, "{found:?}");
    let fine = &found[0];
    assert_eq!(
        (
            &fine["user_id"],
            &fine["amount_fen"],
            &fine["status"],
            &fine["month"],
            &fine["occurred_on"]
        ),
        (
            &json!(w.eng1_id),
            &json!(10_000),
            &json!("proposed"),
            &json!("2026-03"),
            &json!("2026-03-02")
        )
    );
    assert_eq!(fine["source_key"], format!("complaint:{}", id(&valid)));
    let audit = crate::audit_of(&w.app, &w.admin, "fine", fine["id"].as_str().unwrap());
    assert_eq!(crate::actions(&audit), ["fine.propose"]);
    // The employee sees their own fine; the other engineer does not.
    let own = w.app.get("/api/v1/fines").bearer(&w.eng1).send().json();
    assert_eq!(own["items"].as_array().unwrap().len(), 1);
    let theirs = w.app.get("/api/v1/fines").bearer(&w.eng2).send().json();
    assert_eq!(theirs["items"], json!([]));
}

#[test]
fn hr_c1_six_valid_complaints_in_a_year_flag_dismissal_three_within_six_months_flag_demotion() {
    let w = world();
    for day in ["01-05", "01-20", "02-03", "02-17", "03-02", "03-04"] {
        judged(
            &w,
            &w.eng1_id,
            &format!("2026-{day}T10:00:00+08:00"),
            "valid",
        );
    }
    judged(&w, &w.eng1_id, "2026-03-05T10:00:00+08:00", "invalid");
    let res = summary(&w, &w.manager, &format!("year=2026&user_id={}", w.eng1_id));
    assert_eq!(res.status, 200, "{}", res.body);
    let s = res.json();
    assert_eq!(
        (&s["in_year"], &s["dismissal_flag"]),
        (&json!(6), &json!(true))
    );
    assert_eq!(
        (&s["most_in_window"], &s["demotion_flag"]),
        (&json!(6), &json!(true))
    );
    assert_eq!(s["dismissal_above_per_year"], 5);
    assert_eq!(fines(&w, "?rule=HR-C1").len(), 6);

    // eng2 in 2025: three within six months, no more: demotion, not dismissal; 2024 nothing.
    for day in ["2025-03-01", "2025-06-01", "2025-08-31"] {
        judged(&w, &w.eng2_id, &format!("{day}T10:00:00+08:00"), "valid");
    }
    let s = summary(&w, &w.eng2, "year=2025").json();
    assert_eq!(s["user_id"], w.eng2_id);
    assert_eq!(
        (&s["in_year"], &s["dismissal_flag"]),
        (&json!(3), &json!(false))
    );
    assert_eq!(
        (&s["most_in_window"], &s["demotion_flag"]),
        (&json!(3), &json!(true))
    );
    assert_eq!(
        (&s["window_from"], &s["window_to"]),
        (&json!("2025-03-01"), &json!("2025-08-31"))
    );
    let s = summary(&w, &w.eng2, "year=2024").json();
    assert_eq!(
        (&s["in_year"], &s["demotion_flag"]),
        (&json!(0), &json!(false))
    );
    // Privacy: another engineer's summary is 404; a year not begun is 422.
    summary(&w, &w.eng2, &format!("year=2026&user_id={}", w.eng1_id)).problem(404, "not-found");
    summary(&w, &w.eng2, "year=2027").problem(422, "validation");
}
