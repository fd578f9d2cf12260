//! ORG-2: what describes an employee — the track and level of an engineer, and the employment
//! status with the changes it may go through.

use crate::DomainError;

// `FromStr` fails with text here: crates/api's `parse_stored` requires `Err = String`.

crate::string_enum! {
    /// ORG-2: the kind of work an engineer does.
    #[derive(utoipa::ToSchema)]
    pub enum Track {
        Presales = "presales",
        Aftersales = "aftersales",
        RemoteSupport = "remote_support",
    }
    impl FromStr<Err = String>;
}

crate::string_enum! {
    /// ORG-2: an engineer's grade.
    #[derive(utoipa::ToSchema)]
    pub enum Level {
        Junior = "junior",
        Mid = "mid",
        Senior = "senior",
    }
    impl FromStr<Err = String>;
}

crate::string_enum! {
    /// ORG-2: `training` → `probation` → `regular`, or `left` from any state.
    #[derive(utoipa::ToSchema)]
    pub enum EmploymentStatus {
        Training = "training",
        Probation = "probation",
        Regular = "regular",
        Left = "left",
    }
    impl FromStr<Err = String>;
}

impl EmploymentStatus {
    /// ORG-2: whether an employee in `self` may move to `next`. Steps go forward one at a
    /// time; anyone still employed may leave; nobody comes back from `left` (rehiring is a new
    /// employee record).
    pub fn can_change_to(self, next: EmploymentStatus) -> bool {
        use EmploymentStatus::*;
        matches!(
            (self, next),
            (Training, Probation) | (Probation, Regular) | (Training | Probation | Regular, Left)
        )
    }

    /// The change as a command: a conflict naming ORG-2 when it is not allowed.
    pub fn change_to(self, next: EmploymentStatus) -> Result<EmploymentStatus, DomainError> {
        if self.can_change_to(next) {
            Ok(next)
        } else {
            Err(DomainError::State {
                rule: "ORG-2",
                message: format!(
                    "employment status cannot change from `{self}` to `{next}` \
                     (training → probation → regular, or → left)"
                ),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::EmploymentStatus::*;
    use super::*;

    #[test]
    fn org2_status_moves_forward_one_step_or_to_left() {
        let allowed: Vec<(EmploymentStatus, EmploymentStatus)> = EmploymentStatus::ALL
            .into_iter()
            .flat_map(|a| EmploymentStatus::ALL.into_iter().map(move |b| (a, b)))
            .filter(|&(a, b)| a.can_change_to(b))
            .collect();
        assert_eq!(
            allowed,
            vec![
                (Training, Probation),
                (Training, Left),
                (Probation, Regular),
                (Probation, Left),
                (Regular, Left),
            ]
        );
        assert!(matches!(
            Regular.change_to(Training),
            Err(DomainError::State { rule: "ORG-2", .. })
        ));
    }

    #[test]
    fn names_round_trip() {
        for t in Track::ALL {
            assert_eq!(t.as_str().parse::<Track>(), Ok(t));
        }
        for l in Level::ALL {
            assert_eq!(l.as_str().parse::<Level>(), Ok(l));
        }
        for s in EmploymentStatus::ALL {
            assert_eq!(s.as_str().parse::<EmploymentStatus>(), Ok(s));
        }
        assert!("boss".parse::<Level>().is_err());
    }
}
