//! ESIA's token response and its ID token, checked as a portal checks it:
//! signed RS256 by one of the provider's exported keys (`idp esia
//! export-key`, PEM), `iss` ESIA's name, `aud` this client, within `nbf` and
//! `exp`; the subject from `urn:esia:sbj`.

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use openidconnect::ClaimsVerificationError as Claims;
use serde::Deserialize;

use crate::oidc::IdTokenError;

/// What `/aas/oauth2/v3/te` answers.
#[derive(Debug, Deserialize)]
pub struct Response {
    pub access_token: String,
    pub id_token: String,
    pub expires_in: i64,
    pub state: String,
}

/// What the ID token must say.
pub struct Expect<'a> {
    pub issuer: &'a str,
    pub audience: &'a str,
    pub now: i64,
}

/// Who logged in.
#[derive(Clone, Debug, PartialEq)]
pub struct Subject {
    pub oid: i64,
    /// `urn:esia:sbj:is_tru`: a confirmed account.
    pub trusted: bool,
    /// `urn:esia:sid`.
    pub sid: String,
}

/// A clock skew allowed on `nbf` and `exp`.
const LEEWAY_SECS: i64 = 60;

/// Checks an ESIA ID token against `keys`, every PEM public key of the
/// file (a rotation publishes two).
pub fn verify_id_token(
    raw: &str,
    keys: &str,
    expect: &Expect<'_>,
) -> Result<Subject, IdTokenError> {
    let mut validation = Validation::new(Algorithm::RS256);
    // The claims are checked below, against the cabinet's clock.
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    let claims = pem_blocks(keys)
        .filter_map(|pem| rsa_public_key(&pem).map(|der| DecodingKey::from_rsa_der(&der)))
        .find_map(|key| jsonwebtoken::decode::<serde_json::Value>(raw, &key, &validation).ok())
        .ok_or(IdTokenError::UnknownKey)?
        .claims;
    let text = |k: &str| claims[k].as_str().unwrap_or_default().to_owned();
    if claims["iss"] != expect.issuer {
        return Err(IdTokenError::Claims(Claims::InvalidIssuer(text("iss"))));
    }
    if claims["aud"] != expect.audience {
        return Err(IdTokenError::Claims(Claims::InvalidAudience(text("aud"))));
    }
    let exp = claims["exp"].as_i64().unwrap_or(0);
    let nbf = claims["nbf"].as_i64().unwrap_or(0);
    if exp + LEEWAY_SECS <= expect.now {
        return Err(IdTokenError::Claims(Claims::Expired(format!("exp {exp}"))));
    }
    if nbf - LEEWAY_SECS > expect.now {
        return Err(IdTokenError::Claims(Claims::Other(format!("nbf {nbf}"))));
    }
    let subject = &claims["urn:esia:sbj"];
    let oid = subject["urn:esia:sbj:oid"].as_i64();
    if subject["urn:esia:sbj:typ"] != "P" || oid.is_none() || claims["sub"].as_i64() != oid {
        return Err(IdTokenError::Claims(Claims::InvalidSubject(
            subject.to_string(),
        )));
    }
    Ok(Subject {
        oid: oid.unwrap_or_default(),
        trusted: subject["urn:esia:sbj:is_tru"] == true,
        sid: text("urn:esia:sid"),
    })
}

/// Each `-----BEGIN …-----` … `-----END …-----` block of a PEM file.
fn pem_blocks(text: &str) -> impl Iterator<Item = String> + '_ {
    let mut block = String::new();
    text.lines().filter_map(move |line| {
        if line.starts_with("-----BEGIN ") {
            block.clear();
        }
        block.push_str(line);
        block.push('\n');
        line.starts_with("-----END ").then(|| block.clone())
    })
}

/// The PKCS#1 `RSAPublicKey` inside a `BEGIN PUBLIC KEY` PEM (a
/// SubjectPublicKeyInfo: the algorithm, then the key as a BIT STRING).
fn rsa_public_key(pem: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(body)
        .ok()?;
    let (tag, spki, _) = tlv(&der)?;
    let (_, _, rest) = tlv(spki).filter(|(tag, ..)| *tag == 0x30)?;
    let (bits_tag, bits, _) = tlv(rest)?;
    let key = bits.strip_prefix(&[0])?;
    (tag == 0x30 && bits_tag == 0x03).then(|| key.to_vec())
}

/// One DER element: its tag, its content and what follows it.
fn tlv(der: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = der.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, b| acc << 8 | usize::from(*b));
        (len, &rest[n..])
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_pem_block_of_a_key_file_is_read() {
        let one = "-----BEGIN PUBLIC KEY-----\nAAA\n-----END PUBLIC KEY-----\n";
        let two = "-----BEGIN PUBLIC KEY-----\nBBB\n-----END PUBLIC KEY-----\n";
        let blocks: Vec<String> = pem_blocks(&format!("{one}{two}")).collect();
        assert_eq!(blocks, [one, two]);
    }
}
