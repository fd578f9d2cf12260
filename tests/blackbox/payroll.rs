//! The monthly payroll statement (BIL-13) over HTTP on a test clock, on SQLite or
//! PostgreSQL: March's sources made through the API (an employee record, a BIL-10 cut from
//! the commission close, a confirmed fine, an adjustment), the month previewed, generated,
//! read, exported and approved; then the statement is immutable.

use crate::exports::XLSX;
use crate::tickets::{World, id, world};
use crate::{actions, audit_of};
use calamine::{Reader, Xlsx, open_workbook_from_rs};
use kefu_blackbox::Resp;
use serde_json::{Value, json};

fn ok(res: Resp, status: u16) -> Value {
    assert_eq!(res.status, status, "{}", res.body);
    res.json()
}

struct Cast {
    finance: String,
    sup: String,
}

/// March: eng2 (an employee on 6,500 yuan, field staff phone class B) in a supervisor's team;
/// eng1's 1100-point job leaves eng2 under the minimum while the month had work for both
/// (BIL-10 cut, due in March); HR confirms an HR-F3 fine on eng2 in March.
fn march(w: &mut World) -> Value {
    w.set_clock("2026-03-02T09:00:00+08:00");
    let app = &w.app;
    app.create_user(&w.admin, "fin", &["finance"], "Finance-pass-1");
    let sup = app.create_user(&w.admin, "sup", &["supervisor"], "Supervisor-pass-1");
    let team = ok(
        app.post("/api/v1/teams")
            .bearer(&w.admin)
            .json(&json!({"name": "一组", "supervisor_user_id": sup["id"]}))
            .send(),
        201,
    );
    ok(
        app.post("/api/v1/employees")
            .bearer(&w.admin)
            .json(
                &json!({"user_id": w.eng2_id, "name": "工程师二", "track": "aftersales",
                          "level": "junior", "station_city": "杭州", "team_id": team["id"],
                          "base_salary_fen": 650000, "phone_allowance_class": "B"}),
            )
            .send(),
        201,
    );
    let job = ok(
        app.post("/api/v1/commissioning-jobs")
            .bearer(&w.admin)
            .json(
                &json!({"title": "调试", "notice_no": "TS-2026-031", "site_id": w.site["id"],
                          "controller_points": 1100, "engineer_id": w.eng1_id}),
            )
            .send(),
        201,
    );
    ok(
        app.post(&format!("/api/v1/commissioning-jobs/{}/approve", id(&job)))
            .bearer(&w.admin)
            .if_match(&format!("\"{}\"", job["version"]))
            .json(&json!({}))
            .send(),
        200,
    );
    ok(
        app.post("/api/v1/commission-months/2026-03/close")
            .bearer(&w.admin)
            .send(),
        200,
    );
    let fine = ok(
        app.post("/api/v1/fines")
            .bearer(&w.manager)
            .json(&json!({"user_id": w.eng2_id, "rule": "HR-F3", "evidence": "未按规定着装"}))
            .send(),
        201,
    );
    let fine = ok(
        app.post(&format!("/api/v1/fines/{}/confirm", id(&fine)))
            .bearer(&w.manager)
            .if_match(&format!("\"{}\"", fine["version"]))
            .send(),
        200,
    );
    assert_eq!(fine["month"], "2026-03");
    fine
}

fn month(w: &World, token: &str, m: &str, verb: &str) -> Resp {
    w.app
        .post(&format!("/api/v1/payroll-months/{m}/{verb}"))
        .bearer(token)
        .send()
}

fn statements(w: &World, token: &str, query: &str) -> Vec<Value> {
    let res = w
        .app
        .get(&format!("/api/v1/payroll-statements?limit=200{query}"))
        .bearer(token)
        .send();
    ok(res, 200)["items"].as_array().unwrap().clone()
}

fn sheets(res: &Resp) -> Vec<(String, Vec<Vec<String>>)> {
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.header("content-type").as_deref(), Some(XLSX));
    let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(res.bytes.clone())).unwrap();
    let names = book.sheet_names().to_vec();
    names
        .into_iter()
        .map(|n| {
            let range = book.worksheet_range(&n).unwrap();
            let rows = range
                .rows()
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .collect();
            (n, rows)
        })
        .collect()
}

#[test]
fn bil_13_the_statement_adds_up_traces_every_line_approves_once_and_is_then_immutable() {
    let mut w = world();
    let fine = march(&mut w);
    w.set_clock("2026-03-31T10:00:00+08:00");
    let c = Cast {
        finance: w.app.token("fin", "Finance-pass-1"),
        sup: w.app.token("sup", "Supervisor-pass-1"),
    };
    // A correction to be paid with March.
    let adj = ok(
        w.app
            .post("/api/v1/payroll-adjustments")
            .bearer(&c.finance)
            .json(
                &json!({"person_id": w.eng2_id, "month": "2026-03", "amount_fen": 1500,
                          "reason": "2 月加班补贴漏发"}),
            )
            .send(),
        201,
    );
    month(&w, &w.eng2, "2026-03", "preview").forbidden_by("BIL-13");
    month(&w, &c.sup, "2026-03", "generate").forbidden_by("BIL-13");
    let p = month(&w, &c.finance, "2026-04", "generate").problem(422, "rule-violation");
    assert_eq!(p["rule"], "BIL-13");

    // The preview saves nothing and shows every line as added.
    let preview = ok(month(&w, &c.finance, "2026-03", "preview"), 200);
    assert!(
        statements(&w, &w.admin, "").is_empty(),
        "a preview saves nothing"
    );
    let eng2_id = w.eng2_id.clone();
    let mine = |m: &Value| -> Value {
        m["statements"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["person_id"] == eng2_id.as_str())
            .cloned()
            .unwrap_or_else(|| panic!("no statement of eng2: {m}"))
    };
    // 6500 base + 100 phone (B) + 15 adjustment − 300 cut − the HR-F3 fine.
    let fine_fen = fine["amount_fen"].as_i64().unwrap();
    let net = 650_000 + 10_000 + 1_500 - 30_000 - fine_fen;
    assert_eq!(mine(&preview)["net_fen"], net, "{preview}");
    assert!(
        preview["changes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|ch| ch["person_id"] == w.eng2_id.as_str())
            .all(|ch| ch["change"] == "added")
    );

    let generated = ok(month(&w, &c.finance, "2026-03", "generate"), 200);
    assert_eq!(mine(&generated)["net_fen"], net);
    assert!(generated["written"].as_i64().unwrap() >= 1);
    let st_id = mine(&generated)["statement_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = w
        .app
        .get(&format!("/api/v1/payroll-statements/{st_id}"))
        .bearer(&w.eng2)
        .send();
    let etag = res.header("etag").unwrap();
    let detail = ok(res, 200);
    let st = &detail["statement"];
    assert_eq!(
        (&st["status"], &st["net_fen"], &st["month"]),
        (&json!("draft"), &json!(net), &json!("2026-03"))
    );
    let lines = detail["lines"].as_array().unwrap();
    let sum: i64 = lines
        .iter()
        .map(|l| l["amount_fen"].as_i64().unwrap())
        .sum();
    assert_eq!(sum, net, "the lines add up to the statement");
    let summary: Vec<(String, i64, String)> = lines
        .iter()
        .map(|l| {
            (
                l["kind"].as_str().unwrap().to_owned(),
                l["amount_fen"].as_i64().unwrap(),
                l["rule"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("base_salary".into(), 650_000, "BIL-13".into()),
            ("phone_allowance".into(), 10_000, "BIL-17".into()),
            ("base_salary_cut".into(), -30_000, "BIL-10".into()),
            ("fine".into(), -fine_fen, "HR-F3".into()),
            ("adjustment".into(), 1_500, "BIL-13".into()),
        ]
    );
    // Every line is traceable to its record.
    let source = |kind: &str| -> Value {
        let l = lines.iter().find(|l| l["kind"] == kind).unwrap();
        l["source_id"].clone()
    };
    let cut = ok(
        w.app
            .get(&format!(
                "/api/v1/commission-lines/{}",
                source("base_salary_cut").as_str().unwrap()
            ))
            .bearer(&w.eng2)
            .send(),
        200,
    );
    assert_eq!(
        (&cut["kind"], &cut["amount_fen"]),
        (&json!("base_salary_cut"), &json!(-30_000))
    );
    assert_eq!(source("fine"), fine["id"]);
    assert_eq!(source("adjustment"), adj["id"]);
    let employee = ok(
        w.app
            .get(&format!(
                "/api/v1/employees/{}",
                source("base_salary").as_str().unwrap()
            ))
            .bearer(&w.admin)
            .send(),
        200,
    );
    assert_eq!(employee["user_id"], w.eng2_id.as_str());

    // Generating again writes nothing: the same statement, the same lines.
    let again = ok(month(&w, &c.finance, "2026-03", "generate"), 200);
    assert_eq!(again["written"], 0, "{again}");
    assert!(again["changes"].as_array().unwrap().is_empty());
    assert_eq!(statements(&w, &w.admin, "&month=2026-03").len(), 1);

    // Privacy: one's own; the office everyone's; another engineer and the supervisor: 404.
    for stranger in [&w.eng1, &c.sup] {
        w.app
            .get(&format!("/api/v1/payroll-statements/{st_id}"))
            .bearer(stranger)
            .send()
            .problem(404, "not-found");
        assert!(statements(&w, stranger, "").is_empty());
        let res = w
            .app
            .get(&format!("/api/v1/payroll-lines?person_id={}", w.eng2_id))
            .bearer(stranger)
            .send();
        assert!(ok(res, 200)["items"].as_array().unwrap().is_empty());
    }
    assert_eq!(statements(&w, &c.finance, "").len(), 1);

    // The XLSX opens: a sheet for March, a row per line, its total the JSON's.
    let res = w
        .app
        .get("/api/v1/payroll-lines/export?month=2026-03&format=xlsx")
        .bearer(&c.finance)
        .send();
    let book = sheets(&res);
    assert_eq!(book.len(), 1);
    let (name, rows) = &book[0];
    assert_eq!(name, "2026-03");
    let col = |h: &str| rows[0].iter().position(|c| c == h).unwrap();
    let (person, amount, kind) = (col("person_id"), col("amount_fen"), col("kind"));
    let eng2_rows: Vec<&Vec<String>> = rows[1..]
        .iter()
        .filter(|r| r[person] == w.eng2_id)
        .collect();
    assert_eq!(eng2_rows.len(), lines.len());
    let xlsx_total: f64 = eng2_rows
        .iter()
        .map(|r| r[amount].parse::<f64>().unwrap())
        .sum();
    assert_eq!(xlsx_total as i64, net);
    assert!(eng2_rows.iter().any(|r| r[kind] == "base_salary_cut"));
    let csv = w
        .app
        .get("/api/v1/payroll-statements/export?month=2026-03&format=csv")
        .bearer(&c.finance)
        .send();
    assert_eq!(csv.status, 200);
    assert!(csv.body.contains(&st_id) && csv.body.contains(&net.to_string()));

    // Approval: finance only; once; then immutable.
    w.app
        .post(&format!("/api/v1/payroll-statements/{st_id}/approve"))
        .bearer(&w.eng2)
        .if_match(&etag)
        .send()
        .forbidden_by("BIL-13");
    let approved = ok(
        w.app
            .post(&format!("/api/v1/payroll-statements/{st_id}/approve"))
            .bearer(&c.finance)
            .if_match(&etag)
            .send(),
        200,
    );
    assert_eq!(approved["statement"]["status"], "approved");
    let twice = ok(
        w.app
            .post(&format!("/api/v1/payroll-statements/{st_id}/approve"))
            .bearer(&c.finance)
            .if_match(&etag)
            .send(),
        200,
    );
    assert_eq!(twice, approved, "approving twice answers the same");
    assert_eq!(
        actions(&audit_of(&w.app, &w.admin, "payroll_statement", &st_id))
            .iter()
            .filter(|a| *a == "payroll_statement.approve")
            .count(),
        1
    );
    let new_etag = format!("\"{}\"", approved["statement"]["version"]);
    let p = w
        .app
        .patch(&format!("/api/v1/payroll-statements/{st_id}"))
        .bearer(&c.finance)
        .if_match(&new_etag)
        .json(&json!({"note": "改一下"}))
        .send()
        .problem(409, "conflict");
    assert_eq!(p["rule"], "BIL-13");
    let p = w
        .app
        .post(&format!(
            "/api/v1/payroll-months/2026-03/generate?person_id={}",
            w.eng2_id
        ))
        .bearer(&c.finance)
        .send()
        .problem(409, "conflict");
    assert_eq!(p["rule"], "BIL-13");
    let p = w
        .app
        .post("/api/v1/payroll-adjustments")
        .bearer(&c.finance)
        .json(
            &json!({"person_id": w.eng2_id, "month": "2026-03", "amount_fen": -500,
                      "reason": "罚款少扣"}),
        )
        .send()
        .problem(409, "conflict");
    assert_eq!(p["rule"], "BIL-13");
    // A month-wide generation leaves the approved statement as it is.
    let after = ok(month(&w, &c.finance, "2026-03", "generate"), 200);
    assert_eq!(
        (&after["written"], &after["approved"]),
        (&json!(0), &json!(1))
    );

    // Its sources are consumed: paid once.
    let fine_now = ok(
        w.app
            .get(&format!("/api/v1/fines/{}", id(&fine)))
            .bearer(&w.admin)
            .send(),
        200,
    );
    assert_eq!(fine_now["status"], "deducted");
    let cut_now = ok(
        w.app
            .get(&format!("/api/v1/commission-lines/{}", id(&cut)))
            .bearer(&w.admin)
            .send(),
        200,
    );
    assert_eq!(cut_now["status"], "paid");

    // The correction goes into April, linked to the March statement.
    w.set_clock("2026-04-02T10:00:00+08:00");
    let finance = w.app.token("fin", "Finance-pass-1");
    ok(
        w.app
            .post("/api/v1/payroll-adjustments")
            .bearer(&finance)
            .json(
                &json!({"person_id": w.eng2_id, "month": "2026-04", "amount_fen": -500,
                          "reason": "3 月罚款少扣", "corrects_statement_id": st_id}),
            )
            .send(),
        201,
    );
    let april = ok(month(&w, &finance, "2026-04", "preview"), 200);
    let row = mine(&april);
    assert_eq!(
        row["net_fen"],
        650_000 + 10_000 - 500,
        "April: base, phone and the correction; March's sources are not paid again: {april}"
    );
}

#[test]
fn hr_f0_the_department_fund_pays_out_what_fines_paid_in_and_never_more() {
    let mut w = world();
    let fine = march(&mut w);
    let finance = w.app.token("fin", "Finance-pass-1");
    let held = fine["amount_fen"].as_i64().unwrap();
    let spend = |token: &str, amount: i64| -> Resp {
        w.app
            .post("/api/v1/fund-spendings")
            .bearer(token)
            .json(&json!({"amount_fen": amount, "purpose": "部门团建"}))
            .send()
    };
    spend(&w.eng1, 100).forbidden_by("HR-F0");
    let p = spend(&finance, held + 1).problem(422, "rule-violation");
    assert_eq!(p["rule"], "HR-F0");
    let out = ok(spend(&finance, 100), 201);
    assert_eq!(
        (&out["entry"], &out["amount_fen"], &out["balance_fen"]),
        (&json!("spending"), &json!(-100), &json!(held - 100))
    );
    let ledger = ok(
        w.app.get("/api/v1/fund-ledger").bearer(&finance).send(),
        200,
    );
    let entries: Vec<(Value, Value, Value)> = ledger["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["entry"].clone(),
                e["amount_fen"].clone(),
                e["balance_fen"].clone(),
            )
        })
        .collect();
    assert_eq!(
        entries,
        [
            (json!("fine_confirmed"), json!(held), json!(held)),
            (json!("spending"), json!(-100), json!(held - 100)),
        ]
    );
}
