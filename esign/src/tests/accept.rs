//! Certificates that must be accepted.

use base64::Engine;
use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivatePkcs8KeyDer};

use super::*;
use crate::testca::{Holder, KeyKind, TestCa};

#[test]
fn rsa_certificate_signs_and_verifies() {
    let holder = Holder {
        key: KeyKind::Rsa(2048),
        ..ivanov()
    };
    let issued = issue(rsa_ca(), &holder);
    let (signature, alg) = sign_challenge(&issued.private_key_pem, CHALLENGE).unwrap();
    assert_eq!(alg, "RS256");
    assert_eq!(URL_SAFE_NO_PAD.decode(&signature).unwrap().len(), 256);

    let signed = SignedChallenge {
        signature,
        ..signed(&issued, CHALLENGE)
    };
    let who = check(&anchors_of(rsa_ca()), &signed).unwrap();
    assert_eq!(who.algorithm, "RS256");
    assert_eq!(who.serial_hex, issued.serial_hex);
    assert_eq!(who.snils.as_deref(), Some("11223344595"));
}

#[test]
fn p256_certificate_verifies_in_both_signature_forms() {
    let issued = issue(ca(), &ivanov());
    let anchors = anchors_of(ca());

    // r||s, as WebCrypto and sign_challenge produce it.
    let fixed = signed(&issued, CHALLENGE);
    assert_eq!(URL_SAFE_NO_PAD.decode(&fixed.signature).unwrap().len(), 64);
    assert_eq!(check(&anchors, &fixed).unwrap().algorithm, "ES256");

    // ASN.1 DER, as OpenSSL produces it.
    let pkcs8 = PrivatePkcs8KeyDer::from_pem_slice(issued.private_key_pem.as_bytes()).unwrap();
    let rng = SystemRandom::new();
    let pair = EcdsaKeyPair::from_pkcs8(
        &ECDSA_P256_SHA256_ASN1_SIGNING,
        pkcs8.secret_pkcs8_der(),
        &rng,
    )
    .unwrap();
    let der_sig = pair.sign(&rng, CHALLENGE.as_bytes()).unwrap();
    assert_eq!(der_sig.as_ref()[0], 0x30);
    let der = SignedChallenge {
        signature: URL_SAFE_NO_PAD.encode(der_sig.as_ref()),
        ..fixed.clone()
    };
    assert_eq!(check(&anchors, &der).unwrap().algorithm, "ES256");

    // Padding is tolerated (64 bytes always take two "=").
    let raw = URL_SAFE_NO_PAD.decode(&fixed.signature).unwrap();
    let padded = SignedChallenge {
        signature: URL_SAFE.encode(raw),
        ..fixed
    };
    assert!(padded.signature.ends_with('='), "{}", padded.signature);
    check(&anchors, &padded).unwrap();
}

#[test]
fn der_certificate_is_accepted_like_pem() {
    let issued = issue(ca(), &ivanov());
    let der = CertificateDer::from_pem_slice(issued.certificate_pem.as_bytes()).unwrap();
    let signed = SignedChallenge {
        certificate: der.to_vec(),
        ..signed(&issued, CHALLENGE)
    };
    check(&anchors_of(ca()), &signed).unwrap();

    // The trusted CA may be given as DER too.
    let ca_der = CertificateDer::from_pem_slice(ca().certificate_pem().as_bytes()).unwrap();
    let anchors = TrustAnchors::new([ca_der.as_ref()]).unwrap();
    check(&anchors, &signed).unwrap();
}

#[test]
fn validity_bounds_are_inclusive() {
    let holder = Holder {
        not_before_unix: NOW - 60,
        not_after_unix: NOW + 60,
        ..ivanov()
    };
    let issued = issue(ca(), &holder);
    let anchors = anchors_of(ca());
    let signed = signed(&issued, CHALLENGE);
    for now in [NOW - 60, NOW, NOW + 60] {
        verify(&anchors, CHALLENGE, &signed, now).unwrap();
    }
}

#[test]
fn several_trusted_cas() {
    let other = TestCa::root("Другой УЦ", KeyKind::P256).unwrap();
    let anchors = TrustAnchors::new([ca().certificate_pem(), other.certificate_pem()]).unwrap();
    for issuer in [ca(), &other] {
        check(&anchors, &signed(&issue(issuer, &ivanov()), CHALLENGE)).unwrap();
    }
    // One PEM file holding both works the same.
    let bundle = format!("{}{}", ca().certificate_pem(), other.certificate_pem());
    let anchors = TrustAnchors::new([bundle]).unwrap();
    check(&anchors, &signed(&issue(&other, &ivanov()), CHALLENGE)).unwrap();
}

#[test]
fn revocation_is_reported_checked_only_with_crls() {
    let issued = issue(ca(), &ivanov());
    let signed = signed(&issued, CHALLENGE);

    let without = check(&anchors_of(ca()), &signed).unwrap();
    assert!(!without.revocation_checked);

    // A CRL of the issuer that revokes someone else.
    let crl = ca().crl(&["4242"], NOW - 3600, NOW + 86_400).unwrap();
    let anchors = anchors_of(ca()).with_crls([crl]).unwrap();
    assert!(anchors.checks_revocation());
    assert!(check(&anchors, &signed).unwrap().revocation_checked);
}

#[test]
fn intermediate_ca_path() {
    let sub = ca().intermediate("Подчинённый УЦ", KeyKind::P256).unwrap();
    let issued = issue(&sub, &ivanov());
    let with_chain = SignedChallenge {
        intermediates: vec![sub.certificate_pem().as_bytes().to_vec()],
        ..signed(&issued, CHALLENGE)
    };
    check(&anchors_of(ca()), &with_chain).unwrap();

    // CRLs of both the root (covering the intermediate) and the intermediate.
    let root_crl = ca().crl(&[], NOW - 3600, NOW + 86_400).unwrap();
    let sub_crl = sub.crl(&[], NOW - 3600, NOW + 86_400).unwrap();
    let anchors = anchors_of(ca()).with_crls([root_crl, sub_crl]).unwrap();
    assert!(check(&anchors, &with_chain).unwrap().revocation_checked);
}

#[test]
fn saved_ca_reloads_and_keeps_issuing() {
    let saved = (ca().certificate_pem().to_string(), ca().private_key_pem());
    let reloaded = TestCa::load(&saved.0, &saved.1).unwrap();
    let issued = issue(&reloaded, &ivanov());
    check(&anchors_of(ca()), &signed(&issued, CHALLENGE)).unwrap();
    let crl = reloaded
        .crl(&[&issued.serial_hex], NOW - 1, NOW + 1)
        .unwrap();
    let anchors = anchors_of(ca()).with_crls([crl]).unwrap();
    assert_eq!(
        check(&anchors, &signed(&issued, CHALLENGE)),
        Err(CertError::Revoked)
    );
}

#[test]
fn browser_signer_is_served_as_written() {
    assert!(crate::SIGN_JS.contains("function vhodSign("));
    assert!(crate::SIGN_JS.contains("\"RSASSA-PKCS1-v1_5\""));
    assert!(crate::SIGN_JS.contains("namedCurve: \"P-256\""));
}

/// Runs `assets/sign.js` under node (which has WebCrypto; the machine's
/// Node.js 20) and verifies what it signed.
#[test]
fn browser_signer_signatures_verify() {
    let rsa = Holder {
        key: KeyKind::Rsa(2048),
        ..ivanov()
    };
    for (ca, holder, alg) in [(ca(), ivanov(), "ES256"), (rsa_ca(), rsa, "RS256")] {
        let issued = issue(ca, &holder);
        let script = format!(
            "{}\nvhodSign(process.env.KEY, process.env.CHALLENGE)\
             .then(r => console.log(r.signature + ' ' + r.alg))\
             .catch(e => {{ console.error(e); process.exit(1); }});",
            crate::SIGN_JS
        );
        let out = std::process::Command::new("node")
            .args(["-e", &script])
            .env("KEY", &issued.private_key_pem)
            .env("CHALLENGE", CHALLENGE)
            .output()
            .expect("node runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8(out.stdout).unwrap();
        let (signature, got_alg) = stdout.trim().split_once(' ').unwrap();
        assert_eq!(got_alg, alg);
        let signed = SignedChallenge {
            signature: signature.to_string(),
            ..signed(&issued, CHALLENGE)
        };
        check(&anchors_of(ca), &signed).unwrap();
    }
}
