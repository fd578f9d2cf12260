//! TKT-1: what opening a ticket decides — the channel it came in from, and that the customer
//! and the site, contact and equipment named belong together. Whether they exist is the
//! database's to say; the service loads those facts and this module judges them.

use crate::channel::Channel;
use kefu_core::{CustomerId, DomainError, Role, SiteId};

/// Staff who take requests on any channel; anyone else (a customer contact) opens tickets on
/// the web portal only.
const STAFF_OPENERS: &[Role] = &[
    Role::Admin,
    Role::Manager,
    Role::Supervisor,
    Role::Clerk,
    Role::Engineer,
    Role::CallbackAgent,
    Role::Executive,
];

/// TKT-1: the channel of a new ticket. Staff must say where the request came from; a
/// customer's own login opens tickets through `web`, said or not.
pub fn channel_for(roles: &[Role], given: Option<Channel>) -> Result<Channel, DomainError> {
    let staff = roles.iter().any(|r| STAFF_OPENERS.contains(r));
    match (given, staff) {
        (Some(c), true) => Ok(c),
        (None, true) => Err(DomainError::invalid(
            "channel",
            "required",
            "the channel the ticket came in from",
        )),
        (None | Some(Channel::Web), false) => Ok(Channel::Web),
        (Some(_), false) => Err(DomainError::invalid(
            "channel",
            "not_allowed",
            "a customer contact opens tickets through channel web",
        )),
    }
}

/// Installed equipment as the database knows it: its site and that site's customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EquipmentAt {
    pub site_id: SiteId,
    /// `None` when the site is gone.
    pub customer_id: Option<CustomerId>,
}

/// What the database says about the parts a new ticket names. `None` means "not named".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpenFacts {
    /// The customer is one the caller sees (ORG-5).
    pub customer_visible: bool,
    /// The named site is a live site of the customer.
    pub site_of_customer: Option<bool>,
    /// The named contact is a live contact of the customer.
    pub contact_of_customer: Option<bool>,
    /// The named equipment: `Some(None)` when there is no such live equipment.
    pub equipment: Option<Option<EquipmentAt>>,
}

/// TKT-1: the customer is one the caller sees, and the site, contact and equipment named
/// belong to it (the equipment, when a site is named too, stands at that site). The first
/// field at fault is reported, in that order.
pub fn check_parts(
    customer_id: &CustomerId,
    site_id: Option<&SiteId>,
    facts: &OpenFacts,
) -> Result<(), DomainError> {
    if !facts.customer_visible {
        return Err(DomainError::invalid(
            "customer_id",
            "unknown",
            "no such customer",
        ));
    }
    if facts.site_of_customer == Some(false) {
        return Err(DomainError::invalid(
            "site_id",
            "not_of_customer",
            "no such site of this customer",
        ));
    }
    if facts.contact_of_customer == Some(false) {
        return Err(DomainError::invalid(
            "contact_id",
            "not_of_customer",
            "no such contact of this customer",
        ));
    }
    if let Some(equipment) = &facts.equipment {
        let of_customer = equipment.as_ref().is_some_and(|e| {
            e.customer_id.as_ref() == Some(customer_id) && site_id.is_none_or(|s| *s == e.site_id)
        });
        if !of_customer {
            return Err(DomainError::invalid(
                "equipment_id",
                "not_of_customer",
                "no such equipment at this customer's site",
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(r: Result<(), DomainError>) -> Option<String> {
        match r {
            Err(DomainError::Invalid(e)) => Some(e[0].field.clone()),
            _ => None,
        }
    }

    #[test]
    fn tkt_1_staff_name_the_channel_and_customers_use_the_web() {
        let staff = [Role::Clerk];
        let contact = [Role::CustomerContact];
        assert_eq!(channel_for(&staff, Some(Channel::Web)), Ok(Channel::Web));
        assert!(channel_for(&staff, None).is_err());
        assert_eq!(channel_for(&contact, None), Ok(Channel::Web));
        assert_eq!(channel_for(&contact, Some(Channel::Web)), Ok(Channel::Web));
        for channel in Channel::ALL {
            assert!(channel_for(&staff, Some(channel)).is_ok());
            assert_eq!(
                channel_for(&contact, Some(channel)).is_ok(),
                channel == Channel::Web,
                "{channel:?}"
            );
        }
    }

    #[test]
    fn tkt_1_the_parts_of_a_ticket_belong_to_its_customer() {
        let c1 = CustomerId::new("c1");
        let s1 = SiteId::new("s1");
        let at = |site: &str, customer: Option<&str>| {
            Some(Some(EquipmentAt {
                site_id: SiteId::new(site),
                customer_id: customer.map(CustomerId::new),
            }))
        };
        let ok = OpenFacts {
            customer_visible: true,
            ..OpenFacts::default()
        };
        type Case = (Option<&'static str>, OpenFacts, Option<&'static str>);
        let cases: Vec<Case> = vec![
            (None, ok.clone(), None),
            (None, OpenFacts::default(), Some("customer_id")),
            (
                Some("s1"),
                OpenFacts {
                    site_of_customer: Some(false),
                    ..ok.clone()
                },
                Some("site_id"),
            ),
            (
                None,
                OpenFacts {
                    contact_of_customer: Some(false),
                    ..ok.clone()
                },
                Some("contact_id"),
            ),
            (
                None,
                OpenFacts {
                    equipment: Some(None),
                    ..ok.clone()
                },
                Some("equipment_id"),
            ),
            (
                None,
                OpenFacts {
                    equipment: at("s9", Some("c1")),
                    ..ok.clone()
                },
                None,
            ),
            (
                Some("s1"),
                OpenFacts {
                    equipment: at("s1", Some("c1")),
                    ..ok.clone()
                },
                None,
            ),
            (
                Some("s1"),
                OpenFacts {
                    equipment: at("s9", Some("c1")),
                    ..ok.clone()
                },
                Some("equipment_id"),
            ),
            (
                None,
                OpenFacts {
                    equipment: at("s1", Some("c2")),
                    ..ok.clone()
                },
                Some("equipment_id"),
            ),
            (
                None,
                OpenFacts {
                    equipment: at("s1", None),
                    ..ok.clone()
                },
                Some("equipment_id"),
            ),
        ];
        for (site, facts, field) in cases {
            let site = site.map(|_| &s1);
            assert_eq!(
                field_of(check_parts(&c1, site, &facts)).as_deref(),
                field,
                "{facts:?}"
            );
        }
    }
}
