//! Grants and their refresh-token families. Every change to a family first
//! locks its grant row (`UPDATE grants ... WHERE id = ?`: a row lock on
//! PostgreSQL, the write lock on SQLite), so a revocation and a rotation of
//! the same family never interleave: under READ COMMITTED a revocation could
//! otherwise miss a successor inserted by a concurrent rotation.

use diesel::prelude::*;

use super::transaction;
use super::{AnyConnection, SqlStore, corrupt, flag};
use crate::model::{Grant, Release, Scopes};
use crate::store::StoreError;
use crate::store::schema::{grants as g, refresh_tokens as rt};

#[derive(Queryable, Insertable)]
#[diesel(table_name = g)]
pub(super) struct Row {
    id: String,
    account_id: String,
    client_id: String,
    scopes: String,
    claims: String,
    auth: String,
    created_at: i64,
    expires_at: i64,
    revoked: i32,
}

impl TryFrom<Row> for Grant {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self, StoreError> {
        let scopes = Scopes::parse(&r.scopes);
        // Empty for a grant made before releases were stored.
        let release = if r.claims.is_empty() {
            None
        } else {
            Some(serde_json::from_str::<Release>(&r.claims).map_err(corrupt)?)
        };
        Ok(Grant {
            auth: serde_json::from_str(&r.auth).map_err(corrupt)?,
            id: r.id,
            client_id: r.client_id,
            scopes,
            release,
            created_at: r.created_at,
            expires_at: r.expires_at,
            revoked: r.revoked != 0,
        })
    }
}

impl From<&Grant> for Row {
    fn from(grant: &Grant) -> Self {
        Row {
            id: grant.id.clone(),
            account_id: grant.auth.account_id.clone(),
            client_id: grant.client_id.clone(),
            scopes: grant.scopes.to_string(),
            claims: grant.release.as_ref().map_or_else(String::new, |release| {
                serde_json::to_string(release).expect("release serializes")
            }),
            auth: serde_json::to_string(&grant.auth).expect("auth context serializes"),
            created_at: grant.created_at,
            expires_at: grant.expires_at,
            revoked: flag(grant.revoked),
        }
    }
}

/// Locks a grant's row for the rest of the transaction; false when the
/// grant is missing or revoked.
pub(super) fn lock_live_grant(conn: &mut AnyConnection, id: &str) -> Result<bool, StoreError> {
    Ok(diesel::update(g::table.find(id).filter(g::revoked.eq(0)))
        .set(g::revoked.eq(0))
        .execute(conn)?
        == 1)
}

// lock_first: a transaction that reads the grants it then revokes starts
// with a no-op UPDATE of them. On SQLite a deferred transaction that has
// read cannot wait for the write lock when it comes to write: it fails at
// once with "database is locked", its busy timeout unused (it did, ending a
// person's sessions while the worker wrote). One that writes first waits
// like any writer. On PostgreSQL the same UPDATE locks those rows, so a
// concurrent revocation waits instead of reading what is being changed.

/// Revokes the live refresh tokens of the grants `ids`.
fn revoke_refresh_tokens(conn: &mut AnyConnection, ids: &[String]) -> Result<(), StoreError> {
    diesel::update(
        rt::table
            .filter(rt::family_id.eq_any(ids))
            .filter(rt::revoked.eq(0)),
    )
    .set(rt::revoked.eq(1))
    .execute(conn)?;
    Ok(())
}

impl SqlStore {
    /// Stores the grant of a code and, with `offline_access`, its first
    /// refresh token, and records that its portal got tokens in the login
    /// session, all in one transaction and only while that session is live:
    /// false, and nothing stored, when it ended after the code was issued.
    pub async fn insert_grant(
        &self,
        grant: &Grant,
        refresh: Option<&crate::model::RefreshToken>,
    ) -> Result<bool, StoreError> {
        let row = Row::from(grant);
        let sid = grant.auth.sid.clone();
        let now = grant.created_at;
        let refresh = refresh.map(super::refresh::Row::from);
        self.run(move |conn| {
            transaction::write(conn, |conn| {
                if !super::sessions::join(conn, &sid, &row.client_id, now)? {
                    return Ok(false);
                }
                diesel::insert_into(g::table).values(&row).execute(conn)?;
                if let Some(refresh) = &refresh {
                    diesel::insert_into(rt::table)
                        .values(refresh)
                        .execute(conn)?;
                }
                Ok(true)
            })
        })
        .await
    }

    /// Whether the grant `id` exists and is not revoked: what every check
    /// of an access token reads (one primary-key lookup), so a revocation
    /// by any node or the admin CLI stops its access tokens at once.
    pub async fn grant_is_live(&self, id: &str) -> Result<bool, StoreError> {
        let id = id.to_owned();
        self.run(move |conn| {
            let revoked: Option<i32> = g::table
                .find(id)
                .select(g::revoked)
                .first(conn)
                .optional()?;
            Ok(revoked == Some(0))
        })
        .await
    }

    /// Revokes a grant and its refresh tokens; returns how many refresh
    /// tokens were live.
    pub async fn revoke_grant(&self, id: &str) -> Result<usize, StoreError> {
        let id = id.to_owned();
        self.run(move |conn| {
            transaction::write(conn, |conn| {
                diesel::update(g::table.find(&id))
                    .set(g::revoked.eq(1))
                    .execute(conn)?;
                Ok(diesel::update(
                    rt::table
                        .filter(rt::family_id.eq(&id))
                        .filter(rt::revoked.eq(0)),
                )
                .set(rt::revoked.eq(1))
                .execute(conn)?)
            })
        })
        .await
    }

    /// Revokes every live grant of an account at a client (consent
    /// withdrawn); returns their ids, whose access tokens the caller marks.
    pub async fn revoke_grants_of(
        &self,
        account_id: &str,
        client_id: &str,
    ) -> Result<Vec<String>, StoreError> {
        let (account_id, client_id) = (account_id.to_owned(), client_id.to_owned());
        self.run(move |conn| {
            transaction::write(conn, |conn| {
                let live = g::table
                    .filter(g::account_id.eq(&account_id))
                    .filter(g::client_id.eq(&client_id))
                    .filter(g::revoked.eq(0));
                // Write before reading: see `lock_first`.
                diesel::update(live)
                    .set(g::revoked.eq(g::revoked))
                    .execute(conn)?;
                let ids: Vec<String> = live.select(g::id).load(conn)?;
                diesel::update(live).set(g::revoked.eq(1)).execute(conn)?;
                revoke_refresh_tokens(conn, &ids)?;
                Ok(ids)
            })
        })
        .await
    }

    /// Revokes every live grant of an account, but those of the logins in
    /// the session `keep_sid`, with their refresh tokens; returns their ids,
    /// whose access tokens the caller marks.
    pub async fn revoke_grants_of_account(
        &self,
        account_id: &str,
        keep_sid: Option<&str>,
    ) -> Result<Vec<String>, StoreError> {
        let (account_id, keep_sid) = (account_id.to_owned(), keep_sid.map(str::to_owned));
        self.run(move |conn| {
            transaction::write(conn, |conn| {
                // Write before reading: see `lock_first`.
                diesel::update(g::table.filter(g::account_id.eq(&account_id)))
                    .filter(g::revoked.eq(0))
                    .set(g::revoked.eq(g::revoked))
                    .execute(conn)?;
                let live: Vec<(String, String)> = g::table
                    .filter(g::account_id.eq(&account_id))
                    .filter(g::revoked.eq(0))
                    .select((g::id, g::auth))
                    .load(conn)?;
                let mut ids = Vec::new();
                for (id, auth) in live {
                    let auth: crate::model::AuthContext =
                        serde_json::from_str(&auth).map_err(corrupt)?;
                    if keep_sid.as_deref() != Some(auth.sid.as_str()) {
                        ids.push(id);
                    }
                }
                diesel::update(g::table.filter(g::id.eq_any(&ids)))
                    .set(g::revoked.eq(1))
                    .execute(conn)?;
                revoke_refresh_tokens(conn, &ids)?;
                Ok(ids)
            })
        })
        .await
    }

    /// Deletes grants that ended before `now` (their refresh tokens never
    /// outlive them and go by their own expiry); returns how many.
    pub async fn purge_grants(&self, now: i64) -> Result<usize, StoreError> {
        self.run(move |conn| {
            Ok(diesel::delete(g::table.filter(g::expires_at.lt(now))).execute(conn)?)
        })
        .await
    }
}
