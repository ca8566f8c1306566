//! Authenticator-app codes (TOTP, RFC 6238: HMAC-SHA1, six digits, 30-second
//! steps, one step of clock drift either way). The secret is kept sealed
//! under the master key, bound to its account.

use keys::MasterKey;
use totp_rs::{Algorithm, TOTP};

use crate::clock::UnixTime;
use crate::store::{SqlStore, StoreError};

const STEP: u64 = 30;
const DIGITS: usize = 6;
/// Steps of clock drift accepted either way.
const SKEW: i64 = 1;
/// The name authenticator apps show above the code.
const ISSUER: &str = "Vhod";

/// A new 160-bit secret (RFC 4226's recommended length).
pub fn new_secret() -> Vec<u8> {
    use rand::RngCore;
    let mut secret = vec![0u8; 20];
    rand::rng().fill_bytes(&mut secret);
    secret
}

fn totp(secret: Vec<u8>, label: &str) -> TOTP {
    // Unchecked: our secrets are 160 bits, and a label cannot hold `:`.
    TOTP::new_unchecked(
        Algorithm::SHA1,
        DIGITS,
        SKEW as u8,
        STEP,
        secret,
        Some(ISSUER.into()),
        label.replace(':', " "),
    )
}

/// What an authenticator app needs: the secret in base32 (to type in) and
/// the `otpauth://` URI (for the QR code).
pub struct Setup {
    pub secret_base32: String,
    pub uri: String,
}

pub fn setup(secret: &[u8], label: &str) -> Setup {
    let totp = totp(secret.to_vec(), label);
    Setup {
        secret_base32: totp.get_secret_base32(),
        uri: totp.get_url(),
    }
}

/// The time step whose code `typed` is, within the accepted drift.
pub fn matching_step(secret: &[u8], typed: &str, now: UnixTime) -> Option<i64> {
    let typed: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    let totp = totp(secret.to_vec(), "");
    let current = now.max(0) / STEP as i64;
    let mut found = None;
    // Every candidate is compared (in constant time), so timing does not
    // tell which step matched.
    for step in current - SKEW..=current + SKEW {
        let code = totp.generate((step.max(0) as u64) * STEP);
        if subtle::ConstantTimeEq::ct_eq(code.as_bytes(), typed.as_bytes()).into() {
            found = Some(step);
        }
    }
    found
}

/// The code of `now` (for tests and the demo's instructions).
pub fn code_at(secret: &[u8], now: UnixTime) -> String {
    totp(secret.to_vec(), "").generate(now.max(0) as u64)
}

pub fn seal(master: &MasterKey, account_id: &str, secret: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .encode(master.seal(context(account_id).as_bytes(), secret))
}

pub fn open(master: &MasterKey, account_id: &str, sealed: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    let data = base64::engine::general_purpose::STANDARD
        .decode(sealed)
        .ok()?;
    master.open(context(account_id).as_bytes(), &data).ok()
}

/// Every stored secret sealed under `new` instead of `old`, for
/// `SqlStore::rewrap_keys` to store with the signing keys, all or none
/// (`idp keys rewrap`).
pub async fn resealed_secrets(
    store: &SqlStore,
    old: &MasterKey,
    new: &MasterKey,
) -> Result<Vec<(String, String)>, ResealError> {
    let mut resealed = Vec::new();
    for (account_id, sealed) in store.sealed_totp_secrets().await? {
        let secret = open(old, &account_id, &sealed).ok_or_else(|| ResealError::WrongKey {
            account_id: account_id.clone(),
        })?;
        let sealed = seal(new, &account_id, &secret);
        resealed.push((account_id, sealed));
    }
    Ok(resealed)
}

#[derive(Debug, thiserror::Error)]
pub enum ResealError {
    #[error("the TOTP secret of account {account_id} does not open with the current master key")]
    WrongKey { account_id: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn context(account_id: &str) -> String {
    format!("totp:{account_id}")
}

/// The secret in base32 as people type it into an app: groups of four.
pub fn grouped(base32: &str) -> String {
    base32
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The secret from its base32 form (the demo prints it).
pub fn from_base32(text: &str) -> Option<Vec<u8>> {
    totp_rs::Secret::Encoded(text.replace(' ', "").to_uppercase())
        .to_bytes()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_6238_vector_and_drift() {
        // RFC 6238 appendix B, SHA-1, T = 59 s: 94287082 (eight digits);
        // six digits are its last six.
        let secret = b"12345678901234567890".to_vec();
        assert_eq!(code_at(&secret, 59), "287082");
        assert_eq!(matching_step(&secret, "287082", 59), Some(1));
        assert_eq!(
            matching_step(&secret, "287 082", 59 + 30),
            Some(1),
            "one step late"
        );
        assert_eq!(
            matching_step(&secret, "287082", 59 + 60),
            None,
            "two steps late"
        );
        assert_eq!(
            matching_step(&secret, &code_at(&secret, 89), 59),
            Some(2),
            "one step early"
        );
    }

    #[test]
    fn sealed_secrets_open_for_their_account_only() {
        let master = MasterKey::generate();
        let secret = new_secret();
        let sealed = seal(&master, "a", &secret);
        assert_eq!(open(&master, "a", &sealed), Some(secret.clone()));
        assert_eq!(open(&master, "b", &sealed), None);
        let shown = setup(&secret, "ivan@example.ru");
        assert_eq!(from_base32(&grouped(&shown.secret_base32)), Some(secret));
        assert!(
            shown
                .uri
                .starts_with("otpauth://totp/Vhod:ivan%40example.ru?"),
            "{}",
            shown.uri
        );
    }
}
