//! Every form a portal makes with the openssl command line verifies.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE};
use esign::{ClientCertificate, verify_detached_cms};

use crate::openssl::{CONTENT, Form, Signer, base64url, openssl};

fn rsa() -> Signer {
    Signer::new("rsa:2048", &[])
}

fn p256() -> Signer {
    Signer::new("ec", &["ec_paramgen_curve:P-256"])
}

/// Signs CONTENT in every form and checks each verifies against the
/// certificate, given as PEM and as DER.
fn every_form_verifies(signer: &Signer, expected_key: &str) {
    let pem = ClientCertificate::parse(&signer.cert_pem()).unwrap();
    let der = ClientCertificate::parse(&signer.cert_der()).unwrap();
    assert_eq!(pem.key_algorithm(), expected_key);
    for form in Form::ALL {
        let signature = signer.sign(CONTENT.as_bytes(), form);
        assert!(
            signer.openssl_verifies(CONTENT.as_bytes(), &signature),
            "{form:?}"
        );
        let secret = base64url(&signature);
        assert_eq!(
            pem.verify_detached(CONTENT.as_bytes(), &secret),
            Ok(()),
            "{form:?}"
        );
        assert_eq!(
            der.verify_detached(CONTENT.as_bytes(), &secret),
            Ok(()),
            "{form:?}"
        );
    }
}

#[test]
fn rsa_every_openssl_form_verifies() {
    every_form_verifies(&rsa(), "RSA-2048");
}

#[test]
fn ecdsa_p256_every_openssl_form_verifies() {
    every_form_verifies(&p256(), "ECDSA P-256");
}

#[test]
fn ecdsa_p384_verifies() {
    let signer = Signer::new("ec", &["ec_paramgen_curve:P-384"]);
    let cert = ClientCertificate::parse(&signer.cert_pem()).unwrap();
    assert_eq!(cert.key_algorithm(), "ECDSA P-384");
    for (form, md) in [(Form::Cms, "sha384"), (Form::CmsNoAttr, "sha256")] {
        let signature = signer.sign_with(CONTENT.as_bytes(), form, &["-md", md]);
        let verified = cert.verify_detached(CONTENT.as_bytes(), &base64url(&signature));
        assert_eq!(verified, Ok(()), "{form:?} {md}");
    }
}

#[test]
fn rsa_sha384_and_sha512_verify() {
    let signer = rsa();
    let cert = ClientCertificate::parse(&signer.cert_pem()).unwrap();
    for md in ["sha384", "sha512"] {
        for form in [Form::Cms, Form::CmsNoAttr] {
            let signature = signer.sign_with(CONTENT.as_bytes(), form, &["-md", md]);
            let verified = cert.verify_detached(CONTENT.as_bytes(), &base64url(&signature));
            assert_eq!(verified, Ok(()), "{form:?} {md}");
        }
    }
}

#[test]
fn rsa_4096_verifies() {
    let signer = Signer::new("rsa:4096", &[]);
    let signature = signer.sign(CONTENT.as_bytes(), Form::Cms);
    let verified = verify_detached_cms(
        &signer.cert_pem(),
        CONTENT.as_bytes(),
        &base64url(&signature),
    );
    assert_eq!(verified, Ok(()));
}

/// base64url without padding is what ESIA clients send; base64 with
/// padding, base64url with padding and `openssl base64`'s wrapped lines are
/// accepted too, and so is a `+` that a form turned into a space.
#[test]
fn every_base64_spelling_verifies() {
    let signer = rsa();
    let cert = ClientCertificate::parse(&signer.cert_pem()).unwrap();
    let der = signer.sign(CONTENT.as_bytes(), Form::Cms);
    std::fs::write(signer.path().join("sig.der"), &der).unwrap();
    let wrapped = String::from_utf8(openssl(signer.path(), &["base64", "-in", "sig.der"])).unwrap();
    assert!(wrapped.trim().contains('\n'), "openssl base64 wraps lines");
    let standard = STANDARD.encode(&der);
    assert!(
        standard.contains('+'),
        "the test needs a '+' to turn into a space"
    );
    let spellings = [
        base64url(&der),
        URL_SAFE.encode(&der),
        standard.clone(),
        standard.trim_end_matches('=').to_string(),
        wrapped,
        standard.replace('+', " "),
    ];
    for text in spellings {
        assert_eq!(
            cert.verify_detached(CONTENT.as_bytes(), &text),
            Ok(()),
            "{text}"
        );
    }
}

/// Parameters are UTF-8: a redirect_uri or scope with Cyrillic verifies
/// over its bytes.
#[test]
fn utf8_content_verifies() {
    let signer = p256();
    let content = "ПОРТАЛopenid2026.12.06 13:00:29 +0300a-b-c-dhttps://портал.рф/вход";
    let cert = ClientCertificate::parse(&signer.cert_pem()).unwrap();
    for form in [Form::Smime, Form::CmsNoAttr] {
        let signature = base64url(&signer.sign(content.as_bytes(), form));
        assert_eq!(cert.verify_detached(content.as_bytes(), &signature), Ok(()));
    }
}

#[test]
fn certificate_dates_are_told() {
    let signer = rsa();
    let cert = ClientCertificate::parse(&signer.cert_pem()).unwrap();
    let (not_before, not_after) = cert.validity_unix();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!(
        (now - 3600..=now + 60).contains(&not_before),
        "{not_before} vs {now}"
    );
    assert_eq!(not_after - not_before, 30 * 24 * 3600);
    assert_eq!(cert.der(), signer.cert_der().as_slice());
}
