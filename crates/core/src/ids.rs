//! Id newtypes of the main records. Ids are opaque text (application-generated, stored as
//! TEXT), so the newtypes only keep one kind of id from being passed where another is meant.

/// Declares an id newtype: transparent in JSON, built from a `String`, shown as its text.
#[macro_export]
macro_rules! id_newtype {
    ($($(#[$doc:meta])* $name:ident),+ $(,)?) => {$(
        $(#[$doc])*
        #[derive(
            Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn new(id: impl Into<String>) -> Self {
                $name(id.into())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                $name(id)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                $name(id.to_owned())
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    )+};
}

id_newtype!(
    /// A user account (staff or customer contact).
    UserId,
    /// A team of engineers (ORG-2).
    TeamId,
    /// A customer (ORG-3).
    CustomerId,
    /// A customer's site (ORG-3).
    SiteId,
    /// A customer's contact person (ORG-3).
    ContactId,
    /// Installed equipment at a site (ORG-4).
    EquipmentId,
    /// A ticket (TKT-1).
    TicketId,
    /// An on-site visit (TKT-5).
    VisitId,
    /// A service record (TKT-6).
    ServiceRecordId,
    /// A feedback form (TKT-7).
    FeedbackFormId,
    /// A callback task (TKT-9).
    CallbackId,
    /// A manager's follow-up of a dissatisfied callback (TKT-9).
    FollowUpId,
    /// A complaint (TKT-10).
    ComplaintId,
    /// An internal work order (TKT-11).
    WorkOrderId,
    /// A program change request (TKT-12).
    ChangeRequestId,
    /// A knowledge-base article (KB-1).
    KbArticleId,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_transparent_in_json_and_show_their_text() {
        let id = TicketId::from("t-1".to_owned());
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"t-1\"");
        let back: TicketId = serde_json::from_str("\"t-1\"").unwrap();
        assert_eq!(back, id);
        assert_eq!(id.as_str(), "t-1");
        assert_eq!(id.to_string(), "t-1");
        assert_eq!(String::from(id), "t-1");
    }

    #[test]
    fn ids_compare_with_their_text() {
        let user = UserId::new("u-7");
        assert!(user == *"u-7");
        assert_eq!(UserId::from("u-7"), user);
    }
}
