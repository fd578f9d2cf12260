//! CON-4 software licences (使用序列号): the serial the company issues for an installation,
//! tied to a service period. The seeds (售后服务管理): service starts at the installation day
//! (by default the day the contract was signed); the serial is handed out once the program is
//! installed; when a new service period is agreed the staff update the customer's serial.
//!
//! One licence per covered installation (`equipment`) and contract: a customer may run the
//! software on several installations under one contract, each with its own serial. The renewal
//! of a contract issues each installation a new serial for the new period; the old licence is
//! kept, linked to its successor, and stays what it was (valid up to its own end).
//!
//! The check the installed software calls answers only "valid today, until when": an unknown
//! serial, a licence not yet begun or past its end, and one of a terminated contract all answer
//! the same `{valid: false}`, so the answer tells a guesser nothing.

use crate::contract::ContractStatus;
use chrono::NaiveDate;
use kefu_core::DomainError;
use serde::Serialize;
use utoipa::ToSchema;

kefu_core::string_enum! {
    #[derive(ToSchema)]
    pub enum LicenceState {
        /// The period has not begun.
        Pending = "pending",
        /// Valid today.
        Valid = "valid",
        /// The period is over.
        Expired = "expired",
        /// The contract was terminated: the licence no longer counts.
        Void = "void",
    }
}

/// What the rules need of the contract a licence is issued under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenceContract {
    pub status: ContractStatus,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub signed_on: Option<NaiveDate>,
    /// The contract continues an earlier one (a renewal).
    pub renewal: bool,
}

/// CON-4: the first day of service a new licence starts on unless the issuer says otherwise.
/// A renewal's period starts where the contract's does (the previous serial covered the time
/// before); a first contract's at the installation day, by default the day it was signed,
/// failing both the period's start.
pub fn default_start(c: &LicenceContract, installed_on: Option<NaiveDate>) -> NaiveDate {
    if c.renewal {
        return c.period_start;
    }
    installed_on.or(c.signed_on).unwrap_or(c.period_start)
}

/// CON-4: the period of a licence to issue under `c`: from `valid_from` (or
/// [`default_start`]) to the end of the contract's service period. Only a signed or active
/// contract has a service period to license (409 `CON-4`); an installation licensed under the
/// contract already is 409 `CON-4`; a start after the end is 422 `valid_from`.
pub fn decide_issue(
    c: &LicenceContract,
    installed_on: Option<NaiveDate>,
    valid_from: Option<NaiveDate>,
    licensed_already: bool,
) -> Result<(NaiveDate, NaiveDate), DomainError> {
    if !matches!(c.status, ContractStatus::Signed | ContractStatus::Active) {
        return Err(DomainError::State {
            rule: "CON-4",
            message: format!(
                "a licence is issued under a signed or active contract; this one is {}",
                c.status
            ),
        });
    }
    if licensed_already {
        return Err(DomainError::State {
            rule: "CON-4",
            message: "the installation has its licence under this contract already; a renewal \
                      issues the next one"
                .to_owned(),
        });
    }
    let from = valid_from.unwrap_or_else(|| default_start(c, installed_on));
    if from > c.period_end {
        return Err(DomainError::Invalid(vec![
            kefu_core::FieldError::new(
                "valid_from",
                "range",
                format!(
                    "CON-4: the service period ends {}; a licence cannot start after it",
                    c.period_end
                ),
            )
            .by_rule("CON-4"),
        ]));
    }
    Ok((from, c.period_end))
}

/// CON-4: the licence's state on `today` under a contract in `contract_status`.
pub fn state(
    valid_from: NaiveDate,
    valid_until: NaiveDate,
    contract_status: ContractStatus,
    today: NaiveDate,
) -> LicenceState {
    if contract_status == ContractStatus::Terminated {
        LicenceState::Void
    } else if today < valid_from {
        LicenceState::Pending
    } else if today > valid_until {
        LicenceState::Expired
    } else {
        LicenceState::Valid
    }
}

/// CON-4: the state of a stored licence: one voided when its contract was terminated stays void
/// (its history kept), whatever else holds; otherwise [`state`].
pub fn recorded_state(
    voided: bool,
    valid_from: NaiveDate,
    valid_until: NaiveDate,
    contract_status: ContractStatus,
    today: NaiveDate,
) -> LicenceState {
    if voided {
        LicenceState::Void
    } else {
        state(valid_from, valid_until, contract_status, today)
    }
}

/// The answer of the check endpoint: whether the serial is valid today and until when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct CheckAnswer {
    /// Valid today.
    pub valid: bool,
    /// The last day of the licence's service period when valid; `null` otherwise.
    pub valid_until: Option<NaiveDate>,
}

/// CON-4: the check's answer for what the serial names on `today` (`None`: no licence has that
/// serial). Every licence not valid today answers exactly as an unknown serial does.
pub fn check(
    found: Option<(NaiveDate, NaiveDate, ContractStatus)>,
    today: NaiveDate,
) -> CheckAnswer {
    match found {
        Some((from, until, status)) if state(from, until, status, today) == LicenceState::Valid => {
            CheckAnswer {
                valid: true,
                valid_until: Some(until),
            }
        }
        _ => CheckAnswer {
            valid: false,
            valid_until: None,
        },
    }
}

/// The alphabet of serials: Crockford's base 32 (no I, L, O, U: nothing to misread on the phone).
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// CON-4: a serial from 100 random bits (the caller draws them): 20 characters of Crockford's
/// base 32 in four groups, `KF-XXXXX-XXXXX-XXXXX-XXXXX`. Unguessable, so the check cannot be
/// used to find valid serials by trying.
pub fn serial_from(random: [u8; 13]) -> String {
    let mut bits: u128 = 0;
    for b in random {
        bits = (bits << 8) | u128::from(b);
    }
    let mut out = String::from("KF");
    for i in 0..20 {
        if i % 5 == 0 {
            out.push('-');
        }
        let shift = 5 * (19 - i);
        let idx = usize::try_from((bits >> shift) & 0x1f).unwrap_or(0);
        out.push(char::from(ALPHABET[idx]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ContractStatus as S;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn contract(status: ContractStatus, renewal: bool) -> LicenceContract {
        LicenceContract {
            status,
            period_start: d("2026-01-01"),
            period_end: d("2026-12-31"),
            signed_on: Some(d("2025-12-20")),
            renewal,
        }
    }

    #[test]
    fn con_4_service_starts_at_installation_by_default_the_signing_day() {
        let c = contract(S::Active, false);
        assert_eq!(default_start(&c, Some(d("2026-02-10"))), d("2026-02-10"));
        assert_eq!(default_start(&c, None), d("2025-12-20"));
        let unsigned = LicenceContract {
            signed_on: None,
            ..c.clone()
        };
        assert_eq!(default_start(&unsigned, None), d("2026-01-01"));
        // A renewal's serial covers the new period from its first day.
        let renewal = contract(S::Signed, true);
        assert_eq!(
            default_start(&renewal, Some(d("2024-05-01"))),
            d("2026-01-01")
        );
    }

    #[test]
    fn con_4_a_licence_runs_to_the_end_of_the_contracts_period() {
        let c = contract(S::Active, false);
        assert_eq!(
            decide_issue(&c, Some(d("2026-02-10")), None, false).unwrap(),
            (d("2026-02-10"), d("2026-12-31"))
        );
        assert_eq!(
            decide_issue(&c, None, Some(d("2026-03-01")), false).unwrap(),
            (d("2026-03-01"), d("2026-12-31"))
        );
        let late = decide_issue(&c, None, Some(d("2027-01-01")), false).unwrap_err();
        assert_eq!(late.rule(), Some("CON-4"));
        assert!(matches!(late, DomainError::Invalid(_)));
    }

    #[test]
    fn con_4_only_a_signed_or_active_contract_licenses_each_installation_once() {
        for status in [S::Draft, S::Expired, S::Terminated] {
            let e = decide_issue(&contract(status, false), None, None, false).unwrap_err();
            assert!(
                matches!(e, DomainError::State { rule: "CON-4", .. }),
                "{status}"
            );
        }
        let twice = decide_issue(&contract(S::Active, false), None, None, true).unwrap_err();
        assert!(matches!(twice, DomainError::State { rule: "CON-4", .. }));
        assert!(decide_issue(&contract(S::Signed, false), None, None, false).is_ok());
    }

    #[test]
    fn con_4_the_state_follows_the_period_and_the_contract() {
        let (from, until) = (d("2026-01-01"), d("2026-12-31"));
        assert_eq!(
            state(from, until, S::Signed, d("2025-12-31")),
            LicenceState::Pending
        );
        assert_eq!(state(from, until, S::Active, from), LicenceState::Valid);
        assert_eq!(state(from, until, S::Expired, until), LicenceState::Valid);
        assert_eq!(
            state(from, until, S::Expired, d("2027-01-01")),
            LicenceState::Expired
        );
        assert_eq!(
            state(from, until, S::Terminated, d("2026-06-01")),
            LicenceState::Void
        );
    }

    #[test]
    fn con_4_the_check_answers_an_unknown_serial_as_an_expired_one() {
        let (from, until) = (d("2026-01-01"), d("2026-12-31"));
        let valid = check(Some((from, until, S::Active)), d("2026-06-01"));
        assert_eq!(
            valid,
            CheckAnswer {
                valid: true,
                valid_until: Some(until)
            }
        );
        let unknown = check(None, d("2026-06-01"));
        assert_eq!(
            unknown,
            CheckAnswer {
                valid: false,
                valid_until: None
            }
        );
        for answer in [
            check(Some((from, until, S::Expired)), d("2027-01-01")),
            check(Some((from, until, S::Signed)), d("2025-06-01")),
            check(Some((from, until, S::Terminated)), d("2026-06-01")),
        ] {
            assert_eq!(answer, unknown);
        }
    }

    #[test]
    fn con_4_serials_are_twenty_base32_characters_in_groups() {
        let s = serial_from([0; 13]);
        assert_eq!(s, "KF-00000-00000-00000-00000");
        let s = serial_from([0xff; 13]);
        // 104 bits drawn, the low 100 used.
        assert_eq!(s, "KF-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ");
        let s = serial_from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
        assert_eq!(s.len(), 26);
        assert!(
            s[3..]
                .chars()
                .all(|c| c == '-' || ALPHABET.contains(&(c as u8)))
        );
        assert_ne!(s, serial_from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14]));
    }

    #[test]
    fn con_4_a_voided_licence_is_void_even_in_its_period() {
        let (from, until) = (d("2026-01-01"), d("2026-12-31"));
        let today = d("2026-06-01");
        assert_eq!(
            recorded_state(true, from, until, ContractStatus::Active, today),
            LicenceState::Void
        );
        assert_eq!(
            recorded_state(false, from, until, ContractStatus::Active, today),
            LicenceState::Valid
        );
    }
}
