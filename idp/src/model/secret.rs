//! Secrets: redacted in `Debug`, compared in constant time.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use subtle::ConstantTimeEq;

/// A secret value (token, client secret, password). Never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Constant-time equality with another secret's bytes.
    pub fn matches(&self, other: &str) -> bool {
        self.0.as_bytes().ct_eq(other.as_bytes()).into()
    }

    /// Hex SHA-256 of the secret: how tokens and client secrets are stored.
    pub fn digest(&self) -> String {
        sha256_hex(self.0.as_bytes())
    }

    /// Constant-time comparison of this secret's digest with a stored one.
    pub fn matches_digest(&self, stored_hex: &str) -> bool {
        self.digest().as_bytes().ct_eq(stored_hex.as_bytes()).into()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// `bytes` random bytes, base64url without padding.
pub fn random_token(bytes: usize) -> Secret {
    let mut buffer = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buffer);
    Secret(URL_SAFE_NO_PAD.encode(buffer))
}

pub fn sha256_hex(data: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, data);
    digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}
