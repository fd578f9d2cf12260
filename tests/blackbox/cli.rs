use kefu_blackbox::{TestApp, TestDb, kefu_bin};
use std::process::Command;

#[test]
fn create_user_from_the_command_line_is_audited_and_can_log_in() {
    let app = TestApp::spawn();
    let (code, _, err) = app.cli(
        &[
            "create-user",
            "--username",
            "ops.lead",
            "--role",
            "manager",
            "--role",
            "engineer",
            "--password-stdin",
        ],
        Some("Manager-pass-01\n"),
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("created user `ops.lead`"), "{err}");
    let login = app.login("ops.lead", "Manager-pass-01");
    assert_eq!(login.status, 200, "{}", login.body);
    assert_eq!(
        login.json()["user"]["roles"],
        serde_json::json!(["manager", "engineer"])
    );
    let admin = app.admin_token();
    let id = login.json()["user"]["id"].as_str().unwrap().to_owned();
    let entries = crate::audit_of(&app, &admin, "user", &id);
    assert_eq!(entries[0]["action"], "user.create");
    assert!(entries[0]["actor_id"].is_null());

    let (code, _, err) = app.cli(
        &["create-user", "--username", "bad", "--role", "wizard"],
        None,
    );
    assert_ne!(code, 0);
    assert!(err.contains("wizard"), "{err}");
    let (code, _, err) = app.cli(
        &["create-user", "--username", "ops.lead", "--role", "clerk"],
        None,
    );
    assert_eq!(code, 2);
    assert!(err.contains("taken"), "{err}");
}

#[test]
fn migrate_is_idempotent_and_first_start_generates_an_admin_password_once() {
    let db = TestDb::fresh();
    let run = |args: &[&str]| {
        Command::new(kefu_bin())
            .args(args)
            .env_clear()
            .env("KEFU_DATABASE_URL", &db.url)
            .env("KEFU_LOG", "warn")
            .output()
            .unwrap()
    };
    let first = run(&["migrate"]);
    assert!(first.status.success());
    let err = String::from_utf8_lossy(&first.stderr);
    assert!(err.contains("created user `admin` with password"), "{err}");
    let second = run(&["migrate"]);
    assert!(second.status.success());
    assert!(!String::from_utf8_lossy(&second.stderr).contains("password"));
}

#[test]
fn production_refuses_to_start_with_the_development_secret() {
    let out = Command::new(kefu_bin())
        .arg("serve")
        .env_clear()
        .env("KEFU_ENV", "production")
        .env("KEFU_DATABASE_URL", "sqlite://./never-created.db")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("KEFU_JWT_SECRET"), "{err}");
    assert!(!std::path::Path::new("./never-created.db").exists());
}
