//! BIL-8 receivables over HTTP on a test clock, on SQLite or PostgreSQL: ageing at the bucket
//! boundaries in calendar days (the 2026 work calendar with its Spring Festival is loaded and
//! plays no part), the arrears list with chasing notes and the promise watch, the customer
//! statement adding up to the receivables row, and ORG-5 (another user's customer is 404).

use crate::contracts::{create, ok};
use crate::tickets::{World, id, world};
use crate::{audit_of, awaited_notices, job_runners};
use chrono::{Days, NaiveDate};
use kefu_blackbox::Resp;
use serde_json::{Value, json};

const DUE: &str = "2026-01-04";

/// Customer 甲's contract of 10,000.00 signed on 2026-01-01 by engineer one: due 01-04
/// (CON-2: three days after signing).
fn signed_contract(w: &mut World) -> Value {
    w.set_clock("2026-01-01T10:00:00+08:00");
    let c = create(
        w,
        &w.admin,
        json!({"title": "2026 年度维保合同", "customer_id": w.customer["id"],
               "site_ids": [w.site["id"]], "signer_id": w.eng1_id, "executor_ids": [w.eng1_id],
               "period_start": "2026-01-01", "period_end": "2026-12-31",
               "amount_fen": 1_000_000, "renewal_mode": "express", "notice_days": 10}),
    );
    let c = ok(w, &w.eng1, &c, "sign", json!({"signed_on": "2026-01-01"}));
    assert_eq!(c["payment_due_on"], DUE);
    c
}

fn day_after_due(days: u64) -> NaiveDate {
    let due: NaiveDate = DUE.parse().unwrap();
    due.checked_add_days(Days::new(days)).unwrap()
}

/// A create as the admin; asserts 201.
fn post(w: &World, path: &str, body: Value) -> Value {
    let res = w.app.post(path).bearer(&w.admin).json(&body).send();
    assert_eq!(res.status, 201, "POST {path}: {}", res.body);
    res.json()
}

fn get(w: &World, token: &str, path: &str) -> Resp {
    w.app.get(path).bearer(token).send()
}

fn ok_json(res: Resp) -> Value {
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()
}

fn receivable_of(w: &World, customer: &Value) -> Value {
    let page = ok_json(get(
        w,
        &w.admin,
        &format!("/api/v1/receivables?customer_id={}", id(customer)),
    ));
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{page}");
    items[0].clone()
}

fn note(w: &World, token: &str, contract: &Value, body: Value) -> Resp {
    w.app
        .post(&format!(
            "/api/v1/arrears/contract/{}/chasing-notes",
            id(contract)
        ))
        .bearer(token)
        .json(&body)
        .send()
}

/// The field a 4xx validation problem names first.
fn field(res: &Resp) -> String {
    assert!(
        res.status == 422 || res.status == 400,
        "{} {}",
        res.status,
        res.body
    );
    res.json()["errors"][0]["field"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn bil_8_ageing_counts_calendar_days_at_the_bucket_boundaries() {
    let mut w = world();
    let c = signed_contract(&mut w);
    let buckets = [
        "current_fen",
        "bucket_1_fen",
        "bucket_2_fen",
        "bucket_3_fen",
        "bucket_4_fen",
    ];
    // (days after the due day, bucket holding the 10,000.00, in arrears)
    for (days, bucket, arrears) in [
        (0, 1, false),
        (1, 1, true),
        (30, 1, true),
        (31, 2, true),
        (60, 2, true),
        (61, 3, true),
        (90, 3, true),
        (91, 4, true),
    ] {
        let on = day_after_due(days);
        w.set_clock(&format!("{on}T09:00:00+08:00"));
        let row = receivable_of(&w, &w.customer);
        for (i, name) in buckets.iter().enumerate() {
            let expected = if i == bucket { 1_000_000 } else { 0 };
            assert_eq!(row[name], expected, "{days} days past due: {row}");
        }
        assert_eq!(row["as_of"], on.to_string());
        assert_eq!(row["balance_fen"], 1_000_000);
        assert_eq!(row["bucket_upper_days"], json!([30, 60, 90]));
        let listed = ok_json(get(&w, &w.admin, "/api/v1/arrears"));
        let items = listed["items"].as_array().unwrap();
        assert_eq!(items.len(), usize::from(arrears), "{days}: {listed}");
        if arrears {
            assert_eq!(items[0]["document_id"], c["id"]);
            assert_eq!(items[0]["document_kind"], "contract");
            assert_eq!(items[0]["days_past_due"], days);
            assert_eq!(items[0]["bucket"], format!("bucket_{bucket}"));
            assert_eq!(items[0]["outstanding_fen"], 1_000_000);
        }
    }
    // The bounds are the rule table's: from 2026-01-01 bucket 1 ends at 100 days.
    let rules = ok_json(get(&w, &w.admin, "/api/v1/rules/receivables"));
    let version = rules["version"].clone();
    let res = w
        .app
        .req("PUT", "/api/v1/rules/receivables/versions/2026-01-01")
        .bearer(&w.admin)
        .if_match(&format!("\"{}\"", version))
        .json(&json!({"value": {"bucket_upper_days": [100, 200, 300],
                                "repair_quote_due_days": 0, "invoice_due_days": 30}}))
        .send();
    assert!(res.status == 200 || res.status == 201, "{}", res.body);
    let row = receivable_of(&w, &w.customer);
    assert_eq!(
        (row["bucket_1_fen"].clone(), row["bucket_4_fen"].clone()),
        (json!(1_000_000), json!(0))
    );
    assert_eq!(row["bucket_upper_days"], json!([100, 200, 300]));
}

#[test]
fn bil_8_a_statement_adds_up_to_the_receivables_row() {
    let mut w = world();
    let c = signed_contract(&mut w);
    w.set_clock("2026-02-10T10:00:00+08:00");
    let c = ok(
        &w,
        &w.admin,
        &c,
        "record-payment",
        json!({"amount_fen": 300_000, "paid_on": "2026-01-20"}),
    );
    let invoice = post(
        &w,
        "/api/v1/invoices",
        json!({"number": "INV-R-1", "customer_id": w.customer["id"],
                      "subject_kind": "contract", "subject_id": c["id"], "amount_fen": 1_000_000,
                      "issued_on": "2026-01-02", "mailing_address": "一路 1 号",
                      "contact_name": "王会计"}),
    );
    let res = w
        .app
        .post(&format!("/api/v1/invoices/{}/credit-notes", id(&invoice)))
        .bearer(&w.admin)
        .if_match("\"1\"")
        .json(
            &json!({"number": "CN-R-1", "amount_fen": 50_000, "reason": "服务天数调整",
                      "issued_on": "2026-02-05"}),
        )
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    post(
        &w,
        "/api/v1/payments",
        json!({"customer_id": w.customer["id"], "kind": "payment", "amount_fen": 150_000,
                      "paid_on": "2026-02-08", "method": "bank_transfer", "account": "基本户",
                      "document": "receipt", "document_no": "SJ-9"}),
    );

    let row = receivable_of(&w, &w.customer);
    // 10,000.00 − 3,000.00 paid − 500.00 credited − 1,500.00 on account.
    assert_eq!(row["balance_fen"], 500_000);
    assert_eq!(row["bucket_2_fen"], 500_000, "{row}");
    assert_eq!(row["overdue_fen"], 500_000);

    let path = format!(
        "/api/v1/customers/{}/statement?from=2026-01-15&to=2026-02-10",
        id(&w.customer)
    );
    let s = ok_json(get(&w, &w.admin, &path));
    assert_eq!(s["opening_balance_fen"], 1_000_000);
    let lines = s["lines"].as_array().unwrap();
    let kinds: Vec<&str> = lines
        .iter()
        .map(|l| l["entry_kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["payment", "credit_note", "payment_on_account"]);
    let mut balance = s["opening_balance_fen"].as_i64().unwrap();
    for l in lines {
        balance += l["debit_fen"].as_i64().unwrap() - l["credit_fen"].as_i64().unwrap();
        assert_eq!(l["balance_fen"], balance, "{l}");
    }
    assert_eq!(s["total_credit_fen"], 500_000);
    assert_eq!(s["closing_balance_fen"], balance);
    assert_eq!(s["closing_balance_fen"], row["balance_fen"]);
    assert_eq!(s["receivable"], row);
    assert_eq!(lines[2]["reference"], "SJ-9");
    // The whole history opens at 0 with the contract's charge.
    let whole = ok_json(get(
        &w,
        &w.admin,
        &format!("/api/v1/customers/{}/statement", id(&w.customer)),
    ));
    assert_eq!(whole["opening_balance_fen"], 0);
    assert_eq!(whole["lines"][0]["entry_kind"], "charge");
    assert_eq!(whole["lines"][0]["debit_fen"], 1_000_000);
    assert_eq!(whole["closing_balance_fen"], 500_000);
    // The lines export; a range the wrong way round names `from`.
    let export = path.replacen("/statement?", "/statement/export?", 1);
    let csv = get(&w, &w.admin, &format!("{export}&format=csv"));
    assert_eq!(csv.status, 200, "{}", csv.body);
    // The header, the opening balance, three lines and the closing balance with the totals.
    let rows: Vec<&str> = csv.body.trim_end().lines().collect();
    assert_eq!(rows.len(), 6, "{}", csv.body);
    assert!(
        rows[1].contains("opening_balance") && rows[1].ends_with(",1000000"),
        "{}",
        rows[1]
    );
    assert!(
        rows[5].contains("closing_balance") && rows[5].ends_with(",0,500000,500000"),
        "{}",
        rows[5]
    );
    let bad = get(
        &w,
        &w.admin,
        &format!(
            "/api/v1/customers/{}/statement?from=2026-02-11&to=2026-02-10",
            id(&w.customer)
        ),
    );
    assert_eq!(field(&bad), "query.from");
    let xlsx = get(&w, &w.admin, "/api/v1/receivables/export?format=xlsx");
    assert_eq!(xlsx.status, 200);
}

#[test]
fn bil_8_another_users_customer_reads_as_404() {
    let mut w = world();
    let c = signed_contract(&mut w);
    w.set_clock("2026-02-10T10:00:00+08:00");
    // Engineer one signed the contract but does not see customer 甲 (no owner, no team).
    let statement = format!("/api/v1/customers/{}/statement", id(&w.customer));
    assert_eq!(get(&w, &w.eng1, &statement).status, 404);
    let notes = format!("/api/v1/arrears/contract/{}/chasing-notes", id(&c));
    assert_eq!(get(&w, &w.eng1, &notes).status, 404);
    let res = note(&w, &w.eng1, &c, json!({"outcome": "no_answer"}));
    assert_eq!(res.status, 404, "{}", res.body);
    let mine = ok_json(get(&w, &w.eng1, "/api/v1/receivables"));
    assert_eq!(mine["items"], json!([]));
    assert_eq!(
        ok_json(get(&w, &w.eng1, "/api/v1/arrears"))["items"],
        json!([])
    );
    // Once 甲 is theirs, they see it all.
    let res = w
        .app
        .req("PATCH", &format!("/api/v1/customers/{}", id(&w.customer)))
        .bearer(&w.admin)
        .if_match(&format!("\"{}\"", w.customer["version"]))
        .json(&json!({"owner_user_id": w.eng1_id}))
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(
        ok_json(get(&w, &w.eng1, &statement))["closing_balance_fen"],
        1_000_000
    );
    assert_eq!(
        note(&w, &w.eng1, &c, json!({"outcome": "no_answer"})).status,
        201
    );
    assert_eq!(
        ok_json(get(&w, &w.eng1, "/api/v1/arrears"))["items"][0]["last_outcome"],
        "no_answer"
    );
}

#[test]
fn bil_8_chasing_notes_name_the_field_they_get_wrong_and_a_lapsed_promise_is_told_once() {
    let mut w = world();
    let c = signed_contract(&mut w);
    // Not yet due: nothing to chase.
    let res = note(&w, &w.admin, &c, json!({"outcome": "no_answer"}));
    assert_eq!(res.status, 409, "{}", res.body);
    assert_eq!(res.json()["rule"], "BIL-8");
    w.set_clock("2026-02-10T10:00:00+08:00");
    let res = note(&w, &w.admin, &c, json!({"outcome": "promised"}));
    assert_eq!(field(&res), "promised_on");
    assert_eq!(res.json()["rule"], "BIL-8", "{}", res.body);
    let res = note(
        &w,
        &w.admin,
        &c,
        json!({"outcome": "promised", "promised_on": "2026-02-09"}),
    );
    assert_eq!(field(&res), "promised_on");
    let res = note(
        &w,
        &w.admin,
        &c,
        json!({"outcome": "refused", "promised_on": "2026-02-12"}),
    );
    assert_eq!(field(&res), "promised_on");
    let res = note(
        &w,
        &w.admin,
        &c,
        json!({"outcome": "refused", "called_at": "2026-02-11T10:00:00+08:00"}),
    );
    assert_eq!(field(&res), "called_at");
    let res = note(
        &w,
        &w.admin,
        &c,
        json!({"outcome": "refused", "note": "长".repeat(1001)}),
    );
    assert_eq!(field(&res), "note");
    let res = note(
        &w,
        &w.admin,
        &c,
        json!({"outcome": "refused", "called_by": "nobody"}),
    );
    assert_eq!(field(&res), "called_by");
    // Engineers chase too; the manager records the call engineer one made.
    let made = note(
        &w,
        &w.manager,
        &c,
        json!({"outcome": "promised", "promised_on": "2026-02-12", "promised_fen": 1_000_000,
               "called_by": w.eng1_id, "contact_name": "王会计", "channel": "phone",
               "called_at": "2026-02-10T09:30:00+08:00"}),
    );
    assert_eq!(made.status, 201, "{}", made.body);
    let made = made.json();
    assert_eq!(made["called_by"], w.eng1_id);
    let listed = ok_json(get(
        &w,
        &w.admin,
        &format!("/api/v1/arrears/contract/{}/chasing-notes", id(&c)),
    ));
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    assert_eq!(listed["items"][0]["promised_on"], "2026-02-12");
    let arrears = ok_json(get(&w, &w.admin, "/api/v1/arrears"));
    assert_eq!(arrears["items"][0]["last_outcome"], "promised");
    assert_eq!(arrears["items"][0]["promised_on"], "2026-02-12");
    let audit = audit_of(&w.app, &w.admin, "chasing_note", id(&made));
    assert_eq!(audit[0]["action"], "chasing_note.add");

    // 2026-02-13: the promised day has passed, nothing paid: engineer one is told, once,
    // whatever the number of instances watching.
    w.set_clock("2026-02-13T09:00:00+08:00");
    let runners = job_runners(&w.app);
    let notices = awaited_notices(&w.app, &w.eng1, "chasing_note.promise_lapsed");
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert_eq!(notices[0]["entity_id"], made["id"]);
    let audit = audit_of(&w.app, &w.admin, "chasing_note", id(&made));
    let lapsed: Vec<&Value> = audit
        .iter()
        .filter(|e| e["action"] == "chasing_note.promise_lapsed")
        .collect();
    assert_eq!(lapsed.len(), 1, "{audit:?}");
    assert_eq!(lapsed[0]["after"]["outstanding_fen"], 1_000_000);
    drop(runners);
}

#[test]
fn bil_8_a_commissioning_invoice_falls_due_after_the_rule_tables_term_and_money_on_account_pays_the_oldest_first()
 {
    let mut w = world();
    let c = signed_contract(&mut w);
    w.set_clock("2026-01-02T10:00:00+08:00");
    let job = post(
        &w,
        "/api/v1/commissioning-jobs",
        json!({"title": "调试工程", "notice_no": "TS-2026-001", "site_id": w.site["id"],
                      "controller_points": 400, "engineer_id": w.eng1_id}),
    );
    let invoice = post(
        &w,
        "/api/v1/invoices",
        json!({"number": "INV-TS-1", "customer_id": w.customer["id"],
                      "subject_kind": "commissioning_job", "subject_id": job["id"],
                      "amount_fen": 80_000, "mailing_address": "一路 1 号",
                      "contact_name": "王会计"}),
    );
    // `invoice_due_days` (30): issued 01-02, due 02-01; in arrears from 02-02.
    w.set_clock("2026-02-01T10:00:00+08:00");
    let kinds = |w: &World| -> Vec<(String, i64)> {
        ok_json(get(w, &w.admin, "/api/v1/arrears"))["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                (
                    i["document_kind"].as_str().unwrap().to_owned(),
                    i["outstanding_fen"].as_i64().unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(kinds(&w), [("contract".to_owned(), 1_000_000)]);
    w.set_clock("2026-02-02T10:00:00+08:00");
    assert_eq!(
        kinds(&w),
        [
            ("contract".to_owned(), 1_000_000),
            ("invoice".to_owned(), 80_000)
        ]
    );
    // 10,050.00 on account: the contract (due first) is paid off, then 50.00 of the invoice.
    post(
        &w,
        "/api/v1/payments",
        json!({"customer_id": w.customer["id"], "kind": "payment", "amount_fen": 1_005_000,
                      "method": "bank_transfer", "account": "基本户", "document": "receipt"}),
    );
    let arrears = ok_json(get(&w, &w.admin, "/api/v1/arrears"));
    let items = arrears["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{arrears}");
    assert_eq!(items[0]["document_id"], invoice["id"]);
    assert_eq!(items[0]["reference"], "INV-TS-1");
    assert_eq!(items[0]["applied_fen"], 5_000);
    assert_eq!(items[0]["outstanding_fen"], 75_000);
    let row = receivable_of(&w, &w.customer);
    assert_eq!(
        (row["balance_fen"].clone(), row["bucket_1_fen"].clone()),
        (json!(75_000), json!(75_000))
    );
    assert_eq!(row["open_documents"], 1);
    assert_eq!(row["oldest_due_on"], "2026-02-01");
    // The contract paid off is no arrears: chasing it is refused.
    let res = note(&w, &w.admin, &c, json!({"outcome": "no_answer"}));
    assert_eq!(res.status, 409, "{}", res.body);
}
