//! Everything that is not a signature by the registered certificate over
//! exactly this content is refused, with the reason.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use esign::{ClientCertificate, CmsError, MAX_CMS_BYTES};

use crate::openssl::{CONTENT, Form, Signer, base64url};

fn rsa() -> Signer {
    Signer::new("rsa:2048", &[])
}

fn p256() -> Signer {
    Signer::new("ec", &["ec_paramgen_curve:P-256"])
}

fn registered(signer: &Signer) -> ClientCertificate {
    ClientCertificate::parse(&signer.cert_pem()).unwrap()
}

fn check(cert: &ClientCertificate, der: &[u8]) -> Result<(), CmsError> {
    cert.verify_detached(CONTENT.as_bytes(), &base64url(der))
}

/// The SignerInfo's signature value is the last element of OpenSSL's DER;
/// flipping a bit of its last byte spoils it and nothing else.
#[test]
fn bad_signature() {
    for signer in [rsa(), p256()] {
        let cert = registered(&signer);
        for form in Form::ALL {
            let mut der = signer.sign(CONTENT.as_bytes(), form);
            *der.last_mut().unwrap() ^= 1;
            assert_eq!(check(&cert, &der), Err(CmsError::BadSignature), "{form:?}");
        }
    }
}

#[test]
fn signed_by_another_certificate() {
    let (ours, theirs) = (rsa(), rsa());
    let cert = registered(&ours);
    for form in Form::ALL {
        let der = theirs.sign(CONTENT.as_bytes(), form);
        assert_eq!(
            check(&cert, &der),
            Err(CmsError::SignerMismatch),
            "{form:?}"
        );
    }
    // Another key type, too.
    let der = p256().sign(CONTENT.as_bytes(), Form::Cms);
    assert_eq!(check(&cert, &der), Err(CmsError::SignerMismatch));
}

/// An impostor makes a certificate with the registered one's issuer name
/// and serial number and its own key, and sends it inside the CMS: the
/// signer looks like ours, and the registered key refuses the signature.
#[test]
fn impostor_certificate_inside_the_cms_is_not_trusted() {
    let same = ["-set_serial", "77"];
    let ours = Signer::make("rsa:2048", &[], &same);
    let impostor = Signer::make("rsa:2048", &[], &same);
    let cert = registered(&ours);
    for form in [Form::Cms, Form::CmsNoAttr, Form::Smime] {
        let der = impostor.sign(CONTENT.as_bytes(), form);
        assert!(impostor.openssl_verifies(CONTENT.as_bytes(), &der));
        assert_eq!(check(&cert, &der), Err(CmsError::BadSignature), "{form:?}");
    }
}

/// With signed attributes the messageDigest gives the change away; without
/// them the signature itself does.
#[test]
fn content_changed() {
    let changed = CONTENT.replace("fullname", "fullname snils");
    for signer in [rsa(), p256()] {
        let cert = registered(&signer);
        for form in Form::ALL {
            let secret = base64url(&signer.sign(CONTENT.as_bytes(), form));
            let expected = match form {
                Form::SmimeNoAttr | Form::CmsNoAttr | Form::CmsNoAttrNoCerts => {
                    CmsError::BadSignature
                }
                _ => CmsError::DigestMismatch,
            };
            let result = cert.verify_detached(changed.as_bytes(), &secret);
            assert_eq!(result, Err(expected.clone()), "{form:?}");
            let result = cert.verify_detached(&CONTENT.as_bytes()[1..], &secret);
            assert_eq!(result, Err(expected), "{form:?} shortened");
        }
    }
}

#[test]
fn garbage() {
    let cert = registered(&p256());
    let texts = [
        "".to_string(),
        "not base64 at all!".into(),
        "AAAA".into(),
        "MIIB".into(),
        URL_SAFE_NO_PAD.encode(b"garbage that decodes"),
        URL_SAFE_NO_PAD.encode([0x30, 0x82, 0xff, 0xff]),
        URL_SAFE_NO_PAD.encode([0x30, 0x00]),
        // A certificate where a signature belongs.
        URL_SAFE_NO_PAD.encode(p256().cert_der()),
        "MII+-_".into(),
    ];
    for text in texts {
        let result = cert.verify_detached(CONTENT.as_bytes(), &text);
        assert!(
            matches!(result, Err(CmsError::Malformed { .. })),
            "{text}: {result:?}"
        );
    }
}

#[test]
fn truncated_der() {
    let signer = rsa();
    let cert = registered(&signer);
    let der = signer.sign(CONTENT.as_bytes(), Form::Cms);
    for len in [1, 2, 10, der.len() / 2, der.len() - 1] {
        let result = check(&cert, &der[..len]);
        assert!(
            matches!(result, Err(CmsError::Malformed { .. })),
            "{len}: {result:?}"
        );
    }
    let mut longer = der.clone();
    longer.push(0);
    assert!(matches!(
        check(&cert, &longer),
        Err(CmsError::Malformed { .. })
    ));
}

/// 70 KB is refused before it is decoded or parsed, in either alphabet.
#[test]
fn oversized_input() {
    let cert = registered(&p256());
    let big = vec![0x30; 70 * 1024];
    // The last is not even base64: the length alone refuses it.
    for text in [
        URL_SAFE_NO_PAD.encode(&big),
        STANDARD.encode(&big),
        "!".repeat(70 * 1024),
    ] {
        let result = cert.verify_detached(CONTENT.as_bytes(), &text);
        assert!(
            matches!(result, Err(CmsError::TooLarge { limit, .. }) if limit == MAX_CMS_BYTES),
            "{result:?}"
        );
    }
    // Just over the limit in DER, within it as text length.
    let over = URL_SAFE_NO_PAD.encode(vec![0x30; MAX_CMS_BYTES + 1]);
    let result = cert.verify_detached(CONTENT.as_bytes(), &over);
    assert!(
        matches!(result, Err(CmsError::TooLarge { .. })),
        "{result:?}"
    );
}

/// DER with its length: just enough to build hostile signatures by hand.
fn tlv(tag: u8, body: &[u8]) -> Vec<u8> {
    let len = body.len();
    let len = match len {
        0..128 => vec![len as u8],
        128..256 => vec![0x81, len as u8],
        _ => vec![0x82, (len >> 8) as u8, len as u8],
    };
    [&[tag][..], &len, body].concat()
}

/// A SignedData whose one SignerInfo carries `signed_attrs` ([0] content).
fn signed_data_with_attributes(signed_attrs: &[u8]) -> Vec<u8> {
    let oid = |hex: &str| {
        tlv(
            0x06,
            &(0..hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
                .collect::<Vec<_>>(),
        )
    };
    let sid = tlv(0x30, &[tlv(0x30, &[]), tlv(0x02, &[1])].concat());
    let signer = tlv(
        0x30,
        &[
            tlv(0x02, &[1]),
            sid,
            tlv(0x30, &oid("608648016503040201")),
            tlv(0xa0, signed_attrs),
            tlv(0x30, &oid("2a864886f70d010101")),
            tlv(0x04, &[0; 8]),
        ]
        .concat(),
    );
    let signed = tlv(
        0x30,
        &[
            tlv(0x02, &[1]),
            tlv(0x31, &[]),
            tlv(0x30, &oid("2a864886f70d010701")),
            tlv(0x31, &signer),
        ]
        .concat(),
    );
    tlv(
        0x30,
        &[oid("2a864886f70d010702"), tlv(0xa0, &signed)].concat(),
    )
}

/// Decoding a SET OF sorts it by insertion: thousands of tiny values in
/// reverse order would cost seconds. Such a signature is refused before it
/// is decoded, as is one nested absurdly deep.
#[test]
fn hostile_shapes() {
    let cert = registered(&rsa());
    let values: Vec<u8> = (0..3900u16)
        .rev()
        .flat_map(|i| tlv(0x04, &i.to_be_bytes()))
        .collect();
    let attribute = tlv(
        0x30,
        &[
            tlv(
                0x06,
                &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x07],
            ),
            tlv(0x31, &values),
        ]
        .concat(),
    );
    let many = signed_data_with_attributes(&attribute);
    assert!(many.len() <= MAX_CMS_BYTES);
    let mut deep = tlv(0x04, &[]);
    for _ in 0..40 {
        deep = tlv(0x30, &deep);
    }
    let deep = signed_data_with_attributes(&deep);
    for (der, reason) in [(many, "elements"), (deep, "deep")] {
        let result = check(&cert, &der);
        assert!(
            matches!(&result, Err(CmsError::Malformed { detail }) if detail.contains(reason)),
            "{result:?}"
        );
    }
}

#[test]
fn attached_content_is_refused() {
    let signer = rsa();
    let der = signer.sign_with(CONTENT.as_bytes(), Form::Cms, &["-nodetach"]);
    assert_eq!(
        check(&registered(&signer), &der),
        Err(CmsError::NotDetached)
    );
}

#[test]
fn two_signers_are_refused() {
    let (ours, theirs) = (rsa(), p256());
    std::fs::copy(theirs.path().join("cert.pem"), ours.path().join("c2.pem")).unwrap();
    std::fs::copy(theirs.path().join("key.pem"), ours.path().join("k2.pem")).unwrap();
    let der = ours.sign_with(
        CONTENT.as_bytes(),
        Form::Cms,
        &["-signer", "c2.pem", "-inkey", "k2.pem"],
    );
    let result = check(&registered(&ours), &der);
    assert!(
        matches!(result, Err(CmsError::Malformed { .. })),
        "{result:?}"
    );
}

#[test]
fn unsupported_algorithms() {
    let signer = rsa();
    let cert = registered(&signer);
    let sha1 = signer.sign_with(CONTENT.as_bytes(), Form::Cms, &["-md", "sha1"]);
    let pss = signer.sign_with(
        CONTENT.as_bytes(),
        Form::Cms,
        &["-keyopt", "rsa_padding_mode:pss"],
    );
    for der in [sha1, pss] {
        let result = check(&cert, &der);
        assert!(
            matches!(result, Err(CmsError::UnsupportedAlgorithm { .. })),
            "{result:?}"
        );
    }
    let ec = p256();
    let sha512 = ec.sign_with(CONTENT.as_bytes(), Form::CmsNoAttr, &["-md", "sha512"]);
    let result = check(&registered(&ec), &sha512);
    assert!(
        matches!(result, Err(CmsError::UnsupportedAlgorithm { .. })),
        "{result:?}"
    );
}

/// A signature algorithm that names a digest (ecdsa-with-SHA256) while the
/// SignerInfo's digest algorithm says another (SHA-384, written into a real
/// signature) is refused, not verified with either.
#[test]
fn signature_algorithm_that_contradicts_the_digest() {
    let signer = p256();
    let mut der = signer.sign(CONTENT.as_bytes(), Form::CmsNoAttr);
    let sha256 = [
        0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
    ];
    // The last occurrence is the SignerInfo's; the first, the SignedData's list.
    let at = der
        .windows(sha256.len())
        .rposition(|w| w == sha256)
        .unwrap();
    der[at + sha256.len() - 1] = 0x02;
    let result = check(&registered(&signer), &der);
    assert!(
        matches!(result, Err(CmsError::UnsupportedAlgorithm { .. })),
        "{result:?}"
    );
}

/// OpenSSL will not leave out messageDigest, so the test renames it (to
/// challengePassword, 1.2.840.113549.1.9.7) in a real signature.
#[test]
fn signed_attributes_without_message_digest() {
    let signer = rsa();
    let mut der = signer.sign(CONTENT.as_bytes(), Form::Cms);
    let oid = [
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x04,
    ];
    let at = der.windows(oid.len()).position(|w| w == oid).unwrap();
    der[at + oid.len() - 1] = 0x07;
    let result = check(&registered(&signer), &der);
    assert!(
        matches!(&result, Err(CmsError::Malformed { detail }) if detail.contains("messageDigest")),
        "{result:?}"
    );
}

#[test]
fn unusable_registered_certificates() {
    let small = Signer::new("rsa:1024", &[]);
    let ed25519 = Signer::new("ed25519", &[]);
    for signer in [small, ed25519] {
        let result = ClientCertificate::parse(&signer.cert_pem());
        assert!(
            matches!(result, Err(CmsError::UnsupportedAlgorithm { .. })),
            "{result:?}"
        );
    }
    let two = [rsa().cert_pem(), rsa().cert_pem()].concat();
    for bytes in [vec![], b"garbage".to_vec(), two, vec![0x30; 70 * 1024]] {
        let result = ClientCertificate::parse(&bytes);
        assert!(
            matches!(result, Err(CmsError::Certificate { .. })),
            "{result:?}"
        );
    }
}

/// Without the feature a GOST certificate is refused as unsupported, and
/// says which feature would take it.
#[cfg(not(feature = "gost"))]
#[test]
fn gost_needs_the_feature() {
    let result = ClientCertificate::parse(&crate::fixture("g256.pem"));
    assert!(
        matches!(&result, Err(CmsError::UnsupportedAlgorithm { algorithm }) if algorithm.contains("`gost` feature")),
        "{result:?}"
    );
}

#[test]
fn every_refusal_has_a_russian_reason() {
    let errors = [
        CmsError::Certificate { detail: "x".into() },
        CmsError::Malformed { detail: "x".into() },
        CmsError::TooLarge { bytes: 1, limit: 2 },
        CmsError::NotDetached,
        CmsError::SignerMismatch,
        CmsError::UnsupportedAlgorithm {
            algorithm: "SHA-1".into(),
        },
        CmsError::DigestMismatch,
        CmsError::BadSignature,
    ];
    for error in errors {
        let reason = error.reason_ru();
        assert!(reason.chars().any(|c| ('а'..='я').contains(&c)), "{reason}");
        assert!(!error.to_string().is_empty());
    }
}
