use super::*;
use crate::travel::{CityTier, Destination};

fn dt(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

fn staff() -> TravelStandard {
    TravelStandards::defaults().standards[0].clone()
}

fn lodging(nights: i64, fen: i64, invoice: Option<&str>) -> LodgingItem {
    LodgingItem {
        nights,
        amount: Money(fen),
        invoice_no: invoice.map(str::to_owned),
    }
}

fn trip(from: &str, to: &str, lodging: Vec<LodgingItem>) -> ClaimItems {
    ClaimItems {
        departed_at: dt(from),
        returned_at: dt(to),
        lodging,
        local_transport: vec![],
        other: vec![],
    }
}

#[test]
fn bil_15_the_issue_example_monday_1330_to_wednesday_1100() {
    // Monday 2026-03-02 13:30 → Wednesday 11:00: 0.5 + 1 + 0.5 = 2.0 days.
    let items = trip(
        "2026-03-02 13:30",
        "2026-03-04 11:00",
        vec![
            lodging(1, 15_000, Some("F-1")),
            lodging(1, 10_000, Some("F-2")),
        ],
    );
    let c = compute_claim(&TravelStandards::defaults(), &staff(), &items).unwrap();
    assert_eq!(c.half_days, 4);
    assert_eq!(c.lines[0].kind, ClaimLineKind::Meals);
    assert_eq!(c.lines[0].reimbursed_fen, 6_000);
    assert_eq!(c.lines[0].standard_fen_per_day, Some(3_000));
    let lodging: i64 = c.lines[1..].iter().map(|l| l.reimbursed_fen).sum();
    assert_eq!(lodging, 22_000);
    assert_eq!(c.lines[1].reimbursed_fen, 12_000);
    assert!(c.lines[1].reason.as_deref().unwrap().contains("自行承担"));
    assert_eq!(c.lines[2].reimbursed_fen, 10_000);
    assert_eq!(c.lines[2].reason, None, "savings are not paid out");
    assert_eq!(c.total, Money(28_000));
    assert!(c.lines.iter().all(|l| l.rule == "BIL-15"));
}

#[test]
fn bil_15_lodging_without_an_invoice_is_zero_with_a_reason() {
    let items = trip(
        "2026-03-02 09:00",
        "2026-03-03 18:00",
        vec![lodging(1, 9_000, None)],
    );
    let c = compute_claim(&TravelStandards::defaults(), &staff(), &items).unwrap();
    assert_eq!(c.lines[1].reimbursed_fen, 0);
    assert_eq!(c.lines[1].claimed_fen, 9_000);
    assert!(c.lines[1].reason.as_deref().unwrap().contains("无住宿发票"));
    assert_eq!(c.total, Money(6_000));
}

#[test]
fn bil_15_more_nights_than_the_trip_or_a_return_before_leaving_are_refused() {
    let s = TravelStandards::defaults();
    let items = trip(
        "2026-03-02 09:00",
        "2026-03-03 18:00",
        vec![lodging(2, 9_000, Some("F"))],
    );
    let e = compute_claim(&s, &staff(), &items).unwrap_err();
    assert_eq!(e.rule(), Some("BIL-15"));
    let items = trip("2026-03-03 09:00", "2026-03-02 18:00", vec![]);
    assert_eq!(
        compute_claim(&s, &staff(), &items).unwrap_err().rule(),
        Some("BIL-15")
    );
}

#[test]
fn bil_15_local_transport_as_spent_or_up_to_a_cap_and_other_items() {
    let mut items = trip("2026-03-02 09:00", "2026-03-02 18:00", vec![]);
    let spent = |d: &str, fen| SpentItem {
        description: d.to_owned(),
        amount: Money(fen),
    };
    items.local_transport = vec![spent("出租车", 4_000), spent("地铁", 1_000)];
    items.other = vec![spent("资料打印", 500)];
    let c = compute_claim(&TravelStandards::defaults(), &staff(), &items).unwrap();
    assert_eq!(c.total, Money(3_000 + 5_000 + 500));
    let capped = TravelStandard {
        local_transport_cap_fen_per_day: Some(4_500),
        ..staff()
    };
    let c = compute_claim(&TravelStandards::defaults(), &capped, &items).unwrap();
    let transport: Vec<i64> = c.lines[1..3].iter().map(|l| l.reimbursed_fen).collect();
    assert_eq!(transport, [4_000, 500]);
    assert!(c.lines[2].reason.is_some());
}

#[test]
fn bil_14_requested_is_decided_once() {
    use TravelCommand as C;
    use TravelStatus as S;
    assert_eq!(travel_transition(S::Requested, C::Approve), Ok(S::Approved));
    assert_eq!(travel_transition(S::Requested, C::Reject), Ok(S::Rejected));
    assert_eq!(travel_transition(S::Requested, C::Cancel), Ok(S::Cancelled));
    for from in [S::Approved, S::Rejected, S::Cancelled] {
        for c in [C::Approve, C::Reject, C::Cancel] {
            assert_eq!(
                travel_transition(from, c).unwrap_err().rule(),
                Some("BIL-14")
            );
        }
    }
}

#[test]
fn bil_14_grades_fall_back_to_staff_and_county_trips_use_the_second_tier() {
    let s = TravelStandards::defaults();
    assert_eq!(grades_of(&[Role::Manager]), ["manager", "staff"]);
    assert_eq!(grades_of(&[Role::Engineer]), ["staff"]);
    let std = standard_for(&s, &grades_of(&[Role::Executive]), Destination::County).unwrap();
    assert_eq!(
        (std.grade.as_str(), std.city_tier),
        ("staff", CityTier::Second)
    );
    let none = TravelStandards {
        standards: vec![],
        ..TravelStandards::defaults()
    };
    let e = standard_for(&none, &["staff"], Destination::County).unwrap_err();
    assert_eq!(e.rule(), Some("BIL-14"));
}

#[test]
fn bil_15_claims_are_approved_then_paid() {
    use ClaimCommand as C;
    use ClaimStatus as S;
    assert_eq!(claim_transition(S::Submitted, C::Approve), Ok(S::Approved));
    assert_eq!(claim_transition(S::Approved, C::Pay), Ok(S::Paid));
    assert_eq!(claim_transition(S::Submitted, C::Reject), Ok(S::Rejected));
    assert_eq!(
        claim_transition(S::Submitted, C::Pay).unwrap_err().rule(),
        Some("BIL-15")
    );
    assert_eq!(
        claim_transition(S::Paid, C::Pay).unwrap_err().rule(),
        Some("BIL-15")
    );
}

#[test]
fn bil_16_one_open_advance_and_its_steps() {
    use AdvanceCommand as C;
    use AdvanceStatus as S;
    assert_eq!(may_request_advance(0), Ok(()));
    assert_eq!(may_request_advance(1).unwrap_err().rule(), Some("BIL-16"));
    assert_eq!(
        advance_transition(S::Requested, C::Approve),
        Ok(S::Approved)
    );
    assert_eq!(advance_transition(S::Approved, C::Pay), Ok(S::Paid));
    assert_eq!(advance_transition(S::Paid, C::Settle), Ok(S::Settled));
    assert_eq!(advance_transition(S::Requested, C::Reject), Ok(S::Rejected));
    assert_eq!(
        advance_transition(S::Approved, C::Settle)
            .unwrap_err()
            .rule(),
        Some("BIL-16")
    );
    assert_eq!(
        advance_transition(S::Settled, C::Pay).unwrap_err().rule(),
        Some("BIL-16")
    );
    for open in OPEN_ADVANCE {
        let s: S = open.parse().unwrap();
        assert!(matches!(s, S::Requested | S::Approved | S::Paid));
    }
}

#[test]
fn bil_16_due_a_week_after_return_and_settled_both_ways() {
    let p = ExpensePolicy::defaults();
    let back = NaiveDate::from_ymd_opt(2026, 3, 4).unwrap();
    assert_eq!(
        claim_due(&p, back),
        NaiveDate::from_ymd_opt(2026, 3, 11).unwrap()
    );
    assert_eq!(settlement(Money(28_000), Money(50_000)), Money(-22_000));
    assert_eq!(settlement(Money(28_000), Money(20_000)), Money(8_000));
}

#[test]
fn bil_17_phone_allowance_by_position_class() {
    let p = ExpensePolicy::defaults();
    assert!(p.validate().is_ok());
    assert_eq!(p.phone_allowance(Some("B")), Money(10_000));
    assert_eq!(p.phone_allowance(Some("Z")), Money(0));
    assert_eq!(p.phone_allowance(None), Money(0));
    let mut dup = p.clone();
    dup.phone_allowances.push(dup.phone_allowances[0].clone());
    match dup.validate() {
        Err(DomainError::Invalid(e)) => assert_eq!(e[0].field, "phone_allowances[3].class"),
        other => panic!("{other:?}"),
    }
    let bad = ExpensePolicy {
        claim_due_days: 0,
        ..ExpensePolicy::defaults()
    };
    assert!(bad.validate().is_err());
}
