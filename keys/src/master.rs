//! The master key that encrypts private signing keys at rest (AES-256-GCM).

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rand::RngCore;
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};

use crate::KeyError;

/// A 256-bit key. Its `Debug` never shows the bytes.
#[derive(Clone)]
pub struct MasterKey([u8; 32]);

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey(<redacted>)")
    }
}

impl MasterKey {
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        Self(bytes)
    }

    /// Parses standard base64 (surrounding white space ignored).
    pub fn from_base64(text: &str) -> Result<Self, KeyError> {
        let bytes = STANDARD
            .decode(text.trim())
            .map_err(|_| KeyError::BadMasterKey)?;
        Ok(Self(bytes.try_into().map_err(|_| KeyError::BadMasterKey)?))
    }

    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0)
    }

    /// Derives a sub-key for another purpose (HMAC keys and the like), so the
    /// master key itself is used for one thing only.
    pub fn derive(&self, purpose: &str) -> [u8; 32] {
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &self.0);
        let tag = ring::hmac::sign(&key, purpose.as_bytes());
        tag.as_ref().try_into().expect("SHA-256 output is 32 bytes")
    }

    /// Encrypts `plaintext`, bound to `context` (e.g. the key id) so a
    /// ciphertext cannot be moved to another record. Output: nonce || sealed.
    pub fn seal(&self, context: &[u8], plaintext: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let mut sealed = plaintext.to_vec();
        self.aead()
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(context),
                &mut sealed,
            )
            .expect("AES-GCM sealing cannot fail for in-memory buffers");
        let mut out = nonce.to_vec();
        out.extend(sealed);
        out
    }

    /// Decrypts what [`MasterKey::seal`] produced with the same context.
    pub fn open(&self, context: &[u8], data: &[u8]) -> Result<Vec<u8>, KeyError> {
        if data.len() < NONCE_LEN {
            return Err(KeyError::Decryption);
        }
        let (nonce, sealed) = data.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| KeyError::Decryption)?;
        let mut buffer = sealed.to_vec();
        let plain = self
            .aead()
            .open_in_place(nonce, Aad::from(context), &mut buffer)
            .map_err(|_| KeyError::Decryption)?;
        Ok(plain.to_vec())
    }

    fn aead(&self) -> LessSafeKey {
        LessSafeKey::new(UnboundKey::new(&AES_256_GCM, &self.0).expect("32-byte key"))
    }
}
