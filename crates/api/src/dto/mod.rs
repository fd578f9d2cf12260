//! The API's typed requests and responses, separate from database rows.

pub mod api_keys;
pub mod attachments;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod callbacks;
pub mod change_requests;
pub mod cities;
pub mod complaints;
pub mod contacts;
pub mod customers;
pub mod employees;
pub mod equipment;
pub mod feedback_forms;
pub mod jobs;
pub mod kb;
pub mod notifications;
pub mod products;
pub mod rules;
pub mod sites;
pub mod sync;
pub mod teams;
pub mod tickets;
pub mod users;
pub mod visits;
pub mod webhooks;
pub mod work_orders;

use serde::{Deserialize, Deserializer};

/// A phone number: 5 to 20 digits, with `+ - ( )` or spaces (mobile, landline, extension).
pub fn phone_ok(phone: &str) -> Result<(), validator::ValidationError> {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let shape = phone
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' ' | '(' | ')'));
    if shape && (5..=20).contains(&digits) {
        Ok(())
    } else {
        let mut e = validator::ValidationError::new("format");
        e.message = Some("must be a phone number: 5 to 20 digits, with + - ( ) or spaces".into());
        Err(e)
    }
}

/// A client-chosen record id (offline creation): a UUID.
pub fn client_id_ok(id: &str) -> Result<(), validator::ValidationError> {
    if uuid::Uuid::parse_str(id).is_ok() {
        Ok(())
    } else {
        let mut e = validator::ValidationError::new("format");
        e.message = Some("must be a UUID".into());
        Err(e)
    }
}

/// Tells an absent field (`None`: leave as is) from an explicit `null` (`Some(None)`: clear).
pub fn double_option<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}
