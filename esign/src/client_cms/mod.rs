//! Client signatures the ESIA way: a detached CMS / PKCS#7 SignedData (or a
//! raw signature) over the request's parameters, checked against the
//! certificate the client registered. See the crate documentation for the
//! order of the checks.

pub(crate) mod algorithms;
mod error;
mod key;
mod sign;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use cms::cert::IssuerAndSerialNumber;
use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerIdentifier, SignerInfo};
use der::asn1::{AnyRef, ObjectIdentifier, OctetString};
use der::{Decode, Encode, Reader, SliceReader, Tagged};
use x509_cert::Certificate;
use x509_cert::attr::Attribute;

pub use error::CmsError;
pub use sign::sign_detached_cms;

use crate::anchors::certificates;
use crate::error::Part;
use algorithms::{
    DigestAlg, ID_CONTENT_TYPE, ID_DATA, ID_MESSAGE_DIGEST, ID_SIGNED_DATA,
    ID_SUBJECT_KEY_IDENTIFIER, SignatureAlg,
};
use key::ClientKey;

/// Signatures larger than this (DER) are refused before parsing. One made
/// with an RSA-4096 key that carries its certificate is about 2.5 KiB, and
/// a GOST one with a qualified certificate 3 KiB; the limit keeps hostile
/// input cheap to refuse. As base64 the text may be a third longer, plus
/// line breaks.
pub const MAX_CMS_BYTES: usize = 16 * 1024;
const MAX_CERTIFICATE_BYTES: usize = 16 * 1024;
/// An RSA-8192 signature.
const MAX_RAW_SIGNATURE_BYTES: usize = 1024;
/// The most elements one SEQUENCE or SET of a signature may hold. Decoding
/// a SET OF sorts it by insertion, so one with thousands of tiny elements
/// costs seconds; a real signature's largest holds about fifteen (the
/// name of a qualified certificate).
const MAX_ELEMENTS: usize = 64;
const MAX_DEPTH: usize = 32;

/// A client's registered certificate, read once, to check its signatures
/// and to compute its ESIA `client_certificate_hash`.
#[derive(Debug, Clone)]
pub struct ClientCertificate {
    der: Vec<u8>,
    certificate: Certificate,
    key: ClientKey,
}

impl ClientCertificate {
    /// Reads a certificate, PEM (one `CERTIFICATE` block) or DER, whose key
    /// the crate verifies with: RSA of 2048 to 8192 bits, ECDSA P-256 or
    /// P-384, and with the `gost` feature GOST R 34.10-2012 (256 and 512
    /// bit) on the CryptoPro and TC26 parameter sets.
    ///
    /// Its dates are not checked here: [`ClientCertificate::validity_unix`]
    /// tells them, and whether an expired registration may still sign is the
    /// caller's rule.
    pub fn parse(pem_or_der: &[u8]) -> Result<Self, CmsError> {
        let der = one_der(pem_or_der)?;
        let certificate = Certificate::from_der(&der).map_err(CmsError::certificate)?;
        let key = ClientKey::from_spki(&certificate.tbs_certificate.subject_public_key_info)?;
        Ok(ClientCertificate {
            der,
            certificate,
            key,
        })
    }

    /// The certificate's DER.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The key, for logs and listings: "RSA-2048", "ECDSA P-256",
    /// "GOST R 34.10-2012 (256 bit, CryptoPro-A / TC26 256-B)".
    pub fn key_algorithm(&self) -> String {
        self.key.describe()
    }

    /// notBefore and notAfter, in unix seconds.
    pub fn validity_unix(&self) -> (i64, i64) {
        let validity = &self.certificate.tbs_certificate.validity;
        let secs = |t: x509_cert::time::Time| t.to_unix_duration().as_secs() as i64;
        (secs(validity.not_before), secs(validity.not_after))
    }

    /// The ESIA `client_certificate_hash` of this certificate; see
    /// [`client_certificate_hash`].
    pub fn esia_hash(&self) -> String {
        esia_hash_of_der(&self.der)
    }

    /// Whether a `client_certificate_hash` a client sent names this
    /// certificate: hex digits compared ignoring case (CryptoPro prints upper
    /// case, most hex encoders lower case).
    pub fn matches_esia_hash(&self, client_certificate_hash: &str) -> bool {
        client_certificate_hash
            .trim()
            .eq_ignore_ascii_case(&self.esia_hash())
    }

    /// Verifies that `signature` is a detached CMS SignedData over `content`
    /// made with this certificate's key. `signature` is the DER in base64url
    /// or base64 (padding optional; line breaks ignored; a space is read as
    /// `+`, which is what an unescaped `+` becomes in a form).
    ///
    /// Certificates the CMS carries are ignored: only this one is trusted.
    pub fn verify_detached(&self, content: &[u8], signature: &str) -> Result<(), CmsError> {
        let der = decode_text(signature)?;
        let signer = signer_info(&der)?;
        self.check_signer(&signer.sid)?;
        let digest = DigestAlg::from_oid(&signer.digest_alg.oid)?;
        let alg = SignatureAlg::from_oid(&signer.signature_algorithm.oid)?;
        let signed_attrs_der;
        let message = match &signer.signed_attrs {
            None => content,
            Some(attrs) => {
                check_signed_attributes(attrs.iter(), digest, content)?;
                // RFC 5652 5.4: signed is the DER of the attributes with the
                // SET OF tag, not the [0] IMPLICIT they travel under.
                signed_attrs_der = attrs.to_der().map_err(CmsError::malformed)?;
                &signed_attrs_der
            }
        };
        self.key
            .verify(&alg, digest, message, signer.signature.as_bytes())
    }

    /// Verifies a raw signature over `content`, without CMS, made with this
    /// certificate's key: what ESIA v2/v3 clients that sign with CryptoPro's
    /// `csptest` or BouncyCastle's GOST signer send as `client_secret`, the
    /// certificate being named by `client_certificate_hash` instead. RSA:
    /// PKCS#1 v1.5 with SHA-256; ECDSA: ASN.1 DER with SHA-256 (P-256) or
    /// SHA-384 (P-384), as `openssl dgst -sign` makes it; GOST R 34.10-2012:
    /// `s || r` big-endian over Streebog of the key's size, as `openssl dgst
    /// -engine gost -md_gost12_256 -sign` makes it. The text is read as for
    /// [`ClientCertificate::verify_detached`].
    pub fn verify_raw(&self, content: &[u8], signature: &str) -> Result<(), CmsError> {
        let bytes = decode_text(signature)?;
        if bytes.len() > MAX_RAW_SIGNATURE_BYTES {
            return Err(CmsError::TooLarge {
                bytes: bytes.len(),
                limit: MAX_RAW_SIGNATURE_BYTES,
            });
        }
        self.key.verify_raw(content, &bytes)
    }

    /// Whether the SignerInfo names this certificate: by issuer and serial
    /// number, or by subject key identifier (`openssl cms -keyid`).
    fn check_signer(&self, sid: &SignerIdentifier) -> Result<(), CmsError> {
        let tbs = &self.certificate.tbs_certificate;
        let same = match sid {
            SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
                issuer,
                serial_number,
            }) => {
                serial_number.as_bytes() == tbs.serial_number.as_bytes()
                    && matches!((issuer.to_der(), tbs.issuer.to_der()), (Ok(a), Ok(b)) if a == b)
            }
            SignerIdentifier::SubjectKeyIdentifier(ski) => {
                self.subject_key_identifier().as_deref() == Some(ski.0.as_bytes())
            }
        };
        if same {
            Ok(())
        } else {
            Err(CmsError::SignerMismatch)
        }
    }

    fn subject_key_identifier(&self) -> Option<Vec<u8>> {
        let extensions = self.certificate.tbs_certificate.extensions.as_ref()?;
        let ext = extensions
            .iter()
            .find(|ext| ext.extn_id == ID_SUBJECT_KEY_IDENTIFIER)?;
        let ski = OctetString::from_der(ext.extn_value.as_bytes()).ok()?;
        Some(ski.as_bytes().to_vec())
    }
}

/// Verifies a detached CMS `signature` over `content` against `certificate`
/// (PEM or DER): [`ClientCertificate::parse`] then
/// [`ClientCertificate::verify_detached`].
pub fn verify_detached_cms(
    certificate: &[u8],
    content: &[u8],
    signature: &str,
) -> Result<(), CmsError> {
    ClientCertificate::parse(certificate)?.verify_detached(content, signature)
}

/// The `client_certificate_hash` an ESIA v2/v3 client sends to name its
/// certificate: the GOST R 34.11-2012 256-bit (Streebog-256) hash of the
/// certificate's DER, as upper-case hex, whatever the key's algorithm.
///
/// Portal libraries compute it so: CryptoPro's `cpverify -mk -alg
/// GR3411_2012_256` over the DER file (github.com/ofstudio/go-api-epgu, whose
/// notes add that a hash of the PEM text gets ESIA-007053), or BouncyCastle's
/// GOST R 34.11-2012-256 digest of the encoded certificate, upper-case hex
/// (github.com/AISGorod/AISGorod.AspNetCore.Authentication.Esia). ESIA
/// publishes a utility for it, `calc_cert_hash`. Compare ignoring case.
///
/// Works for any readable certificate, GOST or not, with or without the
/// `gost` feature.
pub fn client_certificate_hash(certificate: &[u8]) -> Result<String, CmsError> {
    let der = one_der(certificate)?;
    Certificate::from_der(&der).map_err(CmsError::certificate)?;
    Ok(esia_hash_of_der(&der))
}

fn esia_hash_of_der(der: &[u8]) -> String {
    DigestAlg::Streebog256
        .digest(der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect()
}

fn one_der(pem_or_der: &[u8]) -> Result<Vec<u8>, CmsError> {
    if pem_or_der.len() > 2 * MAX_CERTIFICATE_BYTES {
        return Err(CmsError::certificate("too large"));
    }
    let mut ders = certificates(pem_or_der, Part::Certificate).map_err(|e| match e {
        crate::CertError::Malformed { detail, .. } => CmsError::certificate(detail),
        other => CmsError::certificate(other),
    })?;
    match ders.pop() {
        Some(der) if ders.is_empty() && der.len() <= MAX_CERTIFICATE_BYTES => Ok(der.to_vec()),
        Some(_) if ders.is_empty() => Err(CmsError::certificate("too large")),
        _ => Err(CmsError::certificate("expected exactly one certificate")),
    }
}

/// base64url or base64 text to bytes, refusing the oversized before decoding.
fn decode_text(text: &str) -> Result<Vec<u8>, CmsError> {
    // 4 characters per 3 bytes, and generous room for line breaks.
    let limit = MAX_CMS_BYTES * 4 / 3 + MAX_CMS_BYTES / 16;
    if text.len() > limit {
        return Err(CmsError::TooLarge {
            bytes: text.len() * 3 / 4,
            limit: MAX_CMS_BYTES,
        });
    }
    let compact: String = text
        .chars()
        .filter(|c| !matches!(c, '\r' | '\n' | '\t'))
        .map(|c| if c == ' ' { '+' } else { c })
        .collect();
    let compact = compact.trim_end_matches('=');
    let url_safe = compact.contains(['-', '_']);
    let standard = compact.contains(['+', '/']);
    let engine = match (url_safe, standard) {
        (true, true) => return Err(CmsError::malformed("mixes base64 and base64url alphabets")),
        (true, false) => &URL_SAFE_NO_PAD,
        (false, _) => &STANDARD_NO_PAD,
    };
    let der = engine
        .decode(compact)
        .map_err(|e| CmsError::malformed(format!("not base64: {e}")))?;
    if der.is_empty() {
        return Err(CmsError::malformed("empty"));
    }
    if der.len() > MAX_CMS_BYTES {
        return Err(CmsError::TooLarge {
            bytes: der.len(),
            limit: MAX_CMS_BYTES,
        });
    }
    Ok(der)
}

/// The one SignerInfo of a detached SignedData of id-data.
fn signer_info(der: &[u8]) -> Result<SignerInfo, CmsError> {
    check_shape(AnyRef::from_der(der).map_err(CmsError::malformed)?, 0)?;
    let info = ContentInfo::from_der(der).map_err(CmsError::malformed)?;
    if info.content_type != ID_SIGNED_DATA {
        return Err(CmsError::malformed(format!(
            "content type {} is not signedData",
            info.content_type
        )));
    }
    let signed: SignedData = info.content.decode_as().map_err(CmsError::malformed)?;
    let encap = &signed.encap_content_info;
    if encap.econtent_type != ID_DATA {
        return Err(CmsError::malformed(format!(
            "signed content type {} is not data",
            encap.econtent_type
        )));
    }
    if encap.econtent.is_some() {
        return Err(CmsError::NotDetached);
    }
    let mut signers = signed.signer_infos.0.into_vec();
    match (signers.pop(), signers.is_empty()) {
        (Some(signer), true) => Ok(signer),
        (None, _) => Err(CmsError::malformed("no signer")),
        (Some(_), false) => Err(CmsError::malformed(format!(
            "{} signers, one expected",
            signers.len() + 1
        ))),
    }
}

/// Refuses DER that no client makes and that would be costly to decode:
/// more than [`MAX_ELEMENTS`] elements in one constructed value, or nesting
/// deeper than [`MAX_DEPTH`].
fn check_shape(value: AnyRef<'_>, depth: usize) -> Result<(), CmsError> {
    if !value.tag().is_constructed() {
        return Ok(());
    }
    if depth > MAX_DEPTH {
        return Err(CmsError::malformed("nested too deeply"));
    }
    let mut reader = SliceReader::new(value.value()).map_err(CmsError::malformed)?;
    let mut elements = 0;
    while !reader.is_finished() {
        elements += 1;
        if elements > MAX_ELEMENTS {
            return Err(CmsError::malformed(format!(
                "more than {MAX_ELEMENTS} elements in one SEQUENCE or SET"
            )));
        }
        check_shape(reader.decode().map_err(CmsError::malformed)?, depth + 1)?;
    }
    Ok(())
}

/// RFC 5652 5.3 and 11: with signed attributes, contentType must be id-data
/// and messageDigest the content's digest, each present once with one value.
fn check_signed_attributes<'a>(
    attrs: impl Iterator<Item = &'a Attribute>,
    digest: DigestAlg,
    content: &[u8],
) -> Result<(), CmsError> {
    let (mut content_type, mut message_digest) = (None, None);
    for attr in attrs {
        let slot = match attr.oid {
            ID_CONTENT_TYPE => &mut content_type,
            ID_MESSAGE_DIGEST => &mut message_digest,
            _ => continue,
        };
        if slot.is_some() || attr.values.len() != 1 {
            return Err(CmsError::malformed(format!(
                "signed attribute {} must appear once with one value",
                attr.oid
            )));
        }
        *slot = attr.values.get(0);
    }
    let content_type: ObjectIdentifier = content_type
        .ok_or_else(|| CmsError::malformed("signed attributes lack contentType"))?
        .decode_as()
        .map_err(CmsError::malformed)?;
    if content_type != ID_DATA {
        return Err(CmsError::malformed(format!(
            "signed contentType {content_type} is not data"
        )));
    }
    let message_digest: OctetString = message_digest
        .ok_or_else(|| CmsError::malformed("signed attributes lack messageDigest"))?
        .decode_as()
        .map_err(CmsError::malformed)?;
    if message_digest.as_bytes() == digest.digest(content).as_slice() {
        Ok(())
    } else {
        Err(CmsError::DigestMismatch)
    }
}
