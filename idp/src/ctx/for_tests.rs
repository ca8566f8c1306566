//! [`Ctx::for_tests`]: a context for unit tests of use cases, without a
//! server or a file: a migrated SQLite database in memory, the memory store,
//! a clock the test moves by hand, and signing keys made once per test
//! process (an RSA key takes a while to generate) and copied into each
//! test's database.

use std::sync::{Arc, OnceLock};

use keys::{Algorithm, KeyState, MasterKey};

use super::{Ctx, Parts};
use crate::clock::{Clock, ManualClock};
use crate::config::Config;
use crate::delivery::Delivery;
use crate::keyring::{self, KeyRing};
use crate::model::StoredKey;
use crate::store::SqlStore;
use crate::store::ephemeral::MemoryStore;

/// The master key (as base64) and one active key per algorithm sealed
/// with it.
fn fixture_keys() -> &'static (String, Vec<StoredKey>) {
    static KEYS: OnceLock<(String, Vec<StoredKey>)> = OnceLock::new();
    KEYS.get_or_init(|| {
        let master = MasterKey::generate();
        let keys = Algorithm::ALL
            .into_iter()
            .map(|alg| {
                keyring::generate(alg, 2048, &master, KeyState::Active, 0).expect("a fixture key")
            })
            .collect();
        (master.to_base64(), keys)
    })
}

impl Ctx {
    /// A context of its own for one test, and the clock it runs on.
    pub async fn for_tests() -> (Ctx, ManualClock) {
        let clock = ManualClock::default();
        let now = clock.now();
        let config = Config {
            // Only the dev outbox writes here, if a test runs a delivery.
            data_dir: std::env::temp_dir().join(format!("vhod-unit-{}", uuid::Uuid::new_v4())),
            dev_outbox: true,
            ..Config::default()
        };
        let sql = SqlStore::in_memory().expect("an in-memory database");
        let migrations = sql.migrations();
        tokio::task::spawn_blocking(move || migrations.apply())
            .await
            .expect("migrating does not panic")
            .expect("the migrations apply");
        let (master, stored) = fixture_keys();
        let master = MasterKey::from_base64(master).expect("the fixture master key");
        for key in stored {
            let key = StoredKey {
                created_at: now,
                activated_at: Some(now),
                ..key.clone()
            };
            sql.insert_key(&key).await.expect("a fixture key is stored");
        }
        let keys = Arc::new(KeyRing::default());
        keys.reload(&sql, &master)
            .await
            .expect("the fixture keys load");
        let ctx = Ctx::from_parts(Parts {
            delivery: Delivery::from_config(&config).expect("the dev outbox"),
            config,
            clock: Arc::new(clock.clone()),
            sql,
            ephemeral: Arc::new(MemoryStore::new(Arc::new(clock.clone()))),
            keys,
            master,
            esign: None,
        });
        (ctx, clock)
    }
}

mod tests {
    use super::*;

    #[tokio::test]
    async fn each_context_has_its_own_database_with_the_fixture_keys() {
        let (a, _) = Ctx::for_tests().await;
        let (b, _) = Ctx::for_tests().await;
        assert!(a.keys.signer(Algorithm::RS256).is_ok());
        a.sql
            .insert_job(&crate::jobs::new("test", &(), 0, 0).unwrap())
            .await
            .unwrap();
        assert_eq!(a.sql.jobs_of_kind("test").await.unwrap().len(), 1);
        assert!(b.sql.jobs_of_kind("test").await.unwrap().is_empty());
    }
}
