//! What every test would otherwise compute afresh: the signing keys (an
//! RSA-2048 key among them) and the Argon2id hash of the demo password.
//! Made once per test process and copied into each test's own stores.
//! Generating keys and hashing passwords stay tested where they are the
//! subject (`operations.rs`, `signing_keys.rs`, the unit tests).

use std::sync::OnceLock;

use idp::config::{Config, SecretString};
use idp::keyring;
use idp::model::{Secret, StoredKey};
use keys::KeyState;

pub struct Fixtures {
    pub master_key: keys::MasterKey,
    /// One active key per algorithm, sealed with `master_key`.
    pub keys: Vec<StoredKey>,
    pub password_hash: String,
}

pub fn get() -> &'static Fixtures {
    static FIXTURES: OnceLock<Fixtures> = OnceLock::new();
    FIXTURES.get_or_init(|| {
        let master_key = keys::MasterKey::generate();
        let keys = keys::Algorithm::ALL
            .into_iter()
            .map(|alg| {
                keyring::generate(alg, 2048, &master_key, KeyState::Active, 0)
                    .expect("a fixture key")
            })
            .collect();
        let password_hash = idp::credentials::password::hash(&Secret::new(idp::demo::PASSWORD))
            .expect("the demo password meets the policy");
        Fixtures {
            master_key,
            keys,
            password_hash,
        }
    })
}

/// Puts the fixture keys into the (migrated) stores `config` names, so that
/// start-up finds active keys and generates none.
pub async fn install_keys(config: &mut Config, now: i64) {
    let fixtures = get();
    config.master_key = Some(SecretString(fixtures.master_key.to_base64()));
    let sql = idp::app::open_sql(config).expect("the test database opens");
    sql.migrations().apply().expect("migrations apply");
    for key in &fixtures.keys {
        let key = StoredKey {
            created_at: now,
            activated_at: Some(now),
            ..key.clone()
        };
        sql.insert_key(&key).await.expect("a fixture key is stored");
    }
}
