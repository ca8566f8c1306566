//! GOST R 34.10-2012 client signatures (feature `gost`): the fixtures made
//! with Debian's GOST engine always, and fresh keys and signatures on every
//! parameter set when this machine's OpenSSL has the engine.

use esign::{ClientCertificate, CmsError};

use crate::fixture;
use crate::openssl::{CONTENT, Form, Signer, base64url, gost_engine};

const ENGINE: &[&str] = &["-engine", "gost"];

#[test]
fn fixture_signatures_verify() {
    for (cert, cms, key) in [
        (
            "g256.pem",
            "g256.cms.der",
            "GOST R 34.10-2012 (256 bit, CryptoPro-A / TC26 256-B)",
        ),
        (
            "g512.pem",
            "g512.cms.der",
            "GOST R 34.10-2012 (512 bit, TC26 512-A)",
        ),
    ] {
        let cert = ClientCertificate::parse(&fixture(cert)).unwrap();
        assert_eq!(cert.key_algorithm(), key);
        let secret = base64url(&fixture(cms));
        assert_eq!(
            cert.verify_detached(CONTENT.as_bytes(), &secret),
            Ok(()),
            "{cms}"
        );
        let changed = CONTENT.replace("openid", "openid snils");
        let refused = cert.verify_detached(changed.as_bytes(), &secret);
        assert!(
            matches!(
                refused,
                Err(CmsError::DigestMismatch | CmsError::BadSignature)
            ),
            "{cms}: {refused:?}"
        );
    }
    // Each signature against the other certificate.
    let g512 = ClientCertificate::parse(&fixture("g512.pem")).unwrap();
    let secret = base64url(&fixture("g256.cms.der"));
    assert_eq!(
        g512.verify_detached(CONTENT.as_bytes(), &secret),
        Err(CmsError::SignerMismatch)
    );
}

/// The fixture's signature value with one bit changed (it is the last
/// element of the DER).
#[test]
fn fixture_signature_with_a_flipped_bit() {
    for (cert, cms) in [("g256.pem", "g256.cms.der"), ("g512.pem", "g512.cms.der")] {
        let cert = ClientCertificate::parse(&fixture(cert)).unwrap();
        let mut der = fixture(cms);
        *der.last_mut().unwrap() ^= 0x80;
        let result = cert.verify_detached(CONTENT.as_bytes(), &base64url(&der));
        assert_eq!(result, Err(CmsError::BadSignature), "{cms}");
    }
}

/// Every parameter set the engine knows, in every form, and the refusals.
#[test]
fn fresh_keys_on_every_parameter_set() {
    if !gost_engine() {
        println!(
            "SKIPPED: no GOST engine for openssl (apt-get install libengine-gost-openssl); the fixtures and the standard's vectors still ran"
        );
        return;
    }
    let sets = [
        ("gost2012_256", "A", "CryptoPro-A / TC26 256-B"),
        ("gost2012_256", "B", "CryptoPro-B / TC26 256-C"),
        ("gost2012_256", "C", "CryptoPro-C / TC26 256-D"),
        ("gost2012_256", "XA", "CryptoPro-A / TC26 256-B"),
        ("gost2012_256", "XB", "CryptoPro-C / TC26 256-D"),
        ("gost2012_256", "TCA", "TC26 256-A"),
        ("gost2012_256", "TCB", "CryptoPro-A / TC26 256-B"),
        ("gost2012_256", "TCC", "CryptoPro-B / TC26 256-C"),
        ("gost2012_256", "TCD", "CryptoPro-C / TC26 256-D"),
        ("gost2012_512", "A", "TC26 512-A"),
        ("gost2012_512", "B", "TC26 512-B"),
        ("gost2012_512", "C", "TC26 512-C"),
    ];
    let other = Signer::genpkey(ENGINE, "gost2012_256", &["paramset:A"]);
    for (algorithm, set, curve) in sets {
        let signer = Signer::genpkey(ENGINE, algorithm, &[&format!("paramset:{set}")]);
        let cert = ClientCertificate::parse(&signer.cert_pem()).unwrap();
        assert!(
            cert.key_algorithm().ends_with(&format!("{curve})")),
            "{set}: {}",
            cert.key_algorithm()
        );
        assert_eq!(
            ClientCertificate::parse(&signer.cert_der()).unwrap().der(),
            cert.der()
        );
        for form in [
            Form::Cms,
            Form::CmsNoAttr,
            Form::CmsNoCerts,
            Form::CmsKeyId,
            Form::Smime,
            Form::SmimeNoAttr,
        ] {
            // smime's -md sha256 does not fit a GOST key: the engine's digest.
            let extra: &[&str] = match form {
                Form::Smime | Form::SmimeNoAttr => &[
                    "-md",
                    if algorithm.ends_with("512") {
                        "md_gost12_512"
                    } else {
                        "md_gost12_256"
                    },
                ],
                _ => &[],
            };
            let der = signer.sign_with(CONTENT.as_bytes(), form, extra);
            let what = format!("{algorithm} {set} {form:?}");
            assert!(signer.openssl_verifies(CONTENT.as_bytes(), &der), "{what}");
            let secret = base64url(&der);
            assert_eq!(
                cert.verify_detached(CONTENT.as_bytes(), &secret),
                Ok(()),
                "{what}"
            );
            let changed = cert.verify_detached(&CONTENT.as_bytes()[1..], &secret);
            assert!(
                matches!(
                    changed,
                    Err(CmsError::DigestMismatch | CmsError::BadSignature)
                ),
                "{what}: {changed:?}"
            );
            let mut bad = der.clone();
            *bad.last_mut().unwrap() ^= 1;
            assert_eq!(
                cert.verify_detached(CONTENT.as_bytes(), &base64url(&bad)),
                Err(CmsError::BadSignature),
                "{what}"
            );
        }
        let theirs = base64url(&other.sign(CONTENT.as_bytes(), Form::Cms));
        assert_eq!(
            cert.verify_detached(CONTENT.as_bytes(), &theirs),
            Err(CmsError::SignerMismatch),
            "{set}"
        );
    }
}
