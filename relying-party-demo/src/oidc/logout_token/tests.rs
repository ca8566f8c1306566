//! Each rule of §2.6 on tokens signed with a key of a JWKS made here.

use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use serde_json::json;

use super::*;

const ISSUER: &str = "http://127.0.0.1:8080";
const CLIENT: &str = "medcabinet";
const NOW: i64 = 1_800_000_000;

struct Signer {
    key: EcdsaKeyPair,
    rng: SystemRandom,
}

impl Signer {
    fn new() -> Self {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
        let key = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng)
            .unwrap();
        Self { key, rng }
    }

    /// The JWKS publishing this key as `kid`.
    fn jwks(&self, kid: &str) -> CoreJsonWebKeySet {
        let point = self.key.public_key().as_ref();
        let jwks = json!({"keys": [{
            "kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": kid,
            "x": URL_SAFE_NO_PAD.encode(&point[1..33]),
            "y": URL_SAFE_NO_PAD.encode(&point[33..65]),
        }]});
        serde_json::from_value(jwks).unwrap()
    }

    fn sign(&self, header: Value, claims: Value) -> String {
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let signature = self.key.sign(&self.rng, input.as_bytes()).unwrap();
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature.as_ref()))
    }
}

fn header() -> Value {
    json!({"alg": "ES256", "kid": "k1", "typ": "logout+jwt"})
}

fn claims() -> Value {
    json!({
        "iss": ISSUER, "aud": CLIENT, "iat": NOW, "exp": NOW + 120, "jti": "j1",
        "sub": "3f1d2c4e", "sid": "s1",
        "events": {EVENT: {}},
    })
}

fn expect() -> Expect<'static> {
    Expect {
        issuer: ISSUER,
        audience: CLIENT,
        now: NOW,
    }
}

fn with(mut value: Value, key: &str, replacement: Value) -> Value {
    value[key] = replacement;
    value
}

fn without(mut value: Value, key: &str) -> Value {
    value.as_object_mut().unwrap().remove(key);
    value
}

#[test]
fn a_valid_logout_token_names_the_session() {
    let signer = Signer::new();
    let token = signer.sign(header(), claims());
    assert_eq!(
        verify(&token, &signer.jwks("k1"), expect()),
        Ok(Logout {
            sub: Some("3f1d2c4e".into()),
            sid: Some("s1".into())
        })
    );
    let sid_only = signer.sign(header(), without(claims(), "sub"));
    assert!(verify(&sid_only, &signer.jwks("k1"), expect()).is_ok());
}

#[test]
fn each_rule_of_section_2_6_refuses_its_token() {
    use LogoutTokenError as E;
    let signer = Signer::new();
    let jwks = signer.jwks("k1");
    let cases = [
        (
            header(),
            with(claims(), "iss", json!("https://evil")),
            E::Issuer,
        ),
        (
            header(),
            with(claims(), "aud", json!(["other"])),
            E::Audience,
        ),
        (header(), without(claims(), "iat"), E::IssuedAt),
        (
            header(),
            with(claims(), "iat", json!(NOW + 3600)),
            E::IssuedAt,
        ),
        (
            header(),
            with(claims(), "exp", json!(NOW - 3600)),
            E::Expired,
        ),
        (
            header(),
            without(without(claims(), "sub"), "sid"),
            E::NoSubject,
        ),
        (header(), with(claims(), "events", json!({})), E::Event),
        (
            header(),
            with(claims(), "events", json!({EVENT: "yes"})),
            E::Event,
        ),
        (header(), with(claims(), "nonce", json!("n")), E::Nonce),
        (with(header(), "typ", json!("JWT")), claims(), E::Type),
        (with(header(), "kid", json!("k2")), claims(), E::UnknownKey),
        (
            with(header(), "alg", json!("HS256")),
            claims(),
            E::Algorithm("\"HS256\"".into()),
        ),
    ];
    for (header, claims, expected) in cases {
        let token = signer.sign(header, claims);
        assert_eq!(verify(&token, &jwks, expect()), Err(expected));
    }
}

#[test]
fn a_token_signed_by_another_key_or_malformed_is_refused() {
    let signer = Signer::new();
    let impostor = Signer::new();
    let token = impostor.sign(header(), claims());
    assert_eq!(
        verify(&token, &signer.jwks("k1"), expect()),
        Err(LogoutTokenError::Signature)
    );
    assert!(matches!(
        verify("a.b", &signer.jwks("k1"), expect()),
        Err(LogoutTokenError::Malformed(_))
    ));
    let unsigned = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(json!({"alg": "none"}).to_string()),
        URL_SAFE_NO_PAD.encode(claims().to_string())
    );
    assert!(matches!(
        verify(&unsigned, &signer.jwks("k1"), expect()),
        Err(LogoutTokenError::Algorithm(_))
    ));
}
