//! CON-5 maintenance acceptance (维保承接条件): a maintenance agreement is not signed when the site
//! was not fire-inspected, is badly managed or has no dedicated duty person, nor before a
//! pre-signing inspection whose five checks all pass. The refusal lists every unmet condition
//! and failed check by a stable code, so a client can show them all at once instead of one per
//! attempt.

use crate::contract::ContractKind;
use kefu_core::{DomainError, FieldError};
use utoipa::ToSchema;

kefu_core::string_enum! {
    #[derive(ToSchema)]
    pub enum AcceptanceCheck {
        /// The alarm host and its boards work (报警主机及各板卡工作正常).
        AlarmHost = "alarm_host",
        /// The device count on the host equals the installed count (主机设备数与现场安装数一致).
        DeviceCount = "device_count",
        /// Sprinkler and hydrant pressure and pumps (喷淋、消火栓压力及水泵).
        SprinklerHydrant = "sprinkler_hydrant",
        /// Gas extinguishing pressure (气体灭火压力).
        GasExtinguishing = "gas_extinguishing",
        /// Smoke-control fans and air speed (防排烟风机及风速).
        SmokeControl = "smoke_control",
    }
}

/// What CON-5 needs of a recorded acceptance: the three site conditions and the outcome of
/// each check (a check not recorded counts as not passed).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Acceptance {
    pub fire_inspected: bool,
    pub well_managed: bool,
    pub duty_person: bool,
    pub passed: Vec<AcceptanceCheck>,
}

fn refusal(field: String, code: &'static str, message: String) -> FieldError {
    FieldError::new(field, code, message).by_rule("CON-5")
}

/// CON-5: every reason the acceptance does not allow signing, each a field error naming
/// `conditions.<name>` (code `condition_not_met`) or `checks.<check>` (code `check_failed`).
pub fn failures(a: &Acceptance) -> Vec<FieldError> {
    let mut out = Vec::new();
    for (name, met, what) in [
        (
            "fire_inspected",
            a.fire_inspected,
            "the site was not fire-inspected",
        ),
        (
            "well_managed",
            a.well_managed,
            "the site is not well managed",
        ),
        (
            "duty_person",
            a.duty_person,
            "the site has no dedicated duty person",
        ),
    ] {
        if !met {
            out.push(refusal(
                format!("conditions.{name}"),
                "condition_not_met",
                format!("CON-5: {what}"),
            ));
        }
    }
    for check in AcceptanceCheck::ALL {
        if !a.passed.contains(&check) {
            out.push(refusal(
                format!("checks.{check}"),
                "check_failed",
                format!("CON-5: the pre-signing check {check} did not pass"),
            ));
        }
    }
    out
}

/// CON-5: whether a contract of `kind` with the recorded `acceptance` may be signed. A service
/// contract needs none; a maintenance agreement without an inspection is refused on
/// `inspection` (code `required`).
pub fn check_signing(
    kind: ContractKind,
    acceptance: Option<&Acceptance>,
) -> Result<(), DomainError> {
    if kind != ContractKind::Maintenance {
        return Ok(());
    }
    let errors = match acceptance {
        None => vec![refusal(
            "inspection".to_owned(),
            "required",
            "CON-5: no pre-signing inspection is recorded".to_owned(),
        )],
        Some(a) => failures(a),
    };
    if errors.is_empty() {
        Ok(())
    } else {
        Err(DomainError::Invalid(errors))
    }
}

/// CON-5: the acceptance is recorded only on a maintenance agreement still in draft; once signed
/// it is part of the signed record.
pub fn check_recording(
    kind: ContractKind,
    status: crate::contract::ContractStatus,
) -> Result<(), DomainError> {
    if kind != ContractKind::Maintenance {
        return Err(DomainError::State {
            rule: "CON-5",
            message: "only a maintenance agreement has an acceptance".to_owned(),
        });
    }
    if status != crate::contract::ContractStatus::Draft {
        return Err(DomainError::State {
            rule: "CON-5",
            message: format!(
                "the acceptance is recorded before signing; this contract is {status}"
            ),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::ContractStatus;

    fn all_good() -> Acceptance {
        Acceptance {
            fire_inspected: true,
            well_managed: true,
            duty_person: true,
            passed: AcceptanceCheck::ALL.to_vec(),
        }
    }

    fn fields(e: DomainError) -> Vec<(String, &'static str)> {
        match e {
            DomainError::Invalid(errors) => errors
                .into_iter()
                .map(|f| {
                    assert_eq!(f.rule, Some("CON-5"));
                    (f.field, f.code)
                })
                .collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn con_5_a_failed_gas_check_blocks_signing_and_is_named() {
        let mut a = all_good();
        a.passed.retain(|c| *c != AcceptanceCheck::GasExtinguishing);
        let e = check_signing(ContractKind::Maintenance, Some(&a)).unwrap_err();
        assert_eq!(e.rule(), Some("CON-5"));
        assert_eq!(
            fields(e),
            vec![("checks.gas_extinguishing".to_owned(), "check_failed")]
        );
        assert!(check_signing(ContractKind::Maintenance, Some(&all_good())).is_ok());
    }

    #[test]
    fn con_5_every_unmet_condition_and_check_is_listed() {
        let a = Acceptance::default();
        let e = check_signing(ContractKind::Maintenance, Some(&a)).unwrap_err();
        let f = fields(e);
        assert_eq!(f.len(), 8);
        assert_eq!(
            f[0],
            ("conditions.fire_inspected".to_owned(), "condition_not_met")
        );
        assert_eq!(
            f[2],
            ("conditions.duty_person".to_owned(), "condition_not_met")
        );
        assert_eq!(f[7], ("checks.smoke_control".to_owned(), "check_failed"));
    }

    #[test]
    fn con_5_no_inspection_no_signing_but_service_contracts_need_none() {
        let e = check_signing(ContractKind::Maintenance, None).unwrap_err();
        assert_eq!(fields(e), vec![("inspection".to_owned(), "required")]);
        assert!(check_signing(ContractKind::Service, None).is_ok());
    }

    #[test]
    fn con_5_recorded_only_on_a_maintenance_draft() {
        assert!(check_recording(ContractKind::Maintenance, ContractStatus::Draft).is_ok());
        for (kind, status) in [
            (ContractKind::Service, ContractStatus::Draft),
            (ContractKind::Maintenance, ContractStatus::Active),
        ] {
            assert!(matches!(
                check_recording(kind, status),
                Err(DomainError::State { rule: "CON-5", .. })
            ));
        }
    }
}
