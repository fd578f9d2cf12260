use super::*;
use kefu_core::rules::RuleSet;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn contract(status: ContractStatus, mode: RenewalMode) -> Contract {
    Contract {
        status,
        renewal_mode: mode,
        period_start: d("2026-01-01"),
        period_end: d("2026-12-31"),
        amount_fen: 1_200_000,
        paid_fen: 0,
        payment_due_on: None,
        notice_days: 30,
        renewal_cancelled: false,
        has_successor: false,
    }
}

fn rules() -> ContractRules {
    ContractRules::defaults()
}

fn refused(r: Result<ContractOutcome, DomainError>) -> (&'static str, &'static str) {
    match r {
        Err(DomainError::Rule { rule, .. }) => ("rule", rule),
        Err(DomainError::State { rule, .. }) => ("state", rule),
        Err(DomainError::Invalid(e)) => (
            "invalid",
            if e[0].field == "period_end" {
                "period_end"
            } else {
                "other"
            },
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn con_1_signing_a_draft_activates_it_once_its_period_has_begun() {
    let draft = contract(ContractStatus::Draft, RenewalMode::Express);
    let sign = ContractCommand::Sign {
        signed_on: d("2026-03-02"),
    };
    let out = decide(&draft, &sign, &rules(), d("2026-03-02")).unwrap();
    assert_eq!(out.status, Some(ContractStatus::Active));
    let early = Contract {
        period_start: d("2026-04-01"),
        ..draft.clone()
    };
    let out = decide(&early, &sign, &rules(), d("2026-03-02")).unwrap();
    assert_eq!(out.status, Some(ContractStatus::Signed));
    let signed = contract(ContractStatus::Active, RenewalMode::Express);
    assert_eq!(
        refused(decide(&signed, &sign, &rules(), d("2026-03-02"))),
        ("state", "CON-1")
    );
}

#[test]
fn con_1_only_signed_or_active_contracts_are_terminated() {
    for (status, ok) in [
        (ContractStatus::Draft, false),
        (ContractStatus::Signed, true),
        (ContractStatus::Active, true),
        (ContractStatus::Expired, false),
        (ContractStatus::Terminated, false),
    ] {
        let r = decide(
            &contract(status, RenewalMode::Express),
            &ContractCommand::Terminate,
            &rules(),
            d("2026-06-01"),
        );
        assert_eq!(r.is_ok(), ok, "{status}");
    }
}

#[test]
fn con_1_express_renewal_continues_the_period_once() {
    let c = contract(ContractStatus::Active, RenewalMode::Express);
    let renew = ContractCommand::Renew {
        period_end: d("2027-12-31"),
    };
    let out = decide(&c, &renew, &rules(), d("2026-12-01")).unwrap();
    assert_eq!(
        out.successor_period,
        Some((d("2027-01-01"), d("2027-12-31")))
    );
    let renewed = Contract {
        has_successor: true,
        ..c.clone()
    };
    assert_eq!(
        refused(decide(&renewed, &renew, &rules(), d("2026-12-01"))),
        ("state", "CON-1")
    );
    let backwards = ContractCommand::Renew {
        period_end: d("2026-12-31"),
    };
    assert_eq!(
        refused(decide(&c, &backwards, &rules(), d("2026-12-01"))),
        ("invalid", "period_end")
    );
}

#[test]
fn con_1_a_tacit_renewal_is_cancelled_only_before_the_notice_period() {
    let c = contract(ContractStatus::Active, RenewalMode::Tacit);
    // 30 days' notice before 2026-12-31: the last day to cancel is 2026-12-01.
    assert_eq!(cancel_by(&c), d("2026-12-01"));
    let out = decide(
        &c,
        &ContractCommand::CancelRenewal,
        &rules(),
        d("2026-12-01"),
    )
    .unwrap();
    assert!(out.renewal_cancelled);
    assert_eq!(
        refused(decide(
            &c,
            &ContractCommand::CancelRenewal,
            &rules(),
            d("2026-12-02")
        )),
        ("rule", "CON-1")
    );
    let express = contract(ContractStatus::Active, RenewalMode::Express);
    assert_eq!(
        refused(decide(
            &express,
            &ContractCommand::CancelRenewal,
            &rules(),
            d("2026-06-01")
        )),
        ("rule", "CON-1")
    );
    let cancelled = Contract {
        renewal_cancelled: true,
        ..c
    };
    assert_eq!(
        refused(decide(
            &cancelled,
            &ContractCommand::CancelRenewal,
            &rules(),
            d("2026-06-01")
        )),
        ("state", "CON-1")
    );
}

#[test]
fn con_1_the_lifecycle_activates_expires_and_renews_tacit_contracts() {
    let signed = contract(ContractStatus::Signed, RenewalMode::Express);
    assert_eq!(lifecycle(&signed, d("2025-12-31")), None);
    assert_eq!(
        lifecycle(&signed, d("2026-01-01")),
        Some(Lifecycle::Activate)
    );
    let active = contract(ContractStatus::Active, RenewalMode::Express);
    assert_eq!(lifecycle(&active, d("2026-12-31")), None);
    assert_eq!(lifecycle(&active, d("2027-01-01")), Some(Lifecycle::Expire));
    let tacit = contract(ContractStatus::Active, RenewalMode::Tacit);
    assert_eq!(
        lifecycle(&tacit, d("2027-01-01")),
        Some(Lifecycle::ExpireAndRenew {
            period: (d("2027-01-01"), d("2027-12-31"))
        })
    );
    let cancelled = Contract {
        renewal_cancelled: true,
        ..tacit.clone()
    };
    assert_eq!(
        lifecycle(&cancelled, d("2027-01-01")),
        Some(Lifecycle::Expire)
    );
    let continued = Contract {
        has_successor: true,
        ..tacit
    };
    assert_eq!(
        lifecycle(&continued, d("2027-01-01")),
        Some(Lifecycle::Expire)
    );
}

#[test]
fn con_1_next_periods_keep_whole_months_or_days() {
    assert_eq!(
        next_period(d("2026-03-01"), d("2026-08-31")),
        Some((d("2026-09-01"), d("2027-02-28")))
    );
    assert_eq!(
        next_period(d("2026-03-02"), d("2026-03-11")),
        Some((d("2026-03-12"), d("2026-03-21")))
    );
    assert_eq!(
        next_period(d("2026-01-15"), d("2027-01-14")),
        Some((d("2027-01-15"), d("2028-01-14")))
    );
}

#[test]
fn con_2_payment_is_due_three_days_after_signing_and_overdue_after() {
    assert_eq!(payment_due(&rules(), d("2026-03-02")), d("2026-03-05"));
    let signed = decide(
        &contract(ContractStatus::Draft, RenewalMode::Express),
        &ContractCommand::Sign {
            signed_on: d("2026-03-02"),
        },
        &rules(),
        d("2026-03-02"),
    )
    .unwrap();
    let c = Contract {
        status: ContractStatus::Active,
        payment_due_on: signed.payment_due_on,
        ..contract(ContractStatus::Active, RenewalMode::Express)
    };
    assert_eq!(payment_status(&c, d("2026-03-05")), PaymentStatus::Pending);
    assert_eq!(payment_status(&c, d("2026-03-06")), PaymentStatus::Overdue);
    let paid = Contract {
        paid_fen: c.amount_fen,
        ..c
    };
    assert_eq!(payment_status(&paid, d("2026-03-06")), PaymentStatus::Paid);
    let longer = ContractRules {
        payment_due_days: 5,
        ..rules()
    };
    assert_eq!(payment_due(&longer, d("2026-03-02")), d("2026-03-07"));
}

#[test]
fn con_2_payments_are_positive_booked_on_signed_contracts_and_never_exceed_the_amount() {
    let c = contract(ContractStatus::Active, RenewalMode::Express);
    let pay = |amount_fen| ContractCommand::RecordPayment {
        amount_fen,
        paid_on: d("2026-03-04"),
    };
    let out = decide(&c, &pay(1_000_000), &rules(), d("2026-03-04")).unwrap();
    assert_eq!(out.paid_fen, Some(1_000_000));
    let part = Contract {
        paid_fen: 1_000_000,
        ..c.clone()
    };
    assert_eq!(
        refused(decide(&part, &pay(200_001), &rules(), d("2026-03-04"))),
        ("rule", "CON-2")
    );
    let draft = contract(ContractStatus::Draft, RenewalMode::Express);
    assert_eq!(
        refused(decide(&draft, &pay(1), &rules(), d("2026-03-04"))),
        ("state", "CON-2")
    );
    assert!(matches!(
        decide(&c, &pay(0), &rules(), d("2026-03-04")),
        Err(DomainError::Invalid(_))
    ));
}
