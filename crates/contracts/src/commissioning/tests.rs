use super::*;
use kefu_core::rules::RuleSet;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn job(status: CommissioningStatus, points: i64) -> Job {
    Job {
        status,
        billable_points: points,
        started_on: None,
        ended_on: None,
        documents_due_on: None,
        handed_in: [None; 3],
        callback_confirmed_on: None,
        acceptance_on: None,
    }
}

#[test]
fn con_8_a_pure_alarm_controller_counts_127_points_whatever_its_size() {
    let r = ContractRules::defaults();
    assert_eq!(billable_points(&r, 400, false), 400);
    assert_eq!(billable_points(&r, 40, true), 127);
    assert_eq!(billable_points(&r, 900, true), 127);
}

#[test]
fn con_7_documents_are_due_three_calendar_days_after_the_end_and_late_by_days() {
    let r = ContractRules::defaults();
    let due = documents_due(&r, d("2026-03-06"));
    assert_eq!(due, d("2026-03-09"), "calendar days, over the weekend");
    let on_time = timeliness(Some(due), Some(d("2026-03-09")), d("2026-03-20"));
    assert_eq!((on_time.late, on_time.late_days), (false, 0));
    let late = timeliness(Some(due), Some(d("2026-03-11")), d("2026-03-20"));
    assert_eq!((late.late, late.late_days), (true, 2));
    let missing = timeliness(Some(due), None, d("2026-03-10"));
    assert_eq!((missing.late, missing.late_days), (true, 1));
    assert!(!timeliness(None, None, d("2026-03-10")).late);
}

#[test]
fn con_7_the_flow_from_approval_to_completion_with_the_recheck_over_1000_points() {
    let r = ContractRules::defaults();
    let today = d("2026-03-20");
    let mut j = job(CommissioningStatus::PendingApproval, 1_200);
    let cmd = JobCommand::Commission {
        started_on: d("2026-03-02"),
        ended_on: d("2026-03-06"),
    };
    assert!(matches!(
        decide(&j, &cmd, &r, today),
        Err(DomainError::State { rule: "CON-7", .. })
    ));
    let out = decide(&j, &JobCommand::Approve { approved_on: today }, &r, today).unwrap();
    assert_eq!(out.status, Some(CommissioningStatus::Approved));
    j.status = CommissioningStatus::Approved;
    let out = decide(&j, &cmd, &r, today).unwrap();
    assert_eq!(out.documents_due_on, Some(d("2026-03-09")));
    j.status = CommissioningStatus::Commissioned;
    j.ended_on = out.ended_on;
    j.documents_due_on = out.documents_due_on;
    j.handed_in = [Some(d("2026-03-08")), Some(d("2026-03-08")), None];
    assert_eq!(
        late_documents(&j, d("2026-03-10")),
        vec![CommissioningDocument::SettlementNotice]
    );
    let confirm = JobCommand::ConfirmCallback {
        confirmed_on: d("2026-03-10"),
    };
    match decide(&j, &confirm, &r, today) {
        Err(DomainError::Rule { rule, message }) => {
            assert_eq!(rule, "CON-7");
            assert!(message.contains("settlement_notice"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    j.handed_in[2] = Some(d("2026-03-10"));
    let out = decide(&j, &confirm, &r, today).unwrap();
    assert_eq!(out.status, Some(CommissioningStatus::AwaitingRecheck));
    assert_eq!(out.recheck_due_on, Some(d("2026-03-11")));
    j.billable_points = 1_000;
    let out = decide(&j, &confirm, &r, today).unwrap();
    assert_eq!(
        out.status,
        Some(CommissioningStatus::Completed),
        "not over 1000"
    );
    assert_eq!(out.recheck_required, Some(false));
}

#[test]
fn con_7_documents_once_each_and_acceptance_once_after_the_work() {
    let r = ContractRules::defaults();
    let today = d("2026-03-20");
    let mut j = job(CommissioningStatus::Commissioned, 400);
    j.ended_on = Some(d("2026-03-06"));
    j.handed_in[0] = Some(d("2026-03-07"));
    let again = JobCommand::HandIn {
        documents: vec![CommissioningDocument::ProjectFile],
        handed_in_on: today,
    };
    assert!(decide(&j, &again, &r, today).is_err());
    let early = JobCommand::HandIn {
        documents: vec![CommissioningDocument::SettlementNotice],
        handed_in_on: d("2026-03-05"),
    };
    assert!(matches!(
        decide(&j, &early, &r, today),
        Err(DomainError::Invalid(_))
    ));
    let accept = JobCommand::RecordAcceptance {
        accepted_on: d("2026-03-18"),
    };
    assert_eq!(
        decide(&j, &accept, &r, today).unwrap().acceptance_on,
        Some(d("2026-03-18"))
    );
    j.acceptance_on = Some(d("2026-03-18"));
    assert!(decide(&j, &accept, &r, today).is_err());
    j.status = CommissioningStatus::Approved;
    j.acceptance_on = None;
    assert!(decide(&j, &accept, &r, today).is_err());
}
