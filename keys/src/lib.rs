//! Signing keys for Vhod.
//!
//! * [`SigningKey`]: a key pair parsed once and held in memory, that signs
//!   compact JWS (RS256, PS256, ES256, EdDSA) with `ring`;
//! * [`Jwk`] / [`verify`]: the public half as a JSON Web Key (RFC 7517), with
//!   `kid` the RFC 7638 thumbprint, and JWS verification against a key set;
//! * [`MasterKey`]: AES-256-GCM encryption of private keys at rest;
//! * [`KeyState`]: the lifecycle `next -> active -> retiring -> retired`, plus
//!   `revoked`, as a state machine.

mod jwk;
mod jws;
mod master;
mod signing;
mod state;

pub use jwk::{Jwk, Jwks};
pub use jws::{VerifiedJws, verify};
pub use master::MasterKey;
pub use signing::{Algorithm, SigningKey};
pub use state::{KeyState, Transition, TransitionError};

/// Everything that can go wrong with keys and tokens.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    #[error("key generation failed")]
    Generation,
    #[error("the private key is malformed or does not match its algorithm")]
    MalformedKey,
    #[error("the key could not be decrypted: wrong master key or damaged data")]
    Decryption,
    #[error("the master key must be 32 bytes, base64-encoded")]
    BadMasterKey,
    #[error("unsupported algorithm `{0}`")]
    UnsupportedAlgorithm(String),
    #[error("the token is malformed")]
    MalformedToken,
    #[error("the token is signed by an unknown key")]
    UnknownKey,
    #[error("the token signature is invalid")]
    BadSignature,
    #[error("signing failed")]
    Signing,
}

pub(crate) fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub(crate) fn unb64(text: &str) -> Result<Vec<u8>, KeyError> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|_| KeyError::MalformedToken)
}

#[cfg(test)]
mod tests;
