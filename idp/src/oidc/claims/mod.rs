//! Claims: the `claims` request parameter ([`request`]), every claim Vhod
//! can release defined once ([`registry`]), and the one decision of what a
//! portal receives ([`release`]).

pub mod registry;
pub mod release;
pub mod request;

pub use registry::{CLAIMS, ClaimDef, PROTOCOL_CLAIMS, Place, Subject, supported};
pub use release::{
    covered_by, from_scopes, id_token_claims, individual, narrow, needs_orgs, propose,
    userinfo_claims,
};
pub use request::{ClaimSpec, ClaimsRequest, UnknownAcr};
