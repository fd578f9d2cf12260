use super::*;
use Action::*;
use Relation::*;
use Role::*;

/// The single roles that may run `action` (before the record check).
fn who(action: Action) -> Vec<Role> {
    Role::ALL
        .into_iter()
        .filter(|r| may(action, &[*r]))
        .collect()
}

fn actor(roles: &[Role], relations: &[Relation]) -> ActorFacts {
    relations
        .iter()
        .fold(ActorFacts::new("u-1", roles.to_vec()), |a, r| {
            a.with(*r, true)
        })
}

fn assert_roles(cases: &[(Action, &[Role])]) {
    for (action, expected) in cases {
        assert_eq!(who(*action), expected.to_vec(), "{action:?}");
    }
}

const ALL: &[Role] = &Role::ALL;

#[test]
fn every_action_has_exactly_one_role_row() {
    let mut seen = Vec::new();
    for (action, roles) in ROLES {
        assert!(!roles.is_empty(), "{action:?} has no role");
        assert!(!seen.contains(action), "{action:?} is listed twice");
        seen.push(*action);
    }
    for (action, _) in RECORD {
        assert!(
            seen.contains(action),
            "{action:?} has a condition but no roles"
        );
    }
    for action in Action::ALL {
        assert!(seen.contains(&action), "{action:?} has no role row");
    }
    assert_eq!(seen.len(), Action::ALL.len());
}

#[test]
fn org_5_reads_are_open_to_anyone_signed_in() {
    for action in [
        TicketList,
        TicketListAtRisk,
        TicketGet,
        TicketTransitions,
        VisitList,
        VisitGet,
        ServiceRecordList,
        FormList,
        FormGet,
        FormVersions,
        CallbackList,
        CallbackGet,
        ComplaintList,
        ComplaintGet,
        ComplaintCounts,
        ChangeRequestList,
        ChangeRequestGet,
        KbList,
        KbGet,
    ] {
        assert_eq!(who(action), ALL.to_vec(), "{action:?}");
    }
}

#[test]
fn tkt_1_who_opens_a_ticket() {
    assert_roles(&[(
        TicketCreate,
        &[
            Admin,
            Manager,
            Supervisor,
            Clerk,
            Engineer,
            CallbackAgent,
            Executive,
            CustomerContact,
        ],
    )]);
    assert!(!may(TicketCreate, &[Finance, Hr, QaInspector]));
    assert_roles(&[(TicketUpdate, &[Admin, Manager, Supervisor, Clerk, Engineer])]);
}

#[test]
fn tkt_3_who_runs_the_lifecycle_commands() {
    assert_roles(&[
        (TicketStart, &[Admin, Manager, Supervisor, Engineer]),
        (TicketWait, &[Admin, Manager, Supervisor, Engineer]),
        (TicketResume, &[Admin, Manager, Supervisor, Engineer]),
        (TicketResolve, &[Admin, Manager, Supervisor, Engineer]),
        (TicketClose, &[Admin, Manager, Clerk]),
        (TicketCancel, &[Admin, Manager, Supervisor, Clerk]),
        (
            TicketReopen,
            &[Admin, Manager, Supervisor, Clerk, CallbackAgent],
        ),
    ]);
}

#[test]
fn tkt_3_an_engineer_works_only_the_tickets_assigned_to_them() {
    for action in [TicketStart, TicketWait, TicketResume, TicketResolve] {
        assert!(may_on_record(action, &actor(&[Engineer], &[Assignee])));
        assert!(
            !may_on_record(action, &actor(&[Engineer], &[])),
            "{action:?}"
        );
        assert!(
            may_on_record(action, &actor(&[Supervisor], &[])),
            "{action:?}"
        );
        // Being the assignee gives no command a role does not allow.
        assert!(!may_on_record(action, &actor(&[Clerk], &[Assignee])));
    }
    assert!(may_on_record(TicketClose, &actor(&[Clerk], &[])));
    assert!(!may_on_record(
        TicketClose,
        &actor(&[Engineer], &[Assignee])
    ));
}

#[test]
fn tkt_4_leads_assign_and_only_the_assigned_engineer_handles_the_appointment() {
    assert_roles(&[(TicketAssign, &[Admin, Manager, Supervisor])]);
    for action in [TicketConfirmAppointment, TicketMissedAppointment] {
        assert!(may_on_record(action, &actor(&[Engineer], &[Assignee])));
        assert!(!may_on_record(action, &actor(&[Engineer], &[])));
        assert!(!may_on_record(action, &actor(&[Admin, Manager], &[])));
        assert!(!may_on_record(action, &actor(&[Manager], &[Assignee])));
    }
}

#[test]
fn tkt_5_visits_requested_by_the_assignee_or_a_lead_approved_by_managers() {
    assert_roles(&[
        (VisitRequest, &[Admin, Manager, Supervisor, Engineer]),
        (VisitApprove, &[Admin, Manager]),
        (VisitReject, &[Admin, Manager]),
        (DispatchBoard, &[Admin, Manager, Supervisor]),
        (MyAgenda, &[Admin, Manager, Supervisor, Engineer]),
    ]);
    assert!(may_on_record(
        VisitRequest,
        &actor(&[Engineer], &[Assignee])
    ));
    assert!(!may_on_record(VisitRequest, &actor(&[Engineer], &[])));
    assert!(may_on_record(VisitRequest, &actor(&[Supervisor], &[])));
    assert!(!may_on_record(VisitApprove, &actor(&[Supervisor], &[])));
}

#[test]
fn tkt_5_tkt_8_only_the_visits_engineer_reports_from_the_field() {
    for action in [VisitDepart, VisitArrive, VisitFinish, VisitEscalate] {
        assert_eq!(who(action), vec![Engineer], "{action:?}");
        assert!(may_on_record(action, &actor(&[Engineer], &[Assignee])));
        assert!(
            !may_on_record(action, &actor(&[Engineer], &[])),
            "{action:?}"
        );
        assert!(!may_on_record(action, &actor(&[Admin], &[Assignee])));
    }
}

#[test]
fn tkt_6_who_records_a_service() {
    assert_roles(&[(
        ServiceRecordCreate,
        &[Admin, Manager, Supervisor, Clerk, Engineer],
    )]);
}

#[test]
fn tkt_7_the_visits_engineer_writes_the_form_and_the_office_takes_it_in() {
    for action in [FormCreate, FormUpdate, FormSign, FormAmend] {
        assert_eq!(who(action), vec![Engineer], "{action:?}");
        assert!(may_on_record(action, &actor(&[Engineer], &[Assignee])));
        assert!(
            !may_on_record(action, &actor(&[Engineer], &[])),
            "{action:?}"
        );
    }
    assert_roles(&[
        (FormReceive, &[Admin, Manager, Clerk]),
        (FormListLate, &[Admin, Manager, Clerk]),
    ]);
    assert!(may_on_record(FormReceive, &actor(&[Clerk], &[])));
}

#[test]
fn tkt_9_the_desk_calls_back_and_managers_answer_follow_ups() {
    assert_roles(&[
        (CallbackCreate, &[Admin, Manager, Clerk, CallbackAgent]),
        (CallbackAttempt, &[Admin, Manager, Clerk, CallbackAgent]),
        (CallbackComplete, &[Admin, Manager, Clerk, CallbackAgent]),
        (FollowUpList, &[Admin, Manager, QaInspector, Executive]),
        (FollowUpGet, &[Admin, Manager, QaInspector, Executive]),
        (FollowUpAnswer, &[Admin, Manager]),
        (
            DeskAgenda,
            &[
                Admin,
                Manager,
                Supervisor,
                Clerk,
                CallbackAgent,
                QaInspector,
                Executive,
            ],
        ),
    ]);
}

#[test]
fn tkt_13_the_satisfaction_report_and_whose_teams_it_shows() {
    assert_roles(&[(
        SatisfactionReport,
        &[Admin, Manager, Supervisor, QaInspector, Executive],
    )]);
    assert_eq!(satisfaction_scope(&[QaInspector]), Ok(ReportScope::All));
    assert_eq!(
        satisfaction_scope(&[Supervisor, Engineer]),
        Ok(ReportScope::SupervisedTeams)
    );
    assert_eq!(
        satisfaction_scope(&[Supervisor, Manager]),
        Ok(ReportScope::All)
    );
    assert!(matches!(
        satisfaction_scope(&[Clerk]),
        Err(DomainError::Forbidden { rule: "TKT-13", .. })
    ));
}

#[test]
fn tkt_10_nobody_handles_a_complaint_about_themselves() {
    assert_roles(&[
        (
            ComplaintCreate,
            &[
                Admin,
                Manager,
                Supervisor,
                Clerk,
                CallbackAgent,
                QaInspector,
                CustomerContact,
            ],
        ),
        (ComplaintJudge, &[Admin, Manager, Supervisor]),
        (ComplaintClose, &[Admin, Manager, Supervisor]),
        (
            ComplaintReply,
            &[Admin, Manager, Supervisor, Clerk, CallbackAgent],
        ),
    ]);
    for action in [ComplaintJudge, ComplaintClose, ComplaintReply] {
        assert!(may_on_record(action, &actor(&[Manager], &[])), "{action:?}");
        assert!(
            !may_on_record(action, &actor(&[Manager], &[Subject])),
            "{action:?}"
        );
        // A supervisor handles the complaints about their own team's members only.
        assert!(may_on_record(
            action,
            &actor(&[Supervisor], &[SupervisesSubject])
        ));
        assert!(
            !may_on_record(action, &actor(&[Supervisor], &[])),
            "{action:?}"
        );
        assert!(!may_on_record(
            action,
            &actor(&[Supervisor], &[SupervisesSubject, Subject])
        ));
    }
    // The desk replies to any complaint but judges none.
    assert!(may_on_record(ComplaintReply, &actor(&[Clerk], &[])));
    assert!(!may_on_record(ComplaintReply, &actor(&[Clerk], &[Subject])));
    assert!(!may_on_record(ComplaintJudge, &actor(&[Clerk], &[])));
}

#[test]
fn tkt_11_work_orders_raised_by_the_tickets_engineer_or_a_lead() {
    assert_roles(&[(WorkOrderCreate, &[Admin, Manager, Supervisor, Engineer])]);
    assert!(may_on_record(
        WorkOrderCreate,
        &actor(&[Engineer], &[Assignee])
    ));
    assert!(!may_on_record(WorkOrderCreate, &actor(&[Engineer], &[])));
    let staff: Vec<Role> = ALL
        .iter()
        .copied()
        .filter(|r| *r != CustomerContact)
        .collect();
    for action in [WorkOrderList, WorkOrderGet, WorkOrderSolve, WorkOrderClose] {
        assert_eq!(who(action), staff, "{action:?}");
    }
}

#[test]
fn tkt_11_who_works_closes_and_cancels_a_work_order() {
    let cases: &[(Action, &[Relation], &[Role], bool)] = &[
        (WorkOrderStart, &[Assignee], &[Engineer], true),
        (WorkOrderStart, &[], &[Engineer], false),
        (WorkOrderStart, &[], &[Supervisor], true),
        (
            WorkOrderStartNamingAssignee,
            &[Assignee],
            &[Engineer],
            false,
        ),
        (WorkOrderStartNamingAssignee, &[], &[Manager], true),
        (WorkOrderSolve, &[Assignee], &[Engineer], true),
        (WorkOrderSolve, &[Raiser], &[Engineer], false),
        (WorkOrderClose, &[], &[Clerk], true),
        (WorkOrderClose, &[Raiser], &[Engineer], true),
        (WorkOrderClose, &[Assignee], &[Engineer], false),
        (WorkOrderCancel, &[Raiser], &[Engineer], true),
        (WorkOrderCancel, &[], &[Clerk], false),
        (WorkOrderCancel, &[], &[Admin], true),
        (WorkOrderSolve, &[Assignee], &[CustomerContact], false),
    ];
    for (action, relations, roles, allowed) in cases {
        assert_eq!(
            may_on_record(*action, &actor(roles, relations)),
            *allowed,
            "{action:?} {roles:?} {relations:?}"
        );
    }
}

#[test]
fn tkt_12_who_moves_a_change_request() {
    assert_roles(&[
        (ChangeRequestCreate, &[Admin, Manager, Supervisor, Engineer]),
        (
            ChangeRequestConfirmRequirements,
            &[Admin, Manager, Supervisor, Engineer],
        ),
        (ChangeRequestReview, &[Admin, Manager]),
        (ChangeRequestStartDevelopment, &[Admin, Manager, Supervisor]),
        (ChangeRequestSubmitForTest, &[Admin, Manager, Supervisor]),
        (ChangeRequestPassTest, &[Engineer]),
        (
            ChangeRequestDeliver,
            &[Admin, Manager, Supervisor, Engineer],
        ),
        (
            ChangeRequestRecordFeedback,
            &[Admin, Manager, Supervisor, Engineer],
        ),
        (
            ChangeRequestDelay,
            &[Admin, Manager, Supervisor, Clerk, Engineer],
        ),
        (ChangeRequestCancel, &[Admin, Manager]),
    ]);
}

#[test]
fn kb_1_writers_editors_and_readers() {
    assert_roles(&[
        (KbCreate, &[Admin, Manager, Supervisor, Clerk, Engineer]),
        (KbUpdate, &[Admin, Manager, Supervisor, Clerk, Engineer]),
        (KbEditPublished, &[Admin, Manager, Supervisor, Clerk]),
        (KbPublish, &[Admin, Manager, Supervisor, Clerk]),
        (KbArchive, &[Admin, Manager, Supervisor, Clerk]),
    ]);
    assert!(!may(KbVersions, &[CustomerContact]));
    assert!(kb_published_only(&[CustomerContact]));
    assert!(!kb_published_only(&[CustomerContact, Finance]));
}

#[test]
fn a_refusal_is_forbidden_naming_the_actions_rule() {
    assert_eq!(require(TicketAssign, &[Manager]), Ok(()));
    match require(TicketAssign, &[Engineer]) {
        Err(DomainError::Forbidden { rule, .. }) => assert_eq!(rule, "TKT-4"),
        other => panic!("{other:?}"),
    }
    match require_on_record(ComplaintJudge, &actor(&[Manager], &[Subject])) {
        Err(e) => assert_eq!(e.rule(), Some("TKT-10")),
        Ok(()) => panic!("a manager judged a complaint about themselves"),
    }
    // No role at all: nothing is allowed.
    assert!(!may(TicketList, &[]));
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn any_relations() -> impl Strategy<Value = Vec<Relation>> {
        proptest::sample::subsequence(
            vec![Assignee, Raiser, Requester, Subject, SupervisesSubject],
            0..5,
        )
    }

    proptest! {
        /// ORG-1: a relation to the record never lets in a role the action's row excludes,
        /// and adding roles never loses a permission the role check alone gave.
        #[test]
        fn org_1_record_facts_only_narrow_the_role_table(
            action in proptest::sample::select(Action::ALL.to_vec()),
            roles in proptest::sample::subsequence(Role::ALL.to_vec(), 0..5),
            relations in any_relations(),
            extra in proptest::sample::select(Role::ALL.to_vec()),
        ) {
            let facts = actor(&roles, &relations);
            if may_on_record(action, &facts) {
                prop_assert!(may(action, &roles));
            }
            if may(action, &roles) {
                let mut more = roles.clone();
                more.push(extra);
                prop_assert!(may(action, &more));
            }
            prop_assert_eq!(require_on_record(action, &facts).is_ok(), may_on_record(action, &facts));
        }
    }
}
