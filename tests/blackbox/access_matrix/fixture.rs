//! The world the access matrix probes: one record per resource prefix, all on the owner side
//! (customer X, engineer A of team TA), and the callers who must not reach them.

use crate::tickets::id;
use kefu_blackbox::{Resp, TestApp};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Written into the owner side's text fields, so a body that shows one of them is caught even
/// when it does not repeat the record's id.
pub const MARKER: &str = "MXSECRET";

/// The values of a record's path parameters, by parameter name.
pub type Params = BTreeMap<&'static str, String>;

pub struct Fixture {
    pub app: TestApp,
    clock: PathBuf,
    /// The strangers, by name; `None` sends no token at all.
    pub callers: Vec<(&'static str, Option<String>)>,
    /// Resource prefix (`tickets`, `me/notifications`, ...) → the owner side's record.
    pub records: BTreeMap<&'static str, Params>,
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.clock);
    }
}

struct Admin<'a> {
    app: &'a TestApp,
    token: String,
}

impl Admin<'_> {
    fn send(&self, token: &str, method: &str, path: &str, etag: Option<&str>, body: Value) -> Resp {
        let mut req = self.app.req(method, path).bearer(token);
        if !body.is_null() {
            req = req.json(&body);
        }
        if let Some(etag) = etag {
            req = req.if_match(etag);
        }
        req.send()
    }

    /// A create as `token`; asserts 201.
    fn create(&self, token: &str, path: &str, body: Value) -> Value {
        let res = self.send(token, "POST", path, None, body);
        assert_eq!(res.status, 201, "POST {path}: {}", res.body);
        res.json()
    }

    /// A command on `record` with its current version; asserts 200.
    fn run(&self, token: &str, path: &str, record: &Value, body: Value) -> Value {
        let etag = format!("\"{}\"", record["version"]);
        let res = self.send(token, "POST", path, Some(&etag), body);
        assert_eq!(res.status, 200, "POST {path}: {}", res.body);
        res.json()
    }

    fn get(&self, token: &str, path: &str) -> Value {
        let res = self.app.get(path).bearer(token).send();
        assert_eq!(res.status, 200, "GET {path}: {}", res.body);
        res.json()
    }

    fn user(&self, name: &str, role: &str) -> (String, String) {
        let password = format!("{name}-Pass-1");
        let user = self.app.create_user(&self.token, name, &[role], &password);
        (id(&user).to_owned(), self.app.token(name, &password))
    }

    fn team(&self, name: &str, supervisor: &str) -> String {
        let team = self.create(
            &self.token,
            "/api/v1/teams",
            json!({"name": name, "supervisor_user_id": supervisor}),
        );
        id(&team).to_owned()
    }

    fn employee(&self, user: &str, name: &str, team: &str, supervisor: &str) -> String {
        let e = self.create(
            &self.token,
            "/api/v1/employees",
            json!({"user_id": user, "name": name, "team_id": team,
                   "supervisor_user_id": supervisor, "track": "aftersales", "level": "junior",
                   "station_city": "杭州", "base_salary_fen": 650000}),
        );
        id(&e).to_owned()
    }

    /// A customer with a site and a contact that has a login; returns (customer, site,
    /// contact, the contact's token).
    fn customer(&self, name: &str, owner: Value, login: &str) -> (Value, Value, Value, String) {
        let mut body = json!({"name": name});
        body.as_object_mut()
            .unwrap()
            .extend(owner.as_object().unwrap().clone());
        let customer = self.create(&self.token, "/api/v1/customers", body);
        let site = self.create(
            &self.token,
            "/api/v1/sites",
            json!({"customer_id": customer["id"], "name": format!("{name}厂区"),
                   "address": "一路 1 号", "city": "杭州市"}),
        );
        let contact = self.create(
            &self.token,
            "/api/v1/contacts",
            json!({"customer_id": customer["id"], "site_id": site["id"],
                   "name": format!("{name}联系人"), "phone": "13900000000"}),
        );
        let res = self.send(
            &self.token,
            "POST",
            &format!("/api/v1/contacts/{}/login", id(&contact)),
            Some("\"1\""),
            json!({"username": login}),
        );
        assert_eq!(res.status, 201, "{}", res.body);
        let temporary = res.json()["generated_password"]
            .as_str()
            .unwrap()
            .to_owned();
        // A generated password is only good for choosing one's own.
        let first = self.app.token(login, &temporary);
        let res = self.send(
            &first,
            "POST",
            "/api/v1/me/password",
            None,
            json!({"current_password": temporary, "new_password": "Contact-pass-1"}),
        );
        assert_eq!(res.status, 204, "{}", res.body);
        let token = self.app.token(login, "Contact-pass-1");
        (customer, site, contact, token)
    }
}

fn one(id: &str) -> Params {
    BTreeMap::from([("id", id.to_owned())])
}

/// Builds the world through the API, as the admin and the manager would.
pub fn build() -> Fixture {
    let clock = std::env::temp_dir().join(format!("kefu-clock-{}", uuid::Uuid::new_v4()));
    // A Tuesday in working hours: visits planned for today, callbacks due today.
    std::fs::write(&clock, "2026-03-10T10:00:00+08:00").unwrap();
    let app = TestApp::builder()
        .env("KEFU_CLOCK_FILE", clock.to_str().unwrap())
        // Webhook deliveries and jobs stay queued: the matrix only needs their ids.
        .env("KEFU_JOBS_ENABLED", "0")
        .env("KEFU_WEBHOOK_ALLOWED_HOSTS", "127.0.0.1")
        // Every probe comes from one address; the per-address limit is not under test.
        .env("KEFU_RATE_LIMIT_PER_IP", "0")
        .spawn();
    let a = Admin {
        token: app.admin_token(),
        app: &app,
    };
    let admin = a.token.clone();
    let mut records = BTreeMap::new();

    let webhook = a.create(
        &admin,
        "/api/v1/webhooks",
        json!({"name": format!("CRM {MARKER}"), "url": "http://127.0.0.1:9/hooks",
               "event_types": ["customer.*"]}),
    );
    records.insert("webhooks", one(id(&webhook["webhook"])));

    let (mgr_id, mgr) = a.user("mgr", "manager");
    let (eng_a_id, eng_a) = a.user("eng.a", "engineer");
    let (eng_b_id, eng_b) = a.user("eng.b", "engineer");
    let (sup_b_id, sup_b) = a.user("sup.b", "supervisor");
    let (_, finance) = a.user("fin", "finance");
    let (_, clerk) = a.user("clerk", "clerk");
    records.insert("users", one(&eng_a_id));

    let team_a = a.team(&format!("A 组 {MARKER}"), &mgr_id);
    let team_b = a.team("B 组", &sup_b_id);
    records.insert("teams", one(&team_a));
    let employee_a = a.employee(&eng_a_id, &format!("工程师甲 {MARKER}"), &team_a, &mgr_id);
    a.employee(&eng_b_id, "工程师乙", &team_b, &sup_b_id);
    records.insert("employees", one(&employee_a));

    let city = a.create(
        &admin,
        "/api/v1/cities",
        json!({"name": "杭州市", "province": "浙江省", "has_station": true, "counties": []}),
    );
    records.insert("cities", one(id(&city)));
    let product = a.create(
        &admin,
        "/api/v1/products",
        json!({"model": "GST200", "name": "报警控制器 GST200", "category": "controller",
               "unit_price_fen": 100_000, "unit_cost_fen": 60_000, "floor_price_fen": 90_000}),
    );
    records.insert("products", one(id(&product)));
    let part = a.create(
        &admin,
        "/api/v1/parts",
        json!({"product_id": id(&product), "code": format!("P-{MARKER}"),
               "name": format!("备件 {MARKER}"), "kind": "bulk", "sale_price_fen": 1_000,
               "unit_cost_fen": 500, "min_stock": 1}),
    );
    records.insert("parts", one(id(&part)));
    // Engineer A's hands: another engineer's stock is theirs alone (ORG-5).
    let hands_a = a.create(
        &admin,
        "/api/v1/stock-locations",
        json!({"kind": "engineer", "name": format!("甲的备件 {MARKER}"),
               "engineer_id": eng_a_id}),
    );
    records.insert("stock-locations", one(id(&hands_a)));
    let loan = a.create(
        &eng_a,
        "/api/v1/part-loans",
        json!({"part_id": id(&part), "quantity": 1, "note": format!("借用 {MARKER}")}),
    );
    records.insert("part-loans", one(id(&loan)));
    // INV-6: a faulty unit sent from engineer A's hands is A's to read, nobody else's.
    let boards = a.create(
        &admin,
        "/api/v1/parts",
        json!({"product_id": id(&product), "code": format!("SN-{MARKER}"),
               "name": "主板", "kind": "serialised", "sale_price_fen": 1_000,
               "unit_cost_fen": 500, "min_stock": 0}),
    );
    a.create(
        &admin,
        "/api/v1/stock-movements",
        json!({"kind": "receipt", "part_id": id(&boards), "serials": ["SN-RMA-1"],
               "to_location_id": id(&hands_a)}),
    );
    let rma = a.create(
        &admin,
        "/api/v1/part-rmas",
        json!({"part_id": id(&boards), "serial": "SN-RMA-1", "from_location_id": id(&hands_a),
               "manufacturer": "海湾", "fault_reason": format!("故障 {MARKER}")}),
    );
    records.insert("part-rmas", one(id(&rma)));
    // INV-7: the service centre's count and a minimum there (shared stock, no owner).
    let centre = a.create(
        &admin,
        "/api/v1/stock-locations",
        json!({"kind": "service_centre", "name": format!("故障服务中心 {MARKER}")}),
    );
    let count = a.create(
        &admin,
        "/api/v1/stock-counts",
        json!({"location_id": id(&centre), "kind": "opening", "lines": [],
               "note": format!("盘点 {MARKER}")}),
    );
    records.insert("stock-counts", one(id(&count["count"])));
    let minimum = a.create(
        &admin,
        "/api/v1/stock-minimums",
        json!({"part_id": id(&part), "location_id": id(&centre), "min_quantity": 1}),
    );
    records.insert("stock-minimums", one(id(&minimum)));

    let (x, site_x, contact_x, _) = a.customer(
        &format!("甲公司 {MARKER}"),
        json!({"owner_user_id": eng_a_id, "team_id": team_a}),
        "x.contact",
    );
    let (_, _, _, contact_y) = a.customer("乙公司", json!({}), "y.contact");
    records.insert("customers", one(id(&x)));
    records.insert("sites", one(id(&site_x)));
    records.insert("contacts", one(id(&contact_x)));
    let equipment = a.create(
        &admin,
        "/api/v1/equipment",
        json!({"site_id": site_x["id"], "product_id": product["id"], "serial": "SN-MXSECRET",
               "controller_points": 64}),
    );
    records.insert("equipment", one(id(&equipment)));
    // CON-10: the customer's signed instruction to change X's controller data.
    let instruction = a.create(
        &admin,
        "/api/v1/controller-instructions",
        json!({"site_id": site_x["id"], "equipment_id": equipment["id"], "action": "change",
               "description": format!("修改防区 {MARKER}"), "signer_name": "X 主任",
               "signed_at": "2026-03-01T09:00:00+08:00"}),
    );
    records.insert("controller-instructions", one(id(&instruction)));

    // Ticket 1 of X, worked by A: a visit, its feedback form, resolved, called back with a
    // dissatisfied customer, so a follow-up exists.
    let fault = |text: &str| {
        let t = a.create(
            &admin,
            "/api/v1/tickets",
            json!({"channel": "phone", "ticket_type": "fault", "priority": "normal",
                   "customer_id": x["id"], "site_id": site_x["id"],
                   "description": format!("{text} {MARKER}")}),
        );
        a.run(
            &mgr,
            &format!("/api/v1/tickets/{}/assign", id(&t)),
            &t,
            json!({"assignee_id": eng_a_id,
                   "planned_start": "2026-03-10T14:00:00+08:00",
                   "planned_end": "2026-03-10T16:00:00+08:00"}),
        )
    };
    let t1 = fault("报警主机通讯故障");
    let visit = a.create(
        &eng_a,
        &format!("/api/v1/tickets/{}/visits", id(&t1)),
        json!({"planned_date": "2026-03-10", "purpose": format!("现场检修 {MARKER}")}),
    );
    let visit_path = |verb: &str| format!("/api/v1/visits/{}/{verb}", id(&visit));
    let v = a.run(&mgr, &visit_path("approve"), &visit, json!({}));
    let v = a.run(&eng_a, &visit_path("depart"), &v, json!({}));
    let v = a.run(&eng_a, &visit_path("arrive"), &v, json!({}));
    let v = a.run(&eng_a, &visit_path("finish"), &v, json!({"resolved": true}));
    records.insert("visits", one(id(&v)));
    let form = a.create(
        &eng_a,
        &format!("/api/v1/visits/{}/feedback-form", id(&v)),
        json!({"work_done": format!("更换通讯板 {MARKER}"), "result": "resolved", "parts_used": []}),
    );
    records.insert("feedback-forms", one(id(&form)));
    // INV-5: the device A brought back from ticket 1, registered by A: A's, and X's contacts'.
    let intake = a.create(
        &eng_a,
        "/api/v1/repair-intakes",
        json!({"ticket_id": id(&t1), "customer_id": x["id"], "serial": "SN-MXSECRET-2",
               "reported_fault": format!("无法开机 {MARKER}"), "fault_reproduced": true}),
    );
    records.insert("repair-intakes", one(id(&intake)));
    // BIL-1/BIL-2/BIL-4: a fee item and X's draft quote, each changed once (version 2, so a
    // stale `If-Match: "1"` is what finance's writes meet), and a payment of X.
    let item = a.create(
        &admin,
        "/api/v1/fee-items",
        json!({"code": "MX-LAB", "name": format!("维修人工 {MARKER}"), "kind": "labour",
               "unit": "次", "list_price_fen": 50_000, "floor_price_fen": 40_000}),
    );
    let item_path = format!("/api/v1/fee-items/{}", id(&item));
    let patch = json!({"list_price_fen": 52_000});
    assert_eq!(
        a.send(&admin, "PATCH", &item_path, Some("\"1\""), patch)
            .status,
        200
    );
    records.insert("fee-items", one(id(&item)));
    let quote = a.create(
        &eng_a,
        "/api/v1/repair-quotes",
        json!({"customer_id": x["id"], "intake_id": id(&intake),
               "lines": [{"fee_item_id": id(&item), "quantity": 1}]}),
    );
    let quote_path = format!("/api/v1/repair-quotes/{}", id(&quote));
    let patch = json!({"note": format!("报价 {MARKER}")});
    assert_eq!(
        a.send(&eng_a, "PATCH", &quote_path, Some("\"1\""), patch)
            .status,
        200
    );
    records.insert("repair-quotes", one(id(&quote)));
    let payment = a.create(
        &finance,
        "/api/v1/payments",
        json!({"customer_id": x["id"], "kind": "payment", "amount_fen": 100, "method": "cash",
               "account": "现金", "document": "receipt", "note": format!("收款 {MARKER}")}),
    );
    records.insert("payments", one(id(&payment)));
    let invoice = a.create(
        &finance,
        "/api/v1/invoices",
        json!({"number": "MX-INV-1", "customer_id": x["id"], "subject_kind": "repair_quote",
               "subject_id": id(&quote), "amount_fen": 50_000,
               "mailing_address": format!("一路 1 号 {MARKER}"), "contact_name": "王主任"}),
    );
    let credit = json!({"number": "MX-CN-1", "amount_fen": 100, "reason": "退款"});
    let credit_path = format!("/api/v1/invoices/{}/credit-notes", id(&invoice));
    a.run(&finance, &credit_path, &invoice, credit);
    records.insert("invoices", one(id(&invoice)));
    // BIL-7: a rebate on X's quote, cancelled so that finance's stale `If-Match: "1"` is 412.
    let rebate = a.create(
        &finance,
        "/api/v1/rebates",
        json!({"source_kind": "repair_quote", "source_id": id(&quote), "amount_fen": 100,
               "reason": format!("返款 {MARKER}")}),
    );
    let cancel_path = format!("/api/v1/rebates/{}/cancel", id(&rebate));
    a.run(
        &finance,
        &cancel_path,
        &rebate,
        json!({"reason": "重复登记"}),
    );
    records.insert("rebates", one(id(&rebate)));
    let t1 = a.get(&admin, &format!("/api/v1/tickets/{}", id(&t1)));
    let t1 = if t1["status"] == "assigned" {
        a.run(
            &eng_a,
            &format!("/api/v1/tickets/{}/start", id(&t1)),
            &t1,
            json!({}),
        )
    } else {
        t1
    };
    a.run(
        &eng_a,
        &format!("/api/v1/tickets/{}/resolve", id(&t1)),
        &t1,
        json!({"resolution_summary": "更换通讯板"}),
    );
    let callback = a.create(
        &clerk,
        "/api/v1/callbacks",
        json!({"ticket_id": id(&t1), "source": "manual"}),
    );
    records.insert("callbacks", one(id(&callback)));
    let done = a.run(
        &clerk,
        &format!("/api/v1/callbacks/{}/complete", id(&callback)),
        &callback,
        json!({"form_signed": true, "timeliness": 2, "attitude": 2, "technical": 2,
               "result_ok": false, "satisfied": false, "notes": format!("不满意 {MARKER}")}),
    );
    records.insert(
        "callback-follow-ups",
        one(done["follow_up_id"].as_str().unwrap()),
    );

    // Ticket 2 of X, in progress: its work order, change request and attachment.
    let t2 = fault("报表无法导出");
    let t2 = a.run(
        &eng_a,
        &format!("/api/v1/tickets/{}/start", id(&t2)),
        &t2,
        json!({}),
    );
    records.insert("tickets", one(id(&t2)));
    let wo = a.create(
        &eng_a,
        &format!("/api/v1/tickets/{}/work-orders", id(&t2)),
        json!({"target": "technical", "title": format!("固件升级 {MARKER}"),
               "description": "升级后无法上报"}),
    );
    records.insert("work-orders", one(id(&wo)));
    let cr = a.create(
        &eng_a,
        &format!("/api/v1/tickets/{}/change-requests", id(&t2)),
        json!({"title": format!("报表汇总 {MARKER}"), "requirements": "增加按防区汇总页签",
               "customer_stamp_ref": "FAX-0310-01"}),
    );
    records.insert("change-requests", one(id(&cr)));
    let photo = crate::feedback_forms::upload_png(
        &app,
        &eng_a,
        ("ticket", id(&t2)),
        ("photo", &format!("{MARKER}.png")),
        &crate::feedback_forms::signature_png(7),
    );
    records.insert("attachments", one(id(&photo)));

    let complaint = a.create(
        &admin,
        "/api/v1/complaints",
        json!({"customer_id": x["id"], "employee_id": eng_a_id, "channel": "phone",
               "description": format!("上门迟到 {MARKER}"),
               "received_at": "2026-03-10T09:00:00+08:00"}),
    );
    records.insert("complaints", one(id(&complaint)));

    // Signed (version 3), so a stale `If-Match: "1"` from a role that may book is 412.
    let contract = a.create(
        &admin,
        "/api/v1/contracts",
        json!({"title": format!("维保合同 {MARKER}"), "customer_id": x["id"],
               "site_ids": [site_x["id"]], "signer_id": eng_a_id, "executor_ids": [eng_a_id],
               "equipment_ids": [equipment["id"]],
               "period_start": "2026-03-01", "period_end": "2027-02-28",
               "amount_fen": 1_200_000, "renewal_mode": "tacit", "notice_days": 30,
               "kind": "maintenance"}),
    );
    // CON-5: a maintenance agreement is signed after its acceptance passes; the recorded
    // acceptance is what getMaintenanceAcceptance reads.
    let res = a.send(
        &eng_a,
        "PUT",
        &format!("/api/v1/contracts/{}/maintenance-acceptance", id(&contract)),
        Some(&format!("\"{}\"", contract["version"])),
        crate::maintenance::passing_acceptance("2026-03-01"),
    );
    assert_eq!(res.status, 200, "acceptance: {}", res.body);
    let contract = json!({"id": contract["id"], "version": res.json()["contract_version"]});
    let contract = a.run(
        &eng_a,
        &format!("/api/v1/contracts/{}/sign", id(&contract)),
        &contract,
        json!({}),
    );
    records.insert("contracts", one(id(&contract)));
    // BIL-8: the contract as a receivable document (signed today, due in three days).
    records.insert(
        "arrears",
        BTreeMap::from([
            ("document_kind", "contract".to_owned()),
            ("document_id", id(&contract).to_owned()),
        ]),
    );
    // CON-6: signing gave the maintenance agreement its programme.
    let steps = a.get(
        &admin,
        &format!("/api/v1/contracts/{}/maintenance-steps", id(&contract)),
    );
    records.insert("maintenance-steps", one(id(&steps["items"][0])));
    // CON-4: the serial of X's installation under the contract.
    let licence = a.create(
        &mgr,
        &format!("/api/v1/contracts/{}/licences", id(&contract)),
        json!({"equipment_id": equipment["id"], "note": format!("授权 {MARKER}")}),
    );
    records.insert("licences", one(id(&licence)));
    let job = a.create(
        &admin,
        "/api/v1/commissioning-jobs",
        json!({"title": format!("调试工程 {MARKER}"), "notice_no": "TS-2026-031",
               "site_id": site_x["id"], "controller_points": 400, "engineer_id": eng_a_id}),
    );
    records.insert("commissioning-jobs", one(id(&job)));
    // A's own attendance day: private to A, their supervisor and the office.
    let day = a.create(&eng_a, "/api/v1/attendance/clock-in", json!({}));
    records.insert("attendance", one(id(&day)));
    // A's fine (HR-F0): private to A, their supervisor and the office.
    let fine = a.create(
        &mgr,
        "/api/v1/fines",
        json!({"user_id": eng_a_id, "rule": "HR-F3",
               "evidence": format!("签字后涂改 {MARKER}")}),
    );
    records.insert("fines", one(id(&fine)));
    // HR-S2/HR-S6: an event against A, A's appeal of it, and A's March card with its
    // scores: private to A, their supervisor (the manager here) and the office.
    let event = a.create(
        &admin,
        "/api/v1/score-events",
        json!({"user_id": eng_a_id, "month": "2026-03", "item_key": "record_unclear",
               "evidence": format!("记录不清 {MARKER}")}),
    );
    records.insert("score-events", one(id(&event)));
    let appeal = a.create(
        &eng_a,
        &format!("/api/v1/score-events/{}/appeals", id(&event)),
        json!({"reason": format!("记录完整 {MARKER}")}),
    );
    records.insert("score-appeals", one(id(&appeal)));
    a.create(
        &admin,
        &format!("/api/v1/scorecards/{eng_a_id}/2026-03/inputs"),
        json!({"position": "call_centre_representative", "qa_average_tenths": 920,
               "measures": {"satisfaction": 870}}),
    );
    records.insert(
        "scorecards",
        BTreeMap::from([
            ("user_id", eng_a_id.clone()),
            ("month", "2026-03".to_owned()),
        ]),
    );
    // A's leave request (HR-A3): private to A, their supervisor and the office.
    let leave = a.create(
        &eng_a,
        "/api/v1/leave-requests",
        json!({"kind": "personal", "start_date": "2026-03-16", "end_date": "2026-03-16",
               "reason": format!("办事 {MARKER}")}),
    );
    records.insert("leave-requests", one(id(&leave)));
    // A's trip, its claim and an advance (BIL-14..16): people's money, private to A and the
    // office (finance, HR, management); a supervisor does not see their team's.
    let trip = a.create(
        &eng_a,
        "/api/v1/travel-requests",
        json!({"destination_city": "温州", "city_tier": "second",
               "purpose": format!("调试 {MARKER}"), "planned_departure": "2026-03-02",
               "planned_return": "2026-03-04", "transport": "train_hard_sleeper"}),
    );
    let trip = a.run(
        &admin,
        &format!("/api/v1/travel-requests/{}/approve", id(&trip)),
        &trip,
        Value::Null,
    );
    records.insert("travel-requests", one(id(&trip)));
    let claim = a.create(
        &eng_a,
        "/api/v1/expense-claims",
        json!({"travel_request_id": id(&trip), "departed_at": "2026-03-02T09:00:00+08:00",
               "returned_at": "2026-03-04T15:00:00+08:00", "note": MARKER}),
    );
    records.insert("expense-claims", one(id(&claim)));
    let advance = a.create(
        &eng_a,
        "/api/v1/cash-advances",
        json!({"travel_request_id": id(&trip), "amount_fen": 30000,
               "purpose": format!("借支 {MARKER}")}),
    );
    records.insert("cash-advances", one(id(&advance)));
    // An exam session is no one's record (staff read it); A's result in it is private to A,
    // their supervisor and the office (HR-T1/HR-S2).
    let exam = a.create(
        &admin,
        "/api/v1/exam-sessions",
        json!({"kind": "monthly", "title": "3 月业务考试", "exam_date": "2026-03-10",
               "parts": ["knowledge"]}),
    );
    records.insert("exam-sessions", one(id(&exam)));
    let result = a.create(
        &admin,
        &format!("/api/v1/exam-sessions/{}/results", id(&exam)),
        json!({"user_id": eng_a_id, "presence": "sat", "scores": {"knowledge": 88},
               "note": format!("成绩 {MARKER}")}),
    );
    records.insert("exam-results", one(id(&result)));
    // A's probation (HR-T1): private to A, their supervisor and the office.
    let probation = a.create(
        &admin,
        "/api/v1/probations",
        json!({"user_id": eng_a_id, "starts_on": "2026-03-02"}),
    );
    records.insert("probations", one(id(&probation)));
    // HR-T3: the manager's assessment of A and A's eligibility: private to A, their
    // supervisor and the office.
    let assessment = a.create(
        &admin,
        "/api/v1/promotion-assessments",
        json!({"user_id": eng_a_id, "meets_abilities": true,
               "note": format!("能独立调试 {MARKER}")}),
    );
    records.insert("promotion-assessments", one(id(&assessment)));
    records.insert(
        "promotion-eligibility",
        BTreeMap::from([("user_id", eng_a_id.clone())]),
    );

    let article = a.create(
        &mgr,
        "/api/v1/kb-articles",
        json!({"title": format!("报警主机离线 {MARKER}"), "problem": "云平台显示设备未连接",
               "answer": "请重启路由器。", "tags": ["网络"]}),
    );
    let article = a.run(
        &mgr,
        &format!("/api/v1/kb-articles/{}/publish", id(&article)),
        &article,
        Value::Null,
    );
    let mut params = one(id(&article));
    params.insert("n", "1".to_owned());
    records.insert("kb-articles", params);
    // The company's calendar: a year's schedule is no one's record.
    records.insert(
        "calendar/schedules",
        BTreeMap::from([("year", "2027".to_owned())]),
    );

    // The assignments above told A; the first entry of A's inbox is theirs alone.
    let inbox = a.get(&eng_a, "/api/v1/me/notifications");
    records.insert("me/notifications", one(id(&inbox["items"][0])));

    let service = a.create(
        &admin,
        "/api/v1/users",
        json!({"username": "crm-sync", "display_name": "CRM", "kind": "service", "roles": ["finance"]}),
    );
    let key = a.create(
        &admin,
        "/api/v1/api-keys",
        json!({"user_id": service["id"], "name": format!("key {MARKER}")}),
    );
    records.insert("api-keys", one(id(&key)));
    let delivery = a.get(&admin, "/api/v1/webhook-deliveries");
    records.insert("webhook-deliveries", one(id(&delivery["items"][0])));
    let jobs = a.get(&admin, "/api/v1/jobs");
    records.insert("jobs", one(id(&jobs["items"][0])));

    let rule = a.get(&admin, "/api/v1/rules/commissioning-rates");
    let mut params = BTreeMap::from([("key", "commissioning-rates".to_owned())]);
    params.insert(
        "effective_from",
        rule["versions"][0]["effective_from"]
            .as_str()
            .unwrap()
            .to_owned(),
    );
    records.insert("rules", params);

    // BIL-10: B's approved 1100-point job leaves A below the minimum while the month had work
    // for both: closing March gives A a base-salary cut line, private to A and the office.
    let job_b = a.create(
        &admin,
        "/api/v1/commissioning-jobs",
        json!({"title": "B 的调试", "notice_no": "TS-2026-032", "site_id": site_x["id"],
               "controller_points": 1100, "engineer_id": eng_b_id}),
    );
    a.run(
        &admin,
        &format!("/api/v1/commissioning-jobs/{}/approve", id(&job_b)),
        &job_b,
        json!({}),
    );
    let res = a.send(
        &admin,
        "POST",
        "/api/v1/commission-months/2026-03/close",
        None,
        Value::Null,
    );
    assert_eq!(res.status, 200, "{}", res.body);
    let cut = a.get(
        &admin,
        &format!("/api/v1/commission-lines?person_id={eng_a_id}&kind=base_salary_cut"),
    );
    records.insert("commission-lines", one(id(&cut["items"][0])));
    // A month is no one's record: one that has not begun is refused even to the office.
    records.insert(
        "commission-months",
        BTreeMap::from([("month", "2099-01".to_owned())]),
    );
    // Standings compare everyone's cards (HR-S5): no caller of the matrix may read them.
    records.insert(
        "scorecard-standings/months",
        BTreeMap::from([("month", "2026-03".to_owned())]),
    );
    records.insert(
        "scorecard-standings/years",
        BTreeMap::from([("year", "2026".to_owned())]),
    );
    records.insert(
        "commission-years",
        BTreeMap::from([("year", "2099".to_owned())]),
    );
    // BIL-13: March's payroll gives A a statement (the cut above), private to A and the office.
    let res = a.send(
        &admin,
        "POST",
        "/api/v1/payroll-months/2026-03/generate",
        None,
        Value::Null,
    );
    assert_eq!(res.status, 200, "{}", res.body);
    let statement = a.get(
        &admin,
        &format!("/api/v1/payroll-statements?person_id={eng_a_id}"),
    );
    records.insert("payroll-statements", one(id(&statement["items"][0])));
    // A payroll month that has not begun reads as a malformed one: 422 BIL-13 alike.
    records.insert(
        "payroll-months",
        BTreeMap::from([("month", "2099-01".to_owned())]),
    );

    Fixture {
        callers: vec![
            ("engineer B", Some(eng_b)),
            ("supervisor of B", Some(sup_b)),
            ("contact of Y", Some(contact_y)),
            ("finance", Some(finance)),
            ("no token", None),
        ],
        records,
        app,
        clock,
    }
}
