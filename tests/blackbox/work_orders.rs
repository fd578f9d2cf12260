//! Internal work orders (TKT-11): raised from a ticket, solved by the technical centre,
//! closed with the knowledge-base wording; until then the ticket does not resolve.

use crate::knowledge_base::{CLERK_PASSWORD, article};
use crate::tickets::{World, id, world};
use crate::{actions, audit_of};
use kefu_blackbox::Resp;
use serde_json::{Value, json};

fn wo_cmd(w: &World, token: &str, wo: &Value, verb: &str, body: Value) -> Resp {
    w.app
        .post(&format!("/api/v1/work-orders/{}/{verb}", id(wo)))
        .bearer(token)
        .if_match(&format!("\"{}\"", wo["version"]))
        .json(&body)
        .send()
}

fn wo_ok(w: &World, token: &str, wo: &Value, verb: &str, body: Value) -> Value {
    let res = wo_cmd(w, token, wo, verb, body);
    assert_eq!(res.status, 200, "{verb}: {}", res.body);
    res.json()
}

fn inbox_kinds(w: &World, token: &str) -> Vec<(String, String)> {
    let res = w.app.get("/api/v1/me/notifications").bearer(token).send();
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["kind"].as_str().unwrap().to_owned(),
                n["entity_id"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn list_ids(w: &World, token: &str, query: &str) -> Vec<String> {
    let res = w
        .app
        .get(&format!("/api/v1/work-orders{query}"))
        .bearer(token)
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    res.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| id(x).to_owned())
        .collect()
}

#[test]
fn tkt_11_a_work_order_blocks_resolution_until_closed_with_its_kb_article() {
    let w = world();
    let app = &w.app;
    let tech = app.create_user(&w.admin, "jishu", &["engineer"], "Tech-pass-1");
    let tech_token = app.token("jishu", "Tech-pass-1");
    app.create_user(&w.admin, "kefu", &["clerk"], CLERK_PASSWORD);
    let clerk = app.token("kefu", CLERK_PASSWORD);

    let t = w.fault("normal");
    let t = w.assign(&t, &w.eng1_id);
    let t = w.ok(&w.eng1, &t, "start", json!({}));

    // The ticket's engineer raises a work order to the technical centre.
    let res = app
        .post(&format!("/api/v1/tickets/{}/work-orders", id(&t)))
        .bearer(&w.eng1)
        .json(
            &json!({"target": "technical", "title": "固件升级后无法上报",
                      "description": "GST200 升级 2.3 固件后云平台收不到报警事件",
                      "assignee_id": id(&tech)}),
        )
        .send();
    assert_eq!(res.status, 201, "{}", res.body);
    let wo = res.json();
    assert_eq!(wo["status"], "open");
    assert_eq!(wo["raised_by"], w.eng1_id.as_str());
    assert!(
        inbox_kinds(&w, &tech_token)
            .contains(&("work_order.assigned".to_owned(), id(&wo).to_owned()))
    );
    // Another engineer can neither raise one on this ticket nor see this one (ORG-5).
    app.post(&format!("/api/v1/tickets/{}/work-orders", id(&t)))
        .bearer(&w.eng2)
        .json(&json!({"target": "web_operations", "title": "x", "description": "y"}))
        .send()
        .problem(404, "not-found");
    let path = format!("/api/v1/work-orders/{}", id(&wo));
    app.get(&path)
        .bearer(&w.eng2)
        .send()
        .problem(404, "not-found");
    wo_cmd(&w, &w.eng2, &wo, "cancel", json!({"reason": "x"})).problem(404, "not-found");
    assert!(list_ids(&w, &w.eng2, "").is_empty());
    // The assignee sees it without seeing the ticket.
    assert_eq!(app.get(&path).bearer(&tech_token).send().status, 200);
    assert_eq!(list_ids(&w, &tech_token, ""), vec![id(&wo).to_owned()]);
    assert_eq!(
        list_ids(
            &w,
            &w.manager,
            &format!("?ticket_id={}&target=technical", id(&t))
        ),
        vec![id(&wo).to_owned()]
    );
    assert!(list_ids(&w, &w.manager, "?target=web_operations").is_empty());

    let resolve = |t: &Value| {
        w.cmd(
            &w.eng1,
            t,
            "resolve",
            json!({"resolution_summary": "固件问题已由技术服务中心处理"}),
        )
    };
    let p = resolve(&t).problem(422, "rule-violation");
    assert_eq!(p["rule"], "TKT-11");

    // Only the assignee (or a lead) works it; the raiser learns of the solution.
    wo_cmd(&w, &clerk, &wo, "start", json!({})).problem(403, "forbidden");
    let wo = wo_ok(&w, &tech_token, &wo, "start", json!({}));
    assert_eq!(wo["status"], "in_progress");
    let wo = wo_ok(
        &w,
        &tech_token,
        &wo,
        "solve",
        json!({"solution": "回退固件至 2.2 并修正上报地址"}),
    );
    assert_eq!(wo["status"], "solved");
    assert_eq!(wo["solved_by"], id(&tech));
    assert!(
        inbox_kinds(&w, &w.eng1).contains(&("work_order.solved".to_owned(), id(&wo).to_owned()))
    );
    // Solved is not enough: the KB wording is still missing.
    assert_eq!(resolve(&t).problem(422, "rule-violation")["rule"], "TKT-11");

    // Closing without the KB article breaks TKT-11; an unknown article is a field error.
    let p = wo_cmd(&w, &clerk, &wo, "close", json!({})).problem(422, "rule-violation");
    assert_eq!(p["rule"], "TKT-11");
    let p = wo_cmd(
        &w,
        &clerk,
        &wo,
        "close",
        json!({"kb_article_id": "no-such-article"}),
    )
    .problem(422, "validation");
    assert_eq!(p["errors"][0]["field"], "kb_article_id");

    // The support specialist writes the wording and closes the work order with it.
    let kb = article(
        app,
        &clerk,
        json!({"title": "升级固件后报警无法上报", "problem": "GST200 升级 2.3 固件后平台收不到报警",
               "answer": "请联系客服远程回退固件，并重新配置上报地址。"}),
    );
    let wo = wo_ok(&w, &clerk, &wo, "close", json!({"kb_article_id": id(&kb)}));
    assert_eq!(wo["status"], "closed");
    assert_eq!(wo["kb_article_id"], id(&kb));
    assert!(wo["closed_by"].as_str().is_some());
    wo_cmd(&w, &w.manager, &wo, "cancel", json!({"reason": "x"})).rule_conflict("TKT-11");

    let res = resolve(&t);
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.json()["status"], "resolved");

    let entries = audit_of(app, &w.admin, "work_order", id(&wo));
    assert_eq!(
        actions(&entries),
        vec![
            "work_order.create",
            "work_order.start",
            "work_order.solve",
            "work_order.close"
        ]
    );
    assert_eq!(entries[3]["before"]["status"], "solved");
    assert_eq!(entries[3]["after"]["kb_article_id"], id(&kb));
}

#[test]
fn tkt_11_a_cancelled_work_order_lets_the_ticket_resolve() {
    let w = world();
    let app = &w.app;
    let t = w.fault("normal");
    let t = w.assign(&t, &w.eng1_id);
    let t = w.ok(&w.eng1, &t, "start", json!({}));
    let res = app
        .post(&format!("/api/v1/tickets/{}/work-orders", id(&t)))
        .bearer(&w.manager)
        .json(&json!({"target": "web_operations", "title": "门户页面报错",
                      "description": "客户门户提交工单时报 500"}))
        .send();
    assert_eq!(res.status, 201, "{}", res.body);
    let wo = res.json();
    // The raiser (or a lead) cancels; the ticket's engineer who did not raise it may not.
    wo_cmd(&w, &w.eng1, &wo, "cancel", json!({"reason": "误报"})).problem(403, "forbidden");
    let wo = wo_ok(
        &w,
        &w.manager,
        &wo,
        "cancel",
        json!({"reason": "客户浏览器问题，非网站故障"}),
    );
    assert_eq!(wo["status"], "cancelled");
    assert_eq!(wo["cancel_reason"], "客户浏览器问题，非网站故障");
    let res = w.cmd(
        &w.eng1,
        &t,
        "resolve",
        json!({"resolution_summary": "已指导客户更换浏览器"}),
    );
    assert_eq!(res.status, 200, "{}", res.body);
    // A resolved ticket raises no more work orders.
    app.post(&format!("/api/v1/tickets/{}/work-orders", id(&t)))
        .bearer(&w.manager)
        .json(&json!({"target": "technical", "title": "x", "description": "y"}))
        .send()
        .rule_conflict("TKT-11");
}
