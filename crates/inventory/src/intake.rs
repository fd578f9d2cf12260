//! INV-5 repair intake (维修登记 / 故障维修单): a faulty device taken in for repair is
//! registered at once — the customer, the unit (product, model, serial), the visible damage
//! noted in front of the customer, the accessories received, the fault as reported and whether
//! it was reproduced — and the customer signs it (seed 003 §37: 当客户面查验…请客户确认签字;
//! 不忘再现故障). Once signed the intake is the customer's record: its facts never change (like a
//! signed feedback form, TKT-7), only its repair status moves on, through to the device going
//! back to the customer.
//!
//! The ticket is optional: seed 002 §6(4) has engineers bring devices back from a site (a
//! ticket), seed 003 §37 has customers walk into the fault-service centre with theirs (none).

use kefu_core::{DomainError, FieldError};
use utoipa::ToSchema;

kefu_core::string_enum! {
    /// INV-5: where a device taken in for repair is.
    #[derive(ToSchema)]
    pub enum IntakeStatus {
        /// Registered; waits for the customer's signature, then for the repair to start.
        Received = "received",
        /// Being repaired (at the service centre or the factory).
        InRepair = "in_repair",
        /// Repaired, or found beyond repair: waits to go back to the customer.
        AwaitingReturn = "awaiting_return",
        /// Handed or shipped back to the customer: the intake is over.
        Returned = "returned",
    }
}

kefu_core::string_enum! {
    /// INV-5/BIL-4: where a device is repaired: at the fault-service centre, or sent on to the
    /// factory's repair department (which needs the customer's full payment first, BIL-4).
    #[derive(ToSchema)]
    pub enum RepairSite {
        ServiceCentre = "service_centre",
        Factory = "factory",
    }
}

/// The longest name of one accessory received with a device.
pub const MAX_ACCESSORY_CHARS: usize = 100;

fn field(name: &str, code: &'static str, message: impl Into<String>) -> FieldError {
    FieldError::new(name, code, message).by_rule("INV-5")
}

fn state(message: impl Into<String>) -> DomainError {
    DomainError::State {
        rule: "INV-5",
        message: message.into(),
    }
}

/// What registering (or editing) an intake names, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntakeFacts {
    pub serial: String,
    pub reported_fault: String,
    /// The linked ticket's customer, when a ticket is linked.
    pub ticket_customer_id: Option<String>,
    pub customer_id: String,
    /// Accessories received with the device, each named once.
    pub accessories: Vec<String>,
}

/// INV-5: an intake names the unit's serial and the fault as the customer reported it; a
/// linked ticket is the same customer's; each accessory is named once. 422 naming the fields
/// and `INV-5`.
pub fn check_facts(facts: &IntakeFacts) -> Result<(), DomainError> {
    let mut errors = Vec::new();
    if facts.serial.is_empty() {
        errors.push(field("serial", "required", "the unit's serial number"));
    }
    if facts.reported_fault.is_empty() {
        errors.push(field(
            "reported_fault",
            "required",
            "the fault as the customer reported it",
        ));
    }
    if facts
        .ticket_customer_id
        .as_ref()
        .is_some_and(|c| *c != facts.customer_id)
    {
        errors.push(field(
            "ticket_id",
            "other_customer",
            "the ticket is another customer's",
        ));
    }
    let mut seen = std::collections::BTreeSet::new();
    if facts.accessories.iter().any(|a| a.is_empty()) {
        errors.push(field("accessories", "required", "name each accessory"));
    } else if facts
        .accessories
        .iter()
        .any(|a| a.chars().count() > MAX_ACCESSORY_CHARS)
    {
        errors.push(field(
            "accessories",
            "length",
            format!("an accessory is named in at most {MAX_ACCESSORY_CHARS} characters"),
        ));
    } else if !facts.accessories.iter().all(|a| seen.insert(a)) {
        errors.push(field("accessories", "duplicate", "each accessory once"));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(DomainError::Invalid(errors))
    }
}

/// INV-5: the facts of an intake change only until the customer signed them (409 naming
/// `INV-5` after): a signed record is not rewritten behind the customer's back (seed 002
/// 第3条: 不允许随便涂改用户签字后的记录表).
pub fn check_editable(signed: bool) -> Result<(), DomainError> {
    if signed {
        Err(state(
            "the customer signed the intake; its facts no longer change",
        ))
    } else {
        Ok(())
    }
}

/// INV-5: the customer signs once (409 naming `INV-5` when signed already).
pub fn check_signable(signed: bool) -> Result<(), DomainError> {
    if signed {
        Err(state("the customer signed the intake already"))
    } else {
        Ok(())
    }
}

/// INV-5: the repair status moves forward only: `received` → `in_repair` →
/// `awaiting_return` → `returned`, and a device may go back to the customer from any open
/// status (unrepaired, or taken back). Nothing moves before the customer signed (the intake is
/// their acknowledgement of the device's state) and nothing after `returned` — each 409 naming
/// `INV-5`.
pub fn decide_transition(
    from: IntakeStatus,
    signed: bool,
    to: IntakeStatus,
) -> Result<IntakeStatus, DomainError> {
    use IntakeStatus::*;
    if from == Returned {
        return Err(state("the device went back to the customer already"));
    }
    if !signed {
        return Err(state(
            "the customer signs the intake before the repair moves on",
        ));
    }
    match (from, to) {
        (Received, InRepair) | (InRepair, AwaitingReturn) | (_, Returned) => Ok(to),
        _ => Err(state(format!("an intake {from} does not move to {to}"))),
    }
}

/// INV-5/BIL-4: a move with its repair site. Moving to `in_repair` sets the site
/// (`service_centre` unless `factory` is named); a repair at the service centre may move on to
/// the factory (`in_repair` again with `factory`); naming a site for any other move is 422
/// `repair_site`. Otherwise as [`decide_transition`]. Returns the new status and site, and
/// whether the move sends the device to the factory (what BIL-4 then checks).
pub fn decide_move(
    from: IntakeStatus,
    from_site: Option<RepairSite>,
    signed: bool,
    to: IntakeStatus,
    site: Option<RepairSite>,
) -> Result<(IntakeStatus, Option<RepairSite>, bool), DomainError> {
    use IntakeStatus::*;
    if site.is_some() && to != InRepair {
        return Err(DomainError::Invalid(vec![field(
            "repair_site",
            "not_allowed",
            "a repair site is named when the repair starts (`to` = `in_repair`)",
        )]));
    }
    if from == InRepair && to == InRepair {
        return if from_site != Some(RepairSite::Factory) && site == Some(RepairSite::Factory) {
            Ok((InRepair, site, true))
        } else {
            Err(state(
                "a repair in progress moves on only from the service centre to the factory",
            ))
        };
    }
    let status = decide_transition(from, signed, to)?;
    if to == InRepair {
        let site = site.unwrap_or(RepairSite::ServiceCentre);
        Ok((status, Some(site), site == RepairSite::Factory))
    } else {
        Ok((status, from_site, false))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use IntakeStatus::*;

    fn facts() -> IntakeFacts {
        IntakeFacts {
            serial: "SN-1".into(),
            reported_fault: "无法开机".into(),
            ticket_customer_id: Some("c1".into()),
            customer_id: "c1".into(),
            accessories: vec!["电源适配器".into(), "数据线".into()],
        }
    }

    fn fields(e: DomainError) -> Vec<(String, &'static str)> {
        assert_eq!(e.rule(), Some("INV-5"));
        match e {
            DomainError::Invalid(errors) => errors.into_iter().map(|e| (e.field, e.code)).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn inv_5_an_intake_names_the_serial_the_fault_and_its_customers_ticket() {
        assert!(check_facts(&facts()).is_ok());
        assert!(
            check_facts(&IntakeFacts {
                ticket_customer_id: None,
                accessories: Vec::new(),
                ..facts()
            })
            .is_ok()
        );
        let bad = IntakeFacts {
            serial: String::new(),
            reported_fault: String::new(),
            ticket_customer_id: Some("c2".into()),
            customer_id: "c1".into(),
            accessories: vec!["线".into(), "线".into()],
        };
        assert_eq!(
            fields(check_facts(&bad).unwrap_err()),
            vec![
                ("serial".to_owned(), "required"),
                ("reported_fault".to_owned(), "required"),
                ("ticket_id".to_owned(), "other_customer"),
                ("accessories".to_owned(), "duplicate"),
            ]
        );
    }

    #[test]
    fn inv_5_a_signed_intake_is_locked_and_signed_once() {
        assert!(check_editable(false).is_ok());
        assert!(check_signable(false).is_ok());
        for e in [check_editable(true), check_signable(true)] {
            assert!(matches!(e, Err(DomainError::State { rule: "INV-5", .. })));
        }
    }

    #[test]
    fn inv_5_the_repair_site_is_set_when_the_repair_starts_and_moves_on_to_the_factory() {
        use RepairSite::*;
        assert_eq!(
            decide_move(Received, None, true, InRepair, None).unwrap(),
            (InRepair, Some(ServiceCentre), false)
        );
        assert_eq!(
            decide_move(Received, None, true, InRepair, Some(Factory)).unwrap(),
            (InRepair, Some(Factory), true)
        );
        assert_eq!(
            decide_move(InRepair, Some(ServiceCentre), true, InRepair, Some(Factory)).unwrap(),
            (InRepair, Some(Factory), true)
        );
        assert_eq!(
            decide_move(InRepair, Some(Factory), true, AwaitingReturn, None).unwrap(),
            (AwaitingReturn, Some(Factory), false)
        );
        for (from, site) in [(Some(Factory), Some(Factory)), (Some(ServiceCentre), None)] {
            let e = decide_move(InRepair, from, true, InRepair, site).unwrap_err();
            assert!(matches!(e, DomainError::State { rule: "INV-5", .. }));
        }
        match decide_move(InRepair, None, true, Returned, Some(Factory)) {
            Err(DomainError::Invalid(e)) => assert_eq!(e[0].field, "repair_site"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn inv_5_the_status_moves_forward_to_returned_after_the_signature() {
        assert_eq!(
            decide_transition(Received, true, InRepair).unwrap(),
            InRepair
        );
        assert_eq!(
            decide_transition(InRepair, true, AwaitingReturn).unwrap(),
            AwaitingReturn
        );
        for from in [Received, InRepair, AwaitingReturn] {
            assert_eq!(decide_transition(from, true, Returned).unwrap(), Returned);
        }
        for (from, signed, to) in [
            (Received, false, InRepair),
            (Received, false, Returned),
            (Received, true, AwaitingReturn),
            (InRepair, true, Received),
            (AwaitingReturn, true, InRepair),
            (Returned, true, Returned),
            (Received, true, Received),
        ] {
            let e = decide_transition(from, signed, to).unwrap_err();
            assert!(
                matches!(e, DomainError::State { rule: "INV-5", .. }),
                "{from} → {to}"
            );
        }
    }
}
