//! Public keys as JSON Web Keys (RFC 7517/7518), `kid` per RFC 7638.

use ring::digest::{SHA256, digest};
use serde::{Deserialize, Serialize};

use crate::b64;

/// A public JSON Web Key, as published in the JWKS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jwk {
    pub kty: String,
    #[serde(rename = "use")]
    pub use_: String,
    pub alg: String,
    pub kid: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub n: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub e: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub crv: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub x: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub y: Option<String>,
}

/// A JSON Web Key Set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jwks {
    pub keys: Vec<Jwk>,
}

impl Jwk {
    fn new(kty: &str, alg: &str) -> Self {
        Self {
            kty: kty.into(),
            use_: "sig".into(),
            alg: alg.into(),
            kid: String::new(),
            n: None,
            e: None,
            crv: None,
            x: None,
            y: None,
        }
    }

    /// An RSA key for `alg` (RS256 or PS256).
    pub(crate) fn rsa(alg: &str, n: &[u8], e: &[u8]) -> Self {
        let mut jwk = Self::new("RSA", alg);
        jwk.n = Some(b64(strip_leading_zeros(n)));
        jwk.e = Some(b64(strip_leading_zeros(e)));
        jwk.with_thumbprint_kid()
    }

    pub(crate) fn ec_p256(x: &[u8], y: &[u8]) -> Self {
        let mut jwk = Self::new("EC", "ES256");
        jwk.crv = Some("P-256".into());
        jwk.x = Some(b64(x));
        jwk.y = Some(b64(y));
        jwk.with_thumbprint_kid()
    }

    pub(crate) fn ed25519(x: &[u8]) -> Self {
        let mut jwk = Self::new("OKP", "EdDSA");
        jwk.crv = Some("Ed25519".into());
        jwk.x = Some(b64(x));
        jwk.with_thumbprint_kid()
    }

    fn with_thumbprint_kid(mut self) -> Self {
        self.kid = self.thumbprint();
        self
    }

    /// RFC 7638: SHA-256 over the required members in lexicographic order,
    /// with no white space.
    pub fn thumbprint(&self) -> String {
        let field = |v: &Option<String>| v.clone().unwrap_or_default();
        let canonical = match self.kty.as_str() {
            "RSA" => serde_json::json!({"e": field(&self.e), "kty": "RSA", "n": field(&self.n)}),
            "EC" => serde_json::json!({
                "crv": field(&self.crv), "kty": "EC", "x": field(&self.x), "y": field(&self.y)
            }),
            _ => serde_json::json!({"crv": field(&self.crv), "kty": self.kty, "x": field(&self.x)}),
        };
        // serde_json's map keeps keys sorted, as RFC 7638 requires.
        b64(digest(&SHA256, canonical.to_string().as_bytes()).as_ref())
    }
}

fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    &bytes[start..]
}
