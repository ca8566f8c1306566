//! Key pairs that sign. Parsed once from PKCS#8 and held: parsing per token
//! would cost about a third of RS256 throughput.

use std::fmt;
use std::str::FromStr;

use ring::rand::SystemRandom;
use ring::signature::{
    ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, Ed25519KeyPair, KeyPair, RSA_PKCS1_SHA256,
    RSA_PSS_SHA256, RsaKeyPair,
};
use serde::{Deserialize, Serialize};

use crate::jwk::Jwk;
use crate::{KeyError, b64};

/// JWS algorithms Vhod signs with (RFC 7518 names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Algorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256: the OpenID Connect default.
    RS256,
    /// RSASSA-PSS with SHA-256 (RFC 7518 §3.5), with an RSA key of its own.
    PS256,
    ES256,
    EdDSA,
}

impl Algorithm {
    pub const ALL: [Algorithm; 4] = [
        Algorithm::RS256,
        Algorithm::PS256,
        Algorithm::ES256,
        Algorithm::EdDSA,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::RS256 => "RS256",
            Algorithm::PS256 => "PS256",
            Algorithm::ES256 => "ES256",
            Algorithm::EdDSA => "EdDSA",
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Algorithm {
    type Err = KeyError;
    fn from_str(s: &str) -> Result<Self, KeyError> {
        Algorithm::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| KeyError::UnsupportedAlgorithm(s.to_owned()))
    }
}

enum Pair {
    Rsa(RsaKeyPair),
    Ec(EcdsaKeyPair),
    Ed(Ed25519KeyPair),
}

/// A private signing key with its public JWK.
pub struct SigningKey {
    alg: Algorithm,
    pair: Pair,
    jwk: Jwk,
    rng: SystemRandom,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.jwk.kid)
            .field("alg", &self.jwk.alg)
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    /// Generates a key; returns it with its PKCS#8 DER encoding (to be
    /// encrypted before it is stored). `rsa_bits` is used for RS256 and
    /// PS256 only.
    pub fn generate(alg: Algorithm, rsa_bits: usize) -> Result<(Self, Vec<u8>), KeyError> {
        let rng = SystemRandom::new();
        let pkcs8 = match alg {
            // ring signs RSA but cannot generate RSA keys.
            Algorithm::RS256 | Algorithm::PS256 => {
                use rsa::pkcs8::EncodePrivateKey;
                let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, rsa_bits)
                    .map_err(|_| KeyError::Generation)?;
                key.to_pkcs8_der()
                    .map_err(|_| KeyError::Generation)?
                    .as_bytes()
                    .to_vec()
            }
            Algorithm::ES256 => {
                EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
                    .map_err(|_| KeyError::Generation)?
                    .as_ref()
                    .to_vec()
            }
            Algorithm::EdDSA => Ed25519KeyPair::generate_pkcs8(&rng)
                .map_err(|_| KeyError::Generation)?
                .as_ref()
                .to_vec(),
        };
        let key = Self::from_pkcs8(alg, &pkcs8)?;
        Ok((key, pkcs8))
    }

    /// Parses a PKCS#8 DER private key.
    pub fn from_pkcs8(alg: Algorithm, der: &[u8]) -> Result<Self, KeyError> {
        let rng = SystemRandom::new();
        let (pair, jwk) = match alg {
            Algorithm::RS256 | Algorithm::PS256 => {
                let pair = RsaKeyPair::from_pkcs8(der).map_err(|_| KeyError::MalformedKey)?;
                let public: ring::rsa::PublicKeyComponents<Vec<u8>> = pair.public().into();
                let jwk = Jwk::rsa(alg.as_str(), &public.n, &public.e);
                (Pair::Rsa(pair), jwk)
            }
            Algorithm::ES256 => {
                let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, der, &rng)
                    .map_err(|_| KeyError::MalformedKey)?;
                let point = pair.public_key().as_ref();
                // Uncompressed SEC1 point: 0x04 || x || y.
                let jwk = Jwk::ec_p256(&point[1..33], &point[33..65]);
                (Pair::Ec(pair), jwk)
            }
            Algorithm::EdDSA => {
                let pair = Ed25519KeyPair::from_pkcs8_maybe_unchecked(der)
                    .map_err(|_| KeyError::MalformedKey)?;
                let jwk = Jwk::ed25519(pair.public_key().as_ref());
                (Pair::Ed(pair), jwk)
            }
        };
        Ok(Self {
            alg,
            pair,
            jwk,
            rng,
        })
    }

    pub fn kid(&self) -> &str {
        &self.jwk.kid
    }

    pub fn algorithm(&self) -> Algorithm {
        self.alg
    }

    /// The public half, for the JWKS.
    pub fn public_jwk(&self) -> &Jwk {
        &self.jwk
    }

    /// Signs `claims` as a compact JWS with header `{alg, kid, typ}`.
    pub fn sign_jwt(&self, typ: &str, claims: &impl Serialize) -> Result<String, KeyError> {
        let header =
            serde_json::json!({ "alg": self.algorithm().as_str(), "kid": self.kid(), "typ": typ });
        let header = serde_json::to_vec(&header).map_err(|_| KeyError::Signing)?;
        let payload = serde_json::to_vec(claims).map_err(|_| KeyError::Signing)?;
        let mut out = format!("{}.{}", b64(&header), b64(&payload));
        let signature = self.sign(out.as_bytes())?;
        out.push('.');
        out.push_str(&b64(&signature));
        Ok(out)
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, KeyError> {
        match &self.pair {
            Pair::Rsa(pair) => {
                let padding: &dyn ring::signature::RsaEncoding = if self.alg == Algorithm::PS256 {
                    &RSA_PSS_SHA256
                } else {
                    &RSA_PKCS1_SHA256
                };
                let mut signature = vec![0; pair.public().modulus_len()];
                pair.sign(padding, &self.rng, message, &mut signature)
                    .map_err(|_| KeyError::Signing)?;
                Ok(signature)
            }
            Pair::Ec(pair) => Ok(pair
                .sign(&self.rng, message)
                .map_err(|_| KeyError::Signing)?
                .as_ref()
                .to_vec()),
            Pair::Ed(pair) => Ok(pair.sign(message).as_ref().to_vec()),
        }
    }
}
