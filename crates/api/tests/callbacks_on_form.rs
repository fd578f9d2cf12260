//! TKT-9 through the service the feedback-form receipt calls (`on_form_received`), which no
//! endpoint reaches yet: a form received on Wednesday 2026-03-11 makes a callback due that
//! day, and a second receipt of the same form returns the same callback. SQLite by default;
//! PostgreSQL with `KEFU_TEST_DB=postgres` and `KEFU_TEST_PG_URL` (migrated in place).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, NaiveDate, Utc};
use kefu_api::config::Config;
use kefu_api::server::{self, NewUserArgs};
use kefu_api::services::Ctx;
use kefu_api::services::callbacks::on_form_received;
use kefu_core::Role;
use kefu_store::customers::{self, CustomerRow};
use kefu_store::tickets::{self, TicketRow};
use kefu_store::{new_id, to_db_time};

fn config() -> Config {
    let url = match std::env::var("KEFU_TEST_DB").as_deref() {
        Ok("postgres") => std::env::var("KEFU_TEST_PG_URL").expect("KEFU_TEST_PG_URL"),
        _ => {
            let dir = std::env::temp_dir().join(format!("kefu-cb-{}", new_id()));
            std::fs::create_dir_all(&dir).unwrap();
            format!("sqlite://{}", dir.join("kefu.db").display())
        }
    };
    Config::from_lookup(|name| match name {
        "KEFU_DATABASE_URL" => Some(url.clone()),
        "KEFU_ADMIN_PASSWORD" => Some("Admin-pass-123456".to_owned()),
        _ => None,
    })
    .unwrap()
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn ticket(conn: &mut kefu_store::DbConnection, now: DateTime<Utc>) -> TicketRow {
    let t = to_db_time(now);
    let customer = CustomerRow {
        id: new_id(),
        name: "甲公司".to_owned(),
        phone: None,
        key_account: false,
        dealer_name: None,
        dealer_consent: false,
        owner_user_id: None,
        team_id: None,
        note: None,
        created_at: t,
        updated_at: t,
        version: 1,
        deleted_at: None,
    };
    customers::insert(conn, &customer).unwrap();
    let admin = kefu_store::users::find_by_username(conn, "admin")
        .unwrap()
        .unwrap();
    let row = TicketRow {
        id: new_id(),
        number: format!("T-{}", new_id()),
        channel: "phone".to_owned(),
        ticket_type: "fault".to_owned(),
        priority: "normal".to_owned(),
        status: "resolved".to_owned(),
        customer_id: customer.id,
        site_id: None,
        contact_id: None,
        equipment_id: None,
        description: "报警主机通讯故障".to_owned(),
        taken_by: admin.row.id,
        assignee_id: None,
        team_id: None,
        planned_start: None,
        planned_end: None,
        appointment_confirmed_at: None,
        appointment_confirmed_with: None,
        escalated_at: None,
        escalation_reason: None,
        response_due_at: t,
        resolution_due_at: t,
        responded_at: Some(t),
        waiting_since: None,
        resolved_at: Some(t),
        resolution_summary: Some("更换通讯板".to_owned()),
        closed_at: None,
        cancelled_at: None,
        created_at: t,
        updated_at: t,
        version: 1,
        deleted_at: None,
    };
    tickets::insert(conn, &row).unwrap();
    row
}

#[test]
fn tkt_9_a_form_received_on_wednesday_is_called_back_the_same_day_once() {
    let config = config();
    let pool = server::pool(&config).unwrap();
    server::prepare_database(&pool, &config).unwrap();
    let username = format!("agent{}", &new_id()[24..]);
    server::create_user(
        &config,
        NewUserArgs {
            username: username.clone(),
            display_name: None,
            roles: vec![Role::CallbackAgent],
            service: false,
            password: Some("Agent-pass-123456".to_owned()),
        },
    )
    .unwrap();
    let mut conn = pool.get().unwrap();
    let received = at("2026-03-11T16:20:00+08:00");
    let ctx = Ctx::system(received);
    let tz = chrono_tz::Asia::Shanghai;
    let t = ticket(&mut conn, received);
    let form = new_id();
    let first = on_form_received(&mut conn, &ctx, tz, &t, &form, received).unwrap();
    assert_eq!(
        first.due_date,
        NaiveDate::from_ymd_opt(2026, 3, 11).unwrap()
    );
    assert_eq!(first.feedback_form_id.as_deref(), Some(form.as_str()));
    assert_eq!(first.status.as_str(), "open");
    // Received again (a retried receipt): the same callback, not a second one.
    let again = on_form_received(&mut conn, &ctx, tz, &t, &form, received).unwrap();
    assert_eq!(again.id, first.id);
    // Saturday's form is called back on Monday.
    let saturday = at("2026-03-14T10:00:00+08:00");
    let other = on_form_received(
        &mut conn,
        &Ctx::system(saturday),
        tz,
        &t,
        &new_id(),
        saturday,
    )
    .unwrap();
    assert_eq!(
        other.due_date,
        NaiveDate::from_ymd_opt(2026, 3, 16).unwrap()
    );
}
