//! `make bench`: the month close at scale (issue 16) — commissions (BIL-9 … BIL-12) and
//! payroll (BIL-13) for 200 engineers over a year of data, which must take under 5 s on the
//! 2-core machine. A benchmark, not a timed test: it prints what it measured and fails only
//! when the month close itself fails.
//!
//! A fresh SQLite database (or `KEFU_BENCH_DB_URL`, e.g. an empty PostgreSQL database) is
//! migrated, the rule sets seeded, and a year of facts inserted directly: 200 engineers with
//! employee records, three finished commissioning jobs each per month (documents, callback and
//! acceptance in), a confirmed fine and a finalised scorecard each per month. Then every month
//! of the year is closed (commissions) and its payroll generated, twice: the first run writes
//! everything, the second (a rerun at will) finds it all in place.

use chrono::{Datelike, NaiveDate, TimeZone, Utc};
use diesel::connection::SimpleConnection;
use kefu_api::billing::service::{commission_months, payroll, payroll_statements};
use kefu_api::kernel::command::Ctx;
use kefu_core::YearMonth;
use kefu_store::{DbConnection, PoolConfig, build_pool, run_migrations, write_tx};
use std::fmt::Write as _;
use std::time::{Duration, Instant};

const ENGINEERS: usize = 200;
const JOBS_PER_MONTH: usize = 3;
const YEAR: i32 = 2026;

fn batch(conn: &mut DbConnection, sql: &str) {
    let done = match conn {
        DbConnection::Pg(c) => c.batch_execute(sql),
        DbConnection::Sqlite(c) => c.batch_execute(sql),
    };
    if let Err(e) = done {
        panic!("seeding failed: {e}");
    }
}

/// Rows of one INSERT, written out as VALUES tuples.
fn insert(conn: &mut DbConnection, head: &str, rows: &[String]) {
    for chunk in rows.chunks(500) {
        batch(conn, &format!("{head} VALUES {};", chunk.join(",")));
    }
}

fn seed(conn: &mut DbConnection) {
    let t = "'2026-01-01 00:00:00'";
    let mut users = Vec::new();
    let mut roles = Vec::new();
    let mut employees = Vec::new();
    for e in 0..ENGINEERS {
        users.push(format!(
            "('u{e:03}', 'eng{e:03}', '工程师{e}', 'human', FALSE, FALSE, {t}, {t}, 1)"
        ));
        roles.push(format!("('u{e:03}', 'engineer')"));
        employees.push(format!(
            "('e{e:03}', 'u{e:03}', '工程师{e}', 'aftersales', 'regular', '2025-01-01', 650000, \
             'B', {t}, {t}, 1)"
        ));
    }
    users.push(format!(
        "('clerk', 'clerk', '内勤', 'human', FALSE, FALSE, {t}, {t}, 1)"
    ));
    roles.push("('clerk', 'clerk')".to_owned());
    insert(
        conn,
        "INSERT INTO users (id, username, display_name, kind, disabled, must_change_password, \
         created_at, updated_at, version)",
        &users,
    );
    insert(conn, "INSERT INTO user_roles (user_id, role)", &roles);
    insert(
        conn,
        "INSERT INTO employees (id, user_id, name, track, employment_status, status_since, \
         base_salary_fen, phone_allowance_class, created_at, updated_at, version)",
        &employees,
    );
    batch(
        conn,
        &format!(
            "INSERT INTO customers (id, name, key_account, dealer_consent, created_at, \
             updated_at, version) VALUES ('c1', '客户', FALSE, FALSE, {t}, {t}, 1); \
             INSERT INTO sites (id, customer_id, name, address, city, created_at, updated_at, \
             version) VALUES ('s1', 'c1', '现场', '一路 1 号', '杭州市', {t}, {t}, 1);"
        ),
    );
    let mut jobs = Vec::new();
    let mut fines = Vec::new();
    let mut cards = Vec::new();
    let outcome = r#"{"grade":"B","grade_amount_fen":0,"streak_bonus_fen":0,"stars":1,"star_reward_fen":5000,"complaints":0,"flags":[],"needs_justification":false}"#;
    for m in 1..=12u32 {
        let day = |d: u32| format!("'{YEAR}-{m:02}-{d:02}'");
        let month = format!("{YEAR}-{m:02}");
        for e in 0..ENGINEERS {
            for j in 0..JOBS_PER_MONTH {
                let (class, points) = match (e + j) % 3 {
                    0 => ("local", 400),
                    1 => ("remote", 2100),
                    _ => ("county", 700),
                };
                jobs.push(format!(
                    "('j{m:02}-{e:03}-{j}', '调试', 'TS-{m:02}-{e:03}-{j}', 'c1', 's1', '{class}', \
                     {points}, FALSE, {points}, 'u{e:03}', 'completed', 'clerk', {a}, {s}, {n}, \
                     {due}, {n}, {n}, {n}, 'clerk', {cb}, FALSE, {acc}, 'clerk', {t}, {t}, 1)",
                    a = day(2),
                    s = day(5),
                    n = day(10),
                    due = day(13),
                    cb = day(12),
                    acc = day(20),
                ));
            }
            fines.push(format!(
                "('f{m:02}-{e:03}', 'u{e:03}', 'HR-F3', 2000, '{month}', {d}, '着装', '[]', \
                 'clerk', 'confirmed', FALSE, NULL, {t}, {t}, 1)",
                d = day(8),
            ));
            cards.push(format!(
                "('k{m:02}-{e:03}', 'u{e:03}', '{month}', 'engineer', 900, 'B', '{{}}', \
                 '{outcome}', 'clerk', {t}, {t}, {t}, 1)"
            ));
        }
    }
    insert(
        conn,
        "INSERT INTO commissioning_jobs (id, title, notice_no, customer_id, site_id, \
         location_class, controller_points, pure_alarm_controller, billable_points, \
         engineer_id, status, approved_by, approved_on, started_on, ended_on, \
         documents_due_on, project_file_on, questionnaire_on, settlement_notice_on, \
         callback_confirmed_by, callback_confirmed_on, recheck_required, acceptance_on, \
         created_by, created_at, updated_at, version)",
        &jobs,
    );
    insert(
        conn,
        "INSERT INTO fines (id, user_id, rule, amount_fen, month, occurred_on, evidence, \
         attachment_ids, issued_by, status, dismissal_flag, source_key, created_at, \
         updated_at, version)",
        &fines,
    );
    insert(
        conn,
        "INSERT INTO scorecards (id, user_id, month, position, total_tenths, grade, \
         card_json, outcome_json, finalised_by, finalised_at, created_at, updated_at, version)",
        &cards,
    );
}

/// What a year's run took.
#[derive(Default)]
struct Timing {
    commissions: Duration,
    payroll: Duration,
    approval: Duration,
    statements: usize,
    approved: usize,
}

/// Closes every month's commissions, generates its payroll and approves its statements (as
/// finance would before the next month); the time of each part.
fn year(conn: &mut DbConnection, today: NaiveDate) -> Timing {
    let now = Utc
        .with_ymd_and_hms(today.year(), today.month(), today.day(), 2, 0, 0)
        .single()
        .unwrap_or_else(Utc::now);
    let ctx = Ctx::system(now);
    let mut t = Timing::default();
    for m in 1..=12 {
        let Some(month) = YearMonth::new(YEAR, m) else {
            panic!("no month {m}");
        };
        let started = Instant::now();
        let closed = write_tx(conn, |c| commission_months::close(c, &ctx, month, today));
        if let Err(e) = closed {
            panic!("closing {month}: {e}");
        }
        t.commissions += started.elapsed();
        let started = Instant::now();
        match write_tx(conn, |c| payroll::generate(c, &ctx, month, None)) {
            Ok(out) => t.statements += out.statements.len(),
            Err(e) => panic!("payroll of {month}: {e}"),
        }
        t.payroll += started.elapsed();
        let started = Instant::now();
        let drafts = kefu_store::payroll::statements_of_month(conn, &month.to_string())
            .unwrap_or_else(|e| panic!("statements of {month}: {e}"));
        for s in drafts.iter().filter(|s| s.status == "draft") {
            let approved = write_tx(conn, |c| {
                payroll_statements::approve(c, &ctx, &s.id, s.version)
            });
            if let Err(e) = approved {
                panic!("approving {}: {e}", s.id);
            }
            t.approved += 1;
        }
        t.approval += started.elapsed();
    }
    t
}

fn main() {
    let dir = std::env::temp_dir().join(format!("kefu-bench-{}", uuid::Uuid::new_v4()));
    let url = std::env::var("KEFU_BENCH_DB_URL")
        .unwrap_or_else(|_| format!("sqlite://{}", dir.join("kefu.db").display()));
    let pool = build_pool(&PoolConfig {
        url: url.clone(),
        max_size: 1,
        connection_timeout: Duration::from_secs(10),
        sqlite_busy_timeout: Duration::from_secs(10),
    })
    .unwrap_or_else(|e| panic!("database {url}: {e}"));
    let mut conn = pool.get().unwrap_or_else(|e| panic!("database {url}: {e}"));
    run_migrations(&mut conn).unwrap_or_else(|e| panic!("migrations: {e}"));
    let seeded_at = Utc::now();
    kefu_api::platform::service::bootstrap::seed_rules(&mut conn, seeded_at)
        .unwrap_or_else(|e| panic!("rules: {e}"));
    let started = Instant::now();
    write_tx(&mut conn, |c| {
        seed(c);
        Ok::<_, diesel::result::Error>(())
    })
    .unwrap_or_else(|e| panic!("seed: {e}"));
    let jobs = ENGINEERS * JOBS_PER_MONTH * 12;
    let mut report = String::new();
    let _ = writeln!(
        report,
        "seeded {ENGINEERS} engineers, {jobs} commissioning jobs, {} fines and scorecards \
         in {:.2?} ({})",
        ENGINEERS * 12,
        started.elapsed(),
        url.split(':').next().unwrap_or("?"),
    );
    let today = NaiveDate::from_ymd_opt(YEAR + 1, 1, 15).unwrap_or_default();
    for run in ["first run (writes the year)", "rerun (nothing to write)"] {
        let t = year(&mut conn, today);
        let _ = writeln!(
            report,
            "{run}: commissions {:.2?} + payroll {:.2?} = {:.2?} for 12 months \
             ({} statements); approving {} statements one by one {:.2?}",
            t.commissions,
            t.payroll,
            t.commissions + t.payroll,
            t.statements,
            t.approved,
            t.approval,
        );
    }
    print!("{report}");
    drop(conn);
    let _ = std::fs::remove_dir_all(&dir);
}
