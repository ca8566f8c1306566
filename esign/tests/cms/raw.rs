//! Raw signatures (no CMS), as ESIA v2/v3 clients that sign with CryptoPro's
//! `csptest` or BouncyCastle send them: made here with `openssl dgst -sign`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use esign::{ClientCertificate, CmsError};

use crate::openssl::{CONTENT, Form, Signer, base64url, openssl};

/// `openssl dgst -<md> -sign key.pem` over `content`.
fn dgst_sign(signer: &Signer, md: &str, content: &[u8]) -> Vec<u8> {
    std::fs::write(signer.path().join("raw.content"), content).unwrap();
    openssl(
        signer.path(),
        &["dgst", md, "-sign", "key.pem", "raw.content"],
    )
}

#[test]
fn rsa_and_ecdsa_raw_signatures_verify() {
    for (signer, md) in [
        (Signer::new("rsa:2048", &[]), "-sha256"),
        (Signer::new("ec", &["ec_paramgen_curve:P-256"]), "-sha256"),
        (Signer::new("ec", &["ec_paramgen_curve:P-384"]), "-sha384"),
    ] {
        let cert = ClientCertificate::parse(&signer.cert_pem()).unwrap();
        let what = cert.key_algorithm();
        let raw = dgst_sign(&signer, md, CONTENT.as_bytes());
        assert_eq!(
            cert.verify_raw(CONTENT.as_bytes(), &base64url(&raw)),
            Ok(()),
            "{what}"
        );
        // Plain base64, as BouncyCastle-based clients send it.
        assert_eq!(
            cert.verify_raw(CONTENT.as_bytes(), &STANDARD.encode(&raw)),
            Ok(()),
            "{what}"
        );
        let changed = cert.verify_raw(&CONTENT.as_bytes()[1..], &base64url(&raw));
        assert_eq!(changed, Err(CmsError::BadSignature), "{what}");
    }
}

#[test]
fn raw_refusals() {
    let ours = Signer::new("rsa:2048", &[]);
    let cert = ClientCertificate::parse(&ours.cert_pem()).unwrap();
    let theirs = dgst_sign(&Signer::new("rsa:2048", &[]), "-sha256", CONTENT.as_bytes());
    let sha512 = dgst_sign(&ours, "-sha512", CONTENT.as_bytes());
    // A CMS is not a raw signature.
    let cms = ours.sign(CONTENT.as_bytes(), Form::CmsNoAttrNoCerts);
    for der in [theirs, sha512, cms] {
        let result = cert.verify_raw(CONTENT.as_bytes(), &base64url(&der));
        assert_eq!(result, Err(CmsError::BadSignature));
    }
    let result = cert.verify_raw(CONTENT.as_bytes(), "not base64!");
    assert!(
        matches!(result, Err(CmsError::Malformed { .. })),
        "{result:?}"
    );
    let result = cert.verify_raw(CONTENT.as_bytes(), &base64url(&[1; 1025]));
    assert!(
        matches!(result, Err(CmsError::TooLarge { limit: 1024, .. })),
        "{result:?}"
    );
}

/// `openssl dgst -engine gost -md_gost12_256|512 -sign` over CONTENT, made
/// once (fixtures/g256.raw, g512.raw); fresh ones when the engine is here.
#[cfg(feature = "gost")]
#[test]
fn gost_raw_signatures_verify() {
    use crate::fixture;
    for (cert, raw) in [("g256.pem", "g256.raw"), ("g512.pem", "g512.raw")] {
        let cert = ClientCertificate::parse(&fixture(cert)).unwrap();
        let raw = fixture(raw);
        assert_eq!(
            cert.verify_raw(CONTENT.as_bytes(), &base64url(&raw)),
            Ok(())
        );
        let changed = cert.verify_raw(&CONTENT.as_bytes()[1..], &base64url(&raw));
        assert_eq!(changed, Err(CmsError::BadSignature));
        let mut reversed = raw.clone();
        reversed.reverse();
        let result = cert.verify_raw(CONTENT.as_bytes(), &base64url(&reversed));
        assert_eq!(
            result,
            Err(CmsError::BadSignature),
            "CryptoAPI's byte order"
        );
    }
    if !crate::openssl::gost_engine() {
        println!(
            "SKIPPED: no GOST engine for openssl; fresh raw GOST signatures not made, the fixtures ran"
        );
        return;
    }
    for (algorithm, md) in [
        ("gost2012_256", "-md_gost12_256"),
        ("gost2012_512", "-md_gost12_512"),
    ] {
        let signer = Signer::genpkey(&["-engine", "gost"], algorithm, &["paramset:A"]);
        let cert = ClientCertificate::parse(&signer.cert_pem()).unwrap();
        std::fs::write(signer.path().join("raw.content"), CONTENT).unwrap();
        let raw = openssl(
            signer.path(),
            &[
                "dgst",
                "-engine",
                "gost",
                md,
                "-sign",
                "key.pem",
                "raw.content",
            ],
        );
        assert_eq!(
            cert.verify_raw(CONTENT.as_bytes(), &base64url(&raw)),
            Ok(()),
            "{algorithm}"
        );
    }
}
