//! Verification of compact JWS against a key set.

use ring::signature::{self, UnparsedPublicKey};
use serde::Deserialize;

use crate::{Jwk, KeyError, unb64};

/// A JWS whose signature checked out against one of the given keys.
#[derive(Debug)]
pub struct VerifiedJws {
    pub kid: String,
    pub typ: Option<String>,
    pub claims: serde_json::Value,
}

#[derive(Deserialize)]
struct Header {
    alg: String,
    kid: Option<String>,
    typ: Option<String>,
}

/// Verifies a compact JWS with the key named by its `kid`. Tokens without a
/// `kid`, with `alg: none`, or with an `alg` that differs from the key's are
/// refused.
pub fn verify(token: &str, keys: &[Jwk]) -> Result<VerifiedJws, KeyError> {
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(KeyError::MalformedToken);
    };
    let header: Header =
        serde_json::from_slice(&unb64(h)?).map_err(|_| KeyError::MalformedToken)?;
    let kid = header.kid.ok_or(KeyError::UnknownKey)?;
    let jwk = keys
        .iter()
        .find(|k| k.kid == kid)
        .ok_or(KeyError::UnknownKey)?;
    if jwk.alg != header.alg {
        return Err(KeyError::BadSignature);
    }
    let message = &token.as_bytes()[..h.len() + 1 + p.len()];
    let signature = unb64(s)?;
    verify_signature(jwk, message, &signature)?;
    let claims = serde_json::from_slice(&unb64(p)?).map_err(|_| KeyError::MalformedToken)?;
    Ok(VerifiedJws {
        kid,
        typ: header.typ,
        claims,
    })
}

fn verify_signature(jwk: &Jwk, message: &[u8], sig: &[u8]) -> Result<(), KeyError> {
    let part = |v: &Option<String>| v.as_deref().ok_or(KeyError::MalformedKey).and_then(unb64);
    let rsa = |padding| -> Result<bool, KeyError> {
        Ok(signature::RsaPublicKeyComponents {
            n: part(&jwk.n)?,
            e: part(&jwk.e)?,
        }
        .verify(padding, message, sig)
        .is_ok())
    };
    let ok = match jwk.alg.as_str() {
        "RS256" => rsa(&signature::RSA_PKCS1_2048_8192_SHA256)?,
        "PS256" => rsa(&signature::RSA_PSS_2048_8192_SHA256)?,
        "ES256" => {
            let mut point = vec![4u8];
            point.extend(part(&jwk.x)?);
            point.extend(part(&jwk.y)?);
            UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, point)
                .verify(message, sig)
                .is_ok()
        }
        "EdDSA" => UnparsedPublicKey::new(&signature::ED25519, part(&jwk.x)?)
            .verify(message, sig)
            .is_ok(),
        other => return Err(KeyError::UnsupportedAlgorithm(other.to_owned())),
    };
    if ok {
        Ok(())
    } else {
        Err(KeyError::BadSignature)
    }
}
