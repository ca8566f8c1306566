//! ESIA's client_certificate_hash: Streebog-256 of the certificate's DER,
//! upper-case hex. The expected values were printed by
//! `openssl x509 -outform DER | openssl dgst -engine gost -md_gost12_256`.

use esign::{ClientCertificate, CmsError, client_certificate_hash};

use crate::fixture;
use crate::openssl::{Signer, gost_engine, openssl};

const RSA_HASH: &str = "13E3EE692DD22DE3AD641889125817C3031BFCF84FB30F3862F0494205714154";
const GOST_256_HASH: &str = "6ECD44AB8B68A44C05026CD468609A7D3F575345FF1714597AA6214026ECF03F";
const GOST_512_HASH: &str = "489F34532069002B084F22458DBCD69A9319FBE8EFE9C3A5E14A2C0A4F95028E";

/// PEM or DER in, the same hash out; for RSA and for GOST certificates,
/// with or without the `gost` feature.
#[test]
fn known_certificates() {
    for (name, expected) in [
        ("rsa.pem", RSA_HASH),
        ("g256.pem", GOST_256_HASH),
        ("g512.pem", GOST_512_HASH),
    ] {
        let pem = fixture(name);
        assert_eq!(client_certificate_hash(&pem).unwrap(), expected, "{name}");
        let der = pem_to_der(&pem);
        assert_eq!(
            client_certificate_hash(&der).unwrap(),
            expected,
            "{name} as DER"
        );
    }
    let rsa = ClientCertificate::parse(&fixture("rsa.pem")).unwrap();
    assert_eq!(rsa.esia_hash(), RSA_HASH);
}

#[test]
fn a_sent_hash_matches_in_either_case() {
    let rsa = ClientCertificate::parse(&fixture("rsa.pem")).unwrap();
    assert!(rsa.matches_esia_hash(RSA_HASH));
    assert!(rsa.matches_esia_hash(&RSA_HASH.to_lowercase()));
    assert!(rsa.matches_esia_hash(&format!(" {RSA_HASH}\n")));
    assert!(!rsa.matches_esia_hash(GOST_256_HASH));
    assert!(!rsa.matches_esia_hash(&RSA_HASH[..63]));
    assert!(!rsa.matches_esia_hash(""));
}

#[cfg(feature = "gost")]
#[test]
fn gost_client_certificate_hash() {
    for (name, expected) in [("g256.pem", GOST_256_HASH), ("g512.pem", GOST_512_HASH)] {
        let cert = ClientCertificate::parse(&fixture(name)).unwrap();
        assert_eq!(cert.esia_hash(), expected, "{name}");
    }
}

/// On a fresh certificate, when the GOST engine is here to compute the
/// expected value.
#[test]
fn matches_openssl_gost_engine() {
    if !gost_engine() {
        println!(
            "SKIPPED: no GOST engine for openssl (apt-get install libengine-gost-openssl); fixed vectors still checked"
        );
        return;
    }
    let signer = Signer::new("ec", &["ec_paramgen_curve:P-256"]);
    std::fs::write(signer.path().join("cert.der"), signer.cert_der()).unwrap();
    let out = openssl(
        signer.path(),
        &[
            "dgst",
            "-engine",
            "gost",
            "-md_gost12_256",
            "-r",
            "cert.der",
        ],
    );
    let expected = String::from_utf8(out).unwrap();
    let expected = expected.split_whitespace().next().unwrap().to_uppercase();
    assert_eq!(
        client_certificate_hash(&signer.cert_pem()).unwrap(),
        expected
    );
}

#[test]
fn not_a_certificate() {
    for bytes in [b"".as_slice(), b"garbage", &[0x30, 0x03, 0x02, 0x01, 0x01]] {
        let result = client_certificate_hash(bytes);
        assert!(
            matches!(result, Err(CmsError::Certificate { .. })),
            "{result:?}"
        );
    }
}

fn pem_to_der(pem: &[u8]) -> Vec<u8> {
    let text = std::str::from_utf8(pem).unwrap();
    let body: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap()
}
