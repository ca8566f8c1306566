//! What confirming an identity writes: the account's level (conditional on
//! the level and the identity it had, so two confirmations never race and a
//! confirmation never lands on an identity it did not see) and the codes
//! sent by registered post.

use diesel::prelude::*;

use super::SqlStore;
use crate::clock::UnixTime;
use crate::model::{Account, AccountLevel, PostalCode};
use crate::store::StoreError;
use crate::store::schema::{accounts as a, postal_codes as pc};

#[derive(Queryable, Insertable)]
#[diesel(table_name = pc)]
struct Row {
    account_id: String,
    digest: String,
    address: String,
    ordered_at: i64,
    expires_at: i64,
    tries_left: i32,
}

impl From<Row> for PostalCode {
    fn from(r: Row) -> Self {
        PostalCode {
            account_id: r.account_id,
            digest: r.digest,
            address: r.address,
            ordered_at: r.ordered_at,
            expires_at: r.expires_at,
            tries_left: r.tries_left.max(0) as u32,
        }
    }
}

impl SqlStore {
    /// Raises a standard account to confirmed, only while it is still
    /// standard with the identity `seen` (names, birth date, SNILS): a check
    /// that passed meanwhile with another identity makes this false, so
    /// `confirmed` is bound to the identity it confirmed.
    pub async fn confirm_identity(
        &self,
        seen: &Account,
        now: UnixTime,
    ) -> Result<bool, StoreError> {
        let seen = seen.clone();
        self.run(move |conn| {
            let mut query = diesel::update(a::table)
                .filter(a::id.eq(&seen.id))
                .filter(a::level.eq(AccountLevel::Standard.as_str()))
                .filter(a::family_name.eq(&seen.family_name))
                .filter(a::given_name.eq(&seen.given_name))
                .into_boxed();
            query = match &seen.middle_name {
                Some(name) => query.filter(a::middle_name.eq(name)),
                None => query.filter(a::middle_name.is_null()),
            };
            query = match &seen.birthdate {
                Some(date) => query.filter(a::birthdate.eq(date)),
                None => query.filter(a::birthdate.is_null()),
            };
            query = match &seen.snils {
                Some(snils) => query.filter(a::snils.eq(snils)),
                None => query.filter(a::snils.is_null()),
            };
            Ok(query
                .set((
                    a::level.eq(AccountLevel::Confirmed.as_str()),
                    a::level_since.eq(Some(now)),
                    a::updated_at.eq(now),
                ))
                .execute(conn)?
                == 1)
        })
        .await
    }

    /// Replaces the account's postal code.
    pub async fn put_postal_code(&self, code: &PostalCode) -> Result<(), StoreError> {
        let row = Row {
            account_id: code.account_id.clone(),
            digest: code.digest.clone(),
            address: code.address.clone(),
            ordered_at: code.ordered_at,
            expires_at: code.expires_at,
            tries_left: code.tries_left as i32,
        };
        self.run(move |conn| {
            conn.transaction(|conn| {
                diesel::delete(pc::table.find(&row.account_id)).execute(conn)?;
                diesel::insert_into(pc::table).values(&row).execute(conn)?;
                Ok(())
            })
        })
        .await
    }

    pub async fn postal_code(&self, account_id: &str) -> Result<Option<PostalCode>, StoreError> {
        let id = account_id.to_owned();
        self.run(move |conn| {
            Ok(pc::table
                .find(id)
                .first::<Row>(conn)
                .optional()?
                .map(PostalCode::from))
        })
        .await
    }

    /// Counts a wrong try (only while tries are left: concurrent tries
    /// never go below zero); the tries left after it.
    pub async fn spend_postal_try(&self, account_id: &str) -> Result<u32, StoreError> {
        let id = account_id.to_owned();
        self.run(move |conn| {
            diesel::update(pc::table.find(&id).filter(pc::tries_left.gt(0)))
                .set(pc::tries_left.eq(pc::tries_left - 1))
                .execute(conn)?;
            let left: Option<i32> = pc::table
                .find(&id)
                .select(pc::tries_left)
                .first(conn)
                .optional()?;
            Ok(left.unwrap_or(0).max(0) as u32)
        })
        .await
    }

    pub async fn delete_postal_code(&self, account_id: &str) -> Result<(), StoreError> {
        let id = account_id.to_owned();
        self.run(move |conn| {
            diesel::delete(pc::table.find(id)).execute(conn)?;
            Ok(())
        })
        .await
    }
}
