//! The callback desk's agenda (TKT-7, TKT-9): a clerk's callbacks due today and overdue, the
//! forms to receive and the dissatisfied customers waiting on the manager; a team's; and who
//! may read whose (ORG-5).

use crate::feedback_forms::{draft, form_ok, signature_png, upload_signature, visit};
use crate::tickets::{World, id, world};
use serde_json::{Value, json};

const CLERK_PASS: &str = "Clerk-pass-1";

fn agenda(w: &World, token: &str, query: &str) -> Value {
    let res = w
        .app
        .get(&format!("/api/v1/desk/agenda{query}"))
        .bearer(token)
        .send();
    assert_eq!(res.status, 200, "{query}: {}", res.body);
    res.json()
}

fn ids(section: &Value) -> Vec<String> {
    section["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

fn resolved(w: &World) -> Value {
    let t = w.assign(&w.fault("normal"), &w.eng1_id);
    let t = w.ok(&w.eng1, &t, "start", json!({}));
    w.ok(
        &w.eng1,
        &t,
        "resolve",
        json!({"resolution_summary": "更换通讯板"}),
    )
}

fn callback(w: &World, token: &str, ticket: &Value) -> Value {
    let res = w
        .app
        .post("/api/v1/callbacks")
        .bearer(token)
        .json(&json!({"ticket_id": id(ticket), "source": "manual"}))
        .send();
    assert_eq!(res.status, 201, "{}", res.body);
    res.json()
}

/// A signed form of eng1's finished visit, not yet received.
fn signed_form(w: &World) -> Value {
    let v = visit(w, true);
    let form = draft(w, &v);
    let sig = upload_signature(w, &w.eng1, ("feedback_form", id(&form)), &signature_png(5));
    form_ok(
        w,
        &w.eng1,
        "POST",
        &form,
        "/sign",
        json!({"signature_attachment_id": sig, "signer_name": "王经理"}),
    )
}

#[test]
fn tkt_9_the_desk_sees_todays_callbacks_the_overdue_the_forms_and_the_waiting_customers() {
    let mut w = world();
    let clerk = w
        .app
        .create_user(&w.admin, "clerk1", &["clerk"], CLERK_PASS);
    // Wednesday: a callback due today; Thursday it is overdue and another is due.
    w.set_clock("2026-03-11T10:00:00+08:00");
    let token = w.app.token("clerk1", CLERK_PASS);
    let late = callback(&w, &token, &resolved(&w));
    w.set_clock("2026-03-12T09:00:00+08:00");
    let token = w.app.token("clerk1", CLERK_PASS);
    let today = callback(&w, &token, &resolved(&w));
    // A dissatisfied customer on a third call waits on the manager.
    let unhappy = callback(&w, &token, &resolved(&w));
    let res = w
        .app
        .post(&format!("/api/v1/callbacks/{}/complete", id(&unhappy)))
        .bearer(&token)
        .if_match(&format!("\"{}\"", unhappy["version"]))
        .json(
            &json!({"form_signed": true, "timeliness": 2, "attitude": 2, "technical": 2,
                      "result_ok": false, "satisfied": false}),
        )
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    let follow_up = res.json()["follow_up_id"].clone();
    let form = signed_form(&w);

    let mine = agenda(&w, &token, "");
    assert_eq!(
        (
            mine["date"].clone(),
            mine["user_id"].clone(),
            mine["team_id"].clone()
        ),
        (json!("2026-03-12"), clerk["id"].clone(), Value::Null)
    );
    assert_eq!(ids(&mine["callbacks_due_today"]), [id(&today)]);
    assert_eq!(mine["callbacks_due_today"]["count"], 1);
    assert_eq!(ids(&mine["callbacks_overdue"]), [id(&late)]);
    assert_eq!(mine["callbacks_overdue"]["items"][0]["overdue"], true);
    // The desk receives every signed form.
    assert_eq!(ids(&mine["forms_to_receive"]), [id(&form)]);
    assert_eq!(mine["follow_ups_waiting"]["count"], 1);
    assert_eq!(mine["follow_ups_waiting"]["items"][0]["id"], follow_up);

    // The manager reads the clerk's agenda, and their own holds the follow-up they owe.
    let same = agenda(&w, &w.manager, &format!("?user_id={}", id(&clerk)));
    assert_eq!(ids(&same["callbacks_overdue"]), [id(&late)]);
    let managers = agenda(&w, &w.manager, "");
    assert_eq!(managers["follow_ups_waiting"]["items"][0]["id"], follow_up);
    assert!(ids(&managers["callbacks_due_today"]).is_empty());
    // A manager is not the desk: only their own visits' forms would be theirs.
    assert_eq!(managers["forms_to_receive"]["count"], 0);

    // Received, the form leaves the queue.
    let res = w
        .app
        .post(&format!("/api/v1/feedback-forms/{}/receive", id(&form)))
        .bearer(&token)
        .if_match(&format!("\"{}\"", form["version"]))
        .json(&json!({}))
        .send();
    assert_eq!(res.status, 200, "{}", res.body);
    let after = agenda(&w, &token, "");
    assert_eq!(after["forms_to_receive"]["count"], 0);
    // Receiving made the form's callback, due today: the receiver's agenda shows it.
    assert_eq!(after["callbacks_due_today"]["count"], 2);

    // Engineers have no desk agenda; both parameters at once are refused.
    w.app
        .get("/api/v1/desk/agenda")
        .bearer(&w.eng1)
        .send()
        .problem(403, "forbidden");
    let p = w
        .app
        .get(&format!(
            "/api/v1/desk/agenda?user_id={}&team_id=x",
            id(&clerk)
        ))
        .bearer(&w.manager)
        .send()
        .problem(422, "validation");
    assert!(p.to_string().contains("team_id"), "{p}");
}

#[test]
fn org_5_a_supervisor_reads_their_teams_agenda_and_no_one_elses() {
    let w = world();
    let (sup, team) = crate::complaints::supervised_team_of_eng1(&w);
    let form = signed_form(&w);

    // The team's agenda holds its members' forms still to hand in.
    let theirs = agenda(&w, &sup, &format!("?team_id={}", id(&team)));
    assert_eq!(theirs["team_id"], team["id"]);
    assert_eq!(ids(&theirs["forms_to_receive"]), [id(&form)]);
    let member = agenda(&w, &sup, &format!("?user_id={}", w.eng1_id));
    assert_eq!(ids(&member["forms_to_receive"]), [id(&form)]);
    // Someone outside the supervisor's teams, or an unknown team, reads as absent.
    w.app
        .get(&format!("/api/v1/desk/agenda?user_id={}", w.eng2_id))
        .bearer(&sup)
        .send()
        .problem(404, "not-found");
    w.app
        .get("/api/v1/desk/agenda?team_id=no-such-team")
        .bearer(&w.manager)
        .send()
        .problem(404, "not-found");
}
