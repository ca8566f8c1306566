//! Shared fixtures. Keys are slow to make (RSA especially), so the CAs are
//! made once per test binary; every certificate is issued fresh by the test
//! that needs it.

mod accept;
mod hostile;
mod refusals;
mod subject;

use std::sync::OnceLock;

use crate::testca::{Holder, Issued, KeyKind, TestCa};
use crate::{CertError, CertifiedSubject, SignedChallenge, TrustAnchors, sign_challenge, verify};

/// 2027-01-15 08:00 UTC: inside the default validity of issued certificates.
const NOW: i64 = 1_800_000_000;
const CHALLENGE: &str = "vhod-challenge-4f1c2a9e";

fn ca() -> &'static TestCa {
    static CA: OnceLock<TestCa> = OnceLock::new();
    CA.get_or_init(|| TestCa::root("Тестовый УЦ Вход", KeyKind::P256).unwrap())
}

fn rsa_ca() -> &'static TestCa {
    static CA: OnceLock<TestCa> = OnceLock::new();
    CA.get_or_init(|| TestCa::root("Тестовый УЦ RSA", KeyKind::Rsa(2048)).unwrap())
}

fn anchors_of(ca: &TestCa) -> TrustAnchors {
    TrustAnchors::new([ca.certificate_pem()]).unwrap()
}

fn ivanov() -> Holder {
    Holder::person("Иванов", "Пётр Сергеевич", "11223344595", "500100732259")
}

fn issue(ca: &TestCa, holder: &Holder) -> Issued {
    ca.issue(holder).unwrap()
}

/// `issued` signs `challenge` with its own key, as a browser would.
fn signed(issued: &Issued, challenge: &str) -> SignedChallenge {
    let (signature, _alg) = sign_challenge(&issued.private_key_pem, challenge).unwrap();
    SignedChallenge {
        certificate: issued.certificate_pem.clone().into_bytes(),
        intermediates: vec![],
        signature,
    }
}

fn check(anchors: &TrustAnchors, signed: &SignedChallenge) -> Result<CertifiedSubject, CertError> {
    verify(anchors, CHALLENGE, signed, NOW)
}
