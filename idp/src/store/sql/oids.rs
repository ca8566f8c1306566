//! The ESIA `oid` of accounts (the column the migrations fill in).

use diesel::prelude::*;

use super::SqlStore;
use crate::store::StoreError;
use crate::store::schema::account_oids;

impl SqlStore {
    /// The account's ESIA oid; `None`: no such account.
    pub async fn account_oid(&self, account_id: &str) -> Result<Option<i64>, StoreError> {
        let id = account_id.to_owned();
        self.run(move |conn| {
            Ok(account_oids::table
                .find(id)
                .select(account_oids::oid)
                .first::<Option<i64>>(conn)
                .optional()?
                .flatten())
        })
        .await
    }

    /// The account with this ESIA oid.
    pub async fn account_by_oid(&self, oid: i64) -> Result<Option<String>, StoreError> {
        self.run(move |conn| {
            Ok(account_oids::table
                .filter(account_oids::oid.eq(oid))
                .select(account_oids::id)
                .first::<String>(conn)
                .optional()?)
        })
        .await
    }
}
