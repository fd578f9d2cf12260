//! TKT-7 feedback forms over HTTP on the test clock with the 2026 calendar: drafting after a
//! visit, the customer's signature sealed in, immutability and amendments, the signer check,
//! the clerk's receipt and the late list.

use crate::tickets::{World, id, world};
use crate::{actions, audit_of};
use image::{ImageFormat, Rgb, RgbImage};
use kefu_blackbox::{Resp, TestApp};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::io::Cursor;

/// A small PNG, different for each `seed`: what a signature pad produces.
pub fn signature_png(seed: u8) -> Vec<u8> {
    let img = RgbImage::from_fn(60, 24, |x, y| {
        Rgb([
            (x as u8).wrapping_mul(seed),
            (y as u8).wrapping_add(seed),
            seed,
        ])
    });
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, ImageFormat::Png).unwrap();
    out.into_inner()
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Uploads `png` as a `signature` attachment of `owner`; returns its id.
pub fn upload_signature(w: &World, token: &str, owner: (&str, &str), png: &[u8]) -> String {
    let res = upload_png(&w.app, token, owner, ("signature", "签名.png"), png);
    res["id"].as_str().unwrap().to_owned()
}

/// Uploads `png` as an attachment of `owner` of the given (kind, file name); asserts 201 and
/// returns the attachment.
pub fn upload_png(
    app: &TestApp,
    token: &str,
    owner: (&str, &str),
    (kind, filename): (&str, &str),
    png: &[u8],
) -> Value {
    let boundary = "kefu-forms-boundary";
    let mut body = Vec::new();
    for (name, value) in [
        ("owner_type", owner.0),
        ("owner_id", owner.1),
        ("kind", kind),
    ] {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n\
             Content-Type: image/png\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(png);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let res = app
        .post("/api/v1/attachments")
        .bearer(token)
        .bytes(&format!("multipart/form-data; boundary={boundary}"), body)
        .send();
    assert_eq!(res.status, 201, "{}", res.body);
    res.json()
}

fn visit_ok(w: &World, token: &str, visit: &Value, verb: &str, body: Value) -> Value {
    let res = w
        .app
        .post(&format!("/api/v1/visits/{}/{verb}", id(visit)))
        .bearer(token)
        .if_match(&format!("\"{}\"", visit["version"]))
        .json(&body)
        .send();
    assert_eq!(res.status, 200, "{verb}: {}", res.body);
    res.json()
}

/// A fault assigned to eng1 and an approved visit that departs, arrives and (when `finish`)
/// finishes now on the world's clock.
pub fn visit(w: &World, finish: bool) -> Value {
    let t = w.assign(&w.fault("normal"), &w.eng1_id);
    let res = w
        .app
        .post(&format!("/api/v1/tickets/{}/visits", id(&t)))
        .bearer(&w.eng1)
        .json(&json!({"planned_date": "2026-03-10", "purpose": "现场检修"}))
        .send();
    assert_eq!(res.status, 201, "{}", res.body);
    let v = visit_ok(w, &w.manager, &res.json(), "approve", json!({}));
    let v = visit_ok(w, &w.eng1, &v, "depart", json!({}));
    let v = visit_ok(w, &w.eng1, &v, "arrive", json!({}));
    if finish {
        visit_ok(w, &w.eng1, &v, "finish", json!({"resolved": true}))
    } else {
        v
    }
}

pub fn draft(w: &World, visit: &Value) -> Value {
    let res = w
        .app
        .post(&format!("/api/v1/visits/{}/feedback-form", id(visit)))
        .bearer(&w.eng1)
        .json(&json!({"work_done": "更换通讯板", "result": "resolved",
                      "parts_used": [{"part": "通讯板 TX-3", "quantity": 1, "serial": "SN-1"}]}))
        .send();
    assert_eq!(res.status, 201, "{}", res.body);
    res.json()
}

/// A command on a form with its current version as `If-Match`.
fn form_cmd(w: &World, token: &str, method: &str, form: &Value, sub: &str, body: Value) -> Resp {
    w.app
        .req(method, &format!("/api/v1/feedback-forms/{}{sub}", id(form)))
        .bearer(token)
        .if_match(&format!("\"{}\"", form["version"]))
        .json(&body)
        .send()
}

pub fn form_ok(
    w: &World,
    token: &str,
    method: &str,
    form: &Value,
    sub: &str,
    body: Value,
) -> Value {
    let res = form_cmd(w, token, method, form, sub, body);
    assert_eq!(res.status, 200, "{method} {sub}: {}", res.body);
    res.json()
}

fn contact(w: &World, name: &str, phone: &str, authorised: bool) -> String {
    let res = w
        .app
        .post("/api/v1/contacts")
        .bearer(&w.admin)
        .json(
            &json!({"customer_id": w.customer["id"], "site_id": w.site["id"],
                      "name": name, "phone": phone, "authorised_signer": authorised}),
        )
        .send();
    assert_eq!(res.status, 201, "{}", res.body);
    res.json()["id"].as_str().unwrap().to_owned()
}

pub fn get(w: &World, token: &str, path: &str) -> Value {
    let res = w.app.get(path).bearer(token).send();
    assert_eq!(res.status, 200, "{path}: {}", res.body);
    res.json()
}

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn tkt_7_a_signed_form_is_immutable_and_an_amendment_needs_its_own_signature() {
    let w = world();
    let boss = contact(&w, "王经理", "139 0571 0001", true);
    let v = visit(&w, true);
    let form = draft(&w, &v);
    assert_eq!(
        (&form["status"], &form["due_date"], &form["visit_id"]),
        (&json!("draft"), &json!("2026-03-09"), &v["id"])
    );
    // ORG-5: another engineer neither sees the form nor drafts one for the visit.
    w.app
        .get(&format!("/api/v1/feedback-forms/{}", id(&form)))
        .bearer(&w.eng2)
        .send()
        .problem(404, "not-found");
    assert!(ids(&get(&w, &w.eng2, "/api/v1/feedback-forms")).is_empty());
    form_cmd(&w, &w.eng2, "PATCH", &form, "", json!({"work_done": "x"})).problem(404, "not-found");
    // One form per visit.
    let again = w
        .app
        .post(&format!("/api/v1/visits/{}/feedback-form", id(&v)))
        .bearer(&w.eng1)
        .json(&json!({"work_done": "x", "result": "resolved"}))
        .send();
    again.rule_conflict("TKT-7");

    let form = form_ok(
        &w,
        &w.eng1,
        "PATCH",
        &form,
        "",
        json!({"work_done": "更换通讯板，联网测试正常"}),
    );
    assert_eq!(
        form["current_version"]["work_done"],
        "更换通讯板，联网测试正常"
    );
    let first = signature_png(3);
    let sig1 = upload_signature(&w, &w.eng1, ("feedback_form", id(&form)), &first);
    let form = form_ok(
        &w,
        &w.eng1,
        "POST",
        &form,
        "/sign",
        json!({"signature_attachment_id": sig1, "signer_contact_id": boss,
               "signed_at": "2026-03-06T17:32:00+08:00"}),
    );
    assert_eq!(form["status"], "signed");
    let signed = &form["signed_version"];
    assert_eq!(
        (
            &signed["version_no"],
            &signed["signer_name"],
            &signed["signer_authorised"]
        ),
        (&json!(1), &json!("王经理"), &json!(true))
    );
    assert_eq!(signed["signature_sha256"], sha256(&first).as_str());
    assert_eq!(signed["signed_at"], "2026-03-06T09:32:00Z");

    // Signed: an edit is refused, whatever it changes.
    let p = form_cmd(
        &w,
        &w.eng1,
        "PATCH",
        &form,
        "",
        json!({"customer_opinion": "很好"}),
    )
    .rule_conflict("TKT-7");
    assert!(p["detail"].as_str().unwrap().contains("TKT-7"), "{p}");
    let unchanged = get(
        &w,
        &w.eng1,
        &format!("/api/v1/feedback-forms/{}", id(&form)),
    );
    assert_eq!(unchanged["version"], form["version"]);
    assert_eq!(
        unchanged["current_version"]["customer_opinion"],
        Value::Null
    );

    // The amendment is a draft; the signed version stays in effect.
    let form = form_ok(
        &w,
        &w.eng1,
        "POST",
        &form,
        "/amendments",
        json!({"reason": "漏填电源模块",
               "parts_used": [{"part": "通讯板 TX-3", "quantity": 1, "serial": "SN-1"},
                              {"part": "电源模块 P-12", "quantity": 1}]}),
    );
    let got = get(
        &w,
        &w.manager,
        &format!("/api/v1/feedback-forms/{}", id(&form)),
    );
    assert_eq!(got["status"], "signed");
    assert_eq!(got["amendment_pending"], true);
    // The form reads as signed: its current version is the one in effect, the amendment
    // waits beside it.
    assert_eq!(
        (
            &got["current_version"]["version_no"],
            &got["current_version"]["signed"]
        ),
        (&json!(1), &json!(true))
    );
    assert_eq!(got["current_version"], got["signed_version"]);
    assert_eq!(
        (
            &got["pending_amendment"]["version_no"],
            &got["pending_amendment"]["signed"]
        ),
        (&json!(2), &json!(false))
    );
    assert_eq!(got["pending_amendment"]["amendment_reason"], "漏填电源模块");
    assert_eq!(
        got["pending_amendment"]["parts_used"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(got["signed_version"]["version_no"], 1);
    assert_eq!(
        got["signed_version"]["parts_used"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        got["signed_version"]["signature_sha256"],
        sha256(&first).as_str()
    );
    // A second amendment waits for the first to be signed.
    form_cmd(
        &w,
        &w.eng1,
        "POST",
        &form,
        "/amendments",
        json!({"reason": "再改"}),
    )
    .rule_conflict("TKT-7");
    // The amendment's draft may be edited; both versions are readable.
    let form = form_ok(
        &w,
        &w.eng1,
        "PATCH",
        &form,
        "",
        json!({"customer_opinion": "满意"}),
    );
    let history = get(
        &w,
        &w.manager,
        &format!("/api/v1/feedback-forms/{}/versions", id(&form)),
    );
    let items = history["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(
        (&items[0]["signed"], &items[0]["seal"]["intact"]),
        (&json!(true), &json!(true))
    );
    assert_eq!(items[0]["customer_opinion"], Value::Null);
    assert_eq!(
        (
            &items[1]["signed"],
            &items[1]["customer_opinion"],
            &items[1]["seal"]
        ),
        (&json!(false), &json!("满意"), &Value::Null)
    );

    // Signed again (a signature on the visit counts too): the amendment is in effect.
    let second = signature_png(9);
    let sig2 = upload_signature(&w, &w.eng1, ("visit", id(&v)), &second);
    let form = form_ok(
        &w,
        &w.eng1,
        "POST",
        &form,
        "/sign",
        json!({"signature_attachment_id": sig2, "signer_name": "王经理"}),
    );
    assert_eq!(form["signed_version"]["version_no"], 2);
    assert_eq!(form["signed_version"]["signer_contact_id"], boss.as_str());
    assert_eq!(form["amendment_pending"], false);
    assert_eq!(form["pending_amendment"], Value::Null);
    assert_eq!(form["current_version"]["version_no"], 2);
    form_cmd(&w, &w.eng1, "PATCH", &form, "", json!({"work_done": "x"})).rule_conflict("TKT-7");

    let audit = audit_of(&w.app, &w.admin, "feedback_form", id(&form));
    assert_eq!(
        actions(&audit),
        [
            "feedback_form.create",
            "feedback_form.update",
            "feedback_form.sign",
            "feedback_form.amend",
            "feedback_form.update",
            "feedback_form.sign"
        ]
    );
    assert_eq!(audit[2]["before"]["status"], "draft");
    assert_eq!(audit[2]["after"]["status"], "signed");
    assert_eq!(audit[3]["after"]["current_version"]["version_no"], 1);
    assert_eq!(audit[3]["after"]["pending_amendment"]["version_no"], 2);

    // Someone alters the first signature file on disk: version 1's seal no longer holds.
    let path = w.app.storage_dir.join("attachments").join(&sig1);
    let mut altered = std::fs::read(&path).unwrap();
    let last = altered.len() - 20;
    altered[last] ^= 0xff;
    std::fs::write(&path, &altered).unwrap();
    let history = get(
        &w,
        &w.eng1,
        &format!("/api/v1/feedback-forms/{}/versions", id(&form)),
    );
    let items = history["items"].as_array().unwrap();
    assert_eq!(items[0]["seal"]["intact"], false);
    assert_eq!(items[0]["seal"]["sha256_actual"], sha256(&altered).as_str());
    assert_eq!(items[0]["signature_sha256"], sha256(&first).as_str());
    assert_eq!(items[1]["seal"]["intact"], true);
}

#[test]
fn tkt_7_an_unauthorised_signer_is_accepted_but_flagged_and_listed() {
    let w = world();
    let clerk_contact = contact(&w, "李前台", "139 0571 0002", false);
    contact(&w, "王经理", "139 0571 0001", true);
    let png = signature_png(5);

    let flagged = draft(&w, &visit(&w, true));
    let sig = upload_signature(&w, &w.eng1, ("feedback_form", id(&flagged)), &png);
    let flagged = form_ok(
        &w,
        &w.eng1,
        "POST",
        &flagged,
        "/sign",
        json!({"signature_attachment_id": sig, "signer_contact_id": clerk_contact}),
    );
    assert_eq!(flagged["status"], "signed");
    assert_eq!(flagged["signer_unauthorised"], true);
    assert_eq!(flagged["signed_version"]["signer_authorised"], false);

    // A name on paper matching an authorised contact of the site is authorised.
    let fine = draft(&w, &visit(&w, true));
    let sig = upload_signature(&w, &w.eng1, ("feedback_form", id(&fine)), &png);
    let fine = form_ok(
        &w,
        &w.eng1,
        "POST",
        &fine,
        "/sign",
        json!({"signature_attachment_id": sig, "signer_name": "王经理"}),
    );
    assert_eq!(fine["signer_unauthorised"], false);

    // A stranger's name is accepted and flagged.
    let stranger = draft(&w, &visit(&w, true));
    let sig = upload_signature(&w, &w.eng1, ("feedback_form", id(&stranger)), &png);
    // A signature of another form does not sign this one.
    let other_sig = upload_signature(&w, &w.eng1, ("feedback_form", id(&fine)), &png);
    let p = form_cmd(
        &w,
        &w.eng1,
        "POST",
        &stranger,
        "/sign",
        json!({"signature_attachment_id": other_sig, "signer_name": "路人甲"}),
    )
    .problem(422, "validation");
    assert_eq!(p["errors"][0]["field"], "signature_attachment_id");
    let stranger = form_ok(
        &w,
        &w.eng1,
        "POST",
        &stranger,
        "/sign",
        json!({"signature_attachment_id": sig, "signer_name": "路人甲"}),
    );
    assert_eq!(stranger["signed_version"]["signer_contact_id"], Value::Null);
    assert_eq!(stranger["signer_unauthorised"], true);

    let listed = get(
        &w,
        &w.manager,
        "/api/v1/feedback-forms?signer_unauthorised=true",
    );
    let mut expected = vec![id(&flagged).to_owned(), id(&stranger).to_owned()];
    expected.sort();
    assert_eq!(ids(&listed), expected);
    let others = get(
        &w,
        &w.manager,
        "/api/v1/feedback-forms?signer_unauthorised=false",
    );
    assert_eq!(ids(&others), [id(&fine)]);

    // ORG-5: the customer's own contact reads its forms; another customer's does not.
    let own = w
        .app
        .create_user(&w.admin, "cc1", &["customer_contact"], "Contact-pass-1");
    let foreign = w
        .app
        .create_user(&w.admin, "cc2", &["customer_contact"], "Contact-pass-2");
    let other_contact = w.app.post("/api/v1/contacts").bearer(&w.admin)
        .json(&json!({"customer_id": w.other_customer["id"], "name": "赵主任", "phone": "139 0571 0003"}))
        .send()
        .json();
    w.app.db.execute(&format!(
        "UPDATE contacts SET user_id = '{}' WHERE id = '{clerk_contact}'; \
         UPDATE contacts SET user_id = '{}' WHERE id = '{}'",
        id(&own),
        id(&foreign),
        id(&other_contact)
    ));
    let own = w.app.token("cc1", "Contact-pass-1");
    let foreign = w.app.token("cc2", "Contact-pass-2");
    let path = format!("/api/v1/feedback-forms/{}", id(&flagged));
    assert_eq!(get(&w, &own, &path)["signer_unauthorised"], true);
    assert_eq!(ids(&get(&w, &own, "/api/v1/feedback-forms")).len(), 3);
    w.app
        .get(&path)
        .bearer(&foreign)
        .send()
        .problem(404, "not-found");
    assert!(ids(&get(&w, &foreign, "/api/v1/feedback-forms")).is_empty());
}

#[test]
fn tkt_7_a_form_received_after_its_due_day_is_late_on_the_work_calendar() {
    let mut w = world();
    // Saturday 2026-02-14 is a make-up working day before the Spring Festival (15–23): a
    // visit finished then is due Tuesday 24 February.
    w.set_clock("2026-02-14T16:00:00+08:00");
    let festive = draft(&w, &visit(&w, true));
    assert_eq!(festive["due_date"], "2026-02-24");
    let png = signature_png(7);
    let sig = upload_signature(&w, &w.eng1, ("feedback_form", id(&festive)), &png);
    let festive = form_ok(
        &w,
        &w.eng1,
        "POST",
        &festive,
        "/sign",
        json!({"signature_attachment_id": sig, "signer_name": "王经理"}),
    );

    // Friday 2026-03-06: due Monday 9 March.
    w.set_clock("2026-03-06T17:30:00+08:00");
    let friday_visit = visit(&w, true);
    let friday = draft(&w, &friday_visit);
    assert_eq!(friday["due_date"], "2026-03-09");
    // A draft is not handed in.
    form_cmd(&w, &w.manager, "POST", &friday, "/receive", json!({})).rule_conflict("TKT-7");
    let sig = upload_signature(&w, &w.eng1, ("feedback_form", id(&friday)), &png);
    let friday = form_ok(
        &w,
        &w.eng1,
        "POST",
        &friday,
        "/sign",
        json!({"signature_attachment_id": sig, "signer_name": "王经理"}),
    );
    // Signed, not handed in, the due day not over: not late.
    let on_time = get(&w, &w.manager, "/api/v1/feedback-forms?late=false");
    assert!(ids(&on_time).contains(&id(&friday).to_owned()), "{on_time}");
    assert_eq!(friday["late"], false);
    // A visit of the same day whose form is never written.
    let forgotten = visit(&w, true);
    // Arrived but not finished: no due day yet, never late.
    let open = draft(&w, &visit(&w, false));
    assert_eq!(open["due_date"], Value::Null);

    // Tuesday 10 March 09:00: the clerk receives the Friday form, a day late, and the
    // festive one as handed in on its due day.
    w.set_clock("2026-03-10T09:00:00+08:00");
    // Engineers do not record hand-ins.
    form_cmd(&w, &w.eng1, "POST", &friday, "/receive", json!({})).problem(403, "forbidden");
    let friday = form_ok(&w, &w.manager, "POST", &friday, "/receive", json!({}));
    assert_eq!(
        (&friday["status"], &friday["late"], &friday["received_at"]),
        (
            &json!("received"),
            &json!(true),
            &json!("2026-03-10T01:00:00Z")
        )
    );
    let festive = form_ok(
        &w,
        &w.manager,
        "POST",
        &festive,
        "/receive",
        json!({"received_at": "2026-02-24T18:00:00+08:00"}),
    );
    assert_eq!(festive["late"], false);
    form_cmd(&w, &w.manager, "POST", &festive, "/receive", json!({})).rule_conflict("TKT-7");

    let late = get(&w, &w.manager, "/api/v1/feedback-forms?late=true");
    assert_eq!(ids(&late), [id(&friday)]);
    let on_time = get(&w, &w.manager, "/api/v1/feedback-forms?late=false");
    let mut expected = vec![id(&festive).to_owned(), id(&open).to_owned()];
    expected.sort();
    assert_eq!(ids(&on_time), expected);

    let report = get(
        &w,
        &w.manager,
        "/api/v1/feedback-forms/late?from=2026-02-01&to=2026-03-10",
    );
    let items = report["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{report}");
    let by_visit = |v: &Value| {
        items
            .iter()
            .find(|i| i["visit_id"] == v["id"])
            .unwrap_or_else(|| panic!("{report}"))
            .clone()
    };
    let late_one = by_visit(&friday_visit);
    assert_eq!(
        (
            &late_one["kind"],
            &late_one["due_date"],
            &late_one["form_id"]
        ),
        (&json!("late"), &json!("2026-03-09"), &friday["id"])
    );
    assert_eq!(late_one["engineer_id"], w.eng1_id.as_str());
    assert_eq!(late_one["received_at"], "2026-03-10T01:00:00Z");
    let missing = by_visit(&forgotten);
    assert_eq!(
        (
            &missing["kind"],
            &missing["form_id"],
            &missing["received_at"]
        ),
        (&json!("missing"), &Value::Null, &Value::Null)
    );
    // The report is the office's.
    w.app
        .get("/api/v1/feedback-forms/late?from=2026-03-01&to=2026-03-10")
        .bearer(&w.eng1)
        .send()
        .problem(403, "forbidden");

    let audit = audit_of(&w.app, &w.admin, "feedback_form", id(&friday));
    assert_eq!(
        actions(&audit),
        [
            "feedback_form.create",
            "feedback_form.sign",
            "feedback_form.receive"
        ]
    );
}
