use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use diesel::prelude::*;

use super::{SqlStore, corrupt};
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
);

fn stored(
    (kid, alg, state, key, created_at, activated_at, retire_after): Row,
) -> Result<StoredKey, StoreError> {
    Ok(StoredKey {
        encrypted_private_key: STANDARD.decode(key).map_err(corrupt)?,
        kid,
        alg,
        state,
        created_at,
        activated_at,
        retire_after,
    })
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
                ))
                .execute(conn)?;
            Ok(())
        })
        .await
    }

    pub async fn keys(&self) -> Result<Vec<StoredKey>, StoreError> {
        self.run(|conn| {
            sk::table
                .order(sk::created_at)
                .load::<Row>(conn)?
                .into_iter()
                .map(stored)
                .collect()
        })
        .await
    }
}
