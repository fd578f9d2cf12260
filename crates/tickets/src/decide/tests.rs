use super::*;
use chrono::TimeZone;
use kefu_core::Role;
use proptest::prelude::*;

fn at(h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 9, h, 0, 0).unwrap()
}

const NOW: u32 = 12;

fn ticket(status: Status) -> Ticket {
    Ticket {
        id: TicketId::new("t-1"),
        status,
        customer_id: CustomerId::new("c-1"),
        assignee_id: Some(UserId::new("eng")),
        team_id: Some(TeamId::new("team-a")),
        planned_start: Some(at(14)),
        planned_end: Some(at(16)),
        responded_at: None,
        waiting_since: None,
        response_due_at: at(10),
        resolution_due_at: at(18),
    }
}

fn engineer() -> ActorFacts {
    ActorFacts::new("eng", vec![Role::Engineer])
}

fn manager() -> ActorFacts {
    ActorFacts::new("boss", vec![Role::Manager])
}

fn lifecycle(command: Command) -> TicketCommand {
    TicketCommand::Lifecycle {
        command,
        reason: Some("why".into()),
    }
}

fn assign(to: &str) -> TicketCommand {
    TicketCommand::Assign {
        assignee_id: UserId::new(to),
        planned_start: Some(at(14)),
        planned_end: Some(at(15)),
        reason: None,
    }
}

fn engineer_facts(team: &str) -> TicketFacts {
    TicketFacts {
        assignee: Some(AssigneeFacts {
            enabled_engineer: true,
            team_id: Some(TeamId::new(team)),
        }),
        ..TicketFacts::default()
    }
}

fn run(t: &Ticket, actor: &ActorFacts, c: &TicketCommand) -> Result<TicketOutcome, DomainError> {
    decide(t, actor, c, &TicketFacts::default(), at(NOW))
}

fn rule_of(r: Result<TicketOutcome, DomainError>) -> Option<&'static str> {
    r.err().and_then(|e| e.rule())
}

#[test]
fn tkt_3_lifecycle_commands_set_their_timestamps() {
    // (from, command, the field the command stamps or clears, expected status)
    type Stamp = fn(&TicketChanges) -> bool;
    let cases: &[(Status, Command, Stamp, Status)] = &[
        (
            Status::Assigned,
            Command::Start,
            |c| c.responded_at == Some(Some(at(NOW))),
            Status::InProgress,
        ),
        (
            Status::InProgress,
            Command::Wait,
            |c| c.waiting_since == Some(Some(at(NOW))),
            Status::WaitingCustomer,
        ),
        (
            Status::Resolved,
            Command::Close,
            |c| c.closed_at == Some(Some(at(NOW))),
            Status::Closed,
        ),
        (
            Status::New,
            Command::Cancel,
            |c| c.cancelled_at == Some(Some(at(NOW))),
            Status::Cancelled,
        ),
        (
            Status::Closed,
            Command::Reopen,
            |c| c.resolved_at == Some(None) && c.closed_at == Some(None),
            Status::InProgress,
        ),
    ];
    for (from, command, stamped, to) in cases {
        let out = decide_for_rule(
            &ticket(*from),
            &manager(),
            &lifecycle(*command),
            &TicketFacts::default(),
            at(NOW),
        )
        .unwrap_or_else(|e| panic!("{command:?} from {from:?}: {e}"));
        assert!(stamped(&out.changes), "{command:?}: {:?}", out.changes);
        assert_eq!(out.changes.status, Some(*to));
        assert_eq!(
            out.log,
            vec![LogEntry {
                action: command.as_str(),
                from: *from,
                to: *to,
                reason: Some("why".into())
            }]
        );
        assert_eq!(out.audit_action(), format!("ticket.{}", command.as_str()));
    }
}

#[test]
fn tkt_2_a_second_start_keeps_the_first_response() {
    let mut t = ticket(Status::Assigned);
    t.responded_at = Some(at(9));
    let out = run(&t, &engineer(), &lifecycle(Command::Start)).unwrap();
    assert_eq!(out.changes.responded_at, None);
}

#[test]
fn tkt_3_an_invalid_transition_is_a_state_conflict_naming_both_states() {
    match run(&ticket(Status::Resolved), &manager(), &assign("eng2")) {
        Err(DomainError::State {
            rule: "TKT-3",
            message,
        }) => {
            assert!(message.contains("resolved → assigned"), "{message}");
            assert!(!message.starts_with("TKT-3"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    for (from, command) in [
        (Status::New, Command::Start),
        (Status::Cancelled, Command::Reopen),
        (Status::Closed, Command::Cancel),
        (Status::Assigned, Command::Resume),
    ] {
        assert_eq!(
            rule_of(run(&ticket(from), &manager(), &lifecycle(command))),
            Some("TKT-3")
        );
    }
}

#[test]
fn tkt_3_assign_and_resolve_are_not_bare_lifecycle_commands() {
    for command in [Command::Assign, Command::Resolve] {
        let r = run(&ticket(Status::InProgress), &manager(), &lifecycle(command));
        assert!(
            matches!(r, Err(DomainError::Invalid(_))),
            "{command:?}: {r:?}"
        );
    }
}

#[test]
fn tkt_3_who_may_is_part_of_the_decision() {
    let stranger = ActorFacts::new("other", vec![Role::Engineer]);
    let cases: &[(&ActorFacts, TicketCommand, bool)] = &[
        (&engineer(), lifecycle(Command::Start), true),
        (&stranger, lifecycle(Command::Start), false),
        (&engineer(), lifecycle(Command::Cancel), false),
        (&engineer(), assign("eng2"), false),
        (&manager(), lifecycle(Command::Start), true),
        (
            &manager(),
            TicketCommand::ConfirmAppointment {
                confirmed_with: "x".into(),
            },
            false,
        ),
    ];
    for (actor, command, allowed) in cases {
        let r = authorize(&ticket(Status::Assigned), actor, command);
        assert_eq!(r.is_ok(), *allowed, "{} {command:?}", actor.user_id);
        if let Err(e) = r {
            assert!(matches!(e, DomainError::Forbidden { .. }), "{e:?}");
        }
    }
    // A refusal comes before the state machine: a stranger learns nothing of the state.
    assert!(matches!(
        run(
            &ticket(Status::Closed),
            &stranger,
            &lifecycle(Command::Start)
        ),
        Err(DomainError::Forbidden { .. })
    ));
}

#[test]
fn tkt_9_a_rule_closes_a_ticket_whoever_runs_it() {
    let agent = ActorFacts::new("agent", vec![Role::CallbackAgent]);
    let close = lifecycle(Command::Close);
    assert!(run(&ticket(Status::Resolved), &agent, &close).is_err());
    let out = decide_for_rule(
        &ticket(Status::Resolved),
        &agent,
        &close,
        &TicketFacts::default(),
        at(NOW),
    )
    .unwrap();
    assert_eq!(out.changes.status, Some(Status::Closed));
}

#[test]
fn tkt_4_assign_takes_the_engineers_team_and_clears_the_appointment() {
    let mut t = ticket(Status::New);
    t.assignee_id = None;
    let out = decide(
        &t,
        &manager(),
        &assign("eng2"),
        &engineer_facts("team-b"),
        at(NOW),
    )
    .unwrap();
    assert_eq!(out.changes.assignee_id, Some(Some(UserId::new("eng2"))));
    assert_eq!(out.changes.team_id, Some(Some(TeamId::new("team-b"))));
    assert_eq!(out.changes.planned_start, Some(Some(at(14))));
    assert_eq!(out.changes.planned_end, Some(Some(at(15))));
    assert_eq!(out.changes.appointment_confirmed_at, Some(None));
    assert_eq!(out.changes.appointment_confirmed_with, Some(None));
    assert_eq!(out.log[0].action, "assign");
    assert_eq!(
        out.notices,
        vec![TicketNotice::Assigned {
            assignee_id: UserId::new("eng2")
        }]
    );
}

#[test]
fn tkt_4_reassign_and_who_is_told() {
    let boss = ActorFacts::new("boss", vec![Role::Supervisor, Role::Engineer]);
    // (current assignee, new assignee, action logged, told)
    let cases: &[(Option<&str>, &str, &str, bool)] = &[
        (Some("eng"), "eng2", "reassign", true),
        (Some("eng"), "eng", "reassign", false),
        (None, "boss", "assign", false),
        (Some("eng"), "boss", "reassign", false),
    ];
    for (current, new, action, told) in cases {
        let mut t = ticket(Status::InProgress);
        t.assignee_id = current.map(UserId::new);
        let out = decide(&t, &boss, &assign(new), &engineer_facts("team-a"), at(NOW)).unwrap();
        assert_eq!(out.log[0].action, *action, "{current:?} → {new}");
        assert_eq!(!out.notices.is_empty(), *told, "{current:?} → {new}");
    }
}

#[test]
fn tkt_4_the_planned_window_needs_both_ends_in_order() {
    type Case = (
        Option<u32>,
        Option<u32>,
        Option<(&'static str, &'static str)>,
    );
    let cases: &[Case] = &[
        (Some(14), Some(15), None),
        (None, None, None),
        (Some(15), Some(14), Some(("planned_end", "range"))),
        (Some(15), Some(15), Some(("planned_end", "range"))),
        (Some(14), None, Some(("planned_end", "required"))),
        (None, Some(14), Some(("planned_start", "required"))),
    ];
    for (start, end, error) in cases {
        let r = planned_window(start.map(at), end.map(at));
        match (r, error) {
            (Ok(_), None) => {}
            (Err(DomainError::Invalid(e)), Some((field, code))) => {
                assert_eq!((e[0].field.as_str(), e[0].code), (*field, *code));
            }
            (other, _) => panic!("{start:?}–{end:?}: {other:?}"),
        }
    }
}

#[test]
fn tkt_4_only_an_enabled_engineer_is_assigned() {
    let facts = TicketFacts {
        assignee: Some(AssigneeFacts {
            enabled_engineer: false,
            team_id: None,
        }),
        ..TicketFacts::default()
    };
    for facts in [facts, TicketFacts::default()] {
        match decide(
            &ticket(Status::New),
            &manager(),
            &assign("x"),
            &facts,
            at(NOW),
        ) {
            Err(DomainError::Invalid(e)) => assert_eq!(e[0].field, "assignee_id"),
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn tkt_4_confirm_needs_an_assigned_ticket_with_a_window() {
    let confirm = TicketCommand::ConfirmAppointment {
        confirmed_with: "Ms Li".into(),
    };
    for status in Status::ALL {
        let r = decide_for_rule(
            &ticket(status),
            &engineer(),
            &confirm,
            &TicketFacts::default(),
            at(NOW),
        );
        let open = matches!(
            status,
            Status::Assigned | Status::InProgress | Status::WaitingCustomer
        );
        assert_eq!(r.is_ok(), open, "{status:?}");
        if !open {
            assert_eq!(rule_of(r), Some("TKT-4"));
        }
    }
    let mut no_window = ticket(Status::Assigned);
    no_window.planned_start = None;
    match run(&no_window, &engineer(), &confirm) {
        Err(DomainError::State {
            rule: "TKT-4",
            message,
        }) => {
            assert!(message.contains("(ticket is assigned)"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    let out = run(&ticket(Status::Assigned), &engineer(), &confirm).unwrap();
    assert_eq!(out.changes.status, None);
    assert_eq!(
        out.changes.appointment_confirmed_with,
        Some(Some("Ms Li".into()))
    );
    assert_eq!(out.changes.responded_at, Some(Some(at(NOW))));
    assert_eq!(out.log[0].action, "confirm_appointment");
}

#[test]
fn tkt_4_a_missed_appointment_without_consent_is_escalated() {
    let missed = |consented| TicketCommand::MissedAppointment {
        reason: "traffic".into(),
        customer_consented: consented,
    };
    let out = run(&ticket(Status::Assigned), &engineer(), &missed(true)).unwrap();
    assert_eq!(out.log.len(), 1);
    assert_eq!(
        out.log[0].reason.as_deref(),
        Some("traffic (customer consented)")
    );
    assert_eq!(out.changes.escalated_at, None);
    assert_eq!(out.changes.appointment_confirmed_at, Some(None));

    let out = run(&ticket(Status::Assigned), &engineer(), &missed(false)).unwrap();
    let actions: Vec<_> = out.log.iter().map(|e| e.action).collect();
    assert_eq!(actions, ["missed_appointment", "escalate"]);
    assert!(
        out.log[1]
            .reason
            .as_deref()
            .is_some_and(|r| r.starts_with("TKT-4:"))
    );
    assert_eq!(out.changes.escalated_at, Some(Some(at(NOW))));
    assert_eq!(out.changes.escalation_reason, Some(Some("traffic".into())));

    let mut no_window = ticket(Status::InProgress);
    no_window.planned_start = None;
    assert_eq!(
        rule_of(run(&no_window, &engineer(), &missed(true))),
        Some("TKT-4")
    );
}

#[test]
fn tkt_11_resolve_is_refused_while_a_work_order_is_open() {
    let resolve = TicketCommand::Resolve {
        summary: "fixed".into(),
    };
    for (orders, allowed) in [
        (vec![], true),
        (
            vec![WorkOrderStatus::Closed, WorkOrderStatus::Cancelled],
            true,
        ),
        (
            vec![WorkOrderStatus::Closed, WorkOrderStatus::Solved],
            false,
        ),
        (vec![WorkOrderStatus::Open], false),
    ] {
        let facts = TicketFacts {
            work_orders: orders.clone(),
            ..TicketFacts::default()
        };
        let r = decide(
            &ticket(Status::InProgress),
            &engineer(),
            &resolve,
            &facts,
            at(NOW),
        );
        assert_eq!(r.is_ok(), allowed, "{orders:?}");
        if !allowed {
            assert!(matches!(r, Err(DomainError::Rule { rule: "TKT-11", .. })));
        }
    }
    let out = run(&ticket(Status::InProgress), &engineer(), &resolve).unwrap();
    assert_eq!(out.changes.resolved_at, Some(Some(at(NOW))));
    assert_eq!(out.changes.responded_at, Some(Some(at(NOW))));
    assert_eq!(out.changes.resolution_summary, Some(Some("fixed".into())));
    assert_eq!(out.log[0].reason.as_deref(), Some("fixed"));
}

#[test]
fn tkt_2_leaving_waiting_pushes_the_unmet_due_instants() {
    // Each unmet due instant moves two hours.
    let push = |due: DateTime<Utc>| Ok::<_, ()>(due + chrono::Duration::hours(2));
    let mut waiting = ticket(Status::WaitingCustomer);
    waiting.waiting_since = Some(at(9));
    // (command, response already met, response pushed)
    let cases = [
        (lifecycle(Command::Resume), false, true),
        (lifecycle(Command::Resume), true, false),
        (lifecycle(Command::Cancel), false, true),
        (assign("eng2"), true, false),
    ];
    for (command, responded, pushed) in cases {
        let mut t = waiting.clone();
        t.responded_at = responded.then(|| at(8));
        assert!(needs_shifted_due(&t, &command));
        let facts = TicketFacts {
            shifted_due: Some(shift_due(&t, push).unwrap()),
            ..engineer_facts("team-a")
        };
        let out = decide(&t, &manager(), &command, &facts, at(NOW)).unwrap();
        assert_eq!(out.changes.resolution_due_at, Some(at(20)), "{command:?}");
        let response = pushed.then_some(at(12));
        assert_eq!(out.changes.response_due_at, response, "{command:?}");
        assert_eq!(out.changes.waiting_since, Some(None));
    }
    let confirm = TicketCommand::ConfirmAppointment {
        confirmed_with: "x".into(),
    };
    assert!(!needs_shifted_due(&waiting, &confirm));
    assert!(!needs_shifted_due(
        &ticket(Status::InProgress),
        &lifecycle(Command::Wait)
    ));
    // Without the shifted instants the decision refuses rather than lose the waiting time.
    let r = decide(
        &waiting,
        &manager(),
        &lifecycle(Command::Resume),
        &TicketFacts::default(),
        at(NOW),
    );
    assert_eq!(rule_of(r), Some("TKT-2"));
}

fn any_status() -> impl Strategy<Value = Status> {
    proptest::sample::select(Status::ALL.to_vec())
}

fn any_command() -> impl Strategy<Value = TicketCommand> {
    let user = proptest::sample::select(vec!["eng", "eng2", "boss"]);
    prop_oneof![
        (
            user,
            proptest::option::of(0u32..24),
            proptest::option::of(0u32..24)
        )
            .prop_map(|(u, s, e)| TicketCommand::Assign {
                assignee_id: UserId::new(u),
                planned_start: s.map(at),
                planned_end: e.map(at),
                reason: None,
            }),
        proptest::sample::select(Command::ALL.to_vec()).prop_map(lifecycle),
        Just(TicketCommand::Resolve {
            summary: "s".into()
        }),
        Just(TicketCommand::ConfirmAppointment {
            confirmed_with: "c".into()
        }),
        any::<bool>().prop_map(|c| TicketCommand::MissedAppointment {
            reason: "r".into(),
            customer_consented: c,
        }),
    ]
}

fn any_actor() -> impl Strategy<Value = ActorFacts> {
    (
        proptest::sample::select(vec!["eng", "eng2", "boss"]),
        proptest::sample::subsequence(Role::ALL.to_vec(), 0..4),
    )
        .prop_map(|(u, roles)| ActorFacts::new(u, roles))
}

proptest! {
    #[test]
    fn tkt_3_decide_never_panics_and_moves_status_only_along_the_lifecycle(
        status in any_status(),
        assigned in any::<bool>(),
        window in any::<bool>(),
        waiting in any::<bool>(),
        responded in any::<bool>(),
        actor in any_actor(),
        command in any_command(),
        engineer_ok in any::<bool>(),
        open_order in any::<bool>(),
    ) {
        let mut t = ticket(status);
        t.assignee_id = assigned.then(|| UserId::new("eng"));
        if !window { t.planned_start = None; t.planned_end = None; }
        t.waiting_since = (waiting && status == Status::WaitingCustomer).then(|| at(9));
        t.responded_at = responded.then(|| at(8));
        let facts = TicketFacts {
            assignee: Some(AssigneeFacts { enabled_engineer: engineer_ok, team_id: None }),
            work_orders: if open_order { vec![WorkOrderStatus::Open] } else { vec![] },
            shifted_due: needs_shifted_due(&t, &command)
                .then(|| shift_due(&t, |d| Ok::<_, ()>(d + chrono::Duration::hours(1))))
                .transpose()
                .map_err(|()| TestCaseError::fail("push"))?,
        };
        if let Ok(out) = decide(&t, &actor, &command, &facts, at(NOW)) {
            prop_assert!(!out.log.is_empty());
            prop_assert_eq!(out.log[0].from, t.status);
            for pair in out.log.windows(2) {
                prop_assert_eq!(pair[1].from, pair[0].to);
            }
            let after = out.status_after(t.status);
            prop_assert_eq!(out.log.last().map(|e| e.to), Some(after));
            if let Some(new) = out.changes.status {
                prop_assert_ne!(new, t.status);
                let lifecycle_command = match &command {
                    TicketCommand::Assign { .. } => Command::Assign,
                    TicketCommand::Resolve { .. } => Command::Resolve,
                    TicketCommand::Lifecycle { command, .. } => *command,
                    other => return Err(TestCaseError::fail(format!("{other:?} moved the status"))),
                };
                prop_assert_eq!(lifecycle::transition(t.status, lifecycle_command), Ok(new));
            }
            // Nothing that waited keeps waiting_since once it leaves waiting.
            if t.waiting_since.is_some() && after != Status::WaitingCustomer {
                prop_assert_eq!(out.changes.waiting_since, Some(None));
            }
        }
    }
}
