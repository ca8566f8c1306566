use diesel::prelude::*;

use super::transaction;
use super::{SqlStore, corrupt, flag};
use crate::model::{Grant, RefreshToken, Scopes};
use crate::store::StoreError;
use crate::store::schema::{grants as g, refresh_tokens as rt};

#[derive(Queryable, Insertable)]
#[diesel(table_name = rt)]
pub(super) struct Row {
    digest: String,
    family_id: String,
    client_id: String,
    account_id: String,
    scopes: String,
    auth: String,
    issued_at: i64,
    expires_at: i64,
    rotated_at: Option<i64>,
    revoked: i32,
}

impl TryFrom<Row> for RefreshToken {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self, StoreError> {
        Ok(RefreshToken {
            auth: serde_json::from_str(&r.auth).map_err(corrupt)?,
            digest: r.digest,
            family_id: r.family_id,
            client_id: r.client_id,
            scopes: Scopes::parse(&r.scopes),
            issued_at: r.issued_at,
            expires_at: r.expires_at,
            rotated_at: r.rotated_at,
            revoked: r.revoked != 0,
        })
    }
}

impl From<&RefreshToken> for Row {
    fn from(t: &RefreshToken) -> Self {
        Row {
            digest: t.digest.clone(),
            family_id: t.family_id.clone(),
            client_id: t.client_id.clone(),
            account_id: t.auth.account_id.clone(),
            scopes: t.scopes.to_string(),
            auth: serde_json::to_string(&t.auth).expect("auth context serializes"),
            issued_at: t.issued_at,
            expires_at: t.expires_at,
            rotated_at: t.rotated_at,
            revoked: flag(t.revoked),
        }
    }
}

impl SqlStore {
    pub async fn refresh_token(&self, digest: &str) -> Result<Option<RefreshToken>, StoreError> {
        let digest = digest.to_owned();
        self.run(move |conn| {
            rt::table
                .find(digest)
                .first::<Row>(conn)
                .optional()?
                .map(RefreshToken::try_from)
                .transpose()
        })
        .await
    }

    /// A refresh token with its grant (None if the grant is gone), in one
    /// query: what every refresh reads first.
    pub async fn refresh_token_with_grant(
        &self,
        digest: &str,
    ) -> Result<Option<(RefreshToken, Option<Grant>)>, StoreError> {
        let digest = digest.to_owned();
        self.run(move |conn| {
            let found = rt::table
                .find(digest)
                .left_join(g::table)
                .first::<(Row, Option<super::grants::Row>)>(conn)
                .optional()?;
            found
                .map(|(token, grant)| {
                    Ok((
                        RefreshToken::try_from(token)?,
                        grant.map(Grant::try_from).transpose()?,
                    ))
                })
                .transpose()
        })
        .await
    }

    /// Marks `old` rotated and stores its successor, atomically, under the
    /// lock of the family's grant. Returns false when another request
    /// rotated (or revoked) it first, or the grant is revoked.
    pub async fn rotate_refresh_token(
        &self,
        old_digest: &str,
        now: i64,
        successor: &RefreshToken,
    ) -> Result<bool, StoreError> {
        let old = old_digest.to_owned();
        let row = Row::from(successor);
        self.run(move |conn| {
            transaction::write(conn, |conn| {
                // The grant's lock serializes this with a revocation of the
                // family; the conditional update then lets one of two
                // concurrent rotations win.
                if !super::grants::lock_live_grant(conn, &row.family_id)? {
                    return Ok(false);
                }
                let won = diesel::update(
                    rt::table
                        .find(&old)
                        .filter(rt::rotated_at.is_null())
                        .filter(rt::revoked.eq(0)),
                )
                .set(rt::rotated_at.eq(now))
                .execute(conn)?
                    == 1;
                if won {
                    diesel::insert_into(rt::table).values(&row).execute(conn)?;
                }
                Ok(won)
            })
        })
        .await
    }

    /// Deletes tokens that expired before `now`; returns how many.
    pub async fn purge_refresh_tokens(&self, now: i64) -> Result<usize, StoreError> {
        self.run(move |conn| {
            Ok(diesel::delete(rt::table.filter(rt::expires_at.lt(now))).execute(conn)?)
        })
        .await
    }
}
