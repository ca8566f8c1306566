//! The portal's side of ESIA client signatures: a detached CMS SignedData
//! over the request's parameters, as `openssl cms -sign -binary -noattr
//! -outform DER` makes it, for a portal written in Rust (the demo cabinet in
//! ESIA mode) instead of the `openssl` command line.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use der::asn1::{Any, ObjectIdentifier as Oid, OctetString, SetOfVec};
use der::{Decode, Encode};
use ring::rand::SystemRandom;
use ring::signature::{self, EcdsaKeyPair, RsaKeyPair};
use rustls_pki_types::PrivatePkcs8KeyDer;
use rustls_pki_types::pem::PemObject;
use x509_cert::Certificate;
use x509_cert::spki::AlgorithmIdentifierOwned;

use super::CmsError;
use super::algorithms::{ID_DATA, ID_SIGNED_DATA, RSA_ENCRYPTION};

const SHA256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.1");
const ECDSA_WITH_SHA256: Oid = Oid::new_unwrap("1.2.840.10045.4.3.2");

/// Signs `content` with a PKCS#8 PEM private key (`BEGIN PRIVATE KEY`, RSA
/// of 2048 bits or more, or ECDSA P-256) and its certificate (PEM or DER):
/// a detached CMS SignedData without signed attributes, SHA-256, naming the
/// signer by issuer and serial number and carrying the certificate, as DER
/// in base64url without padding — ESIA's `client_secret`.
pub fn sign_detached_cms(
    certificate: &[u8],
    private_key_pem: &str,
    content: &[u8],
) -> Result<String, CmsError> {
    let der = super::one_der(certificate)?;
    let cert = Certificate::from_der(&der).map_err(CmsError::certificate)?;
    let (algorithm, signature) = sign_raw(private_key_pem, content)?;
    let tbs = &cert.tbs_certificate;
    let sha256 = AlgorithmIdentifierOwned {
        oid: SHA256,
        parameters: None,
    };
    let signer = SignerInfo {
        version: CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: tbs.issuer.clone(),
            serial_number: tbs.serial_number.clone(),
        }),
        digest_alg: sha256.clone(),
        signed_attrs: None,
        signature_algorithm: algorithm,
        signature: OctetString::new(signature).map_err(CmsError::malformed)?,
        unsigned_attrs: None,
    };
    let set = |e: der::Error| CmsError::malformed(e);
    let signed = SignedData {
        version: CmsVersion::V1,
        digest_algorithms: SetOfVec::try_from(vec![sha256]).map_err(set)?,
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: ID_DATA,
            econtent: None,
        },
        certificates: Some(CertificateSet(
            SetOfVec::try_from(vec![CertificateChoices::Certificate(cert.clone())]).map_err(set)?,
        )),
        crls: None,
        signer_infos: SignerInfos(SetOfVec::try_from(vec![signer]).map_err(set)?),
    };
    let info = ContentInfo {
        content_type: ID_SIGNED_DATA,
        content: Any::encode_from(&signed).map_err(set)?,
    };
    Ok(URL_SAFE_NO_PAD.encode(info.to_der().map_err(set)?))
}

/// The signature algorithm and the signature of `content` by the key:
/// RSA PKCS#1 v1.5 with SHA-256, or ECDSA P-256 with SHA-256 (ASN.1 DER).
fn sign_raw(
    private_key_pem: &str,
    content: &[u8],
) -> Result<(AlgorithmIdentifierOwned, Vec<u8>), CmsError> {
    let key = |e: &dyn std::fmt::Display| CmsError::Malformed {
        detail: format!("private key: {e}"),
    };
    let der =
        PrivatePkcs8KeyDer::from_pem_slice(private_key_pem.as_bytes()).map_err(|e| key(&e))?;
    let pkcs8 = der.secret_pkcs8_der();
    let rng = SystemRandom::new();
    if let Ok(pair) = RsaKeyPair::from_pkcs8(pkcs8) {
        let mut sig = vec![0; pair.public().modulus_len()];
        pair.sign(&signature::RSA_PKCS1_SHA256, &rng, content, &mut sig)
            .map_err(|e| key(&e))?;
        let null = Any::from_der(&[0x05, 0x00]).map_err(CmsError::malformed)?;
        let alg = AlgorithmIdentifierOwned {
            oid: RSA_ENCRYPTION,
            parameters: Some(null),
        };
        return Ok((alg, sig));
    }
    let pair = EcdsaKeyPair::from_pkcs8(&signature::ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8, &rng)
        .map_err(|_| key(&"neither an RSA key nor an ECDSA P-256 key"))?;
    let sig = pair.sign(&rng, content).map_err(|e| key(&e))?;
    let alg = AlgorithmIdentifierOwned {
        oid: ECDSA_WITH_SHA256,
        parameters: None,
    };
    Ok((alg, sig.as_ref().to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ClientCertificate;
    use crate::testca::{KeyKind, TestCa};

    #[test]
    fn a_signature_made_here_verifies_and_only_over_its_own_text() {
        for kind in [KeyKind::P256, KeyKind::Rsa(2048)] {
            let portal = TestCa::root("Портал", kind).unwrap();
            let cert = portal.certificate_pem().as_bytes();
            let secret = sign_detached_cms(cert, &portal.private_key_pem(), b"text").unwrap();
            let registered = ClientCertificate::parse(cert).unwrap();
            assert_eq!(registered.verify_detached(b"text", &secret), Ok(()));
            assert_eq!(
                registered.verify_detached(b"other", &secret),
                Err(CmsError::BadSignature)
            );
            let stranger = TestCa::root("Другой", kind).unwrap();
            let theirs = ClientCertificate::parse(stranger.certificate_pem().as_bytes()).unwrap();
            assert_eq!(
                theirs.verify_detached(b"text", &secret),
                Err(CmsError::SignerMismatch)
            );
        }
    }
}
