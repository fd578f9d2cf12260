use kefu_blackbox::TestApp;
use serde_json::Value;

fn verify(app: &TestApp, admin: &str) -> Value {
    let res = app.get("/api/v1/audit/verify").bearer(admin).send();
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()
}

fn entries(app: &TestApp, admin: &str, query: &str) -> Vec<Value> {
    let res = app
        .get(&format!("/api/v1/audit?{query}"))
        .bearer(admin)
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()["items"].as_array().unwrap().clone()
}

#[test]
fn the_audit_log_is_listed_newest_first_and_filtered() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let u = app.create_user(&admin, "a.b", &["engineer"], "Engineer-pass-1");
    let items = entries(&app, &admin, "limit=200");
    let seqs: Vec<i64> = items.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    let total = seqs.len() as i64;
    assert_eq!(
        seqs,
        (1..=total).rev().collect::<Vec<_>>(),
        "newest first, no gaps"
    );
    let newest: Vec<&str> = items[..3]
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(newest, ["user.create", "auth.login", "user.create"]);
    // First start seeded every rule set and loaded the shipped holiday schedule before
    // anything else happened.
    let seeds = items.iter().filter(|e| e["action"] == "rule.seed").count() as i64;
    assert_eq!(seeds, total - 4);
    assert_eq!(items[3]["action"], "calendar.import");
    assert_eq!(items[0]["entity_id"], u["id"]);
    assert_eq!(items[0]["prev_hash"], items[1]["hash"]);

    let page = app
        .get("/api/v1/audit?limit=1")
        .bearer(&admin)
        .send()
        .json();
    let next = page["next_cursor"].as_str().unwrap();
    let rest = entries(&app, &admin, &format!("limit=5&cursor={next}"));
    assert_eq!(rest[0]["seq"], total - 1);
    assert_eq!(entries(&app, &admin, "action=auth.login").len(), 1);
    assert!(entries(&app, &admin, "created_from=2999-01-01T00:00:00Z").is_empty());

    let eng = app.token("a.b", "Engineer-pass-1");
    app.get("/api/v1/audit")
        .bearer(&eng)
        .send()
        .problem(403, "forbidden");
    app.get("/api/v1/audit/verify")
        .bearer(&eng)
        .send()
        .problem(403, "forbidden");
}

#[test]
fn tampering_with_the_audit_log_is_detected_by_the_api_and_the_cli() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    app.create_user(&admin, "c.d", &["engineer"], "Engineer-pass-1");
    let report = verify(&app, &admin);
    assert_eq!(report["intact"], true);
    assert_eq!(report["entries_checked"], report["head_seq"]);
    let login = entries(&app, &admin, "action=auth.login")[0]["seq"]
        .as_i64()
        .unwrap();
    let (code, out, _) = app.cli(&["verify-audit"], None);
    assert_eq!(code, 0, "{out}");
    assert_eq!(serde_json::from_str::<Value>(&out).unwrap()["intact"], true);

    // An auditor's nightmare: someone with database access rewrites history.
    let drop_trigger = if app.db.backend == "postgres" {
        "DROP TRIGGER audit_log_no_update ON audit_log;"
    } else {
        "DROP TRIGGER audit_log_no_update;"
    };
    app.db.execute(&format!(
        "{drop_trigger} UPDATE audit_log SET after_json = '{{\"username\":\"someone\"}}' WHERE seq = {login};"
    ));
    let report = verify(&app, &admin);
    assert_eq!(report["intact"], false);
    assert_eq!(report["first_broken_seq"], login);
    let (code, out, _) = app.cli(&["verify-audit"], None);
    assert_eq!(code, 1, "{out}");
    let cli: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(cli["first_broken_seq"], login);
}

#[test]
fn the_database_refuses_to_rewrite_the_audit_log() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let tamper = std::panic::catch_unwind(|| {
        app.db
            .execute("UPDATE audit_log SET action = 'nothing' WHERE seq = 1");
    });
    assert!(
        tamper.is_err(),
        "the append-only trigger must refuse the update"
    );
    let delete = std::panic::catch_unwind(|| app.db.execute("DELETE FROM audit_log"));
    assert!(
        delete.is_err(),
        "the append-only trigger must refuse the delete"
    );
    assert_eq!(verify(&app, &admin)["intact"], true);
}
