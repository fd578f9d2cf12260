//! TKT-1: where a ticket came in from.

use utoipa::ToSchema;

kefu_core::string_enum! {
    #[derive(ToSchema)]
    pub enum Channel {
        Phone = "phone",
        Web = "web",
        Im = "im",
        Email = "email",
        Onsite = "onsite",
        Api = "api",
    }
}
