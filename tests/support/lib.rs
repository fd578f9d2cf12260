//! Black-box test harness: starts the real `kefu` binary on a free port against a fresh
//! database (SQLite always; PostgreSQL when `KEFU_TEST_DB=postgres`, using `KEFU_TEST_PG_URL`)
//! and drives it over HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod client;
mod db;

pub use client::{Req, Resp, english_words, is_cjk};
pub use db::TestDb;

use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const ADMIN_PASSWORD: &str = "Admin-pass-123!";

/// The `kefu` binary built next to this test binary (`make test` builds it first).
pub fn kefu_bin() -> PathBuf {
    if let Ok(p) = std::env::var("KEFU_TEST_BIN") {
        return PathBuf::from(p);
    }
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().unwrap().parent().unwrap();
    let bin = dir.join("kefu");
    assert!(
        bin.exists(),
        "{} is missing: build it with `cargo build -p kefu-api --bin kefu` (make test does)",
        bin.display()
    );
    bin
}

pub struct TestApp {
    pub base: String,
    pub db: TestDb,
    /// The server's object storage directory (`KEFU_STORAGE_DIR`), removed with the app.
    pub storage_dir: PathBuf,
    child: Child,
    logs: Arc<Mutex<Vec<String>>>,
    env: Vec<(String, String)>,
}

#[derive(Default)]
pub struct Builder {
    env: Vec<(String, String)>,
}

impl Builder {
    pub fn env(mut self, k: &str, v: &str) -> Self {
        self.env.push((k.to_owned(), v.to_owned()));
        self
    }

    pub fn spawn(self) -> TestApp {
        let db = TestDb::fresh();
        TestApp::start(db, self.env)
    }
}

/// The instant a server started with [`Builder::clock`] reads; `set` moves it. The file is
/// removed when this is dropped.
pub struct Clock(PathBuf);

impl Clock {
    pub fn set(&self, instant: &str) {
        std::fs::write(&self.0, instant).expect("write the clock file");
    }
}

impl Drop for Clock {
    fn drop(&mut self) {
        std::fs::remove_file(&self.0).ok();
    }
}

impl Builder {
    /// The server reads its time from a file standing at `instant` until [`Clock::set`]
    /// moves it (`KEFU_CLOCK_FILE`): every write between two moves has the same timestamp.
    pub fn clock(self, instant: &str) -> (Self, Clock) {
        let path = std::env::temp_dir().join(format!("kefu-clock-{}", uuid::Uuid::new_v4()));
        let clock = Clock(path);
        clock.set(instant);
        let path = clock.0.to_str().expect("a UTF-8 temp path").to_owned();
        (self.env("KEFU_CLOCK_FILE", &path), clock)
    }
}

impl TestApp {
    /// A server whose clock stands at `instant` until the returned [`Clock`] moves it.
    pub fn clocked(instant: &str) -> (TestApp, Clock) {
        let (builder, clock) = Builder::default().clock(instant);
        (builder.spawn(), clock)
    }

    pub fn spawn() -> TestApp {
        Builder::default().spawn()
    }

    pub fn builder() -> Builder {
        Builder::default()
    }

    fn base_env(db: &TestDb) -> Vec<(String, String)> {
        vec![
            ("KEFU_DATABASE_URL".into(), db.url.clone()),
            ("KEFU_ADMIN_PASSWORD".into(), ADMIN_PASSWORD.into()),
            ("KEFU_LOG".into(), "info".into()),
            ("KEFU_WORKERS".into(), "2".into()),
            ("KEFU_DB_POOL_SIZE".into(), "4".into()),
            // The suite runs many servers at once on a small machine: a connection slot can
            // take longer than the production 3 s to come free there, and that 503 says
            // nothing about the behaviour under test. Tests of the timeout set their own.
            ("KEFU_DB_TIMEOUT_MS".into(), "30000".into()),
        ]
    }

    fn start(db: TestDb, extra: Vec<(String, String)>) -> TestApp {
        let mut env = Self::base_env(&db);
        env.push(("KEFU_BIND".into(), "127.0.0.1:0".into()));
        let storage_dir =
            std::env::temp_dir().join(format!("kefu-objects-{}", uuid::Uuid::new_v4().simple()));
        env.push(("KEFU_STORAGE_DIR".into(), storage_dir.display().to_string()));
        env.extend(extra);
        let mut child = Command::new(kefu_bin())
            .arg("serve")
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .envs(env.iter().cloned())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start kefu");
        let logs = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        let sink = logs.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Ok(v) = serde_json::from_str::<Value>(&line)
                    && v["message"] == "listening"
                {
                    let _ = tx.send(v["addr"].as_str().unwrap_or_default().to_owned());
                }
                sink.lock().unwrap().push(line);
            }
        });
        let stderr = child.stderr.take().unwrap();
        let sink = logs.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        let addr = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(addr) => addr,
            Err(_) => {
                let _ = child.kill();
                panic!(
                    "kefu did not start; output:\n{}",
                    logs.lock().unwrap().join("\n")
                );
            }
        };
        TestApp {
            base: format!("http://{addr}"),
            db,
            storage_dir,
            child,
            logs,
            env,
        }
    }

    /// A second server instance on this app's database, with its settings and `extra` on top.
    pub fn another_instance(&self, extra: &[(&str, &str)]) -> TestApp {
        let mut env: Vec<(String, String)> = self
            .env
            .iter()
            .filter(|(k, _)| k != "KEFU_BIND" && !extra.iter().any(|(e, _)| e == k))
            .cloned()
            .collect();
        env.extend(
            extra
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
        );
        TestApp::start(self.db.alias(), env)
    }

    /// Every line the server printed so far (stdout JSON logs and stderr).
    pub fn logs(&self) -> Vec<String> {
        self.logs.lock().unwrap().clone()
    }

    pub fn req(&self, method: &str, path: &str) -> Req {
        Req::new(method, format!("{}{}", self.base, path))
    }

    pub fn get(&self, path: &str) -> Req {
        self.req("GET", path)
    }

    pub fn post(&self, path: &str) -> Req {
        self.req("POST", path)
    }

    pub fn patch(&self, path: &str) -> Req {
        self.req("PATCH", path)
    }

    pub fn login(&self, username: &str, password: &str) -> Resp {
        self.post("/api/v1/auth/login")
            .json(&json!({ "username": username, "password": password }))
            .send()
    }

    /// An access token for `username`, asserting the login works.
    pub fn token(&self, username: &str, password: &str) -> String {
        let res = self.login(username, password);
        assert_eq!(res.status, 200, "login {username}: {}", res.body);
        res.json()["access_token"].as_str().unwrap().to_owned()
    }

    pub fn admin_token(&self) -> String {
        self.token("admin", ADMIN_PASSWORD)
    }

    /// Creates a person with `roles` and the given password; returns the user's JSON.
    pub fn create_user(
        &self,
        admin: &str,
        username: &str,
        roles: &[&str],
        password: &str,
    ) -> Value {
        let res = self
            .post("/api/v1/users")
            .bearer(admin)
            .json(&json!({
                "kind": "human",
                "username": username,
                "display_name": username,
                "roles": roles,
                "password": password,
            }))
            .send();
        assert_eq!(res.status, 201, "create {username}: {}", res.body);
        res.json()
    }

    /// Runs a `kefu` subcommand against this app's database; returns (exit code, stdout, stderr).
    pub fn cli(&self, args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
        use std::io::Write;
        let mut child = Command::new(kefu_bin())
            .args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .envs(self.env.iter().filter(|(k, _)| k != "KEFU_BIND").cloned())
            .env("KEFU_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        if let Some(input) = stdin {
            child
                .stdin
                .take()
                .unwrap()
                .write_all(input.as_bytes())
                .unwrap();
        }
        drop(child.stdin.take());
        let out = child.wait_with_output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
}

/// What the server logs when a command audits an action that is neither a webhook event nor
/// listed as unpublished (`kefu_api::kernel::outbox::UNCLASSIFIED`).
const UNCLASSIFIED_ACTION: &str = "audit action neither published nor listed as unpublished";

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.storage_dir);
        // Every test doubles as a check that each audit action it caused is classified, so a
        // new record type cannot silently leave its changes out of the webhooks.
        let mut unclassified: Vec<String> = self
            .logs()
            .into_iter()
            .filter(|l| l.contains(UNCLASSIFIED_ACTION))
            .map(|l| match serde_json::from_str::<Value>(&l) {
                Ok(v) => v["action"].as_str().map_or(l, str::to_owned),
                Err(_) => l,
            })
            .collect();
        unclassified.sort_unstable();
        unclassified.dedup();
        if !unclassified.is_empty() && !std::thread::panicking() {
            panic!(
                "add these audit actions to EVENT_TYPES or NOT_PUBLISHED in kernel/outbox.rs: {unclassified:?}"
            );
        }
    }
}
