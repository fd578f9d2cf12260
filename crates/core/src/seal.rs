//! Seals: a signed record (a feedback form, a receipt) keeps the SHA-256 of the signature file
//! it was signed with. The record verifies only while the file still hashes to that value and
//! the attachment's recorded hash agrees. Hashing the file is I/O and happens elsewhere; this
//! is the comparison.

use std::fmt;

/// A SHA-256 as 64 lowercase hex digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Seal {
    sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a SHA-256 (64 hex digits)")]
pub struct ParseSealError(pub String);

impl Seal {
    /// Accepts 64 hex digits in either case.
    pub fn parse(hex: &str) -> Result<Seal, ParseSealError> {
        if hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            Ok(Seal {
                sha256: hex.to_ascii_lowercase(),
            })
        } else {
            Err(ParseSealError(hex.to_owned()))
        }
    }

    /// From the 32 bytes of a digest.
    pub fn from_digest(digest: &[u8; 32]) -> Seal {
        Seal {
            sha256: digest.iter().map(|b| format!("{b:02x}")).collect(),
        }
    }

    pub fn as_hex(&self) -> &str {
        &self.sha256
    }

    /// Whether the file as it is now (`actual`) is the file that was sealed, and the
    /// attachment's own record (`recorded`) still names it too: a file swapped together with
    /// its row fails against the seal, a row edited alone fails against the file.
    pub fn verify(&self, recorded: &Seal, actual: Option<&Seal>) -> SealCheck {
        match actual {
            None => SealCheck::Missing,
            Some(actual) if actual == self && recorded == self => SealCheck::Intact,
            Some(_) => SealCheck::Broken,
        }
    }
}

impl fmt::Display for Seal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.sha256)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SealCheck {
    Intact,
    /// The file, or the attachment's record of it, no longer matches the seal.
    Broken,
    /// The file is gone from storage.
    Missing,
}

impl SealCheck {
    pub fn is_intact(self) -> bool {
        self == SealCheck::Intact
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    const B: &str = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

    fn seal(hex: &str) -> Seal {
        Seal::parse(hex).unwrap()
    }

    #[test]
    fn parses_hex_in_either_case_and_nothing_else() {
        assert_eq!(seal(&A.to_ascii_uppercase()).as_hex(), A);
        assert!(Seal::parse(&A[1..]).is_err());
        assert!(Seal::parse(&format!("{}g", &A[1..])).is_err());
        assert!(Seal::parse("").is_err());
    }

    #[test]
    fn from_digest_is_lowercase_hex() {
        let mut digest = [0u8; 32];
        digest[0] = 0xab;
        digest[31] = 0x01;
        let s = Seal::from_digest(&digest);
        assert_eq!(s.as_hex().len(), 64);
        assert!(s.as_hex().starts_with("ab00"));
        assert!(s.as_hex().ends_with("01"));
    }

    #[test]
    fn intact_only_when_file_record_and_seal_agree() {
        let (a, b) = (seal(A), seal(B));
        assert_eq!(a.verify(&a, Some(&a)), SealCheck::Intact);
        // The file was altered.
        assert_eq!(a.verify(&a, Some(&b)), SealCheck::Broken);
        // File and row were both replaced: the seal still catches it.
        assert_eq!(a.verify(&b, Some(&b)), SealCheck::Broken);
        // The row was edited alone.
        assert_eq!(a.verify(&b, Some(&a)), SealCheck::Broken);
        assert_eq!(a.verify(&a, None), SealCheck::Missing);
        assert!(!SealCheck::Missing.is_intact());
    }
}
