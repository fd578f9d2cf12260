//! The ticket domain's other lists as complete as the rest: complaints, change requests and
//! work orders with delta sync and CSV/XLSX export, and the customer contact's reduced reading
//! of their complaints (TKT-10).

use crate::exports::{csv, xlsx};
use crate::tickets::{World, id, world};
use serde_json::{Value, json};

fn post(w: &World, token: &str, path: &str, body: Value) -> Value {
    let res = w.app.post(path).bearer(token).json(&body).send();
    assert_eq!(res.status, 201, "{path}: {}", res.body);
    res.json()
}

fn ids(w: &World, token: &str, path: &str) -> Vec<String> {
    let res = w.app.get(path).bearer(token).send();
    assert_eq!(res.status, 200, "{path}: {}", res.body);
    res.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

fn complaint(w: &World, token: &str) -> Value {
    post(
        w,
        token,
        "/api/v1/complaints",
        json!({"customer_id": w.customer["id"], "employee_id": w.eng1_id,
               "channel": "phone", "description": "上门迟到两小时且未提前告知"}),
    )
}

fn cmd(w: &World, token: &str, path: &str, version: &Value, body: Value) -> Value {
    let res = w
        .app
        .post(path)
        .bearer(token)
        .if_match(&format!("\"{version}\""))
        .json(&body)
        .send();
    assert_eq!(res.status, 200, "{path}: {}", res.body);
    res.json()
}

#[test]
fn complaints_sync_export_and_read_as_the_customer_may_see_them() {
    let mut w = world();
    let first = complaint(&w, &w.manager);
    let first = cmd(
        &w,
        &w.manager,
        &format!("/api/v1/complaints/{}/judge", id(&first)),
        &first["version"],
        json!({"validity": "valid", "reason": "经核实确属迟到"}),
    );
    let first = cmd(
        &w,
        &w.manager,
        &format!("/api/v1/complaints/{}/reply", id(&first)),
        &first["version"],
        json!({"corrective_measures": "考核责任工程师并组织守时培训",
               "reply_to_customer": "已致歉，下次提前告知到场时间"}),
    );

    // Delta sync: only what changed after the instant, in update order; none are tombstones.
    let since = "2026-03-06T10:00:00Z";
    w.set_clock("2026-03-07T09:00:00+08:00");
    let second = complaint(&w, &w.manager);
    assert_eq!(
        ids(
            &w,
            &w.manager,
            &format!("/api/v1/complaints?updated_since={since}")
        ),
        [id(&second)]
    );
    let page = w
        .app
        .get("/api/v1/complaints?updated_since=2026-03-01T00:00:00Z")
        .bearer(&w.manager)
        .send()
        .json();
    assert_eq!(page["items"][0]["deleted"], false);
    w.app
        .get("/api/v1/complaints?updated_since=yesterday")
        .bearer(&w.manager)
        .send()
        .problem(400, "bad-request");

    // CSV with every column; the rows are the list's.
    let rows = csv(&w
        .app
        .get("/api/v1/complaints/export?format=csv")
        .bearer(&w.manager)
        .send());
    assert_eq!(
        rows[0][..4],
        ["id", "ticket_id", "customer_id", "employee_id"]
    );
    assert_eq!(rows.len(), 3, "{rows:?}");
    let validity = rows[0].iter().position(|c| c == "validity").unwrap();
    assert_eq!(rows[1][0], id(&first));
    assert_eq!(rows[1][validity], "valid");

    // The customer's contact reads the reply and the status, not the judgement or measures.
    let contact = post(
        &w,
        &w.admin,
        "/api/v1/contacts",
        json!({"customer_id": w.customer["id"], "name": "钱主任", "phone": "139 0571 0009"}),
    );
    let user = w.app.create_user(
        &w.admin,
        "qian.contact",
        &["customer_contact"],
        "Contact-pass-1",
    );
    w.app.db.execute(&format!(
        "UPDATE contacts SET user_id = '{}' WHERE id = '{}'",
        id(&user),
        id(&contact)
    ));
    let cc = w.app.token("qian.contact", "Contact-pass-1");
    let seen = w
        .app
        .get(&format!("/api/v1/complaints/{}", id(&first)))
        .bearer(&cc)
        .send();
    assert_eq!(seen.status, 200, "{}", seen.body);
    let seen = seen.json();
    assert_eq!(
        (seen["status"].clone(), seen["reply_to_customer"].clone()),
        (json!("replied"), json!("已致歉，下次提前告知到场时间"))
    );
    for internal in [
        "validity",
        "validity_reason",
        "judged_by",
        "judged_at",
        "corrective_measures",
    ] {
        assert_eq!(seen[internal], Value::Null, "{internal} is internal");
    }
    let listed = w.app.get("/api/v1/complaints").bearer(&cc).send().json();
    let mine = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == first["id"])
        .unwrap()
        .clone();
    assert_eq!(mine["corrective_measures"], Value::Null);
    // Staff still read the judgement.
    let staff = w
        .app
        .get(&format!("/api/v1/complaints/{}", id(&first)))
        .bearer(&w.manager)
        .send()
        .json();
    assert_eq!(staff["validity"], "valid");
    // Another customer's complaints stay out of sight (ORG-5).
    let foreign = post(
        &w,
        &w.admin,
        "/api/v1/complaints",
        json!({"customer_id": w.other_customer["id"], "employee_id": w.eng2_id,
               "channel": "phone", "description": "报修电话无人接听"}),
    );
    w.app
        .get(&format!("/api/v1/complaints/{}", id(&foreign)))
        .bearer(&cc)
        .send()
        .problem(404, "not-found");
}

#[test]
fn change_requests_and_work_orders_sync_and_export_like_every_list() {
    let mut w = world();
    let t = w.assign(&w.fault("normal"), &w.eng1_id.clone());
    let t = w.ok(&w.eng1.clone(), &t, "start", json!({}));
    let cr = post(
        &w,
        &w.eng1,
        &format!("/api/v1/tickets/{}/change-requests", id(&t)),
        json!({"title": "报表汇总", "requirements": "增加按防区汇总页签",
               "customer_stamp_ref": "FAX-0310-01"}),
    );
    let wo = post(
        &w,
        &w.eng1,
        &format!("/api/v1/tickets/{}/work-orders", id(&t)),
        json!({"target": "technical", "title": "固件升级", "description": "升级后无法上报"}),
    );
    let since = "2026-03-06T10:00:00Z";
    w.set_clock("2026-03-07T09:00:00+08:00");
    let later_cr = post(
        &w,
        &w.eng1,
        &format!("/api/v1/tickets/{}/change-requests", id(&t)),
        json!({"title": "导出格式", "requirements": "导出为 XLSX",
               "customer_stamp_ref": "FAX-0311-02"}),
    );
    let later_wo = post(
        &w,
        &w.eng1,
        &format!("/api/v1/tickets/{}/work-orders", id(&t)),
        json!({"target": "technical", "title": "通讯中断", "description": "夜间掉线"}),
    );
    assert_eq!(
        ids(
            &w,
            &w.eng1,
            &format!("/api/v1/change-requests?updated_since={since}")
        ),
        [id(&later_cr)]
    );
    assert_eq!(
        ids(
            &w,
            &w.eng1,
            &format!("/api/v1/work-orders?updated_since={since}")
        ),
        [id(&later_wo)]
    );
    // ORG-5 holds in sync: the other engineer gets nothing.
    assert!(
        ids(
            &w,
            &w.eng2,
            &format!("/api/v1/work-orders?updated_since={since}")
        )
        .is_empty()
    );
    assert!(
        ids(
            &w,
            &w.eng2,
            &format!("/api/v1/change-requests?updated_since={since}")
        )
        .is_empty()
    );

    let rows = csv(&w
        .app
        .get("/api/v1/change-requests/export?format=csv&columns=zh")
        .bearer(&w.manager)
        .send());
    assert_eq!(rows[0][0], "需求编号");
    assert_eq!(
        rows[1..].iter().map(|r| r[0].clone()).collect::<Vec<_>>(),
        [id(&cr), id(&later_cr)]
    );
    let sheet = xlsx(
        &w.app
            .get("/api/v1/work-orders/export?format=xlsx")
            .bearer(&w.manager)
            .send(),
    );
    assert_eq!(sheet[0][..3], ["id", "ticket_id", "target"]);
    assert_eq!(
        sheet[1..].iter().map(|r| r[0].clone()).collect::<Vec<_>>(),
        [id(&wo), id(&later_wo)]
    );
    // The engineer's export holds only what they see.
    let theirs = csv(&w
        .app
        .get("/api/v1/work-orders/export?format=csv")
        .bearer(&w.eng2)
        .send());
    assert_eq!(theirs.len(), 1, "{theirs:?}");
}

/// The dispatcher's board: `open=true` is every ticket still owed work, `open=false` the
/// finished ones; it narrows `status` and what the caller may see (ORG-5) as any filter does.
#[test]
fn the_open_group_is_the_dispatchers_board() {
    let w = world();
    let fresh = w.fault("normal");
    let assigned = w.assign(&w.fault("high"), &w.eng1_id);
    let other = w.assign(&w.fault("normal"), &w.eng2_id);
    let cancelled = w.ok(
        &w.manager,
        &w.fault("low"),
        "cancel",
        json!({"reason": "客户撤销报修"}),
    );
    let board = ids(&w, &w.manager, "/api/v1/tickets?open=true");
    assert_eq!(board, [id(&fresh), id(&assigned), id(&other)]);
    let done = ids(&w, &w.manager, "/api/v1/tickets?open=false");
    assert_eq!(done, [id(&cancelled)]);
    let waiting = ids(&w, &w.manager, "/api/v1/tickets?open=true&status=new");
    assert_eq!(waiting, [id(&fresh)]);
    assert!(ids(&w, &w.manager, "/api/v1/tickets?open=false&status=new").is_empty());
    let mine = ids(&w, &w.eng1, "/api/v1/tickets?open=true");
    assert_eq!(
        mine,
        [id(&assigned)],
        "an engineer's board holds their own tickets only"
    );
    let res = w
        .app
        .get("/api/v1/tickets?open=maybe")
        .bearer(&w.manager)
        .send();
    assert_eq!(res.status, 400, "{}", res.body);
}

/// The board's orders (issue 18): newest first and most urgent first, paged by (column, id)
/// so that a walk with `cursor` sees every ticket once, within what the caller may see.
#[test]
fn the_board_pages_newest_first_and_most_urgent_first() {
    let w = world();
    let created: Vec<Value> = ["low", "high", "normal", "high"]
        .into_iter()
        .map(|p| w.fault(p))
        .collect();
    let theirs = w.assign(&w.fault("urgent"), &w.eng2_id);

    let mut walked = Vec::new();
    let mut path = "/api/v1/tickets?sort=-created_at&limit=2".to_owned();
    loop {
        let res = w.app.get(&path).bearer(&w.manager).send();
        assert_eq!(res.status, 200, "{}", res.body);
        let page = res.json();
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 2);
        walked.extend(items.iter().map(|t| id(t).to_owned()));
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/tickets?sort=-created_at&limit=2&cursor={c}"),
            None => break,
        }
    }
    let mut newest_first: Vec<String> = created.iter().map(|t| id(t).to_owned()).collect();
    newest_first.push(id(&theirs).to_owned());
    newest_first.reverse();
    assert_eq!(walked, newest_first);
    assert_eq!(
        ids(&w, &w.manager, "/api/v1/tickets?sort=created_at"),
        newest_first.iter().rev().cloned().collect::<Vec<_>>()
    );

    let res = w
        .app
        .get("/api/v1/tickets?sort=resolution_due_at")
        .bearer(&w.manager)
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    let urgent: Vec<(String, String)> = res.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["resolution_due_at"].as_str().unwrap().to_owned(),
                id(t).to_owned(),
            )
        })
        .collect();
    let mut by_due = urgent.clone();
    by_due.sort_by(|a, b| {
        due_instant(&a.0)
            .cmp(&due_instant(&b.0))
            .then(a.1.cmp(&b.1))
    });
    assert_eq!(urgent, by_due);
    assert_eq!(urgent.len(), 5);
    assert_eq!(urgent[0].1, id(&theirs), "the urgent ticket is due first");

    let mine = ids(&w, &w.eng2, "/api/v1/tickets?sort=-created_at");
    assert_eq!(
        mine,
        [id(&theirs)],
        "an engineer's board holds their own tickets only"
    );

    let mixed = w
        .app
        .get("/api/v1/tickets?sort=-created_at&updated_since=2026-01-01T00:00:00Z")
        .bearer(&w.manager)
        .send();
    let problem = mixed.problem(400, "bad-request");
    assert_eq!(problem["errors"][0]["field"], "query.sort", "{problem}");
    let id_cursor = w
        .app
        .get("/api/v1/tickets?limit=1")
        .bearer(&w.manager)
        .send()
        .json()["next_cursor"]
        .as_str()
        .unwrap()
        .to_owned();
    let foreign = w
        .app
        .get(&format!(
            "/api/v1/tickets?sort=-created_at&cursor={id_cursor}"
        ))
        .bearer(&w.manager)
        .send();
    let problem = foreign.problem(400, "bad-request");
    assert_eq!(problem["errors"][0]["field"], "query.cursor", "{problem}");
    let bogus = w
        .app
        .get("/api/v1/tickets?sort=priority")
        .bearer(&w.manager)
        .send();
    assert_eq!(bogus.status, 400, "{}", bogus.body);
}

fn due_instant(s: &str) -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339(s).unwrap()
}
