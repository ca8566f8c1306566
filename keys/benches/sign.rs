//! Signatures per second on one core, per algorithm: `cargo bench -p keys`.
//! The numbers in docs/admin-guide.md ("Choosing an algorithm") come from
//! here. Each case runs for about two seconds.

use std::time::{Duration, Instant};

use keys::{Algorithm, SigningKey};

fn main() {
    let claims = serde_json::json!({
        "iss": "https://id.example.ru", "sub": "5f0c3c2e-7d43-4d1e-9a51-0b4e8f5b9d10",
        "aud": "medcabinet", "exp": 1_900_000_000, "iat": 1_899_999_400,
        "auth_time": 1_899_999_400, "acr": "urn:vhod:aal1", "amr": ["pwd"],
        "account_level": "confirmed", "nonce": "n-0S6_WzA2Mj"
    });
    println!(
        "{:<14} {:>14} {:>16}",
        "algorithm", "signs/s/core", "verifies/s/core"
    );
    for (label, alg, bits) in [
        ("RS256 (2048)", Algorithm::RS256, 2048),
        ("RS256 (3072)", Algorithm::RS256, 3072),
        ("PS256 (2048)", Algorithm::PS256, 2048),
        ("ES256", Algorithm::ES256, 0),
        ("EdDSA", Algorithm::EdDSA, 0),
    ] {
        let (key, _) = SigningKey::generate(alg, bits).expect("key generation");
        let jwks = [key.public_jwk().clone()];
        let token = key.sign_jwt("JWT", &claims).unwrap();
        let signs = rate(|| {
            std::hint::black_box(key.sign_jwt("JWT", &claims).unwrap());
        });
        let verifies = rate(|| {
            std::hint::black_box(keys::verify(&token, &jwks).unwrap());
        });
        println!("{label:<14} {signs:>14.0} {verifies:>16.0}");
    }
}

/// Operations per second of `op`, measured for about two seconds.
fn rate(mut op: impl FnMut()) -> f64 {
    for _ in 0..10 {
        op();
    }
    let budget = Duration::from_secs(2);
    let start = Instant::now();
    let mut count = 0u64;
    while start.elapsed() < budget {
        for _ in 0..10 {
            op();
        }
        count += 10;
    }
    count as f64 / start.elapsed().as_secs_f64()
}
