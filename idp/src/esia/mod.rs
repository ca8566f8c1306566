//! The ESIA-compatible mode (docs/esia.md): ESIA's dialect of OAuth 2.0 over
//! the same login, consent, level and organization rules as the OpenID
//! Connect side. [`request`]: signed client requests; [`scopes`]: ESIA's
//! scope names on Vhod's; [`authorize`]: the authorization request as a
//! login flow; [`tokens`]: ESIA-shaped tokens; [`rest`]: `/rs/prns`.

pub mod authorize;
pub mod keys;
pub mod logout;
pub mod request;
pub mod rest;
pub mod scopes;
pub mod token;
pub mod tokens;
pub mod views;
