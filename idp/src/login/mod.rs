//! Logging a person in: SSO sessions and password login. Lockout, second
//! factors, certificates and recovery come in later issues.

pub mod password;
pub mod session;

pub use session::Session;
