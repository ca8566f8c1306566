use diesel::prelude::*;

use super::SqlStore;
use crate::model::{Consent, Scopes};
use crate::store::StoreError;
use crate::store::schema::consents;

type Row = (String, String, String, i64, String);

fn consent((account_id, client_id, scopes, granted_at, claims): Row) -> Consent {
    Consent {
        account_id,
        client_id,
        scopes: Scopes::parse(&scopes),
        claims: claims.split_ascii_whitespace().map(str::to_owned).collect(),
        granted_at,
    }
}

impl SqlStore {
    pub async fn consent(
        &self,
        account_id: &str,
        client_id: &str,
    ) -> Result<Option<Consent>, StoreError> {
        let key = (account_id.to_owned(), client_id.to_owned());
        self.run(move |conn| {
            Ok(consents::table
                .find(key)
                .first::<Row>(conn)
                .optional()?
                .map(consent))
        })
        .await
    }

    pub async fn consents_of(&self, account_id: &str) -> Result<Vec<Consent>, StoreError> {
        let account_id = account_id.to_owned();
        self.run(move |conn| {
            Ok(consents::table
                .filter(consents::account_id.eq(account_id))
                .order(consents::client_id)
                .load::<Row>(conn)?
                .into_iter()
                .map(consent)
                .collect())
        })
        .await
    }

    /// Stores the consent, replacing an earlier one for the same client.
    /// Consents given at once in two tabs both succeed: an insert that
    /// loses the race to another updates what that one inserted.
    pub async fn save_consent(&self, c: &Consent) -> Result<(), StoreError> {
        use diesel::result::{DatabaseErrorKind, Error};
        let c = c.clone();
        self.run(move |conn| {
            let key = (&c.account_id, &c.client_id);
            let scopes = c.scopes.to_string();
            let claims = c.claims.iter().cloned().collect::<Vec<_>>().join(" ");
            let values = (
                consents::scopes.eq(&scopes),
                consents::granted_at.eq(c.granted_at),
                consents::claims.eq(&claims),
            );
            if diesel::update(consents::table.find(key))
                .set(values)
                .execute(conn)?
                > 0
            {
                return Ok(());
            }
            let inserted = diesel::insert_into(consents::table)
                .values((
                    consents::account_id.eq(&c.account_id),
                    consents::client_id.eq(&c.client_id),
                    consents::scopes.eq(&scopes),
                    consents::granted_at.eq(c.granted_at),
                    consents::claims.eq(&claims),
                ))
                .execute(conn);
            match inserted {
                Err(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
                    diesel::update(consents::table.find(key))
                        .set(values)
                        .execute(conn)?;
                    Ok(())
                }
                other => other.map(drop).map_err(Into::into),
            }
        })
        .await
    }

    /// Withdraws a consent; returns whether there was one.
    pub async fn delete_consent(
        &self,
        account_id: &str,
        client_id: &str,
    ) -> Result<bool, StoreError> {
        let key = (account_id.to_owned(), client_id.to_owned());
        self.run(move |conn| Ok(diesel::delete(consents::table.find(key)).execute(conn)? > 0))
            .await
    }
}
