//! The API's typed requests and responses, separate from database rows.

pub mod api_keys;
pub mod audit;
pub mod auth;
pub mod equipment;
pub mod products;
pub mod rules;
pub mod users;

use serde::{Deserialize, Deserializer};

/// Tells an absent field (`None`: leave as is) from an explicit `null` (`Some(None)`: clear).
pub fn double_option<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}
