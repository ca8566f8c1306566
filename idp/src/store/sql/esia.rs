//! What ESIA mode reads: the `oid` of accounts (the column the migrations
//! fill in), and whether a portal got tokens in a session.

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

impl SqlStore {
    /// Whether `client_id` redeemed a code in the session `sid`.
    pub async fn session_has_client(&self, sid: &str, client_id: &str) -> Result<bool, StoreError> {
        use crate::store::schema::session_clients as sc;
        let (sid, client_id) = (sid.to_owned(), client_id.to_owned());
        self.run(move |conn| {
            let n: i64 = sc::table
                .filter(sc::sid.eq(sid))
                .filter(sc::client_id.eq(client_id))
                .count()
                .get_result(conn)?;
            Ok(n > 0)
        })
        .await
    }
}
