use crate::Role;

/// How the caller proved who they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActorKind {
    /// A person or service account holding an access token.
    Session,
    /// An integration script holding an API key of a service account.
    ApiKey { key_id: String },
}

/// The authenticated principal a command runs for; every rule that depends on who acts takes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: String,
    pub username: String,
    pub roles: Vec<Role>,
    pub kind: ActorKind,
}

impl Actor {
    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    pub fn has_any_role(&self, roles: &[Role]) -> bool {
        roles.iter().any(|r| self.has_role(*r))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn org_1_a_person_may_hold_several_roles() {
        let actor = Actor {
            user_id: "u1".into(),
            username: "li".into(),
            roles: vec![Role::Engineer, Role::Clerk],
            kind: ActorKind::Session,
        };
        assert!(actor.has_role(Role::Clerk));
        assert!(actor.has_any_role(&[Role::Admin, Role::Engineer]));
        assert!(!actor.has_any_role(&[Role::Admin, Role::Manager]));
    }
}
