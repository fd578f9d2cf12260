//! TKT-7 guards that decided in the API service until issue 10: when a form may be written,
//! signed and handed in, and the status a signature leaves.

use crate::forms::FormStatus;
use crate::visits::VisitStatus;
use kefu_core::DomainError;

fn tkt_7(message: impl Into<String>) -> DomainError {
    DomainError::State {
        rule: "TKT-7",
        message: message.into(),
    }
}

/// TKT-7: a form is written on site or after the visit, one per visit.
pub fn check_create(visit: VisitStatus, visit_has_form: bool) -> Result<(), DomainError> {
    if !matches!(visit, VisitStatus::Arrived | VisitStatus::Finished) {
        return Err(tkt_7(format!(
            "a feedback form is written on site or after the visit; this visit is {}",
            visit.as_str()
        )));
    }
    if visit_has_form {
        return Err(tkt_7("this visit has its feedback form already"));
    }
    Ok(())
}

/// TKT-7: the customer signs the current version once.
pub fn check_signable(current_version_signed: bool) -> Result<(), DomainError> {
    if current_version_signed {
        Err(tkt_7("the form's current version is signed already"))
    } else {
        Ok(())
    }
}

/// The form's status after a signature: a draft becomes signed; a received form whose
/// amendment is signed stays received.
pub fn status_after_sign(status: FormStatus) -> FormStatus {
    match status {
        FormStatus::Draft => FormStatus::Signed,
        other => other,
    }
}

/// TKT-7: the clerk takes in a form the customer signed, once, after the visit finished
/// (the due day counts from the visit's end).
pub fn check_receivable(form: FormStatus, visit_finished: bool) -> Result<(), DomainError> {
    match form {
        FormStatus::Signed => {}
        FormStatus::Received => return Err(tkt_7("the form was received already")),
        FormStatus::Draft => return Err(tkt_7("only a form the customer signed is handed in")),
    }
    if visit_finished {
        Ok(())
    } else {
        Err(tkt_7("the visit has not finished yet"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tkt_7_a_form_is_written_on_site_or_after_once_per_visit() {
        for visit in VisitStatus::ALL {
            let on_site = matches!(visit, VisitStatus::Arrived | VisitStatus::Finished);
            assert_eq!(check_create(visit, false).is_ok(), on_site, "{visit:?}");
            assert_eq!(
                check_create(visit, true).err().and_then(|e| e.rule()),
                Some("TKT-7")
            );
        }
    }

    #[test]
    fn tkt_7_a_version_is_signed_once_and_a_draft_becomes_signed() {
        assert_eq!(check_signable(false), Ok(()));
        assert!(check_signable(true).is_err());
        let cases = [
            (FormStatus::Draft, FormStatus::Signed),
            (FormStatus::Signed, FormStatus::Signed),
            (FormStatus::Received, FormStatus::Received),
        ];
        for (before, after) in cases {
            assert_eq!(status_after_sign(before), after);
        }
    }

    #[test]
    fn tkt_7_only_a_signed_form_of_a_finished_visit_is_handed_in_once() {
        let cases = [
            (FormStatus::Signed, true, None),
            (
                FormStatus::Signed,
                false,
                Some("the visit has not finished yet"),
            ),
            (
                FormStatus::Received,
                true,
                Some("the form was received already"),
            ),
            (
                FormStatus::Draft,
                true,
                Some("only a form the customer signed is handed in"),
            ),
        ];
        for (form, finished, refusal) in cases {
            match (check_receivable(form, finished), refusal) {
                (Ok(()), None) => {}
                (Err(DomainError::State { rule, message }), Some(m)) => {
                    assert_eq!((rule, message.as_str()), ("TKT-7", m))
                }
                (r, e) => panic!("{form:?} {finished}: {r:?} vs {e:?}"),
            }
        }
    }
}
