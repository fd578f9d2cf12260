//! The delta-sync rule every list with `updated_since` follows (the API description's "Delta
//! sync"): at least once, reaching 60 s back, and a 410 reset when what the caller may see
//! shrank.
use kefu_blackbox::{Resp, TestApp};
use serde_json::{Value, json};

const PASSWORD: &str = "Secret-pass-123";

fn created(res: Resp) -> Value {
    assert_eq!(res.status, 201, "{}", res.body);
    res.json()
}

fn ids(res: &Resp) -> Vec<String> {
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_owned())
        .collect()
}

fn customers_since(app: &TestApp, token: &str, since: &str) -> Resp {
    app.get(&format!(
        "/api/v1/customers?updated_since={}",
        since.replace('+', "%2B")
    ))
    .bearer(token)
    .send()
}

#[test]
fn two_changes_in_the_same_microsecond_are_both_delivered_and_the_overlap_is_60_seconds() {
    // The clock stands still until the test moves it: every write in one step is stamped with
    // the same microsecond.
    let (app, clock) = TestApp::clocked("2026-03-09T10:00:00+08:00");
    let admin = app.admin_token();
    let customer = |name: &str| {
        created(
            app.post("/api/v1/customers")
                .bearer(&admin)
                .json(&json!({ "name": name }))
                .send(),
        )
    };
    let a = customer("甲");
    let first = customers_since(&app, &admin, "2026-03-09T09:00:00+08:00");
    assert_eq!(ids(&first), ["甲"]);
    // The app keeps the last `updated_at` it received; B is written in that same microsecond.
    let last = a["updated_at"].as_str().unwrap().to_owned();
    customer("乙");
    let next = customers_since(&app, &admin, &last);
    assert_eq!(ids(&next), ["甲", "乙"], "B must arrive; A comes again");
    assert_eq!(next.json()["items"][0]["version"], a["version"]);

    // Two minutes on: the overlap reaches back 60 s, not further.
    clock.set("2026-03-09T10:02:00+08:00");
    customer("丙");
    assert_eq!(
        ids(&customers_since(
            &app,
            &admin,
            "2026-03-09T10:00:59.999999+08:00"
        )),
        ["甲", "乙", "丙"]
    );
    assert_eq!(
        ids(&customers_since(&app, &admin, "2026-03-09T10:01:00+08:00")),
        ["丙"]
    );
}

#[test]
fn an_engineer_moved_off_a_team_is_told_to_start_over_and_then_holds_only_what_is_left() {
    let (app, clock) = TestApp::clocked("2026-03-09T10:00:00+08:00");
    let admin = app.admin_token();
    let post = |path: &str, body: Value| created(app.post(path).bearer(&admin).json(&body).send());
    let sup = app.create_user(&admin, "sup", &["supervisor"], PASSWORD);
    let eng = app.create_user(&admin, "eng", &["engineer"], PASSWORD);
    let north = post(
        "/api/v1/teams",
        json!({"name": "北组", "supervisor_user_id": sup["id"]}),
    );
    let south = post("/api/v1/teams", json!({"name": "南组"}));
    let employee = post(
        "/api/v1/employees",
        json!({"user_id": eng["id"], "name": "工程师", "team_id": north["id"],
               "track": "aftersales", "level": "junior", "station_city": "杭州",
               "base_salary_fen": 650000}),
    );
    post(
        "/api/v1/customers",
        json!({"name": "北组的客户", "team_id": north["id"]}),
    );
    post(
        "/api/v1/customers",
        json!({"name": "自己的客户", "owner_user_id": eng["id"]}),
    );
    let engineer = app.token("eng", PASSWORD);
    let supervisor = app.token("sup", PASSWORD);
    let since = "2026-03-09T09:00:00+08:00";
    assert_eq!(
        ids(&customers_since(&app, &engineer, since)),
        ["北组的客户", "自己的客户"]
    );
    assert_eq!(ids(&customers_since(&app, &supervisor, since)).len(), 2);

    // Moved to the south team a minute later.
    clock.set("2026-03-09T10:01:00+08:00");
    let etag = app
        .get(&format!(
            "/api/v1/employees/{}",
            employee["id"].as_str().unwrap()
        ))
        .bearer(&admin)
        .send()
        .etag();
    let moved = app
        .patch(&format!(
            "/api/v1/employees/{}",
            employee["id"].as_str().unwrap()
        ))
        .bearer(&admin)
        .if_match(&etag)
        .json(&json!({"team_id": south["id"]}))
        .send();
    assert_eq!(moved.status, 200, "{}", moved.body);

    // A delta from before the move cannot carry the lost customer's tombstone: 410, and the
    // instant to continue from. The old team's supervisor lost the member's customer too.
    clock.set("2026-03-09T10:05:00+08:00");
    for (token, list) in [
        (&engineer, "customers"),
        (&engineer, "equipment"),
        (&supervisor, "customers"),
    ] {
        let reset = app
            .get(&format!(
                "/api/v1/{list}?updated_since=2026-03-09T10:00:00%2B08:00"
            ))
            .bearer(token)
            .send();
        let problem = reset.problem(410, "sync-reset");
        assert_eq!(problem["resync_since"], "2026-03-09T02:05:00Z", "{problem}");
    }
    // The admin's view did not shrink: their delta goes on.
    assert_eq!(
        ids(&customers_since(&app, &admin, "2026-03-09T10:00:00+08:00")).len(),
        2
    );

    // Read again in full: only what is still visible; then delta sync resumes.
    let full = app.get("/api/v1/customers").bearer(&engineer).send();
    assert_eq!(ids(&full), ["自己的客户"]);
    let resumed = customers_since(&app, &engineer, "2026-03-09T02:05:00Z");
    assert_eq!(ids(&resumed), Vec::<String>::new());
}
