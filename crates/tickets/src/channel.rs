//! TKT-1: where a ticket came in from.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Phone,
    Web,
    Im,
    Email,
    Onsite,
    Api,
}

impl Channel {
    pub const ALL: [Channel; 6] = [
        Channel::Phone,
        Channel::Web,
        Channel::Im,
        Channel::Email,
        Channel::Onsite,
        Channel::Api,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Phone => "phone",
            Channel::Web => "web",
            Channel::Im => "im",
            Channel::Email => "email",
            Channel::Onsite => "onsite",
            Channel::Api => "api",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == s)
    }
}
