//! Lists exported as CSV and XLSX: the same rows as the JSON list (across pages), Chinese text
//! intact, the list's filters and ORG-5 applied, formula-like text defused in CSV.
use calamine::{Reader, Xlsx, open_workbook_from_rs};
use kefu_blackbox::{Resp, TestApp};
use serde_json::{Value, json};

const PASSWORD: &str = "Secret-pass-123";
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// RFC 4180: quoted fields may hold commas, quotes (doubled) and line breaks.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut field) = (Vec::new(), Vec::new(), String::new());
    let (mut quoted, mut chars) = (false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(field.is_empty() && row.is_empty(), "CSV must end with CRLF");
    rows
}

pub fn csv(res: &Resp) -> Vec<Vec<String>> {
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(
        res.header("content-type").as_deref(),
        Some("text/csv; charset=utf-8")
    );
    let text = res.body.strip_prefix('\u{feff}').expect("UTF-8 BOM");
    parse_csv(text)
}

pub fn xlsx(res: &Resp) -> Vec<Vec<String>> {
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.header("content-type").as_deref(), Some(XLSX));
    let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(res.bytes.clone())).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

/// Every item of a JSON list, following the cursors.
fn all(app: &TestApp, token: &str, path: &str) -> Vec<Value> {
    let (mut items, mut cursor) = (Vec::new(), None::<String>);
    loop {
        let page = match &cursor {
            Some(c) => format!("{path}?limit=200&cursor={c}"),
            None => format!("{path}?limit=200"),
        };
        let res = app.get(&page).bearer(token).send();
        assert_eq!(res.status, 200, "{}", res.body);
        let body = res.json();
        items.extend(body["items"].as_array().unwrap().iter().cloned());
        match body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return items,
        }
    }
}

fn column(rows: &[Vec<String>], name: &str) -> Vec<String> {
    let at = rows[0].iter().position(|h| h == name).unwrap();
    rows[1..].iter().map(|r| r[at].clone()).collect()
}

fn field(items: &[Value], name: &str) -> Vec<String> {
    items
        .iter()
        .map(|i| i[name].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// 250 customers through the sync batch (more than one page of an export), plus a few with
/// awkward text, and one of the engineer's own.
fn customers(app: &TestApp, admin: &str, engineer: &str) {
    for chunk in 0..3 {
        let commands: Vec<Value> = (0..100)
            .filter(|i| chunk * 100 + i < 250)
            .map(|i| {
                let n = chunk * 100 + i;
                json!({"idempotency_key": format!("seed-{n}"), "op": "customers.create",
                       "body": {"name": format!("杭州客户{n:03}")}})
            })
            .collect();
        let res = app
            .post("/api/v1/sync/batch")
            .bearer(admin)
            .json(&json!({ "commands": commands }))
            .send();
        assert_eq!(res.status, 200, "{}", res.body);
    }
    for body in [
        json!({"name": "西湖区\"消防\", 设备公司", "phone": "+86 571 8888 6666",
               "note": "=HYPERLINK(\"http://evil\")\n第二行"}),
        json!({"name": "@滨江物业", "key_account": true}),
    ] {
        let res = app
            .post("/api/v1/customers")
            .bearer(admin)
            .json(&body)
            .send();
        assert_eq!(res.status, 201, "{}", res.body);
    }
    let res = app
        .post("/api/v1/customers")
        .bearer(engineer)
        .json(&json!({"name": "工程师自己的客户"}))
        .send();
    assert_eq!(res.status, 201, "{}", res.body);
}

#[test]
fn the_customer_list_exports_as_xlsx_and_csv_with_the_rows_of_the_json_list() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    app.create_user(&admin, "eng", &["engineer"], PASSWORD);
    let engineer = app.token("eng", PASSWORD);
    customers(&app, &admin, &engineer);
    let listed = all(&app, &admin, "/api/v1/customers");
    assert_eq!(listed.len(), 253);

    let res = app
        .get("/api/v1/customers/export?format=xlsx")
        .bearer(&admin)
        .send();
    let disposition = res.header("content-disposition").unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"customers-")
            && disposition.ends_with(".xlsx\""),
        "{disposition}"
    );
    let sheet = xlsx(&res);
    assert_eq!(sheet[0][..3], ["id", "name", "phone"]);
    assert_eq!(
        sheet.len(),
        254,
        "a header and every customer, not one page"
    );
    assert_eq!(column(&sheet, "id"), field(&listed, "id"));
    assert_eq!(column(&sheet, "name"), field(&listed, "name"));
    assert!(column(&sheet, "name").contains(&"西湖区\"消防\", 设备公司".to_owned()));
    let awkward = listed
        .iter()
        .position(|c| c["name"] == "@滨江物业")
        .unwrap();
    assert_eq!(column(&sheet, "key_account")[awkward], "true");
    assert_eq!(
        column(&sheet, "name")[awkward],
        "@滨江物业",
        "XLSX text is never a formula"
    );

    let res = app
        .get("/api/v1/customers/export?columns=zh")
        .bearer(&admin)
        .send();
    assert!(
        res.header("content-disposition")
            .unwrap()
            .ends_with(".csv\"")
    );
    let rows = csv(&res);
    assert_eq!(rows[0][..3], ["客户编号", "客户名称", "电话"]);
    assert_eq!(rows.len(), 254);
    assert_eq!(column(&rows, "客户编号"), field(&listed, "id"));
    let names = column(&rows, "客户名称");
    let notes = column(&rows, "备注");
    let phones = column(&rows, "电话");
    for (i, c) in listed.iter().enumerate() {
        match c["name"].as_str().unwrap() {
            "@滨江物业" => assert_eq!(names[i], "'@滨江物业"),
            "西湖区\"消防\", 设备公司" => {
                assert_eq!(names[i], "西湖区\"消防\", 设备公司");
                assert_eq!(phones[i], "'+86 571 8888 6666");
                assert_eq!(notes[i], "'=HYPERLINK(\"http://evil\")\n第二行");
            }
            name => assert_eq!(names[i], name),
        }
    }

    // The list's filters apply; ORG-5 too: an engineer exports only their own customers.
    let rows = csv(&app
        .get("/api/v1/customers/export?format=csv&q=杭州客户24")
        .bearer(&admin)
        .send());
    assert_eq!(
        column(&rows, "name"),
        [
            "杭州客户240",
            "杭州客户241",
            "杭州客户242",
            "杭州客户243",
            "杭州客户244",
            "杭州客户245",
            "杭州客户246",
            "杭州客户247",
            "杭州客户248",
            "杭州客户249"
        ]
    );
    let rows = csv(&app
        .get("/api/v1/customers/export?format=csv")
        .bearer(&engineer)
        .send());
    assert_eq!(column(&rows, "name"), ["工程师自己的客户"]);
    let sheet = xlsx(
        &app.get("/api/v1/customers/export")
            .header("Accept", XLSX)
            .bearer(&engineer)
            .send(),
    );
    assert_eq!(column(&sheet, "name"), ["工程师自己的客户"]);
    // The list answers only its JSON page: the export's parameters are unknown to it, and
    // `Accept` does not turn it into a file (one 200 schema per operation).
    let res = app
        .get("/api/v1/customers")
        .header("Accept", "text/csv")
        .bearer(&engineer)
        .send();
    assert_eq!(
        res.header("content-type").as_deref(),
        Some("application/json")
    );
    assert_eq!(res.json()["items"].as_array().unwrap().len(), 1);
    for param in ["format=csv", "headers=zh", "columns=zh"] {
        let p = app
            .get(&format!("/api/v1/customers?{param}"))
            .bearer(&admin)
            .send()
            .problem(400, "bad-request");
        let name = param.split('=').next().unwrap();
        assert_eq!(p["errors"][0]["field"], format!("query.{name}"), "{p}");
    }
    app.get("/api/v1/customers/export?format=pdf")
        .bearer(&admin)
        .send()
        .problem(400, "bad-request");
    // The export is the whole list: it takes no page.
    let p = app
        .get("/api/v1/customers/export?limit=5")
        .bearer(&admin)
        .send()
        .problem(400, "bad-request");
    assert_eq!(p["errors"][0]["field"], "query.limit", "{p}");
    // Only `GET` exports.
    app.post("/api/v1/customers/export")
        .bearer(&admin)
        .json(&json!({}))
        .send()
        .problem(405, "method-not-allowed");
    app.get("/api/v1/customers/export?format=csv&columns=fr")
        .bearer(&admin)
        .send()
        .problem(400, "bad-request");
    let p = app
        .get("/api/v1/sites/export?format=xlsx&cursor=%E8%95%89")
        .bearer(&admin)
        .send()
        .problem(400, "bad-request");
    assert_eq!(p["errors"][0]["field"], "query.cursor", "{p}");
    app.get("/api/v1/customers/export?format=csv")
        .send()
        .problem(401, "unauthenticated");
}

#[test]
fn other_lists_export_and_an_xlsx_over_the_cap_is_refused() {
    let app = TestApp::builder()
        .env("KEFU_EXPORT_XLSX_MAX_ROWS", "2")
        .spawn();
    let admin = app.admin_token();
    app.create_user(&admin, "hr1", &["hr", "clerk"], PASSWORD);
    let rows = csv(&app
        .get("/api/v1/users/export?format=csv&columns=zh")
        .bearer(&admin)
        .send());
    assert_eq!(rows[0][..2], ["用户编号", "用户名"]);
    assert_eq!(column(&rows, "用户名"), ["admin", "hr1"]);
    assert_eq!(column(&rows, "角色")[1], "clerk, hr");
    let sheet = xlsx(
        &app.get("/api/v1/users/export?format=xlsx")
            .bearer(&admin)
            .send(),
    );
    assert_eq!(column(&sheet, "username"), ["admin", "hr1"]);
    app.create_user(&admin, "hr2", &["hr"], PASSWORD);
    let res = app
        .get("/api/v1/users/export?format=xlsx")
        .bearer(&admin)
        .send();
    let p = res.problem(422, "validation");
    assert_eq!(p["errors"][0]["field"], "query.format");
    // CSV has no cap: it is streamed.
    assert_eq!(
        csv(&app
            .get("/api/v1/users/export?format=csv")
            .bearer(&admin)
            .send())
        .len(),
        4
    );
    for list in [
        "sites",
        "contacts",
        "equipment",
        "employees",
        "products",
        "teams",
    ] {
        let rows = csv(&app
            .get(&format!("/api/v1/{list}/export?format=csv"))
            .bearer(&admin)
            .send());
        assert_eq!(rows.len(), 1, "{list}: only the header");
        assert_eq!(rows[0][0], "id");
    }
}

/// The ticket list exports with its filters and ORG-5 scope: the manager gets every ticket
/// with Chinese headers, an engineer only the ones assigned to them.
#[test]
fn tickets_export_with_the_callers_scope_and_filters() {
    use crate::tickets::world;
    let w = world();
    let mine = w.assign(&w.fault("urgent"), &w.eng1_id);
    let theirs = w.assign(&w.fault("normal"), &w.eng2_id);
    let open = w.fault("low");

    let rows = csv(&w
        .app
        .get("/api/v1/tickets/export?format=csv&columns=zh")
        .bearer(&w.manager)
        .send());
    assert_eq!(rows[0][0], "工单号");
    assert!(rows[0].contains(&"负责工程师".to_owned()), "{:?}", rows[0]);
    let mut numbers = column(&rows, "工单号");
    numbers.sort();
    let mut expected = field(&[mine.clone(), theirs, open.clone()], "number");
    expected.sort();
    assert_eq!(numbers, expected);
    assert_eq!(
        column(&rows, "问题描述"),
        ["报警主机通讯故障"; 3].map(str::to_owned)
    );

    let rows = xlsx(
        &w.app
            .get("/api/v1/tickets/export?format=xlsx")
            .bearer(&w.eng1)
            .send(),
    );
    assert_eq!(
        column(&rows, "number"),
        field(std::slice::from_ref(&mine), "number")
    );
    assert_eq!(column(&rows, "assignee_id"), [w.eng1_id.as_str()]);

    // CSV is the default format.
    let rows = csv(&w
        .app
        .get("/api/v1/tickets/export?status=new")
        .bearer(&w.manager)
        .send());
    assert_eq!(column(&rows, "number"), field(&[open], "number"));
}
