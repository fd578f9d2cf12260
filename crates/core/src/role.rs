crate::string_enum! {
    /// ORG-1: the roles a person may hold; one person may hold several.
    #[derive(PartialOrd, Ord, utoipa::ToSchema)]
    pub enum Role {
        Admin = "admin",
        Manager = "manager",
        Supervisor = "supervisor",
        Clerk = "clerk",
        Engineer = "engineer",
        CallbackAgent = "callback_agent",
        QaInspector = "qa_inspector",
        Finance = "finance",
        Hr = "hr",
        Executive = "executive",
        CustomerContact = "customer_contact",
    }
}

/// Kept under its old name so that existing imports still compile.
pub type ParseRoleError = crate::ParseEnumError;

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
        let err = "root".parse::<Role>().unwrap_err();
        assert_eq!(err.value, "root");
        assert_eq!(err.allowed, Role::NAMES);
    }
}
