//! TKT-10 complaints: recorded, judged valid or invalid by someone who leads the employee
//! complained about, answered with corrective measures and a reply, then closed. Valid
//! complaints count against the employee (HR-C1).

use kefu_core::DomainError;
use utoipa::ToSchema;

pub mod guards;

kefu_core::string_enum! {
    #[derive(ToSchema)]
    pub enum ComplaintStatus {
        Open = "open",
        Judged = "judged",
        Replied = "replied",
        Closed = "closed",
    }
}

kefu_core::string_enum! {
    #[derive(ToSchema)]
    pub enum Validity {
        Valid = "valid",
        Invalid = "invalid",
    }
}

kefu_core::string_enum! {
    pub enum ComplaintCommand {
        Judge = "judge",
        Reply = "reply",
        Close = "close",
    }
}

/// What a complaint holds when it is to be closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resolution<'a> {
    pub validity: Option<Validity>,
    pub corrective_measures: Option<&'a str>,
    pub reply_to_customer: Option<&'a str>,
}

fn present(v: Option<&str>) -> bool {
    v.is_some_and(|s| !s.trim().is_empty())
}

/// TKT-10: the status `command` takes a complaint in `from` to. A complaint is judged once
/// (a second judgement is a conflict); the reply follows the judgement; closing needs a
/// judgement, and a valid complaint needs its corrective measures and the reply to the
/// customer first (422 TKT-10 naming what is missing).
pub fn complaint_transition(
    from: ComplaintStatus,
    command: ComplaintCommand,
    held: Resolution<'_>,
) -> Result<ComplaintStatus, DomainError> {
    use ComplaintCommand as C;
    use ComplaintStatus as S;
    match (from, command) {
        (S::Open, C::Judge) => Ok(S::Judged),
        (S::Judged, C::Reply) => Ok(S::Replied),
        (S::Open, C::Reply | C::Close) => Err(DomainError::Rule {
            rule: "TKT-10",
            message: "judge the complaint's validity first".to_owned(),
        }),
        (S::Judged | S::Replied, C::Close) => {
            check_closable(held)?;
            Ok(S::Closed)
        }
        _ => Err(DomainError::State {
            rule: "TKT-10",
            message: format!(
                "cannot {} a complaint that is {}",
                command.as_str(),
                from.as_str()
            ),
        }),
    }
}

/// TKT-10: a valid complaint is closed only with corrective measures and a reply to the
/// customer; the message names each missing part.
pub fn check_closable(held: Resolution<'_>) -> Result<(), DomainError> {
    if held.validity != Some(Validity::Valid) {
        return Ok(());
    }
    let mut missing = Vec::new();
    if !present(held.corrective_measures) {
        missing.push("corrective_measures");
    }
    if !present(held.reply_to_customer) {
        missing.push("reply_to_customer");
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(DomainError::Rule {
            rule: "TKT-10",
            message: format!(
                "a valid complaint needs {} before it is closed",
                missing.join(" and ")
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held<'a>(v: Option<Validity>, m: Option<&'a str>, r: Option<&'a str>) -> Resolution<'a> {
        Resolution {
            validity: v,
            corrective_measures: m,
            reply_to_customer: r,
        }
    }

    fn rule_message(r: Result<ComplaintStatus, DomainError>) -> String {
        match r {
            Err(DomainError::Rule { rule, message }) => {
                assert_eq!(rule, "TKT-10");
                message
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn tkt_10_a_valid_complaint_closes_only_with_measures_and_reply() {
        let m = rule_message(complaint_transition(
            ComplaintStatus::Judged,
            ComplaintCommand::Close,
            held(Some(Validity::Valid), None, Some("已致歉")),
        ));
        assert!(m.contains("corrective_measures") && !m.contains("reply_to_customer"));
        let m = rule_message(complaint_transition(
            ComplaintStatus::Judged,
            ComplaintCommand::Close,
            held(Some(Validity::Valid), Some(" "), None),
        ));
        assert!(m.contains("corrective_measures") && m.contains("reply_to_customer"));
        assert_eq!(
            complaint_transition(
                ComplaintStatus::Replied,
                ComplaintCommand::Close,
                held(Some(Validity::Valid), Some("培训"), Some("已致歉")),
            ),
            Ok(ComplaintStatus::Closed)
        );
    }

    #[test]
    fn tkt_10_an_invalid_complaint_closes_after_judgement() {
        assert_eq!(
            complaint_transition(
                ComplaintStatus::Judged,
                ComplaintCommand::Close,
                held(Some(Validity::Invalid), None, None),
            ),
            Ok(ComplaintStatus::Closed)
        );
        rule_message(complaint_transition(
            ComplaintStatus::Open,
            ComplaintCommand::Close,
            held(None, None, None),
        ));
    }

    #[test]
    fn tkt_10_judged_once_and_nothing_after_closing() {
        let h = held(Some(Validity::Invalid), None, None);
        assert!(matches!(
            complaint_transition(ComplaintStatus::Judged, ComplaintCommand::Judge, h),
            Err(DomainError::State { rule: "TKT-10", .. })
        ));
        for c in [
            ComplaintCommand::Judge,
            ComplaintCommand::Reply,
            ComplaintCommand::Close,
        ] {
            assert!(matches!(
                complaint_transition(ComplaintStatus::Closed, c, h),
                Err(DomainError::State { rule: "TKT-10", .. })
            ));
        }
        assert_eq!(
            complaint_transition(ComplaintStatus::Open, ComplaintCommand::Judge, h),
            Ok(ComplaintStatus::Judged)
        );
    }
}
