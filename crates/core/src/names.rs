use crate::DomainError;

/// A login name: 2–64 characters of lowercase ASCII letters, digits, `.`, `_` or `-`, starting
/// with a letter or digit. Stored lowercased so that `Li.Wei` and `li.wei` are one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let name = raw.trim().to_ascii_lowercase();
        let len = name.chars().count();
        if !(2..=64).contains(&len) {
            return Err(DomainError::invalid(
                "username",
                "length",
                "must be 2 to 64 characters",
            ));
        }
        let first_ok = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric());
        let chars_ok = name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if !first_ok || !chars_ok {
            return Err(DomainError::invalid(
                "username",
                "format",
                "may contain only letters, digits, '.', '_' and '-', and must start with a letter or digit",
            ));
        }
        Ok(Username(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// A person's or account's shown name (Chinese names included): 1–100 characters, no control
/// characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let name = raw.trim();
        let len = name.chars().count();
        if !(1..=100).contains(&len) {
            return Err(DomainError::invalid(
                "display_name",
                "length",
                "must be 1 to 100 characters",
            ));
        }
        if name.chars().any(char::is_control) {
            return Err(DomainError::invalid(
                "display_name",
                "format",
                "must not contain control characters",
            ));
        }
        Ok(DisplayName(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// A password that meets the policy: 10–128 characters, not all of one character class (ASCII
/// lowercase, ASCII uppercase, ASCII digits, anything else).
/// Not trimmed: spaces are legitimate password characters.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

impl Password {
    pub fn parse(raw: &str, field: &str) -> Result<Self, DomainError> {
        let len = raw.chars().count();
        if !(10..=128).contains(&len) {
            return Err(DomainError::invalid(
                field,
                "length",
                "must be 10 to 128 characters",
            ));
        }
        // ASCII classes, everything else (Chinese included) counting as "other": the spec states
        // this rule as a regular expression, so it must not depend on Unicode properties.
        let classes = [
            raw.chars().any(|c| c.is_ascii_lowercase()),
            raw.chars().any(|c| c.is_ascii_uppercase()),
            raw.chars().any(|c| c.is_ascii_digit()),
            raw.chars().any(|c| !c.is_ascii_alphanumeric()),
        ];
        if classes.iter().filter(|present| **present).count() < 2 {
            return Err(DomainError::invalid(
                field,
                "weak",
                "must mix at least two of: lowercase, uppercase, digits, symbols",
            ));
        }
        Ok(Password(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn username_is_lowercased_and_trimmed() {
        assert_eq!(Username::parse("  Li.Wei ").unwrap().as_str(), "li.wei");
    }

    #[test]
    fn username_rejects_bad_shapes() {
        for bad in ["a", "-lead", "li wei", "李伟", &"x".repeat(65)] {
            assert!(Username::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn display_name_accepts_chinese() {
        assert_eq!(DisplayName::parse(" 李伟 ").unwrap().as_str(), "李伟");
        assert!(DisplayName::parse("   ").is_err());
        assert!(DisplayName::parse("a\u{0007}b").is_err());
    }

    #[test]
    fn password_policy() {
        assert!(Password::parse("short1A", "password").is_err());
        assert!(Password::parse("alllowercaseletters", "password").is_err());
        assert!(Password::parse("correct horse 42", "password").is_ok());
        let p = Password::parse("Secret-password-1", "password").unwrap();
        assert_eq!(format!("{p:?}"), "Password(***)");
    }
}
