//! Authentication: passwords (argon2id), access tokens (JWT, HS256 pinned), refresh tokens and
//! API keys (random, stored as SHA-256), and the middleware that turns a bearer credential into
//! the request's [`Caller`].

pub mod caller;
pub mod jwt;
pub mod middleware;
pub mod password;
pub mod secrets;

pub use caller::Caller;
