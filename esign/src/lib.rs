//! Electronic signatures for Vhod: a person proves they hold a certificate by
//! signing a challenge the server issued; and a client system (a portal in
//! ESIA mode) proves it sent a request by signing the request's parameters
//! (see [ESIA client signatures](#esia-client-signatures-detached-cms)).
//!
//! Used for confirming an account's identity with a qualified certificate,
//! for «Войти по сертификату», and later for registering an organization
//! (whose certificate carries the OGRN and the head's SNILS). The crate knows
//! nothing of accounts or HTTP: it answers "whose certificate is this, and did
//! its key sign this challenge?".
//!
//! # Flow
//! 1. The provider issues a random, single-use challenge string.
//! 2. The person signs its UTF-8 bytes with the certificate's private key: in
//!    the browser with [`SIGN_JS`] (WebCrypto), or with [`sign_challenge`]
//!    (`idp sign-challenge`, scripts, tests).
//! 3. The provider calls [`verify`] with its [`TrustAnchors`], the challenge,
//!    the [`SignedChallenge`] (certificate, intermediates, signature) and the
//!    current time, and gets a [`CertifiedSubject`] or a [`CertError`].
//!
//! ```no_run
//! # fn demo(ca_pem: &str, crl_pem: &str, cert_pem: &str, signature: String, now: i64)
//! #     -> Result<(), esign::CertError> {
//! let anchors = esign::TrustAnchors::new([ca_pem])?.with_crls([crl_pem])?;
//! let signed = esign::SignedChallenge {
//!     certificate: cert_pem.as_bytes().to_vec(),
//!     intermediates: vec![],
//!     signature,
//! };
//! match esign::verify(&anchors, "the challenge", &signed, now) {
//!     Ok(who) => println!("{:?} {:?}, SNILS {:?}", who.surname, who.given_names, who.snils),
//!     Err(e) => println!("Неверный сертификат: {}", e.reason_ru()),
//! }
//! # Ok(()) }
//! ```
//!
//! # What is checked, in this order
//! 1. The certificate parses (PEM or DER, one certificate, at most 16 KiB).
//! 2. Its key is RSA of 2048..=8192 bits (RS256: RSASSA-PKCS1-v1_5 with
//!    SHA-256) or ECDSA P-256 (ES256 with SHA-256).
//! 3. `now` lies within notBefore..=notAfter. Time is passed in, never read
//!    from the clock, so tests move it.
//! 4. Key usage: if the extension is present it must include
//!    digitalSignature (nonRepudiation alone is not enough).
//! 5. Subject attributes that are present have the right shape (SNILS 11
//!    digits, INN 12, OGRN 13, OGRNIP 15, INNLE 10).
//! 6. A path to a trusted CA (`rustls-webpki`), with at most 5 intermediates.
//!    Extended key usage: none at all is accepted; if present, it must include
//!    clientAuth (1.3.6.1.5.5.7.3.2), as Russian qualified certificates do;
//!    this applies to every certificate on the path that has the extension.
//! 7. Revocation, when any CRL is configured: every certificate on the path
//!    except the trusted CA must be covered by a CRL of its issuer that
//!    verifies and has not passed its nextUpdate, else
//!    [`CertError::RevocationUnknown`]. With no CRL configured nothing is
//!    checked and [`CertifiedSubject::revocation_checked`] is `false`.
//! 8. The signature (base64url) verifies over the challenge with `ring`. ES256
//!    may be r||s (64 bytes, WebCrypto) or ASN.1 DER (OpenSSL).
//!
//! Every refusal is a [`CertError`] variant: English `Display` for logs, and
//! [`CertError::reason_ru`] for the page («Неверный сертификат: срок действия
//! сертификата истёк 01.02.2026»). Hostile input yields an error, never a panic.
//!
//! # Limits
//! - **No GOST for people's certificates.** Russian qualified certificates in
//!   the wild are mostly GOST R 34.10-2012, and `ring` has no GOST algorithms;
//!   such a certificate is refused as [`CertError::UnsupportedKey`]. (GOST
//!   is verified only for ESIA client signatures, with the `gost` feature.) The provider accepts RSA and
//!   ECDSA P-256 certificates from the CAs it is configured to trust, which is
//!   what the demo and the tests use. Also refused: ECDSA P-384/P-521,
//!   Ed25519, RSASSA-PSS keys, DSA.
//! - No OCSP, no fetching of CRLs or intermediates: the operator provides CRL
//!   files and keeps them fresh; the client sends its intermediates. webpki
//!   does not support delta CRLs, indirect CRLs or reason-partitioned CRLs.
//! - The qualified status of a certificate (accredited CA lists, certificate
//!   policies, subjectSignTool) is not checked: trust is exactly the
//!   configured CAs.
//! - Identifiers are checked for length and digits, not for check digits,
//!   and the crate does not require any attribute to be present: which ones a
//!   login needs (name, SNILS, INN) is the provider's rule.
//! - The challenge's freshness and single use are the caller's.
//!
//! # ESIA client signatures (detached CMS)
//! In ESIA's dialect of OAuth a client authenticates by signing the
//! concatenated values of the request's parameters: `client_secret` is a
//! detached CMS / PKCS#7 SignedData in DER, base64url-encoded, as `openssl
//! smime -sign -binary -md sha256 -outform DER` or `openssl cms -sign -binary
//! -outform DER` make it (with or without `-noattr`, `-nocerts`, `-keyid`).
//! The client registered its certificate beforehand; [`ClientCertificate`]
//! reads it once and [`ClientCertificate::verify_detached`] checks, in this
//! order, answering the first failure as a [`CmsError`]:
//!
//! 1. The text is at most [`MAX_CMS_BYTES`] once decoded (else
//!    [`CmsError::TooLarge`], judged on the text's length before decoding)
//!    and is base64url or base64, padded or not, line breaks ignored.
//! 2. The DER has no SEQUENCE or SET of more than 64 elements and no nesting
//!    deeper than 32 (decoding a SET OF sorts it, which hostile input would
//!    make slow), then parses with the `cms` crate as a ContentInfo holding
//!    SignedData of id-data ([`CmsError::Malformed`]), without the content
//!    itself ([`CmsError::NotDetached`]), with exactly one SignerInfo.
//! 3. The SignerInfo names the registered certificate: its issuer and serial
//!    number, or its subject key identifier ([`CmsError::SignerMismatch`]).
//!    Certificates inside the CMS are ignored: a signature is never trusted
//!    on the strength of a certificate it brings along.
//! 4. The digest is SHA-256, SHA-384 or SHA-512 (Streebog-256/512 with the
//!    `gost` feature), and the signature algorithm fits the registered key
//!    and that digest ([`CmsError::UnsupportedAlgorithm`]): RSA PKCS#1 v1.5
//!    (`rsaEncryption` or `shaNNNWithRSAEncryption`) with a 2048-8192 bit
//!    key; ECDSA on P-256 or P-384 with SHA-256 or SHA-384; GOST R
//!    34.10-2012 with the Streebog of the key's size.
//! 5. With signed attributes: contentType is id-data and messageDigest is
//!    the digest of the given content, each present once
//!    ([`CmsError::DigestMismatch`] if the content differs). The signature
//!    then covers the DER of the attributes as a SET OF; without signed
//!    attributes it covers the content.
//! 6. The signature verifies with the registered key, with `ring` for RSA and
//!    ECDSA ([`CmsError::BadSignature`]).
//!
//! The certificate's dates are not checked ([`ClientCertificate::validity_unix`]
//! tells them), nor its issuer: the registration is the trust.
//!
//! [`ClientCertificate::verify_raw`] checks a raw signature instead (no CMS:
//! RSA PKCS#1 v1.5 / ECDSA DER / GOST `s || r`), which ESIA v2/v3 clients
//! that sign with CryptoPro's `csptest` or BouncyCastle send, naming their
//! certificate by `client_certificate_hash`.
//!
//! [`sign_detached_cms`] is the portal's side: it makes such a signature
//! (RSA or ECDSA P-256, SHA-256, no signed attributes) for a portal written
//! in Rust, the demo cabinet in ESIA mode.
//!
//! [`client_certificate_hash`] computes the `client_certificate_hash` ESIA
//! v2/v3 clients send to name their certificate: Streebog-256 of its DER,
//! upper-case hex, for any key type.
//!
//! GOST R 34.10-2012 verification is written in this crate (module `gost`,
//! over `num-bigint`) because crates.io has no maintained verifier; it is
//! checked against the standard's examples and against signatures made by
//! OpenSSL's GOST engine on every CryptoPro and TC26 parameter set.
//!
//! # Test CA
//! With the `testca` feature, [`testca`] builds CAs, person and organization
//! certificates and CRLs with `rcgen`, for the provider's tests and its demo.

#![forbid(unsafe_code)]

mod anchors;
mod client_cms;
mod error;
#[cfg(feature = "gost")]
mod gost;
mod sign;
mod subject;
#[cfg(any(test, feature = "testca"))]
pub mod testca;
mod verify;

pub use anchors::TrustAnchors;
pub use client_cms::{
    ClientCertificate, CmsError, MAX_CMS_BYTES, client_certificate_hash, sign_detached_cms,
    verify_detached_cms,
};
pub use error::{CertError, Part};
pub use sign::sign_challenge;
pub use subject::CertifiedSubject;
pub use verify::{SignedChallenge, serial_hex, verify};

/// The browser signer: plain JavaScript for the page that asks for a
/// signature. It defines `vhodSign(pkcs8PemText, challenge)` and
/// `vhodSignFile(file, challenge)`, both resolving to `{ signature, alg }`
/// (base64url, "RS256" or "ES256"). WebCrypto needs a secure context (HTTPS
/// or localhost).
pub const SIGN_JS: &str = include_str!("../assets/sign.js");

#[cfg(test)]
mod tests;
