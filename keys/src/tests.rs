//! The keys crate on its own: signing and verification for every algorithm,
//! RFC 7638 thumbprints, encryption at rest, and the lifecycle rules.

use crate::{Algorithm, Jwk, KeyError, KeyState, MasterKey, SigningKey, Transition, b64, verify};

fn claims() -> serde_json::Value {
    serde_json::json!({"iss": "https://id.example.ru", "sub": "42", "aud": "portal"})
}

fn header(token: &str) -> serde_json::Value {
    let part = token.split('.').next().unwrap();
    serde_json::from_slice(&crate::unb64(part).unwrap()).unwrap()
}

#[test]
fn every_algorithm_signs_and_verifies() {
    for (alg, bits) in [
        (Algorithm::RS256, 2048),
        (Algorithm::PS256, 2048),
        (Algorithm::ES256, 0),
        (Algorithm::EdDSA, 0),
    ] {
        let (key, _) = SigningKey::generate(alg, bits).unwrap();
        let token = key.sign_jwt("JWT", &claims()).unwrap();
        let h = header(&token);
        assert_eq!(h["alg"], alg.as_str());
        assert_eq!(h["kid"], key.kid());
        assert_eq!(h["typ"], "JWT");
        assert_eq!(
            key.kid(),
            key.public_jwk().thumbprint(),
            "kid is the RFC 7638 thumbprint"
        );
        let verified = verify(&token, &[key.public_jwk().clone()]).unwrap();
        assert_eq!(verified.kid, key.kid());
        assert_eq!(verified.claims, claims());
    }
}

/// PS256 is RSASSA-PSS (RFC 7518 §3.5) with a key of its own: its JWK says
/// `PS256`, ring's PSS verifier accepts its signatures and the PKCS#1 v1.5
/// one does not, and a token relabelled between RS256 and PS256 fails.
#[test]
fn ps256_signs_with_pss_under_a_key_of_its_own() {
    use ring::signature::{
        RSA_PKCS1_2048_8192_SHA256, RSA_PSS_2048_8192_SHA256, RsaPublicKeyComponents,
    };
    let (key, der) = SigningKey::generate(Algorithm::PS256, 2048).unwrap();
    let jwk = key.public_jwk();
    assert_eq!((jwk.kty.as_str(), jwk.alg.as_str()), ("RSA", "PS256"));
    let token = key.sign_jwt("at+jwt", &claims()).unwrap();
    let parts: Vec<&str> = token.split('.').collect();
    let message = format!("{}.{}", parts[0], parts[1]);
    let signature = crate::unb64(parts[2]).unwrap();
    let public = RsaPublicKeyComponents {
        n: crate::unb64(jwk.n.as_ref().unwrap()).unwrap(),
        e: crate::unb64(jwk.e.as_ref().unwrap()).unwrap(),
    };
    assert!(
        public
            .verify(&RSA_PSS_2048_8192_SHA256, message.as_bytes(), &signature)
            .is_ok()
    );
    assert!(
        public
            .verify(&RSA_PKCS1_2048_8192_SHA256, message.as_bytes(), &signature)
            .is_err()
    );

    // The same modulus held for RS256 has the same kid: the JWK's `alg`
    // keeps the two apart (the key ring generates a pair per algorithm).
    let as_rs256 = SigningKey::from_pkcs8(Algorithm::RS256, &der).unwrap();
    let relabelled = as_rs256.sign_jwt("at+jwt", &claims()).unwrap();
    assert!(
        verify(&relabelled, std::slice::from_ref(jwk)).is_err(),
        "RS256 signature under a PS256 key"
    );
}

#[test]
fn tampering_and_unknown_keys_are_refused() {
    let (key, _) = SigningKey::generate(Algorithm::ES256, 0).unwrap();
    let (other, _) = SigningKey::generate(Algorithm::ES256, 0).unwrap();
    let jwks = [key.public_jwk().clone()];
    let token = key.sign_jwt("JWT", &claims()).unwrap();
    let parts: Vec<&str> = token.split('.').collect();
    let forged_payload = format!("{}.{}.{}", parts[0], b64(br#"{"sub":"admin"}"#), parts[2]);
    assert_eq!(
        verify(&forged_payload, &jwks).unwrap_err(),
        KeyError::BadSignature
    );
    let mut sig = crate::unb64(parts[2]).unwrap();
    sig[0] ^= 1;
    let forged_sig = format!("{}.{}.{}", parts[0], parts[1], b64(&sig));
    assert_eq!(
        verify(&forged_sig, &jwks).unwrap_err(),
        KeyError::BadSignature
    );
    let foreign = other.sign_jwt("JWT", &claims()).unwrap();
    assert_eq!(verify(&foreign, &jwks).unwrap_err(), KeyError::UnknownKey);
}

#[test]
fn algorithm_confusion_and_alg_none_are_refused() {
    let (key, _) = SigningKey::generate(Algorithm::EdDSA, 0).unwrap();
    let jwks = [key.public_jwk().clone()];
    let token = key.sign_jwt("JWT", &claims()).unwrap();
    let parts: Vec<&str> = token.split('.').collect();
    for alg in ["none", "HS256", "ES256"] {
        let h = serde_json::json!({"alg": alg, "kid": key.kid()}).to_string();
        let swapped = format!("{}.{}.{}", b64(h.as_bytes()), parts[1], parts[2]);
        assert!(verify(&swapped, &jwks).is_err(), "{alg}");
        let unsigned = format!("{}.{}.", b64(h.as_bytes()), parts[1]);
        assert!(verify(&unsigned, &jwks).is_err(), "{alg} unsigned");
    }
    let no_kid = format!("{}.{}.{}", b64(br#"{"alg":"EdDSA"}"#), parts[1], parts[2]);
    assert_eq!(verify(&no_kid, &jwks).unwrap_err(), KeyError::UnknownKey);
}

#[test]
fn malformed_tokens_are_errors_not_panics() {
    let (key, _) = SigningKey::generate(Algorithm::ES256, 0).unwrap();
    let jwks = [key.public_jwk().clone()];
    for token in [
        "",
        "a",
        "a.b",
        "a.b.c.d",
        "!!!.e30.",
        "e30.e30.e30",
        "bm90IGpzb24.e30.",
        "..",
    ] {
        assert_eq!(
            verify(token, &jwks).unwrap_err(),
            KeyError::MalformedToken,
            "{token:?}"
        );
    }
}

#[test]
fn pkcs8_round_trip_keeps_the_kid() {
    for (alg, bits) in [
        (Algorithm::RS256, 2048),
        (Algorithm::PS256, 2048),
        (Algorithm::ES256, 0),
        (Algorithm::EdDSA, 0),
    ] {
        let (key, der) = SigningKey::generate(alg, bits).unwrap();
        let again = SigningKey::from_pkcs8(alg, &der).unwrap();
        assert_eq!(again.kid(), key.kid());
        assert_eq!(again.algorithm(), alg);
        assert!(
            !format!("{again:?}").contains(&b64(&der)),
            "Debug shows no key material"
        );
    }
    let (_, ec) = SigningKey::generate(Algorithm::ES256, 0).unwrap();
    assert_eq!(
        SigningKey::from_pkcs8(Algorithm::RS256, &ec).unwrap_err(),
        KeyError::MalformedKey
    );
    assert_eq!(
        SigningKey::from_pkcs8(Algorithm::EdDSA, b"junk").unwrap_err(),
        KeyError::MalformedKey
    );
}

#[test]
fn rfc7638_thumbprint_example() {
    // RFC 7638 §3.1.
    let jwk = Jwk {
        kty: "RSA".into(),
        use_: "sig".into(),
        alg: "RS256".into(),
        kid: String::new(),
        n: Some("0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw".into()),
        e: Some("AQAB".into()),
        crv: None,
        x: None,
        y: None,
    };
    assert_eq!(
        jwk.thumbprint(),
        "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
    );
}

#[test]
fn jwk_members_per_key_type() {
    let json = |alg, bits| {
        let (key, _) = SigningKey::generate(alg, bits).unwrap();
        serde_json::to_value(key.public_jwk()).unwrap()
    };
    let rsa = json(Algorithm::RS256, 2048);
    assert_eq!(
        (rsa["kty"].as_str(), rsa["use"].as_str()),
        (Some("RSA"), Some("sig"))
    );
    assert_eq!(rsa["e"], "AQAB");
    assert!(rsa.get("crv").is_none() && rsa.get("x").is_none() && rsa.get("d").is_none());
    let ec = json(Algorithm::ES256, 0);
    assert_eq!(
        (ec["kty"].as_str(), ec["crv"].as_str()),
        (Some("EC"), Some("P-256"))
    );
    assert_eq!(crate::unb64(ec["x"].as_str().unwrap()).unwrap().len(), 32);
    assert_eq!(crate::unb64(ec["y"].as_str().unwrap()).unwrap().len(), 32);
    let okp = json(Algorithm::EdDSA, 0);
    assert_eq!(
        (okp["kty"].as_str(), okp["crv"].as_str()),
        (Some("OKP"), Some("Ed25519"))
    );
    assert!(okp.get("y").is_none() && okp.get("n").is_none());
}

#[test]
fn master_key_seals_and_refuses_the_wrong_key_or_context() {
    let master = MasterKey::generate();
    let sealed = master.seal(b"kid-1", b"private key bytes");
    assert_ne!(&sealed[12..], b"private key bytes".as_slice());
    assert_eq!(
        master.open(b"kid-1", &sealed).unwrap(),
        b"private key bytes"
    );
    assert_eq!(
        MasterKey::generate().open(b"kid-1", &sealed).unwrap_err(),
        KeyError::Decryption
    );
    assert_eq!(
        master.open(b"kid-2", &sealed).unwrap_err(),
        KeyError::Decryption,
        "bound to its kid"
    );
    let mut altered = sealed.clone();
    *altered.last_mut().unwrap() ^= 1;
    assert_eq!(
        master.open(b"kid-1", &altered).unwrap_err(),
        KeyError::Decryption
    );
    assert_eq!(
        master.open(b"kid-1", &sealed[..5]).unwrap_err(),
        KeyError::Decryption
    );
    assert_ne!(
        master.seal(b"kid-1", b"x"),
        master.seal(b"kid-1", b"x"),
        "fresh nonce each time"
    );
}

#[test]
fn master_key_text_form() {
    let master = MasterKey::generate();
    let text = master.to_base64();
    let again = MasterKey::from_base64(&format!("  {text}\n")).unwrap();
    assert_eq!(again.open(b"k", &master.seal(b"k", b"v")).unwrap(), b"v");
    assert!(!format!("{master:?}").contains(&text));
    for bad in ["", "not base64!", "c2hvcnQ=", &format!("{text}{text}")] {
        assert_eq!(
            MasterKey::from_base64(bad).unwrap_err(),
            KeyError::BadMasterKey,
            "{bad:?}"
        );
    }
    assert_eq!(master.derive("a"), master.derive("a"));
    assert_ne!(master.derive("a"), master.derive("b"));
    assert_ne!(master.derive("a"), MasterKey::generate().derive("a"));
}

#[test]
fn every_transition_of_the_state_machine() {
    use KeyState::*;
    use Transition::*;
    let allowed = [
        (Next, Activate, Active),
        (Active, Retire, Retiring),
        (Retiring, Finish, Retired),
        (Next, Revoke, Revoked),
        (Active, Revoke, Revoked),
        (Retiring, Revoke, Revoked),
    ];
    for from in KeyState::ALL {
        for t in [Activate, Retire, Finish, Revoke] {
            let expected = allowed
                .iter()
                .find(|(f, tr, _)| *f == from && *tr == t)
                .map(|(_, _, to)| *to);
            match (from.apply(t), expected) {
                (Ok(to), Some(want)) => assert_eq!(to, want, "{from} {t:?}"),
                (Err(e), None) => assert_eq!((e.from, e.transition), (from, t)),
                (got, want) => panic!("{from} {t:?}: got {got:?}, expected {want:?}"),
            }
        }
    }
}

#[test]
fn which_states_are_published_and_accepted() {
    let published: Vec<KeyState> = KeyState::ALL
        .into_iter()
        .filter(|s| s.is_published())
        .collect();
    assert_eq!(
        published,
        [KeyState::Next, KeyState::Active, KeyState::Retiring]
    );
    let accepted: Vec<KeyState> = KeyState::ALL
        .into_iter()
        .filter(|s| s.accepts_tokens())
        .collect();
    assert_eq!(accepted, [KeyState::Active, KeyState::Retiring]);
}

#[test]
fn names_round_trip() {
    for state in KeyState::ALL {
        assert_eq!(state.to_string().parse::<KeyState>().unwrap(), state);
    }
    assert!("compromised".parse::<KeyState>().is_err());
    for alg in Algorithm::ALL {
        assert_eq!(alg.to_string().parse::<Algorithm>().unwrap(), alg);
    }
    assert_eq!(
        "HS256".parse::<Algorithm>().unwrap_err(),
        KeyError::UnsupportedAlgorithm("HS256".into())
    );
}
