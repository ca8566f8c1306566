//! The object identifiers a client signature may name, and the digests.

use der::asn1::ObjectIdentifier as Oid;
use ring::digest;
use streebog::Digest as _;

use super::CmsError;

pub(crate) const ID_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.1");
pub(crate) const ID_SIGNED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.2");
pub(crate) const ID_CONTENT_TYPE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.3");
pub(crate) const ID_MESSAGE_DIGEST: Oid = Oid::new_unwrap("1.2.840.113549.1.9.4");
pub(crate) const ID_SUBJECT_KEY_IDENTIFIER: Oid = Oid::new_unwrap("2.5.29.14");

pub(crate) const RSA_ENCRYPTION: Oid = Oid::new_unwrap("1.2.840.113549.1.1.1");
const RSA_PSS: Oid = Oid::new_unwrap("1.2.840.113549.1.1.10");
const SHA256_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.11");
const SHA384_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.12");
const SHA512_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.13");
pub(crate) const EC_PUBLIC_KEY: Oid = Oid::new_unwrap("1.2.840.10045.2.1");
const ECDSA_WITH_SHA256: Oid = Oid::new_unwrap("1.2.840.10045.4.3.2");
const ECDSA_WITH_SHA384: Oid = Oid::new_unwrap("1.2.840.10045.4.3.3");
const ECDSA_WITH_SHA512: Oid = Oid::new_unwrap("1.2.840.10045.4.3.4");
pub(crate) const P256: Oid = Oid::new_unwrap("1.2.840.10045.3.1.7");
pub(crate) const P384: Oid = Oid::new_unwrap("1.3.132.0.34");

/// id-tc26-gost3410-12-256 and -512: GOST R 34.10-2012 keys (RFC 9215).
pub(crate) const GOST_2012_256: Oid = Oid::new_unwrap("1.2.643.7.1.1.1.1");
pub(crate) const GOST_2012_512: Oid = Oid::new_unwrap("1.2.643.7.1.1.1.2");
/// id-tc26-signwithdigest-gost3410-12-256 and -512.
const GOST_SIGN_256: Oid = Oid::new_unwrap("1.2.643.7.1.1.3.2");
const GOST_SIGN_512: Oid = Oid::new_unwrap("1.2.643.7.1.1.3.3");
const GOST_2001: Oid = Oid::new_unwrap("1.2.643.2.2.19");

const SHA1: Oid = Oid::new_unwrap("1.3.14.3.2.26");
const SHA256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.1");
const SHA384: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.2");
const SHA512: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.3");
const STREEBOG256: Oid = Oid::new_unwrap("1.2.643.7.1.1.2.2");
const STREEBOG512: Oid = Oid::new_unwrap("1.2.643.7.1.1.2.3");
const GOST_R3411_94: Oid = Oid::new_unwrap("1.2.643.2.2.9");

/// A digest algorithm a signer may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DigestAlg {
    Sha256,
    Sha384,
    Sha512,
    /// GOST R 34.11-2012, 256 and 512 bit.
    Streebog256,
    Streebog512,
}

impl DigestAlg {
    pub(crate) fn from_oid(oid: &Oid) -> Result<Self, CmsError> {
        Ok(match *oid {
            SHA256 => DigestAlg::Sha256,
            SHA384 => DigestAlg::Sha384,
            SHA512 => DigestAlg::Sha512,
            STREEBOG256 => DigestAlg::Streebog256,
            STREEBOG512 => DigestAlg::Streebog512,
            SHA1 => return Err(CmsError::unsupported("SHA-1 digest")),
            GOST_R3411_94 => return Err(CmsError::unsupported("GOST R 34.11-94 digest")),
            other => return Err(CmsError::unsupported(format!("digest {other}"))),
        })
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            DigestAlg::Sha256 => "SHA-256",
            DigestAlg::Sha384 => "SHA-384",
            DigestAlg::Sha512 => "SHA-512",
            DigestAlg::Streebog256 => "GOST R 34.11-2012 (256)",
            DigestAlg::Streebog512 => "GOST R 34.11-2012 (512)",
        }
    }

    /// The digest as the algorithm outputs it: for Streebog, the byte order
    /// of RFC 6986 implementations (OpenSSL's GOST engine, CryptoPro), which
    /// is what a CMS messageDigest attribute holds.
    pub(crate) fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            DigestAlg::Sha256 => digest::digest(&digest::SHA256, data).as_ref().to_vec(),
            DigestAlg::Sha384 => digest::digest(&digest::SHA384, data).as_ref().to_vec(),
            DigestAlg::Sha512 => digest::digest(&digest::SHA512, data).as_ref().to_vec(),
            DigestAlg::Streebog256 => streebog::Streebog256::digest(data).to_vec(),
            DigestAlg::Streebog512 => streebog::Streebog512::digest(data).to_vec(),
        }
    }
}

/// The family a SignerInfo's signatureAlgorithm names, and the digest it
/// pins, if it pins one (`rsaEncryption` does not: the digest algorithm
/// field says which).
pub(crate) enum SignatureAlg {
    Rsa(Option<DigestAlg>),
    Ecdsa(Option<DigestAlg>),
    #[cfg_attr(not(feature = "gost"), allow(dead_code))]
    Gost(Option<DigestAlg>),
}

impl SignatureAlg {
    pub(crate) fn from_oid(oid: &Oid) -> Result<Self, CmsError> {
        Ok(match *oid {
            RSA_ENCRYPTION => SignatureAlg::Rsa(None),
            SHA256_WITH_RSA => SignatureAlg::Rsa(Some(DigestAlg::Sha256)),
            SHA384_WITH_RSA => SignatureAlg::Rsa(Some(DigestAlg::Sha384)),
            SHA512_WITH_RSA => SignatureAlg::Rsa(Some(DigestAlg::Sha512)),
            EC_PUBLIC_KEY => SignatureAlg::Ecdsa(None),
            ECDSA_WITH_SHA256 => SignatureAlg::Ecdsa(Some(DigestAlg::Sha256)),
            ECDSA_WITH_SHA384 => SignatureAlg::Ecdsa(Some(DigestAlg::Sha384)),
            ECDSA_WITH_SHA512 => SignatureAlg::Ecdsa(Some(DigestAlg::Sha512)),
            GOST_2012_256 | GOST_SIGN_256 => SignatureAlg::Gost(Some(DigestAlg::Streebog256)),
            GOST_2012_512 | GOST_SIGN_512 => SignatureAlg::Gost(Some(DigestAlg::Streebog512)),
            RSA_PSS => return Err(CmsError::unsupported("RSASSA-PSS")),
            GOST_2001 => return Err(CmsError::unsupported("GOST R 34.10-2001")),
            other => return Err(CmsError::unsupported(format!("signature {other}"))),
        })
    }
}
