use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// ORG-1: the roles a person may hold; one person may hold several.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Manager,
    Supervisor,
    Clerk,
    Engineer,
    CallbackAgent,
    QaInspector,
    Finance,
    Hr,
    Executive,
    CustomerContact,
}

impl Role {
    pub const ALL: [Role; 11] = [
        Role::Admin,
        Role::Manager,
        Role::Supervisor,
        Role::Clerk,
        Role::Engineer,
        Role::CallbackAgent,
        Role::QaInspector,
        Role::Finance,
        Role::Hr,
        Role::Executive,
        Role::CustomerContact,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Supervisor => "supervisor",
            Role::Clerk => "clerk",
            Role::Engineer => "engineer",
            Role::CallbackAgent => "callback_agent",
            Role::QaInspector => "qa_inspector",
            Role::Finance => "finance",
            Role::Hr => "hr",
            Role::Executive => "executive",
            Role::CustomerContact => "customer_contact",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role `{0}`")]
pub struct ParseRoleError(pub String);

impl FromStr for Role {
    type Err = ParseRoleError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| ParseRoleError(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn org_1_every_role_round_trips_through_its_name() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
            let json = serde_json::to_string(&role).unwrap();
            assert_eq!(json, format!("\"{}\"", role.as_str()));
        }
    }

    #[test]
    fn org_1_unknown_role_is_refused() {
        assert_eq!("root".parse::<Role>(), Err(ParseRoleError("root".into())));
    }
}
