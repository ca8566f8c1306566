use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use diesel::prelude::*;

use super::transaction;
use super::{AnyConnection, SqlStore, corrupt};
use crate::model::StoredKey;
use crate::store::StoreError;
use crate::store::schema::signing_keys as sk;

type Row = (
    String,
    String,
    String,
    String,
    i64,
    Option<i64>,
    Option<i64>,
    Option<i64>,
);

fn stored(
    (kid, alg, state, key, created_at, activated_at, retire_after, activate_after): Row,
) -> Result<StoredKey, StoreError> {
    Ok(StoredKey {
        encrypted_private_key: STANDARD.decode(key).map_err(corrupt)?,
        kid,
        alg,
        state,
        created_at,
        activated_at,
        retire_after,
        activate_after,
    })
}

/// A change of state, applied only if the key is still in `from`.
#[derive(Debug, Clone)]
pub struct KeyChange {
    pub kid: String,
    pub from: String,
    pub to: String,
    pub activated_at: Option<i64>,
    pub retire_after: Option<i64>,
}

fn apply(conn: &mut AnyConnection, change: &KeyChange) -> QueryResult<bool> {
    let target = sk::table
        .find(&change.kid)
        .filter(sk::state.eq(&change.from));
    let updated = match (change.activated_at, change.retire_after) {
        (Some(at), _) => diesel::update(target)
            .set((sk::state.eq(&change.to), sk::activated_at.eq(at)))
            .execute(conn)?,
        (None, Some(after)) => diesel::update(target)
            .set((sk::state.eq(&change.to), sk::retire_after.eq(after)))
            .execute(conn)?,
        (None, None) => diesel::update(target)
            .set(sk::state.eq(&change.to))
            .execute(conn)?,
    };
    Ok(updated == 1)
}

impl SqlStore {
    pub async fn insert_key(&self, key: &StoredKey) -> Result<(), StoreError> {
        let k = key.clone();
        self.run(move |conn| {
            diesel::insert_into(sk::table)
                .values((
                    sk::kid.eq(&k.kid),
                    sk::alg.eq(&k.alg),
                    sk::state.eq(&k.state),
                    sk::encrypted_private_key.eq(STANDARD.encode(&k.encrypted_private_key)),
                    sk::created_at.eq(k.created_at),
                    sk::activated_at.eq(k.activated_at),
                    sk::retire_after.eq(k.retire_after),
                    sk::activate_after.eq(k.activate_after),
                ))
                .execute(conn)?;
            Ok(())
        })
        .await
    }

    pub async fn keys(&self) -> Result<Vec<StoredKey>, StoreError> {
        self.run(|conn| {
            sk::table
                .order((sk::created_at, sk::kid))
                .load::<Row>(conn)?
                .into_iter()
                .map(stored)
                .collect()
        })
        .await
    }

    /// Applies several state changes in one transaction; if any key has left
    /// the expected state meanwhile, none is applied and false is returned.
    pub async fn change_keys(&self, changes: Vec<KeyChange>) -> Result<bool, StoreError> {
        self.run(move |conn| {
            let result = transaction::write(conn, |conn| {
                for change in &changes {
                    if !apply(conn, change)? {
                        return Err(diesel::result::Error::RollbackTransaction);
                    }
                }
                Ok(())
            });
            match result {
                Ok(()) => Ok(true),
                Err(diesel::result::Error::RollbackTransaction) => Ok(false),
                Err(e) => Err(e.into()),
            }
        })
        .await
    }

    /// Replaces the encrypted private keys (master-key rotation), all or none.
    /// Stores what a new master key sealed, in one transaction: private
    /// keys by `kid`, and TOTP secrets by account (already base64).
    pub async fn rewrap_keys(
        &self,
        sealed: Vec<(String, Vec<u8>)>,
        totp: Vec<(String, String)>,
    ) -> Result<(), StoreError> {
        use crate::store::schema::second_factors as sf;
        self.run(move |conn| {
            transaction::write(conn, |conn| {
                for (kid, bytes) in &sealed {
                    diesel::update(sk::table.find(kid))
                        .set(sk::encrypted_private_key.eq(STANDARD.encode(bytes)))
                        .execute(conn)?;
                }
                for (account_id, secret) in &totp {
                    diesel::update(sf::table.find(account_id))
                        .set(sf::sealed_secret.eq(secret))
                        .execute(conn)?;
                }
                Ok(())
            })
        })
        .await
    }

    /// A cheap summary of the key table that changes whenever a key does:
    /// nodes poll it to notice changes made elsewhere.
    pub async fn keys_fingerprint(&self) -> Result<String, StoreError> {
        self.run(|conn| {
            let rows: Vec<(String, String)> = sk::table
                .select((sk::kid, sk::state))
                .order(sk::kid)
                .load(conn)?;
            Ok(rows
                .into_iter()
                .map(|(kid, state)| format!("{kid}={state}"))
                .collect::<Vec<_>>()
                .join(","))
        })
        .await
    }
}
