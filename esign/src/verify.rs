//! Checking a signed challenge: the certificate first (readable, a supported
//! key, in its validity period, meant for signing, on a path to a trusted CA,
//! not revoked), then the signature with the certificate's key.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::signature::{self, UnparsedPublicKey};
use rustls_pki_types::{CertificateDer, UnixTime};
use x509_parser::prelude::{FromDer, X509Certificate};
use x509_parser::public_key::PublicKey;

use crate::anchors::{TrustAnchors, certificates};
use crate::error::{CertError, Part};
use crate::subject::CertifiedSubject;

/// Untrusted input larger than this is refused before parsing. Real qualified
/// certificates are 1.5-3 KiB; the limits only keep hostile blobs cheap.
const MAX_CERTIFICATE_BYTES: usize = 16 * 1024;
const MAX_INTERMEDIATES: usize = 5;
/// base64url of an RSA-8192 signature is 1366 characters.
const MAX_SIGNATURE_CHARS: usize = 1400;

/// What the person sends back: their certificate, any intermediate CA
/// certificates, and the signature over the challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedChallenge {
    /// The signer's certificate: PEM text with one `CERTIFICATE` block, or DER.
    pub certificate: Vec<u8>,
    /// Intermediate CA certificates; each item PEM (one or more blocks) or DER.
    pub intermediates: Vec<Vec<u8>>,
    /// The signature over the challenge's UTF-8 bytes, base64url (padding
    /// optional): RS256, or ES256 as r||s (WebCrypto) or ASN.1 DER (OpenSSL).
    pub signature: String,
}

/// Verifies that `signed` is a signature over `challenge` by the holder of a
/// certificate that the `anchors` vouch for at `now_unix` (seconds), and
/// reads who the holder is.
///
/// The caller issued `challenge` and makes sure it is fresh and used once.
pub fn verify(
    anchors: &TrustAnchors,
    challenge: &str,
    signed: &SignedChallenge,
    now_unix: i64,
) -> Result<CertifiedSubject, CertError> {
    let leaf = one_certificate(&signed.certificate)?;
    let cert = parse(&leaf, Part::Certificate)?;
    let key = SignerKey::of(&cert)?;
    check_dates(&cert, now_unix)?;
    check_key_usage(&cert)?;
    let subject = CertifiedSubject::read(&cert, key.algorithm(), anchors.checks_revocation())?;
    let intermediates = intermediates(&signed.intermediates)?;
    // Before 1970 nothing is valid anyway: the dates were checked above.
    let now = UnixTime::since_unix_epoch(Duration::from_secs(u64::try_from(now_unix).unwrap_or(0)));
    anchors.verify_path(&leaf, &intermediates, now)?;
    key.verify(challenge.as_bytes(), &decode_signature(&signed.signature)?)?;
    Ok(subject)
}

/// The serial number of a certificate that may not verify (lower-case hex, as
/// [`CertifiedSubject::serial_hex`]), so that refused attempts can be
/// journaled with it; `None` when the certificate cannot be read.
pub fn serial_hex(certificate: &[u8]) -> Option<String> {
    let der = one_certificate(certificate).ok()?;
    let cert = parse(&der, Part::Certificate).ok()?;
    Some(crate::subject::serial_hex(cert.raw_serial()))
}

fn one_certificate(bytes: &[u8]) -> Result<CertificateDer<'static>, CertError> {
    // As PEM (base64, line breaks, armour) it takes less than twice as much.
    if bytes.len() > 2 * MAX_CERTIFICATE_BYTES {
        return Err(CertError::malformed(Part::Certificate, "too large"));
    }
    let mut ders = certificates(bytes, Part::Certificate)?;
    match ders.pop() {
        Some(der) if ders.is_empty() => Ok(der),
        _ => Err(CertError::malformed(
            Part::Certificate,
            "expected one certificate; send CA certificates as intermediates",
        )),
    }
}

fn intermediates(items: &[Vec<u8>]) -> Result<Vec<CertificateDer<'static>>, CertError> {
    let mut all = Vec::new();
    for item in items {
        if item.len() > 2 * MAX_CERTIFICATE_BYTES * MAX_INTERMEDIATES {
            return Err(CertError::malformed(Part::Intermediate, "too large"));
        }
        for der in certificates(item, Part::Intermediate)? {
            // webpki would skip an unreadable one; refusing it says what is wrong.
            parse(&der, Part::Intermediate)?;
            all.push(der);
        }
        if all.len() > MAX_INTERMEDIATES {
            return Err(CertError::malformed(
                Part::Intermediate,
                format!("more than {MAX_INTERMEDIATES} intermediate certificates"),
            ));
        }
    }
    Ok(all)
}

fn parse<'a>(der: &'a CertificateDer<'_>, what: Part) -> Result<X509Certificate<'a>, CertError> {
    if der.len() > MAX_CERTIFICATE_BYTES {
        return Err(CertError::malformed(what, "too large"));
    }
    match X509Certificate::from_der(der) {
        Ok(([], cert)) => Ok(cert),
        Ok(_) => Err(CertError::malformed(what, "trailing data")),
        Err(e) => Err(CertError::malformed(what, e)),
    }
}

fn check_dates(cert: &X509Certificate<'_>, now_unix: i64) -> Result<(), CertError> {
    let validity = cert.validity();
    let (not_before_unix, not_after_unix) = (
        validity.not_before.timestamp(),
        validity.not_after.timestamp(),
    );
    if now_unix < not_before_unix {
        return Err(CertError::NotYetValid { not_before_unix });
    }
    if now_unix > not_after_unix {
        return Err(CertError::Expired { not_after_unix });
    }
    Ok(())
}

/// RFC 5280 4.2.1.3: without the extension any use is allowed; with it,
/// digitalSignature must be set (nonRepudiation alone is for documents).
fn check_key_usage(cert: &X509Certificate<'_>) -> Result<(), CertError> {
    match cert.key_usage() {
        Ok(None) => Ok(()),
        Ok(Some(ku)) if ku.value.digital_signature() => Ok(()),
        Ok(Some(_)) => Err(CertError::KeyUsage),
        Err(e) => Err(CertError::malformed(Part::Certificate, e)),
    }
}

fn decode_signature(text: &str) -> Result<Vec<u8>, CertError> {
    let text = text.trim().trim_end_matches('=');
    if text.len() > MAX_SIGNATURE_CHARS {
        return Err(CertError::malformed(Part::Signature, "too long"));
    }
    match URL_SAFE_NO_PAD.decode(text) {
        Ok(bytes) if !bytes.is_empty() => Ok(bytes),
        Ok(_) => Err(CertError::malformed(Part::Signature, "empty")),
        Err(e) => Err(CertError::malformed(Part::Signature, e)),
    }
}

/// The certificate's public key, once known to be one we verify with.
enum SignerKey<'a> {
    /// RSAPublicKey DER and the modulus length in bytes.
    Rsa { der: &'a [u8], len: usize },
    /// Uncompressed P-256 point.
    P256(&'a [u8]),
}

impl<'a> SignerKey<'a> {
    fn of(cert: &'a X509Certificate<'_>) -> Result<Self, CertError> {
        let spki = cert.public_key();
        let raw = spki.subject_public_key.data.as_ref();
        let unsupported = |algorithm: &str| {
            Err(CertError::UnsupportedKey {
                algorithm: algorithm.to_string(),
            })
        };
        match spki.parsed() {
            Ok(PublicKey::RSA(rsa)) => {
                let bits = modulus_bits(rsa.modulus);
                match bits {
                    0..2048 => Err(CertError::KeyTooSmall { bits: Some(bits) }),
                    // ring's limit; no CA issues such keys to people.
                    8193.. => unsupported(&format!("RSA-{bits}")),
                    _ => Ok(SignerKey::Rsa {
                        der: raw,
                        len: bits.div_ceil(8),
                    }),
                }
            }
            Ok(PublicKey::EC(_)) => {
                let curve = spki
                    .algorithm
                    .parameters
                    .as_ref()
                    .and_then(|p| p.as_oid().ok())
                    .map(|oid| oid.to_id_string());
                match curve.as_deref() {
                    Some("1.2.840.10045.3.1.7") => Ok(SignerKey::P256(raw)),
                    Some("1.3.132.0.34") => unsupported("ECDSA P-384"),
                    Some("1.3.132.0.35") => unsupported("ECDSA P-521"),
                    Some(other) => unsupported(&format!("ECDSA on curve {other}")),
                    None => unsupported("ECDSA with implicit curve parameters"),
                }
            }
            Ok(PublicKey::GostR3410_2012(_)) => unsupported("ГОСТ Р 34.10-2012"),
            Ok(PublicKey::GostR3410(_)) => unsupported("ГОСТ Р 34.10-2001"),
            Ok(PublicKey::DSA(_)) => unsupported("DSA"),
            Ok(PublicKey::Unknown(_)) => match spki.algorithm.algorithm.to_id_string().as_str() {
                "1.3.101.112" => unsupported("Ed25519"),
                "1.2.840.113549.1.1.10" => unsupported("RSASSA-PSS"),
                other => unsupported(other),
            },
            Err(e) => Err(CertError::malformed(Part::Certificate, e)),
        }
    }

    fn algorithm(&self) -> &'static str {
        match self {
            SignerKey::Rsa { .. } => "RS256",
            SignerKey::P256(_) => "ES256",
        }
    }

    fn verify(&self, message: &[u8], sig: &[u8]) -> Result<(), CertError> {
        let ok = match self {
            SignerKey::Rsa { der, len } => {
                if sig.len() != *len {
                    return Err(CertError::malformed(
                        Part::Signature,
                        format!("{} bytes, the RSA key needs {len}", sig.len()),
                    ));
                }
                UnparsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, der)
                    .verify(message, sig)
                    .is_ok()
            }
            SignerKey::P256(point) => {
                if sig.len() != 64 && sig.first() != Some(&0x30) {
                    return Err(CertError::malformed(
                        Part::Signature,
                        "ES256 signature is neither r||s (64 bytes) nor ASN.1 DER",
                    ));
                }
                // A DER signature can be 64 bytes long too, so both are tried.
                [
                    &signature::ECDSA_P256_SHA256_FIXED,
                    &signature::ECDSA_P256_SHA256_ASN1,
                ]
                .into_iter()
                .any(|alg| {
                    UnparsedPublicKey::new(alg, point)
                        .verify(message, sig)
                        .is_ok()
                })
            }
        };
        if ok {
            Ok(())
        } else {
            Err(CertError::SignatureMismatch)
        }
    }
}

/// Bit length of a big-endian unsigned integer (leading zero bytes, as DER
/// adds for a set top bit, do not count).
fn modulus_bits(modulus: &[u8]) -> usize {
    let first = modulus.iter().position(|&b| b != 0);
    match first {
        None => 0,
        Some(i) => (modulus.len() - i) * 8 - modulus[i].leading_zeros() as usize,
    }
}
