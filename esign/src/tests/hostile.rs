//! Hostile input: every one is refused with an error, none panics.

use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

use super::*;
use crate::Part;

/// Deterministic noise (xorshift), so a failure reproduces.
fn noise(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed as u8
        })
        .collect()
}

fn garbage() -> Vec<Vec<u8>> {
    let pem_of =
        |body: &str| format!("-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n");
    vec![
        vec![],
        b"garbage".to_vec(),
        vec![0; 1000],
        noise(70 * 1024, 1),
        vec![0x30, 0x82, 0xff, 0xff],
        [b"-----BEGIN".as_slice(), &noise(70 * 1024, 2)].concat(),
        pem_of("not base64 at all!").into_bytes(),
        pem_of("").into_bytes(),
        pem_of("\0\0\0\0").into_bytes(),
        pem_of(&"QUFB".repeat(20_000)).into_bytes(),
        b"-----BEGIN CERTIFICATE-----\nMIIB".to_vec(),
        b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n".to_vec(),
    ]
}

fn is_malformed(result: &Result<impl std::fmt::Debug, CertError>, part: Part) -> bool {
    matches!(result, Err(CertError::Malformed { what, .. }) if *what == part)
}

#[test]
fn garbage_certificates() {
    let issued = issue(ca(), &ivanov());
    let anchors = anchors_of(ca());
    for bytes in garbage() {
        let signed = SignedChallenge {
            certificate: bytes.clone(),
            ..signed(&issued, CHALLENGE)
        };
        let result = check(&anchors, &signed);
        assert!(
            is_malformed(&result, Part::Certificate),
            "{result:?} for {:?}",
            &bytes[..bytes.len().min(40)]
        );
        let _ = result.unwrap_err().reason_ru();
    }
}

#[test]
fn two_certificates_where_one_is_expected() {
    let issued = issue(ca(), &ivanov());
    let signed = SignedChallenge {
        certificate: format!("{}{}", issued.certificate_pem, ca().certificate_pem()).into_bytes(),
        ..signed(&issued, CHALLENGE)
    };
    assert!(is_malformed(
        &check(&anchors_of(ca()), &signed),
        Part::Certificate
    ));
}

#[test]
fn truncated_and_extended_der() {
    let issued = issue(ca(), &ivanov());
    let der = CertificateDer::from_pem_slice(issued.certificate_pem.as_bytes()).unwrap();
    let anchors = anchors_of(ca());
    for len in 0..der.len() {
        let signed = SignedChallenge {
            certificate: der[..len].to_vec(),
            ..signed(&issued, CHALLENGE)
        };
        assert!(
            is_malformed(&check(&anchors, &signed), Part::Certificate),
            "length {len}"
        );
    }
    let signed = SignedChallenge {
        certificate: [der.as_ref(), b"\0"].concat(),
        ..signed(&issued, CHALLENGE)
    };
    assert!(is_malformed(&check(&anchors, &signed), Part::Certificate));
}

/// Changing any single byte of a good certificate must make it fail, whichever
/// check catches it (mostly the CA's signature over it).
#[test]
fn every_flipped_byte_is_refused() {
    let issued = issue(ca(), &ivanov());
    let der = CertificateDer::from_pem_slice(issued.certificate_pem.as_bytes()).unwrap();
    let anchors = anchors_of(ca());
    let good = signed(&issued, CHALLENGE);
    check(&anchors, &good).unwrap();
    for i in 0..der.len() {
        let mut bytes = der.to_vec();
        bytes[i] ^= 0x01;
        let signed = SignedChallenge {
            certificate: bytes,
            ..good.clone()
        };
        assert!(
            check(&anchors, &signed).is_err(),
            "flipping byte {i} went unnoticed"
        );
    }
}

#[test]
fn garbage_signatures() {
    let issued = issue(ca(), &ivanov());
    let anchors = anchors_of(ca());
    let huge = "A".repeat(70 * 1024);
    for bad in ["", "\0\0\0\0", "====", "AB CD", "подпись", "+/+/", &huge] {
        let signed = SignedChallenge {
            signature: bad.into(),
            ..signed(&issued, CHALLENGE)
        };
        let result = check(&anchors, &signed);
        assert!(
            is_malformed(&result, Part::Signature),
            "{result:?} for {bad:.20}"
        );
    }
    // Well-formed base64url of nonsense: a mismatch (or malformed DER), never Ok.
    for seed in 1..50 {
        let sig = base64::Engine::encode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            noise(64 + seed as usize % 10, seed),
        );
        let signed = SignedChallenge {
            signature: sig,
            ..signed(&issued, CHALLENGE)
        };
        assert!(check(&anchors, &signed).is_err());
    }
}

#[test]
fn garbage_intermediates() {
    let issued = issue(ca(), &ivanov());
    let anchors = anchors_of(ca());
    for bytes in garbage().into_iter().filter(|b| b.len() < 64 * 1024) {
        let signed = SignedChallenge {
            intermediates: vec![bytes],
            ..signed(&issued, CHALLENGE)
        };
        // Refused even though the path would not need it.
        let result = check(&anchors, &signed);
        assert!(is_malformed(&result, Part::Intermediate), "{result:?}");
    }
    let many = SignedChallenge {
        intermediates: vec![ca().certificate_pem().as_bytes().to_vec(); 6],
        ..signed(&issued, CHALLENGE)
    };
    assert!(is_malformed(&check(&anchors, &many), Part::Intermediate));
    let huge = SignedChallenge {
        intermediates: vec![noise(200 * 1024, 3)],
        ..signed(&issued, CHALLENGE)
    };
    assert!(is_malformed(&check(&anchors, &huge), Part::Intermediate));
}

#[test]
fn garbage_configuration() {
    let none: [&[u8]; 0] = [];
    assert!(is_malformed(&TrustAnchors::new(none), Part::TrustedCa));
    for bytes in garbage() {
        assert!(
            is_malformed(&TrustAnchors::new([&bytes]), Part::TrustedCa),
            "{:?}",
            &bytes[..bytes.len().min(40)]
        );
        let crls = anchors_of(ca()).with_crls([&bytes]);
        assert!(
            is_malformed(&crls, Part::Crl),
            "{:?}",
            &bytes[..bytes.len().min(40)]
        );
    }
    // A certificate is not a CRL.
    let crls = anchors_of(ca()).with_crls([ca().certificate_pem()]);
    assert!(is_malformed(&crls, Part::Crl));
}

#[test]
fn garbage_private_keys() {
    let huge = "A".repeat(70 * 1024);
    let body = format!(
        "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
        "QUFB".repeat(10)
    );
    let bad = [
        "",
        "\0\0\0",
        "garbage",
        &huge,
        &body,
        ca().certificate_pem(),
    ];
    for pem in bad {
        let result = sign_challenge(pem, CHALLENGE);
        assert!(
            is_malformed(&result, Part::PrivateKey),
            "{result:?} for {pem:.30}"
        );
    }
}

#[test]
fn odd_challenges_sign_and_verify() {
    let issued = issue(ca(), &ivanov());
    let anchors = anchors_of(ca());
    let long = "я".repeat(100_000);
    for challenge in ["", "\0nul\0", "Подпись «входа»", &long] {
        let signed = signed(&issued, challenge);
        verify(&anchors, challenge, &signed, NOW).unwrap();
        assert_eq!(
            verify(&anchors, &format!("{challenge}x"), &signed, NOW),
            Err(CertError::SignatureMismatch)
        );
    }
}

#[test]
fn time_far_out_of_range() {
    let issued = issue(ca(), &ivanov());
    let anchors = anchors_of(ca());
    let signed = signed(&issued, CHALLENGE);
    assert!(matches!(
        verify(&anchors, CHALLENGE, &signed, i64::MIN),
        Err(CertError::NotYetValid { .. })
    ));
    assert!(matches!(
        verify(&anchors, CHALLENGE, &signed, i64::MAX),
        Err(CertError::Expired { .. })
    ));
}
