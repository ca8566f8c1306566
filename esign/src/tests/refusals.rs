//! Every refusal, each with its precise reason.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::*;
use crate::Part;
use crate::testca::{Holder, KeyKind, TestCa};

#[test]
fn expired() {
    let holder = Holder {
        not_before_unix: 1_700_000_000,
        not_after_unix: 1_769_904_000, // 2026-02-01 00:00:00 UTC
        ..ivanov()
    };
    let err = check(&anchors_of(ca()), &signed(&issue(ca(), &holder), CHALLENGE)).unwrap_err();
    assert_eq!(
        err,
        CertError::Expired {
            not_after_unix: 1_769_904_000
        }
    );
    assert_eq!(
        err.reason_ru(),
        "срок действия сертификата истёк 01.02.2026"
    );
}

#[test]
fn not_yet_valid() {
    let holder = Holder {
        not_before_unix: 1_803_859_200, // 2027-03-01
        not_after_unix: 1_900_000_000,
        ..ivanov()
    };
    let err = check(&anchors_of(ca()), &signed(&issue(ca(), &holder), CHALLENGE)).unwrap_err();
    assert_eq!(
        err,
        CertError::NotYetValid {
            not_before_unix: 1_803_859_200
        }
    );
    assert!(
        err.reason_ru().ends_with("01.03.2027"),
        "{}",
        err.reason_ru()
    );
}

#[test]
fn untrusted_issuer() {
    // Same name as the trusted CA, different key: only the path check can tell.
    let impostor = TestCa::root("Тестовый УЦ Вход", KeyKind::P256).unwrap();
    let forged = signed(&issue(&impostor, &ivanov()), CHALLENGE);
    assert!(matches!(
        check(&anchors_of(ca()), &forged),
        Err(CertError::Untrusted { .. })
    ));

    let stranger = TestCa::root("Чужой УЦ", KeyKind::P256).unwrap();
    let signed = signed(&issue(&stranger, &ivanov()), CHALLENGE);
    let err = check(&anchors_of(ca()), &signed).unwrap_err();
    assert!(
        matches!(&err, CertError::Untrusted { detail } if detail.contains("UnknownIssuer")),
        "{err:?}"
    );
}

#[test]
fn missing_intermediate_is_untrusted() {
    let sub = ca().intermediate("Подчинённый УЦ", KeyKind::P256).unwrap();
    let signed = signed(&issue(&sub, &ivanov()), CHALLENGE);
    assert!(matches!(
        check(&anchors_of(ca()), &signed),
        Err(CertError::Untrusted { .. })
    ));
}

#[test]
fn revoked_by_crl() {
    let issued = issue(ca(), &ivanov());
    let crl = ca()
        .crl(&["4242", &issued.serial_hex], NOW - 3600, NOW + 86_400)
        .unwrap();
    let anchors = anchors_of(ca()).with_crls([crl]).unwrap();
    let err = check(&anchors, &signed(&issued, CHALLENGE)).unwrap_err();
    assert_eq!(err, CertError::Revoked);
    assert_eq!(err.reason_ru(), "сертификат отозван удостоверяющим центром");
}

#[test]
fn revoked_intermediate() {
    let sub = ca().intermediate("Подчинённый УЦ", KeyKind::P256).unwrap();
    let sub_serial = serial_of(sub.certificate_pem());
    let signed = SignedChallenge {
        intermediates: vec![sub.certificate_pem().as_bytes().to_vec()],
        ..signed(&issue(&sub, &ivanov()), CHALLENGE)
    };
    let root_crl = ca().crl(&[&sub_serial], NOW - 3600, NOW + 86_400).unwrap();
    let sub_crl = sub.crl(&[], NOW - 3600, NOW + 86_400).unwrap();
    let anchors = anchors_of(ca()).with_crls([root_crl, sub_crl]).unwrap();
    assert_eq!(check(&anchors, &signed), Err(CertError::Revoked));
}

fn serial_of(pem: &str) -> String {
    use rustls_pki_types::{CertificateDer, pem::PemObject};
    use x509_parser::prelude::{FromDer, X509Certificate};
    let der = CertificateDer::from_pem_slice(pem.as_bytes()).unwrap();
    let (_, cert) = X509Certificate::from_der(&der).unwrap();
    cert.raw_serial()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn revocation_unknown() {
    let signed = signed(&issue(ca(), &ivanov()), CHALLENGE);

    // The issuer's CRL is past its nextUpdate.
    let stale = ca().crl(&[], NOW - 7200, NOW - 3600).unwrap();
    let anchors = anchors_of(ca()).with_crls([stale]).unwrap();
    assert!(
        matches!(check(&anchors, &signed), Err(CertError::RevocationUnknown { detail }) if detail.contains("CrlExpired"))
    );

    // CRLs are configured, but none from this certificate's issuer.
    let other = TestCa::root("Другой УЦ", KeyKind::P256).unwrap();
    let other_crl = other.crl(&[], NOW - 3600, NOW + 3600).unwrap();
    let anchors = TrustAnchors::new([ca().certificate_pem(), other.certificate_pem()])
        .unwrap()
        .with_crls([other_crl])
        .unwrap();
    assert!(
        matches!(check(&anchors, &signed), Err(CertError::RevocationUnknown { detail }) if detail.contains("UnknownRevocationStatus"))
    );

    // A CRL under the issuer's name but signed by another key (same-named CA).
    let twin = TestCa::root("Тестовый УЦ Вход", KeyKind::P256).unwrap();
    let forged = twin.crl(&[], NOW - 3600, NOW + 3600).unwrap();
    let anchors = anchors_of(ca()).with_crls([forged]).unwrap();
    assert!(matches!(
        check(&anchors, &signed),
        Err(CertError::RevocationUnknown { .. })
    ));
}

#[test]
fn key_usage_without_digital_signature() {
    let holder = Holder {
        digital_signature: false,
        ..ivanov()
    };
    let err = check(&anchors_of(ca()), &signed(&issue(ca(), &holder), CHALLENGE)).unwrap_err();
    assert_eq!(err, CertError::KeyUsage);
    assert_eq!(
        err.reason_ru(),
        "сертификат не предназначен для электронной подписи"
    );
}

#[test]
fn extended_key_usage_without_client_auth() {
    let holder = Holder {
        client_auth: false,
        ..ivanov()
    };
    let err = check(&anchors_of(ca()), &signed(&issue(ca(), &holder), CHALLENGE)).unwrap_err();
    assert_eq!(err, CertError::ExtendedKeyUsage);
}

#[test]
fn rsa_1024_is_too_small() {
    let holder = Holder {
        key: KeyKind::Rsa(1024),
        ..ivanov()
    };
    let issued = issue(ca(), &holder);
    // ring will not sign with it either.
    assert_eq!(
        sign_challenge(&issued.private_key_pem, CHALLENGE),
        Err(CertError::KeyTooSmall { bits: None })
    );
    let signed = SignedChallenge {
        certificate: issued.certificate_pem.into_bytes(),
        intermediates: vec![],
        signature: URL_SAFE_NO_PAD.encode([7u8; 128]),
    };
    let err = check(&anchors_of(ca()), &signed).unwrap_err();
    assert_eq!(err, CertError::KeyTooSmall { bits: Some(1024) });
    assert!(err.reason_ru().contains("1024 бит"), "{}", err.reason_ru());
}

#[test]
fn other_key_types_are_unsupported() {
    let kinds = [
        (&rcgen::PKCS_ECDSA_P384_SHA384, "ECDSA P-384"),
        (&rcgen::PKCS_ED25519, "Ed25519"),
    ];
    for (alg, name) in kinds {
        // Self-signed is enough: the key is judged before the path.
        let key = rcgen::KeyPair::generate_for(alg).unwrap();
        let cert = rcgen::CertificateParams::default()
            .self_signed(&key)
            .unwrap();
        let signed = SignedChallenge {
            certificate: cert.pem().into_bytes(),
            intermediates: vec![],
            signature: "AAAA".into(),
        };
        let err = check(&anchors_of(ca()), &signed).unwrap_err();
        assert_eq!(
            err,
            CertError::UnsupportedKey {
                algorithm: name.into()
            }
        );
        assert!(err.reason_ru().contains("RSA от 2048 бит или ECDSA P-256"));
        // Nor will sign_challenge use such a key.
        assert!(matches!(
            sign_challenge(&key.serialize_pem(), CHALLENGE),
            Err(CertError::Malformed {
                what: Part::PrivateKey,
                ..
            })
        ));
    }
}

#[test]
fn signature_over_another_challenge() {
    let issued = issue(ca(), &ivanov());
    assert_eq!(
        check(&anchors_of(ca()), &signed(&issued, "another challenge")),
        Err(CertError::SignatureMismatch)
    );

    let rsa = Holder {
        key: KeyKind::Rsa(2048),
        ..ivanov()
    };
    let issued = issue(rsa_ca(), &rsa);
    assert_eq!(
        check(&anchors_of(rsa_ca()), &signed(&issued, "another challenge")),
        Err(CertError::SignatureMismatch)
    );
}

#[test]
fn signature_by_another_key() {
    let mine = issue(ca(), &ivanov());
    let theirs = issue(ca(), &ivanov());
    let signed = SignedChallenge {
        certificate: mine.certificate_pem.clone().into_bytes(),
        ..signed(&theirs, CHALLENGE)
    };
    let err = check(&anchors_of(ca()), &signed).unwrap_err();
    assert_eq!(err, CertError::SignatureMismatch);
    assert!(err.reason_ru().starts_with("подпись не соответствует"));
}

#[test]
fn signature_of_wrong_shape() {
    let issued = issue(ca(), &ivanov());
    let anchors = anchors_of(ca());
    for bad in ["", "!!!", "AAAA", &URL_SAFE_NO_PAD.encode([1u8; 63])] {
        let signed = SignedChallenge {
            signature: bad.to_string(),
            ..signed(&issued, CHALLENGE)
        };
        assert!(
            matches!(
                check(&anchors, &signed),
                Err(CertError::Malformed {
                    what: Part::Signature,
                    ..
                })
            ),
            "{bad:?}"
        );
    }

    let rsa = Holder {
        key: KeyKind::Rsa(2048),
        ..ivanov()
    };
    let issued = issue(rsa_ca(), &rsa);
    let short = SignedChallenge {
        signature: URL_SAFE_NO_PAD.encode([1u8; 255]),
        ..signed(&issued, CHALLENGE)
    };
    assert!(matches!(
        check(&anchors_of(rsa_ca()), &short),
        Err(CertError::Malformed {
            what: Part::Signature,
            ..
        })
    ));
}

#[test]
fn bad_identifier_in_certificate_is_malformed() {
    let holder = Holder {
        snils: Some("123-456-789 01".into()),
        ..ivanov()
    };
    let err = check(&anchors_of(ca()), &signed(&issue(ca(), &holder), CHALLENGE)).unwrap_err();
    assert!(
        matches!(&err, CertError::Malformed { what: Part::Certificate, detail } if detail.contains("SNILS")),
        "{err:?}"
    );
}

#[test]
fn every_reason_reads_in_both_languages() {
    let all = [
        CertError::malformed(Part::Certificate, "x"),
        CertError::malformed(Part::Intermediate, "x"),
        CertError::malformed(Part::Signature, "x"),
        CertError::malformed(Part::PrivateKey, "x"),
        CertError::malformed(Part::TrustedCa, "x"),
        CertError::malformed(Part::Crl, "x"),
        CertError::Expired { not_after_unix: 0 },
        CertError::NotYetValid {
            not_before_unix: i64::MAX,
        },
        CertError::Untrusted { detail: "x".into() },
        CertError::Revoked,
        CertError::RevocationUnknown { detail: "x".into() },
        CertError::KeyUsage,
        CertError::ExtendedKeyUsage,
        CertError::UnsupportedKey {
            algorithm: "ГОСТ Р 34.10-2012".into(),
        },
        CertError::KeyTooSmall { bits: Some(1024) },
        CertError::KeyTooSmall { bits: None },
        CertError::SignatureMismatch,
    ];
    let mut seen = std::collections::HashSet::new();
    for err in &all {
        let ru = err.reason_ru();
        assert!(ru.chars().any(|c| ('а'..='я').contains(&c)), "{ru}");
        assert!(!err.to_string().is_empty());
        assert!(seen.insert(ru), "two reasons read the same: {err:?}");
    }
    assert_eq!(
        CertError::Expired { not_after_unix: 0 }.reason_ru(),
        "срок действия сертификата истёк 01.01.1970"
    );
    assert!(
        CertError::NotYetValid {
            not_before_unix: i64::MAX
        }
        .reason_ru()
        .contains("дата вне диапазона")
    );
}

#[test]
fn a_refused_certificate_still_names_its_serial_for_the_journal() {
    let stranger = TestCa::root("Чужой УЦ", KeyKind::P256).unwrap();
    let issued = issue(&stranger, &ivanov());
    let err = check(&anchors_of(ca()), &signed(&issued, CHALLENGE)).unwrap_err();
    assert!(matches!(err, CertError::Untrusted { .. }), "{err}");
    assert_eq!(
        crate::serial_hex(issued.certificate_pem.as_bytes()).as_deref(),
        Some(issued.serial_hex.as_str())
    );
    assert_eq!(crate::serial_hex(b"not a certificate"), None);
}
