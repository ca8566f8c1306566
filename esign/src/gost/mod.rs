//! GOST R 34.10-2012 signature **verification** (feature `gost`), written
//! here because crates.io has no maintained verifier: a small, documented
//! module over `num-bigint`.
//!
//! What it does, for a public key on one of the curves in [`curves`]:
//!
//! 1. The signature is `s || r`, each big-endian and as long as the key
//!    (32 or 64 bytes), as CMS carries it (RFC 4490 section 3.2, RFC 9215).
//!    Refused unless 0 < r < q and 0 < s < q.
//! 2. The digest (Streebog-256 for 256-bit keys, Streebog-512 for 512-bit
//!    keys) is read as a little-endian integer α, as the standard's
//!    vector-to-number convention and OpenSSL's GOST engine do; e = α mod q,
//!    and e = 1 if that is 0.
//! 3. v = e⁻¹ mod q, z1 = s·v mod q, z2 = −r·v mod q.
//! 4. C = z1·P + z2·Q; the signature is good iff C is not the point at
//!    infinity and x(C) mod q = r.
//!
//! The public key in a certificate is an OCTET STRING of x || y, each
//! little-endian (RFC 4491 section 2.3.2, RFC 9215 section 4); it must lie
//! on the curve. It is not checked to be in the order-q subgroup: the key is
//! one an administrator registered, not one an attacker chose.
//!
//! Nothing is constant time: the inputs are all public. Signing is not
//! implemented; the tests make GOST signatures with OpenSSL's GOST engine.
//! Test vectors: the standard's examples A.1 and A.2 (RFC 7091 section 7).

pub(crate) mod curves;
mod point;
#[cfg(test)]
mod tests;

use der::Decode;
use der::asn1::{ObjectIdentifier, OctetString};
use num_bigint::BigUint;
use x509_cert::spki::SubjectPublicKeyInfoOwned;

use crate::client_cms::CmsError;
use crate::client_cms::algorithms::{DigestAlg, GOST_2012_256, GOST_2012_512};
use curves::Curve;
use point::{Point, on_curve};

/// A GOST R 34.10-2012 public key on a known curve.
#[derive(Debug, Clone)]
pub(crate) struct PublicKey {
    curve: &'static Curve,
    x: BigUint,
    y: BigUint,
}

impl PublicKey {
    /// Reads the key of a certificate whose algorithm is
    /// id-tc26-gost3410-12-256 or -512.
    pub(crate) fn from_spki(spki: &SubjectPublicKeyInfoOwned) -> Result<Self, CmsError> {
        let bits = match spki.algorithm.oid {
            GOST_2012_256 => 256,
            GOST_2012_512 => 512,
            other => return Err(CmsError::unsupported(format!("key algorithm {other}"))),
        };
        // SEQUENCE { publicKeyParamSet, digestParamSet OPTIONAL, ... }: the
        // digest follows from the key size (RFC 9215), so only the first counts.
        let param_set = spki
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.decode_as::<Vec<ObjectIdentifier>>().ok())
            .and_then(|oids| oids.first().copied())
            .ok_or_else(|| CmsError::certificate("GOST key without a parameter set"))?;
        let curve = curves::by_oid(&param_set.to_string())
            .filter(|curve| curve.bits == bits)
            .ok_or_else(|| {
                CmsError::unsupported(format!(
                    "GOST R 34.10-2012 ({bits} bit) parameter set {param_set}"
                ))
            })?;
        let octets = OctetString::from_der(spki.subject_public_key.raw_bytes())
            .map_err(CmsError::certificate)?;
        PublicKey::from_le_bytes(curve, octets.as_bytes())
            .ok_or_else(|| CmsError::certificate("GOST public key is not a point on its curve"))
    }

    /// x || y, each little-endian, as certificates store them.
    fn from_le_bytes(curve: &'static Curve, bytes: &[u8]) -> Option<Self> {
        if bytes.len() != 2 * curve.len() {
            return None;
        }
        let (x, y) = bytes.split_at(curve.len());
        let (x, y) = (BigUint::from_bytes_le(x), BigUint::from_bytes_le(y));
        on_curve(&x, &y, curve).then_some(PublicKey { curve, x, y })
    }

    pub(crate) fn bits(&self) -> usize {
        self.curve.bits
    }

    pub(crate) fn curve_name(&self) -> &'static str {
        self.curve.name
    }

    /// The digest the key signs with: Streebog of the key's size.
    pub(crate) fn digest(&self) -> DigestAlg {
        if self.curve.bits == 512 {
            DigestAlg::Streebog512
        } else {
            DigestAlg::Streebog256
        }
    }

    /// Checks a CMS signature value (`s || r`, big-endian) over a digest
    /// as Streebog outputs it.
    pub(crate) fn verify_digest(&self, digest: &[u8], signature: &[u8]) -> bool {
        let len = self.curve.len();
        if signature.len() != 2 * len || digest.len() != len {
            return false;
        }
        let (s, r) = signature.split_at(len);
        verify(
            self.curve,
            &self.x,
            &self.y,
            &BigUint::from_bytes_le(digest),
            &BigUint::from_bytes_be(r),
            &BigUint::from_bytes_be(s),
        )
    }
}

/// Steps 1-4 of the module documentation, with the digest already read as
/// the integer α.
fn verify(
    curve: &Curve,
    qx: &BigUint,
    qy: &BigUint,
    alpha: &BigUint,
    r: &BigUint,
    s: &BigUint,
) -> bool {
    let q = &curve.q;
    let zero = BigUint::ZERO;
    if r == &zero || s == &zero || r >= q || s >= q {
        return false;
    }
    let mut e = alpha % q;
    if e == zero {
        e = BigUint::from(1u32);
    }
    // q is prime: e^(q-2) is the inverse.
    let v = e.modpow(&(q - 2u32), q);
    let z1 = (s * &v) % q;
    let z2 = (q - (r * &v) % q) % q;
    let base = Point::affine(curve.x.clone(), curve.y.clone());
    let key = Point::affine(qx.clone(), qy.clone());
    match Point::mul_add(&z1, &base, &z2, &key, curve).affine_x(curve) {
        Some(x) => &(x % q) == r,
        None => false,
    }
}
