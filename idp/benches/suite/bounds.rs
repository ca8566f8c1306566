//! What is physically possible on the server core: the raw rate of each
//! primitive a workload must pay for, with the libraries Vhod uses (the
//! `keys` crate's held ring keys, `idp`'s Argon2id), measured in a child
//! process pinned to the server core; and a static 200 of the same size
//! from actix-web (see `servers::run_static`).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use idp::credentials::password;
use idp::model::Secret;
use keys::{Algorithm, SigningKey};

use crate::pin;

/// Operations a second on one core, by primitive.
pub type Primitives = BTreeMap<String, f64>;

/// Measures every primitive in a child on the server core.
pub fn measure(window: Duration) -> Primitives {
    let out = pin::on_server_core(std::env::current_exe().unwrap())
        .args(["primitives", &window.as_millis().to_string()])
        .env("BENCH_PINNED", "1")
        .output()
        .expect("the primitives child runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("primitives as JSON")
}

/// The child: prints the rates as JSON.
pub fn run_primitives(window: Duration) {
    let claims = serde_json::json!({
        "iss": "http://127.0.0.1:8080", "sub": "5f0c3c2e-7d43-4d1e-9a51-0b4e8f5b9d10",
        "aud": "web", "client_id": "web", "exp": 1_900_000_000, "iat": 1_899_999_400,
        "jti": "Nf3bq2nVJ8yq5Yx0w3oG0Q", "scope": "openid offline_access",
        "auth_time": 1_899_999_400, "acr": "urn:vhod:aal1", "amr": ["pwd"],
        "account_level": "standard", "sid": "q8Yb3K3c6XyX0rV2bHn1Xw"
    });
    let mut rates = Primitives::new();
    for alg in [
        Algorithm::RS256,
        Algorithm::PS256,
        Algorithm::ES256,
        Algorithm::EdDSA,
    ] {
        let (key, _) = SigningKey::generate(alg, 2048).expect("a key");
        let jwks = [key.public_jwk().clone()];
        let token = key.sign_jwt("at+jwt", &claims).unwrap();
        rates.insert(
            format!("{alg} sign"),
            rate(window, || {
                std::hint::black_box(key.sign_jwt("at+jwt", &claims).unwrap());
            }),
        );
        rates.insert(
            format!("{alg} verify"),
            rate(window, || {
                std::hint::black_box(keys::verify(&token, &jwks).unwrap());
            }),
        );
    }
    let hash = password::hash(&Secret::new(crate::servers::PASSWORD)).unwrap();
    rates.insert(
        "Argon2id verify".into(),
        rate(window, || {
            assert!(password::verify(crate::servers::PASSWORD, &hash));
        }),
    );
    println!("{}", serde_json::to_string(&rates).unwrap());
}

fn rate(window: Duration, mut op: impl FnMut()) -> f64 {
    op();
    let start = Instant::now();
    let mut count = 0u64;
    while start.elapsed() < window {
        op();
        count += 1;
    }
    count as f64 / start.elapsed().as_secs_f64()
}

/// The most a workload can do on one core: one over the sum of what each
/// of its requests must pay (`costs`: rates of the primitives, each paid
/// once per operation).
pub fn combine(costs: &[f64]) -> f64 {
    1.0 / costs.iter().map(|r| 1.0 / r).sum::<f64>()
}
