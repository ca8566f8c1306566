//! The signing side, for `idp sign-challenge`, scripts, tests and the demo.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::rand::SystemRandom;
use ring::signature::{self, EcdsaKeyPair, RsaKeyPair};
use rustls_pki_types::PrivatePkcs8KeyDer;
use rustls_pki_types::pem::PemObject;

use crate::error::{CertError, Part};

/// Signs the challenge's UTF-8 bytes with a PKCS#8 PEM private key (`BEGIN
/// PRIVATE KEY`), RSA >= 2048 bits or ECDSA P-256.
///
/// Returns the signature in base64url without padding and the algorithm,
/// "RS256" or "ES256" (ECDSA in the r||s form, as WebCrypto signs).
pub fn sign_challenge(
    private_key_pem: &str,
    challenge: &str,
) -> Result<(String, &'static str), CertError> {
    let der = PrivatePkcs8KeyDer::from_pem_slice(private_key_pem.as_bytes())
        .map_err(|e| CertError::malformed(Part::PrivateKey, e))?;
    let pkcs8 = der.secret_pkcs8_der();
    let message = challenge.as_bytes();
    let rng = SystemRandom::new();
    let signing_failed = |_| CertError::malformed(Part::PrivateKey, "signing failed");

    let rsa_rejected = match RsaKeyPair::from_pkcs8(pkcs8) {
        Ok(pair) => {
            let mut sig = vec![0; pair.public().modulus_len()];
            pair.sign(&signature::RSA_PKCS1_SHA256, &rng, message, &mut sig)
                .map_err(signing_failed)?;
            return Ok((URL_SAFE_NO_PAD.encode(sig), "RS256"));
        }
        // ring names the reason but not the length.
        Err(e) if e.to_string() == "TooSmall" => return Err(CertError::KeyTooSmall { bits: None }),
        Err(e) => e,
    };
    match EcdsaKeyPair::from_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8, &rng) {
        Ok(pair) => {
            let sig = pair.sign(&rng, message).map_err(signing_failed)?;
            Ok((URL_SAFE_NO_PAD.encode(sig), "ES256"))
        }
        Err(ec_rejected) => Err(CertError::malformed(
            Part::PrivateKey,
            format!("neither an RSA key ({rsa_rejected}) nor an ECDSA P-256 key ({ec_rejected})"),
        )),
    }
}
