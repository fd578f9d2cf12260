pub mod api_keys;
pub mod auth;
pub mod employees;
pub mod teams;
pub mod users;
