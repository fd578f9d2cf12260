//! HR-S5 standings over HTTP: first place three months running makes a representative
//! eligible to challenge a team lead; the year's best total earns the year-best reward.
use crate::cards_scorecards::{ok, world};
use serde_json::Value;

fn standing<'a>(items: &'a Value, user: &str) -> &'a Value {
    items
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["user_id"] == user)
        .unwrap_or_else(|| panic!("{user} not in {items}"))
}

#[test]
fn hr_s5_first_three_months_running_may_challenge_and_the_years_best_earns_500() {
    let w = world("2026-01-05T09:00:00+08:00");
    for month in ["2026-01", "2026-02", "2026-03"] {
        // rep: 100 (A); rep2: 20 + (25 + 0 + 15) + (0 + 0) + 10 = 70 (B).
        w.inputs(&w.hr, &w.rep_id, month, [1000, 950, 900, 800]);
        w.inputs(&w.hr, &w.rep2_id, month, [1000, 750, 700, 600]);
        w.enter_window(&w.rep_id, month);
        ok(w.finalise(&w.hr, &w.rep_id, month, Some("全部达标")), 201);
        if month != "2026-03" {
            ok(w.finalise(&w.hr, &w.rep2_id, month, None), 201);
        }
    }
    let read = |token: &str, path: &str| w.app.get(path).bearer(token).send();

    let march = ok(
        read(&w.hr, "/api/v1/scorecard-standings/months/2026-03"),
        200,
    );
    assert_eq!(march["month"], "2026-03");
    // rep2's March card is not finalised: it does not count.
    assert_eq!(march["items"].as_array().unwrap().len(), 1);
    let rep = standing(&march["items"], &w.rep_id);
    assert_eq!(rep["position"], "call_centre_representative");
    assert_eq!(rep["total_tenths"], 1000);
    assert_eq!(rep["rank"], 1);
    assert_eq!(rep["first_place_months"], 3);
    assert_eq!(rep["challenge_eligible"], true);
    assert_eq!(rep["team_lead"], false);

    let feb = ok(
        read(&w.manager, "/api/v1/scorecard-standings/months/2026-02"),
        200,
    );
    let rep = standing(&feb["items"], &w.rep_id);
    assert_eq!(
        (
            rep["first_place_months"].as_i64(),
            rep["challenge_eligible"].as_bool()
        ),
        (Some(2), Some(false))
    );
    let rep2 = standing(&feb["items"], &w.rep2_id);
    assert_eq!(rep2["rank"], 2);
    assert_eq!(rep2["first_place_months"], 0);
    assert_eq!(rep2["challenge_eligible"], false);

    let year = ok(read(&w.hr, "/api/v1/scorecard-standings/years/2026"), 200);
    assert_eq!(year["year"], 2026);
    assert_eq!(year["complete"], false);
    let rep = standing(&year["items"], &w.rep_id);
    assert_eq!(rep["total_tenths"], 3000);
    assert_eq!(rep["cards"], 3);
    assert_eq!(rep["rank"], 1);
    assert_eq!(rep["award_fen"], 50_000);
    let rep2 = standing(&year["items"], &w.rep2_id);
    assert_eq!(
        (rep2["total_tenths"].as_i64(), rep2["cards"].as_i64()),
        (Some(1400), Some(2))
    );
    assert_eq!(rep2["award_fen"], 0);

    // They compare everyone's totals: not for representatives or their supervisor.
    for token in [&w.rep, &w.sup, &w.stranger] {
        let p = read(token, "/api/v1/scorecard-standings/months/2026-03").problem(403, "forbidden");
        assert_eq!(p["rule"], "HR-S5");
        read(token, "/api/v1/scorecard-standings/years/2026").problem(403, "forbidden");
    }
    let p = read(&w.hr, "/api/v1/scorecard-standings/months/2026-12").problem(422, "validation");
    assert_eq!(p["errors"][0]["field"], "month");
    let p = read(&w.hr, "/api/v1/scorecard-standings/years/2027").problem(422, "validation");
    assert_eq!(p["errors"][0]["field"], "year");
}

/// HR-S5 into BIL-13: December's statement pays the year's best total, one line naming the
/// year's standing, and no other month's does.
#[test]
fn hr_s5_the_years_best_is_paid_with_december() {
    let w = world("2026-11-02T09:00:00+08:00");
    // rep: 100 (A); rep2: 70 (B): rep has the year's best total.
    w.inputs(&w.hr, &w.rep_id, "2026-11", [1000, 950, 900, 800]);
    w.inputs(&w.hr, &w.rep2_id, "2026-11", [1000, 750, 700, 600]);
    w.enter_window(&w.rep_id, "2026-11");
    ok(
        w.finalise(&w.hr, &w.rep_id, "2026-11", Some("全部达标")),
        201,
    );
    ok(w.finalise(&w.hr, &w.rep2_id, "2026-11", None), 201);
    let generate = |month: &str| {
        ok(
            w.app
                .post(&format!("/api/v1/payroll-months/{month}/generate"))
                .bearer(&w.admin)
                .send(),
            200,
        )
    };
    let lines_of = |month: &Value, user: &str| -> Vec<Value> {
        let st = month["statements"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["person_id"] == user)
            .unwrap_or_else(|| panic!("no statement of {user}: {month}"));
        let detail = ok(
            w.app
                .get(&format!(
                    "/api/v1/payroll-statements/{}",
                    st["statement_id"].as_str().unwrap()
                ))
                .bearer(&w.admin)
                .send(),
            200,
        );
        detail["lines"].as_array().unwrap().clone()
    };
    let award = |lines: &[Value]| -> Vec<(Value, Value, Value, Value)> {
        lines
            .iter()
            .filter(|l| l["kind"] == "year_best_award")
            .map(|l| {
                (
                    l["amount_fen"].clone(),
                    l["rule"].clone(),
                    l["source_kind"].clone(),
                    l["source_id"].clone(),
                )
            })
            .collect()
    };
    let november = generate("2026-11");
    assert!(
        award(&lines_of(&november, &w.rep_id)).is_empty(),
        "only December pays it"
    );
    let december = generate("2026-12");
    assert_eq!(
        award(&lines_of(&december, &w.rep_id)),
        [(
            Value::from(50_000),
            Value::from("HR-S5"),
            Value::from("score_year"),
            Value::from("2026:call_centre_representative")
        )]
    );
    assert!(award(&lines_of(&december, &w.rep2_id)).is_empty());
}
