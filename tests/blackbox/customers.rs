use crate::{actions, audit_of};
use kefu_blackbox::{Resp, TestApp};
use serde_json::{Value, json};

fn post(app: &TestApp, token: &str, path: &str, body: Value) -> Resp {
    app.post(path).bearer(token).json(&body).send()
}

fn created(res: Resp) -> Value {
    assert_eq!(res.status, 201, "{}", res.body);
    res.json()
}

fn city(app: &TestApp, admin: &str, name: &str, station: bool, counties: &[&str]) -> Value {
    created(post(
        app,
        admin,
        "/api/v1/cities",
        json!({"name": name, "province": "浙江省", "has_station": station, "counties": counties}),
    ))
}

fn customer(app: &TestApp, token: &str, body: Value) -> Value {
    created(post(app, token, "/api/v1/customers", body))
}

fn items(res: Resp) -> Vec<Value> {
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()["items"].as_array().unwrap().clone()
}

fn names(list: &[Value]) -> Vec<String> {
    list.iter()
        .map(|v| v["name"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn customers_sites_and_contacts_are_created_read_changed_and_audited() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    city(&app, &admin, "杭州市", true, &["桐庐县", "淳安县"]);
    city(&app, &admin, "温州市", false, &[]);
    let c = customer(
        &app,
        &admin,
        json!({"name": "杭州消防设备有限公司", "phone": "0571-8888 6666", "key_account": true,
               "dealer_name": "华东经销部"}),
    );
    let cid = c["id"].as_str().unwrap();
    assert_eq!(c["key_account"], true);
    assert_eq!(c["contact_allowed"], false, "CUS-1: no dealer consent yet");
    assert_eq!(c["deleted"], false);

    let site = |name: &str, city: &str, county: Option<&str>| {
        created(post(
            &app,
            &admin,
            "/api/v1/sites",
            json!({"customer_id": cid, "name": name, "address": "某路 1 号", "city": city, "county": county}),
        ))
    };
    let hq = site("总部", "杭州市", None);
    assert_eq!(hq["location_class"], "local");
    assert_eq!(
        site("桐庐工厂", "杭州市", Some("桐庐县"))["location_class"],
        "county"
    );
    assert_eq!(site("温州仓库", "温州市", None)["location_class"], "remote");

    let hq_id = hq["id"].as_str().unwrap();
    let overridden = app
        .patch(&format!("/api/v1/sites/{hq_id}"))
        .bearer(&admin)
        .if_match("\"1\"")
        .json(&json!({"location_class_override": "remote"}))
        .send();
    assert_eq!(overridden.status, 200, "{}", overridden.body);
    assert_eq!(overridden.json()["location_class"], "remote");
    assert_eq!(overridden.json()["derived_location_class"], "local");

    let contact = created(post(
        &app,
        &admin,
        "/api/v1/contacts",
        json!({"customer_id": cid, "site_id": hq_id, "name": "王经理", "phone": "139 0571 0000",
               "authorised_signer": true}),
    ));
    assert_eq!(contact["authorised_signer"], true);

    let consent = app
        .patch(&format!("/api/v1/customers/{cid}"))
        .bearer(&admin)
        .if_match("\"1\"")
        .json(&json!({"dealer_consent": true, "phone": null}))
        .send();
    assert_eq!(consent.status, 200, "{}", consent.body);
    assert_eq!(consent.json()["contact_allowed"], true);
    assert_eq!(consent.json()["phone"], Value::Null);
    let reread = app
        .get(&format!("/api/v1/customers/{cid}"))
        .bearer(&admin)
        .send();
    assert_eq!(reread.etag(), "\"2\"");
    assert_eq!(reread.json(), consent.json());

    let trail = audit_of(&app, &admin, "customer", cid);
    assert_eq!(actions(&trail), ["customer.create", "customer.update"]);
    assert_eq!(trail[1]["before"]["dealer_consent"], false);
    assert_eq!(trail[1]["after"]["dealer_consent"], true);
    assert_eq!(
        actions(&audit_of(&app, &admin, "site", hq_id)),
        ["site.create", "site.update"]
    );

    let sites = items(
        app.get(&format!("/api/v1/sites?customer_id={cid}"))
            .bearer(&admin)
            .send(),
    );
    assert_eq!(sites.len(), 3);
    let contacts = items(
        app.get(&format!(
            "/api/v1/contacts?customer_id={cid}&authorised_signer=true"
        ))
        .bearer(&admin)
        .send(),
    );
    assert_eq!(names(&contacts), ["王经理"]);
}

#[test]
fn bad_input_names_the_field_and_writes_nothing() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    city(&app, &admin, "杭州市", true, &["桐庐县"]);
    let bad_phone = post(
        &app,
        &admin,
        "/api/v1/customers",
        json!({"name": "甲", "phone": "call me"}),
    );
    assert_eq!(
        bad_phone.problem(422, "validation")["errors"][0]["field"],
        "phone"
    );
    let consent = post(
        &app,
        &admin,
        "/api/v1/customers",
        json!({"name": "甲", "dealer_consent": true}),
    );
    assert_eq!(
        consent.problem(422, "validation")["errors"][0]["field"],
        "dealer_consent"
    );
    let c = customer(&app, &admin, json!({"name": "甲"}));
    let site = |body: Value| post(&app, &admin, "/api/v1/sites", body);
    let base =
        json!({"customer_id": c["id"], "name": "厂区", "address": "一路 1 号", "city": "杭州市"});
    let mut unknown_city = base.clone();
    unknown_city["city"] = json!("火星市");
    let p = site(unknown_city).problem(422, "validation");
    assert_eq!(
        (
            p["errors"][0]["field"].as_str(),
            p["errors"][0]["code"].as_str()
        ),
        (Some("city"), Some("unknown_city"))
    );
    let mut unknown_county = base.clone();
    unknown_county["county"] = json!("某某县");
    assert_eq!(
        site(unknown_county).problem(422, "validation")["errors"][0]["field"],
        "county"
    );
    let mut no_customer = base.clone();
    no_customer["customer_id"] = json!("nope");
    assert_eq!(
        site(no_customer).problem(422, "validation")["errors"][0]["field"],
        "customer_id"
    );
    let contact = post(
        &app,
        &admin,
        "/api/v1/contacts",
        json!({"customer_id": c["id"], "name": "李", "phone": "12"}),
    );
    assert_eq!(
        contact.problem(422, "validation")["errors"][0]["field"],
        "phone"
    );
    assert!(items(app.get("/api/v1/sites").bearer(&admin).send()).is_empty());
    assert!(items(app.get("/api/v1/contacts").bearer(&admin).send()).is_empty());
    assert_eq!(
        items(app.get("/api/v1/customers").bearer(&admin).send()).len(),
        1
    );
}

/// ORG-5: an engineer sees their own customers; a customer's own user sees only that
/// customer; anything else is 404, in lists too.
#[test]
fn each_caller_sees_only_their_customers() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    city(&app, &admin, "杭州市", true, &[]);
    let eng = app.create_user(&admin, "eng.a", &["engineer"], "Engineer-pass-1");
    app.create_user(&admin, "eng.b", &["engineer"], "Engineer-pass-2");
    let a = customer(
        &app,
        &admin,
        json!({"name": "甲公司", "owner_user_id": eng["id"]}),
    );
    let b = customer(&app, &admin, json!({"name": "乙公司"}));
    let site_of = |c: &Value| {
        created(post(
            &app,
            &admin,
            "/api/v1/sites",
            json!({"customer_id": c["id"], "name": "厂区", "address": "一路 1 号", "city": "杭州市"}),
        ))
    };
    let (sa, sb) = (site_of(&a), site_of(&b));
    let contact_a = created(post(
        &app,
        &admin,
        "/api/v1/contacts",
        json!({"customer_id": a["id"], "name": "甲联系人", "phone": "13900000000", "authorised_signer": true}),
    ));

    // The engineer of A.
    let eng_a = app.token("eng.a", "Engineer-pass-1");
    assert_eq!(
        names(&items(app.get("/api/v1/customers").bearer(&eng_a).send())),
        ["甲公司"]
    );
    app.get(&format!("/api/v1/customers/{}", b["id"].as_str().unwrap()))
        .bearer(&eng_a)
        .send()
        .problem(404, "not-found");
    app.get(&format!("/api/v1/sites/{}", sb["id"].as_str().unwrap()))
        .bearer(&eng_a)
        .send()
        .problem(404, "not-found");
    app.patch(&format!("/api/v1/customers/{}", b["id"].as_str().unwrap()))
        .bearer(&eng_a)
        .if_match("\"1\"")
        .json(&json!({"name": "改名"}))
        .send()
        .problem(404, "not-found");
    // An engineer cannot hand customers around.
    app.patch(&format!("/api/v1/customers/{}", a["id"].as_str().unwrap()))
        .bearer(&eng_a)
        .if_match("\"1\"")
        .json(&json!({"owner_user_id": null}))
        .send()
        .problem(403, "forbidden");
    // Their new customer is theirs.
    let mine = customer(&app, &eng_a, json!({"name": "丙公司"}));
    assert_eq!(mine["owner_user_id"], eng["id"]);
    let eng_b = app.token("eng.b", "Engineer-pass-2");
    assert!(items(app.get("/api/v1/customers").bearer(&eng_b).send()).is_empty());

    // A's own contact, with a login.
    let login = app
        .post(&format!(
            "/api/v1/contacts/{}/login",
            contact_a["id"].as_str().unwrap()
        ))
        .bearer(&admin)
        .if_match("\"1\"")
        .json(&json!({"username": "jia.contact"}))
        .send();
    assert_eq!(login.status, 201, "{}", login.body);
    let granted = login.json();
    assert_eq!(granted["user"]["roles"], json!(["customer_contact"]));
    assert_eq!(granted["contact"]["user_id"], granted["user"]["id"]);
    let temporary = granted["generated_password"].as_str().unwrap();
    let first = app.token("jia.contact", temporary);
    let changed = app
        .post("/api/v1/me/password")
        .bearer(&first)
        .json(&json!({"current_password": temporary, "new_password": "Contact-pass-1"}))
        .send();
    assert_eq!(changed.status, 204, "{}", changed.body);
    let contact = app.token("jia.contact", "Contact-pass-1");
    assert_eq!(
        names(&items(app.get("/api/v1/customers").bearer(&contact).send())),
        ["甲公司"]
    );
    let sites = items(app.get("/api/v1/sites").bearer(&contact).send());
    assert_eq!(sites.len(), 1);
    assert_eq!(sites[0]["id"], sa["id"]);
    app.get(&format!("/api/v1/sites/{}", sb["id"].as_str().unwrap()))
        .bearer(&contact)
        .send()
        .problem(404, "not-found");
    app.get(&format!("/api/v1/customers/{}", b["id"].as_str().unwrap()))
        .bearer(&contact)
        .send()
        .problem(404, "not-found");
    // Read-only for them.
    post(&app, &contact, "/api/v1/customers", json!({"name": "丁"})).problem(403, "forbidden");
}

#[test]
fn search_finds_customers_by_name_phone_and_city() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    city(&app, &admin, "温州市", false, &[]);
    customer(
        &app,
        &admin,
        json!({"name": "杭州消防设备有限公司", "phone": "0571-1234567"}),
    );
    let w = customer(&app, &admin, json!({"name": "瑞安电子厂"}));
    created(post(
        &app,
        &admin,
        "/api/v1/sites",
        json!({"customer_id": w["id"], "name": "厂区", "address": "一路 1 号", "city": "温州市"}),
    ));
    let search = |q: &str| {
        names(&items(
            app.get(&format!("/api/v1/customers?q={}", urlencode(q)))
                .bearer(&admin)
                .send(),
        ))
    };
    assert_eq!(search("消防"), ["杭州消防设备有限公司"]);
    assert_eq!(search("1234567"), ["杭州消防设备有限公司"]);
    assert_eq!(search("温州"), ["瑞安电子厂"]);
    assert!(search("北京").is_empty());
    assert!(search("100%").is_empty(), "wildcards are literal");
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[test]
fn delta_sync_returns_changes_and_tombstones_in_order() {
    let (app, clock) = TestApp::clocked("2026-03-09T10:00:00+08:00");
    let admin = app.admin_token();
    city(&app, &admin, "杭州市", true, &[]);
    let a = customer(&app, &admin, json!({"name": "甲"}));
    customer(&app, &admin, json!({"name": "乙"}));
    // A minute after the creations, beyond the 60 s every delta list reaches back.
    let since = "2026-03-09T10:01:00+08:00".to_owned();
    clock.set("2026-03-09T10:02:00+08:00");
    let site = created(post(
        &app,
        &admin,
        "/api/v1/sites",
        json!({"customer_id": a["id"], "name": "厂区", "address": "一路 1 号", "city": "杭州市"}),
    ));
    let c = customer(&app, &admin, json!({"name": "丙"}));
    clock.set("2026-03-09T10:03:00+08:00");
    let deleted = app
        .req(
            "DELETE",
            &format!("/api/v1/customers/{}", a["id"].as_str().unwrap()),
        )
        .bearer(&admin)
        .if_match("\"1\"")
        .send();
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    assert_eq!(deleted.json()["deleted"], true);

    // Changed since b: c, then a's tombstone; one per page.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!(
            "/api/v1/customers?limit=1&updated_since={}",
            urlencode(&since)
        );
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let page = app.get(&path).bearer(&admin).send().json();
        for item in page["items"].as_array().unwrap() {
            seen.push((
                item["name"].as_str().unwrap().to_owned(),
                item["deleted"].as_bool().unwrap(),
            ));
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, [("丙".to_owned(), false), ("甲".to_owned(), true)]);
    let _ = c;
    // The site went with its customer, as a tombstone too.
    let sites = items(
        app.get(&format!(
            "/api/v1/sites?updated_since={}",
            urlencode(&since)
        ))
        .bearer(&admin)
        .send(),
    );
    assert_eq!(sites.len(), 1);
    assert_eq!(
        (&sites[0]["id"], &sites[0]["deleted"]),
        (&site["id"], &json!(true))
    );
    // Plain lists leave deleted records out.
    assert_eq!(
        names(&items(app.get("/api/v1/customers").bearer(&admin).send())),
        ["乙", "丙"]
    );
    app.get(&format!("/api/v1/customers/{}", a["id"].as_str().unwrap()))
        .bearer(&admin)
        .send()
        .problem(404, "not-found");
}

#[test]
fn an_offline_create_retried_with_its_id_is_not_repeated() {
    let app = TestApp::spawn();
    let admin = app.admin_token();
    let id = "01900000-0000-7000-8000-00000000abcd";
    let body = json!({"id": id, "name": "离线新建客户"});
    let first = post(&app, &admin, "/api/v1/customers", body.clone());
    assert_eq!(first.status, 201, "{}", first.body);
    let again = post(&app, &admin, "/api/v1/customers", body);
    assert_eq!(again.status, 200);
    assert_eq!(again.json(), first.json());
    assert_eq!(
        items(app.get("/api/v1/customers").bearer(&admin).send()).len(),
        1
    );
    let bad = post(
        &app,
        &admin,
        "/api/v1/customers",
        json!({"id": "not-a-uuid", "name": "x"}),
    );
    assert_eq!(bad.problem(422, "validation")["errors"][0]["field"], "id");
}
