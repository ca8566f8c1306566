//! ESIA client signatures made by the real `openssl` command line (smime
//! and cms; with and without signed attributes; RSA, ECDSA and, with the
//! `gost` feature, GOST), verified by `esign`.
//!
//! `fixtures/` holds certificates and signatures made once with OpenSSL
//! 3.0 and Debian's GOST engine (`libengine-gost-openssl`), so that GOST
//! signatures are verified even where the engine is missing:
//! `g256.pem` / `g512.pem` (`openssl genpkey -engine gost -algorithm
//! gost2012_256|gost2012_512 -pkeyopt paramset:A`, then `openssl req -x509`),
//! `g256.cms.der` (`openssl cms -sign -binary -outform DER`) and
//! `g512.cms.der` (the same with `-noattr`), both over [`openssl::CONTENT`];
//! `rsa.pem` (`openssl req -x509 -newkey rsa:2048`).

mod accept;
#[cfg(feature = "gost")]
mod gost;
mod hash;
mod openssl;
mod raw;
mod refusals;

pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/cms/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}
