//! The registered certificate's public key, and checking a signature with
//! it: RSA and ECDSA with `ring`, GOST with [`crate::gost`].

use der::asn1::UintRef;
use der::{Decode, Sequence};
use ring::signature::{self, UnparsedPublicKey, VerificationAlgorithm};
use x509_cert::spki::SubjectPublicKeyInfoOwned;

use super::CmsError;
use super::algorithms::{
    DigestAlg, EC_PUBLIC_KEY, GOST_2012_256, GOST_2012_512, P256, P384, RSA_ENCRYPTION,
    SignatureAlg,
};

/// RFC 8017 RSAPublicKey, to learn the modulus length.
#[derive(Sequence)]
struct RsaPublicKey<'a> {
    modulus: UintRef<'a>,
    public_exponent: UintRef<'a>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Curve {
    P256,
    P384,
}

/// A public key the crate verifies with.
#[derive(Debug, Clone)]
pub(crate) enum ClientKey {
    /// RSAPublicKey DER and the modulus length in bits (2048..=8192).
    Rsa { der: Vec<u8>, bits: usize },
    /// An uncompressed point.
    Ec { curve: Curve, point: Vec<u8> },
    #[cfg(feature = "gost")]
    Gost(crate::gost::PublicKey),
}

impl ClientKey {
    pub(crate) fn from_spki(spki: &SubjectPublicKeyInfoOwned) -> Result<Self, CmsError> {
        let raw = spki.subject_public_key.raw_bytes();
        let params = spki.algorithm.parameters.as_ref();
        match spki.algorithm.oid {
            RSA_ENCRYPTION => {
                let key = RsaPublicKey::from_der(raw).map_err(CmsError::certificate)?;
                let bits = bit_length(key.modulus.as_bytes());
                match bits {
                    // ring's range; CAs issue nothing outside it any more.
                    2048..=8192 => Ok(ClientKey::Rsa {
                        der: raw.to_vec(),
                        bits,
                    }),
                    _ => Err(CmsError::unsupported(format!(
                        "RSA-{bits} key (2048 to 8192 bits are accepted)"
                    ))),
                }
            }
            EC_PUBLIC_KEY => {
                let curve = params
                    .and_then(|p| p.decode_as::<der::asn1::ObjectIdentifier>().ok())
                    .ok_or_else(|| CmsError::unsupported("ECDSA key without a named curve"))?;
                let (curve, len) = match curve {
                    P256 => (Curve::P256, 65),
                    P384 => (Curve::P384, 97),
                    other => return Err(CmsError::unsupported(format!("ECDSA curve {other}"))),
                };
                if raw.len() != len || raw[0] != 0x04 {
                    return Err(CmsError::unsupported("ECDSA key with a compressed point"));
                }
                Ok(ClientKey::Ec {
                    curve,
                    point: raw.to_vec(),
                })
            }
            GOST_2012_256 | GOST_2012_512 => gost_key(spki),
            other => Err(CmsError::unsupported(format!("key algorithm {other}"))),
        }
    }

    /// For logs and the admin's listing: "RSA-2048", "ECDSA P-256", ...
    pub(crate) fn describe(&self) -> String {
        match self {
            ClientKey::Rsa { bits, .. } => format!("RSA-{bits}"),
            ClientKey::Ec { curve, .. } => match curve {
                Curve::P256 => "ECDSA P-256".into(),
                Curve::P384 => "ECDSA P-384".into(),
            },
            #[cfg(feature = "gost")]
            ClientKey::Gost(key) => format!(
                "GOST R 34.10-2012 ({} bit, {})",
                key.bits(),
                key.curve_name()
            ),
        }
    }

    /// Checks `signature` over `message` (the content, or the DER of the
    /// signed attributes), hashed with `digest`, under the SignerInfo's
    /// signature algorithm `alg`.
    pub(crate) fn verify(
        &self,
        alg: &SignatureAlg,
        digest: DigestAlg,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), CmsError> {
        let unsupported =
            || CmsError::unsupported(format!("{} with a {} key", digest.name(), self.describe()));
        let (ring_alg, key): (&dyn VerificationAlgorithm, &[u8]) = match (self, alg) {
            (ClientKey::Rsa { der, .. }, SignatureAlg::Rsa(pin)) if pinned(*pin, digest) => {
                let alg = match digest {
                    DigestAlg::Sha256 => &signature::RSA_PKCS1_2048_8192_SHA256,
                    DigestAlg::Sha384 => &signature::RSA_PKCS1_2048_8192_SHA384,
                    DigestAlg::Sha512 => &signature::RSA_PKCS1_2048_8192_SHA512,
                    _ => return Err(unsupported()),
                };
                (alg, der)
            }
            (ClientKey::Ec { curve, point }, SignatureAlg::Ecdsa(pin)) if pinned(*pin, digest) => {
                let alg = match (curve, digest) {
                    (Curve::P256, DigestAlg::Sha256) => &signature::ECDSA_P256_SHA256_ASN1,
                    (Curve::P256, DigestAlg::Sha384) => &signature::ECDSA_P256_SHA384_ASN1,
                    (Curve::P384, DigestAlg::Sha256) => &signature::ECDSA_P384_SHA256_ASN1,
                    (Curve::P384, DigestAlg::Sha384) => &signature::ECDSA_P384_SHA384_ASN1,
                    _ => return Err(unsupported()),
                };
                (alg, point)
            }
            #[cfg(feature = "gost")]
            (ClientKey::Gost(key), SignatureAlg::Gost(pin)) if pinned(*pin, digest) => {
                if digest != key.digest() {
                    return Err(unsupported());
                }
                return if key.verify_digest(&digest.digest(message), signature) {
                    Ok(())
                } else {
                    Err(CmsError::BadSignature)
                };
            }
            _ => {
                return Err(CmsError::unsupported(format!(
                    "a signature algorithm that does not fit the certificate's {} key with {}",
                    self.describe(),
                    digest.name()
                )));
            }
        };
        UnparsedPublicKey::new(ring_alg, key)
            .verify(message, signature)
            .map_err(|_| CmsError::BadSignature)
    }
}

impl ClientKey {
    /// A raw signature over `message`, outside any CMS: RSA PKCS#1 v1.5 with
    /// SHA-256; ECDSA (ASN.1 DER, as `openssl dgst -sign` makes it) with
    /// SHA-256 on P-256 and SHA-384 on P-384; GOST with the Streebog of the
    /// key's size, `s || r` big-endian as in CMS.
    pub(crate) fn verify_raw(&self, message: &[u8], signature: &[u8]) -> Result<(), CmsError> {
        let (alg, digest) = match self {
            ClientKey::Rsa { .. } => (SignatureAlg::Rsa(None), DigestAlg::Sha256),
            ClientKey::Ec {
                curve: Curve::P256, ..
            } => (SignatureAlg::Ecdsa(None), DigestAlg::Sha256),
            ClientKey::Ec {
                curve: Curve::P384, ..
            } => (SignatureAlg::Ecdsa(None), DigestAlg::Sha384),
            #[cfg(feature = "gost")]
            ClientKey::Gost(key) => (SignatureAlg::Gost(None), key.digest()),
        };
        self.verify(&alg, digest, message, signature)
    }
}

/// A signature algorithm that names a digest must name the SignerInfo's.
fn pinned(pin: Option<DigestAlg>, digest: DigestAlg) -> bool {
    pin.is_none_or(|pin| pin == digest)
}

#[cfg(feature = "gost")]
fn gost_key(spki: &SubjectPublicKeyInfoOwned) -> Result<ClientKey, CmsError> {
    crate::gost::PublicKey::from_spki(spki).map(ClientKey::Gost)
}

#[cfg(not(feature = "gost"))]
fn gost_key(_: &SubjectPublicKeyInfoOwned) -> Result<ClientKey, CmsError> {
    Err(CmsError::unsupported(
        "GOST R 34.10-2012 key (this build lacks the `gost` feature)",
    ))
}

/// Bit length of a big-endian unsigned integer.
fn bit_length(bytes: &[u8]) -> usize {
    match bytes.iter().position(|&b| b != 0) {
        None => 0,
        Some(i) => (bytes.len() - i) * 8 - bytes[i].leading_zeros() as usize,
    }
}
