//! CON-10 controller data (报警主机存储信息): the service staff may not change or delete what an
//! alarm controller stores unless the customer's responsible person signed an instruction for
//! it first (必须在收到用户负责人签字的指令后方可实施). The instruction is recorded before the
//! change; the change is then recorded against it, once.

use chrono::{DateTime, Utc};
use kefu_core::{DomainError, FieldError};
use utoipa::ToSchema;

kefu_core::string_enum! {
    #[derive(ToSchema)]
    pub enum DataAction {
        /// Stored data is changed (改动).
        Change = "change",
        /// Stored data is deleted (删除).
        Delete = "delete",
    }
}

kefu_core::string_enum! {
    #[derive(ToSchema)]
    pub enum InstructionStatus {
        /// Signed; the change it allows has not been recorded.
        Signed = "signed",
        /// The change was recorded against it.
        CarriedOut = "carried_out",
    }
}

/// What the rule needs of a recorded instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    pub site_id: String,
    pub equipment_id: Option<String>,
    pub signed_at: DateTime<Utc>,
    pub status: InstructionStatus,
}

fn refusal(field: &str, code: &'static str, message: impl Into<String>) -> DomainError {
    DomainError::Invalid(vec![
        FieldError::new(field, code, format!("CON-10: {}", message.into())).by_rule("CON-10"),
    ])
}

/// CON-10: an instruction is signed before it is recorded (`signed_at` not after `now`).
pub fn check_instruction(signed_at: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), DomainError> {
    if signed_at > now {
        return Err(DomainError::invalid(
            "signed_at",
            "range",
            "must not lie in the future",
        ));
    }
    Ok(())
}

/// CON-10: a change of the controller data of `equipment_id` at `site_id` made at `changed_at`
/// is recorded only against a signed instruction for that site (and that controller, when the
/// instruction names one) signed no later than the change (422 `CON-10`), which no change used
/// yet (409 `CON-10`).
pub fn decide_change(
    instruction: Option<&Instruction>,
    site_id: &str,
    equipment_id: Option<&str>,
    changed_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    let Some(i) = instruction else {
        return Err(refusal(
            "instruction_id",
            "required",
            "controller data is changed only with an instruction signed by the customer's \
             responsible person, recorded first",
        ));
    };
    if changed_at > now {
        return Err(DomainError::invalid(
            "changed_at",
            "range",
            "must not lie in the future",
        ));
    }
    if i.site_id != site_id
        || (i.equipment_id.is_some() && i.equipment_id.as_deref() != equipment_id)
    {
        return Err(refusal(
            "instruction_id",
            "other_target",
            "the instruction is for another site or controller",
        ));
    }
    if changed_at < i.signed_at {
        return Err(refusal(
            "changed_at",
            "before_instruction",
            "the change was made before the customer signed the instruction",
        ));
    }
    if i.status == InstructionStatus::CarriedOut {
        return Err(DomainError::State {
            rule: "CON-10",
            message: "a change was recorded against this instruction already; each change needs \
                      its own signed instruction"
                .to_owned(),
        });
    }
    Ok(())
}

/// What the manager's confirmation needs of an instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirmable {
    pub status: InstructionStatus,
    pub confirmed: bool,
}

/// CON-10, the seeds' follow-up (记录于第二天上交给客服经理，客服经理亲自确认): once the change
/// is recorded, its record — signed by the customer's responsible person — is handed to the
/// manager the next day, who confirms it personally, once. Refused with 409 `CON-10` before the
/// change is recorded or when confirmed already; the record's customer signatory is required
/// (422 `CON-10` on `record_signer_name`).
pub fn decide_confirmation(
    instruction: &Confirmable,
    record_signer_name: Option<&str>,
) -> Result<(), DomainError> {
    if instruction.status != InstructionStatus::CarriedOut {
        return Err(DomainError::State {
            rule: "CON-10",
            message: "the manager confirms a change once it is recorded; this instruction was \
                      not carried out yet"
                .to_owned(),
        });
    }
    if instruction.confirmed {
        return Err(DomainError::State {
            rule: "CON-10",
            message: "the manager confirmed this change already".to_owned(),
        });
    }
    if record_signer_name.is_none_or(|n| n.trim().is_empty()) {
        return Err(refusal(
            "record_signer_name",
            "required",
            "the change record is signed by the customer's responsible person before the \
             manager confirms it",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn signed() -> Instruction {
        Instruction {
            site_id: "s1".into(),
            equipment_id: Some("e1".into()),
            signed_at: t("2026-03-02T09:00:00+08:00"),
            status: InstructionStatus::Signed,
        }
    }

    #[test]
    fn con_10_no_change_without_a_signed_instruction_recorded_first() {
        let now = t("2026-03-02T12:00:00+08:00");
        let e = decide_change(None, "s1", Some("e1"), now, now).unwrap_err();
        assert_eq!(e.rule(), Some("CON-10"));
        let early = decide_change(
            Some(&signed()),
            "s1",
            Some("e1"),
            t("2026-03-02T08:00:00+08:00"),
            now,
        )
        .unwrap_err();
        assert_eq!(early.rule(), Some("CON-10"));
        assert!(decide_change(Some(&signed()), "s1", Some("e1"), now, now).is_ok());
    }

    #[test]
    fn con_10_the_instruction_covers_its_site_and_controller_once() {
        let now = t("2026-03-02T12:00:00+08:00");
        let other = decide_change(Some(&signed()), "s1", Some("e2"), now, now).unwrap_err();
        assert_eq!(other.rule(), Some("CON-10"));
        assert!(decide_change(Some(&signed()), "s2", Some("e1"), now, now).is_err());
        let whole_site = Instruction {
            equipment_id: None,
            ..signed()
        };
        assert!(decide_change(Some(&whole_site), "s1", Some("e2"), now, now).is_ok());
        let used = Instruction {
            status: InstructionStatus::CarriedOut,
            ..signed()
        };
        assert!(matches!(
            decide_change(Some(&used), "s1", Some("e1"), now, now),
            Err(DomainError::State { rule: "CON-10", .. })
        ));
        let future = t("2026-03-02T13:00:00+08:00");
        assert!(decide_change(Some(&signed()), "s1", Some("e1"), future, now).is_err());
        assert!(check_instruction(future, now).is_err());
        assert!(check_instruction(now, now).is_ok());
    }

    #[test]
    fn con_10_the_manager_confirms_a_recorded_change_once_with_the_customers_signature() {
        let signed = Confirmable {
            status: InstructionStatus::Signed,
            confirmed: false,
        };
        assert!(matches!(
            decide_confirmation(&signed, Some("王主任")),
            Err(DomainError::State { rule: "CON-10", .. })
        ));
        let done = Confirmable {
            status: InstructionStatus::CarriedOut,
            confirmed: false,
        };
        let unsigned = decide_confirmation(&done, Some("  ")).unwrap_err();
        assert!(matches!(unsigned, DomainError::Invalid(_)));
        assert_eq!(unsigned.rule(), Some("CON-10"));
        assert!(decide_confirmation(&done, Some("王主任")).is_ok());
        let twice = Confirmable {
            confirmed: true,
            ..done
        };
        assert!(matches!(
            decide_confirmation(&twice, Some("王主任")),
            Err(DomainError::State { rule: "CON-10", .. })
        ));
    }
}
