//! The OpenID Connect protocol: authorize -> login -> consent -> code ->
//! token -> userinfo, plus introspection, revocation, logout (RP-initiated and
//! back-channel) and discovery.
//! Plain Rust that returns decisions; `http/` renders them.

pub mod actor;
pub mod auth_request;
pub mod authorize;
pub mod claims;
pub mod code;
pub mod consent;
pub mod discovery;
pub mod error;
pub mod flow;
pub mod introspect;
pub mod logout;
pub mod params;
pub mod redirect;
pub mod revoke;
pub mod token_endpoint;
pub mod tokens;
pub mod userinfo;

pub use error::{ErrorCode, OAuthError};
pub use params::Params;
