//! The knowledge base (KB-1): versioned articles, `q=` search with Chinese words, drafts
//! hidden from customer contacts.

use crate::tickets::{id, world};
use crate::{actions, audit_of};
use kefu_blackbox::{Resp, TestApp};
use serde_json::{Value, json};

pub const CLERK_PASSWORD: &str = "Clerk-pass-1";

/// Writes an article as `token`; asserts 201.
pub fn article(app: &TestApp, token: &str, body: Value) -> Value {
    let res = app
        .post("/api/v1/kb-articles")
        .bearer(token)
        .json(&body)
        .send();
    assert_eq!(res.status, 201, "{}", res.body);
    assert!(res.header("location").is_some());
    res.json()
}

fn search(app: &TestApp, token: &str, query: &str) -> Vec<String> {
    let res = app
        .get(&format!("/api/v1/kb-articles?{query}"))
        .bearer(token)
        .send();
    assert_eq!(res.status, 200, "{query}: {}", res.body);
    res.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap().to_owned())
        .collect()
}

fn q(word: &str) -> String {
    format!("q={}", urlencoding(word))
}

/// Percent-encodes a query value (UTF-8 bytes), enough for these tests.
fn urlencoding(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn command(app: &TestApp, token: &str, a: &Value, verb: &str) -> Resp {
    app.post(&format!("/api/v1/kb-articles/{}/{verb}", id(a)))
        .bearer(token)
        .if_match(&format!("\"{}\"", a["version"]))
        .send()
}

#[test]
fn kb_1_search_finds_chinese_words_in_the_answer_and_hides_drafts_from_customers() {
    let w = world();
    let app = &w.app;
    app.create_user(&w.admin, "kefu", &["clerk"], CLERK_PASSWORD);
    app.create_user(&w.admin, "kehu", &["customer_contact"], "Contact-pass-1");
    let clerk = app.token("kefu", CLERK_PASSWORD);
    let contact = app.token("kehu", "Contact-pass-1");

    let offline = article(
        app,
        &clerk,
        json!({"title": "报警主机离线", "problem": "云平台显示设备未连接",
               "answer": "请重启路由器后重新登记网络参数，并检查防火墙端口是否开放。",
               "tags": [" 网络 ", "报警主机", "网络"]}),
    );
    assert_eq!(offline["status"], "draft");
    assert_eq!(offline["version_no"], 1);
    assert_eq!(offline["tags"], json!(["网络", "报警主机"]));
    article(
        app,
        &clerk,
        json!({"title": "管理员密码恢复", "problem": "Forgot the ADMIN password",
               "answer": "提交管理员密码恢复申请表，核实后重置。", "tags": ["密码"]}),
    );

    // Words of the answer: three characters (the trigram index on PostgreSQL), two
    // characters (a scan) and a phrase; ASCII case does not matter.
    assert_eq!(search(app, &clerk, &q("防火墙")), vec!["报警主机离线"]);
    assert_eq!(search(app, &clerk, &q("端口")), vec!["报警主机离线"]);
    assert_eq!(
        search(app, &clerk, &q("重新登记网络参数")),
        vec!["报警主机离线"]
    );
    assert_eq!(search(app, &clerk, &q("admin")), vec!["管理员密码恢复"]);
    assert_eq!(search(app, &clerk, &q("密码")), vec!["管理员密码恢复"]);
    // LIKE wildcards in `q` are plain characters.
    assert!(search(app, &clerk, &q("%")).is_empty());
    assert!(search(app, &clerk, &q("_")).is_empty());
    assert_eq!(
        search(app, &clerk, "tag=%E7%BD%91%E7%BB%9C"),
        vec!["报警主机离线"]
    );
    assert_eq!(search(app, &clerk, "status=draft").len(), 2);
    // A draft is not found by a customer contact.
    assert!(search(app, &contact, &q("端口")).is_empty());
    app.get("/api/v1/kb-articles?bogus=1")
        .bearer(&clerk)
        .send()
        .problem(400, "bad-request");
}

#[test]
fn kb_1_customer_contacts_read_published_articles_only() {
    let w = world();
    let app = &w.app;
    app.create_user(&w.admin, "kefu", &["clerk"], CLERK_PASSWORD);
    app.create_user(&w.admin, "kehu", &["customer_contact"], "Contact-pass-1");
    let clerk = app.token("kefu", CLERK_PASSWORD);
    let contact = app.token("kehu", "Contact-pass-1");
    let a = article(
        app,
        &clerk,
        json!({"title": "网站无法登录", "problem": "客户门户登录失败",
               "answer": "请清除浏览器缓存后重试。"}),
    );
    assert!(search(app, &contact, &q("缓存")).is_empty());
    let path = format!("/api/v1/kb-articles/{}", id(&a));
    app.get(&path)
        .bearer(&contact)
        .send()
        .problem(404, "not-found");

    // An engineer writes drafts but does not publish.
    command(app, &w.eng1, &a, "publish").problem(403, "forbidden");
    let res = command(app, &clerk, &a, "publish");
    assert_eq!(res.status, 200, "{}", res.body);
    let a = res.json();
    assert_eq!(a["status"], "published");
    command(app, &clerk, &a, "publish").rule_conflict("KB-1");
    assert_eq!(search(app, &contact, &q("缓存")), vec!["网站无法登录"]);
    let got = app.get(&path).bearer(&contact).send();
    assert_eq!(got.status, 200);
    assert_eq!(got.json()["answer"], "请清除浏览器缓存后重试。");
    // Customer contacts do not read the editing history.
    app.get(&format!("{path}/versions"))
        .bearer(&contact)
        .send()
        .problem(403, "forbidden");

    let res = command(app, &w.manager, &a, "archive");
    assert_eq!(res.status, 200, "{}", res.body);
    assert!(search(app, &contact, &q("缓存")).is_empty());
    app.get(&path)
        .bearer(&contact)
        .send()
        .problem(404, "not-found");
    let entries = audit_of(app, &w.admin, "kb_article", id(&a));
    assert_eq!(
        actions(&entries),
        vec![
            "kb_article.create",
            "kb_article.publish",
            "kb_article.archive"
        ]
    );
}

#[test]
fn kb_1_every_edit_is_a_readable_version() {
    let w = world();
    let app = &w.app;
    app.create_user(&w.admin, "kefu", &["clerk"], CLERK_PASSWORD);
    let clerk = app.token("kefu", CLERK_PASSWORD);
    let a = article(
        app,
        &w.eng1,
        json!({"title": "主机通讯故障", "problem": "主机与平台通讯中断", "answer": "检查通讯板指示灯。"}),
    );
    let path = format!("/api/v1/kb-articles/{}", id(&a));
    // If-Match is required for an edit.
    app.patch(&path)
        .bearer(&clerk)
        .json(&json!({"answer": "x"}))
        .send()
        .problem(428, "precondition-required");
    let res = app
        .patch(&path)
        .bearer(&w.eng1)
        .if_match(&format!("\"{}\"", a["version"]))
        .json(&json!({"answer": "检查通讯板指示灯，必要时更换通讯模块。", "change_note": "补充更换步骤"}))
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    let a2 = res.json();
    assert_eq!(a2["version_no"], 2);
    assert_eq!(a2["title"], "主机通讯故障");
    let res = command(app, &clerk, &a2, "publish");
    assert_eq!(res.status, 200, "{}", res.body);
    let a3 = res.json();
    // A published article is edited by the office only.
    let res = app
        .patch(&path)
        .bearer(&w.eng1)
        .if_match(&format!("\"{}\"", a3["version"]))
        .json(&json!({"title": "改"}))
        .send();
    res.problem(403, "forbidden");
    // A stale version is 412.
    app.patch(&path)
        .bearer(&clerk)
        .if_match(&format!("\"{}\"", a2["version"]))
        .json(&json!({"title": "改"}))
        .send()
        .problem(412, "precondition-failed");
    let res = app
        .patch(&path)
        .bearer(&clerk)
        .if_match(&format!("\"{}\"", a3["version"]))
        .json(&json!({"title": "报警主机通讯故障", "tags": ["通讯"]}))
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    let a4 = res.json();
    assert_eq!(a4["version_no"], 3);
    assert_eq!(a4["status"], "published");
    assert_eq!(
        search(app, &clerk, &q("通讯模块")),
        vec!["报警主机通讯故障"]
    );

    let res = app.get(&format!("{path}/versions")).bearer(&w.eng2).send();
    assert_eq!(res.status, 200, "{}", res.body);
    let versions = res.json()["items"].as_array().unwrap().clone();
    assert_eq!(versions.len(), 3);
    assert_eq!(versions[0]["answer"], "检查通讯板指示灯。");
    assert_eq!(versions[1]["change_note"], "补充更换步骤");
    assert_eq!(versions[1]["title"], "主机通讯故障");
    assert_eq!(versions[2]["title"], "报警主机通讯故障");
    assert_eq!(versions[2]["tags"], json!(["通讯"]));
    let v1 = app.get(&format!("{path}/versions/1")).bearer(&clerk).send();
    assert_eq!(v1.status, 200, "{}", v1.body);
    assert_eq!(v1.json()["answer"], "检查通讯板指示灯。");
    assert_eq!(v1.json()["edited_by"], w.eng1_id.as_str());
    for n in ["4", "0", "abc"] {
        app.get(&format!("{path}/versions/{n}"))
            .bearer(&clerk)
            .send()
            .problem(404, "not-found");
    }

    let entries = audit_of(app, &w.admin, "kb_article", id(&a));
    assert_eq!(
        actions(&entries),
        vec![
            "kb_article.create",
            "kb_article.update",
            "kb_article.publish",
            "kb_article.update"
        ]
    );
    assert_eq!(entries[1]["before"]["answer"], "检查通讯板指示灯。");
}
