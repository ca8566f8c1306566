//! Integration tests: the real provider over real HTTP. The whole suite runs
//! once per backend (see `harness`).

mod fixtures;
mod harness;

mod acting;
mod attacks;
mod audit;
mod authorize;
mod certificate_login;
mod checked_data;
mod confirmation;
mod conformance;
mod consents;
mod delivery;
mod discovery;
mod e2e;
mod grants;
mod input_headers;
mod introspect_revoke;
mod languages;
mod layers;
mod levels;
mod listings;
mod lockout;
mod login;
mod logout;
mod malformed;
mod operations;
mod operator_defaults;
mod orgs;
mod profile;
mod recovery;
mod registration;
mod release;
mod revocation;
mod second_factor;
mod sessions;
mod signature;
mod signing_keys;
mod support;
mod token;
mod token_algorithms;
mod userinfo;
