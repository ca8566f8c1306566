//! What confirming an identity writes: the account's level (conditional on
//! the level and the identity it had, so two confirmations never race and a
//! confirmation never lands on an identity it did not see) and the codes
//! sent by registered post (a try is taken in the step that reads the code to
//! compare, and the letters ordered are counted in the step that replaces
//! it, so parallel requests never exceed either).

use diesel::prelude::*;

use super::SqlStore;
use super::transaction;
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
    /// Letters ordered since `window_started_at`.
    letters: i32,
    window_started_at: i64,
}

/// What taking a try of the postal code found.
#[derive(Debug)]
pub enum PostalTry {
    /// A try was taken: the code to compare (`tries_left` after this try).
    Taken(PostalCode),
    /// A live code with no tries left.
    Spent,
    /// No code, or an expired one.
    Missing,
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

    /// Replaces the account's postal code with `code`, counting the letter:
    /// at most `max` per `window_secs`. Each write is conditional on the
    /// count it read, so concurrent orders never exceed it. `Err` holds when
    /// another letter may be ordered.
    pub async fn order_postal_code(
        &self,
        code: &PostalCode,
        max: i64,
        window_secs: i64,
    ) -> Result<Result<(), UnixTime>, StoreError> {
        let code = code.clone();
        self.run(move |conn| {
            let now = code.ordered_at;
            for _ in 0..8 {
                let current: Option<(i32, i64)> = pc::table
                    .find(&code.account_id)
                    .select((pc::letters, pc::window_started_at))
                    .first(conn)
                    .optional()?;
                let Some((letters, started)) = current else {
                    let row = Row {
                        account_id: code.account_id.clone(),
                        digest: code.digest.clone(),
                        address: code.address.clone(),
                        ordered_at: now,
                        expires_at: code.expires_at,
                        tries_left: code.tries_left as i32,
                        letters: 1,
                        window_started_at: now,
                    };
                    match diesel::insert_into(pc::table).values(&row).execute(conn) {
                        Ok(_) => return Ok(Ok(())),
                        // Another order inserted first: count on its row.
                        Err(diesel::result::Error::DatabaseError(
                            diesel::result::DatabaseErrorKind::UniqueViolation,
                            _,
                        )) => continue,
                        Err(e) => return Err(e.into()),
                    }
                };
                let (letters_then, started_then) = if started + window_secs <= now {
                    (1, now)
                } else if i64::from(letters) < max {
                    (letters + 1, started)
                } else {
                    return Ok(Err(started + window_secs));
                };
                let replaced = diesel::update(
                    pc::table
                        .find(&code.account_id)
                        .filter(pc::letters.eq(letters))
                        .filter(pc::window_started_at.eq(started)),
                )
                .set((
                    pc::digest.eq(&code.digest),
                    pc::address.eq(&code.address),
                    pc::ordered_at.eq(now),
                    pc::expires_at.eq(code.expires_at),
                    pc::tries_left.eq(code.tries_left as i32),
                    pc::letters.eq(letters_then),
                    pc::window_started_at.eq(started_then),
                ))
                .execute(conn)?;
                if replaced == 1 {
                    return Ok(Ok(()));
                }
            }
            Err(StoreError::Database("the postal code kept changing".into()))
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

    /// Takes one try of the account's live code and returns the code to
    /// compare, in one step: of concurrent callers, no more get a code than
    /// it had tries.
    pub async fn take_postal_try(
        &self,
        account_id: &str,
        now: UnixTime,
    ) -> Result<PostalTry, StoreError> {
        let id = account_id.to_owned();
        self.run(move |conn| {
            transaction::write(conn, |conn| {
                // The UPDATE locks the row until the transaction ends, so
                // the SELECT reads the very code whose try it took.
                let taken = diesel::update(
                    pc::table
                        .find(&id)
                        .filter(pc::tries_left.gt(0))
                        .filter(pc::expires_at.gt(now)),
                )
                .set(pc::tries_left.eq(pc::tries_left - 1))
                .execute(conn)?;
                let code = pc::table
                    .find(&id)
                    .first::<Row>(conn)
                    .optional()?
                    .map(PostalCode::from)
                    .filter(|c| c.expires_at > now);
                Ok(match (taken, code) {
                    (1, Some(code)) => PostalTry::Taken(code),
                    (_, Some(_)) => PostalTry::Spent,
                    (_, None) => PostalTry::Missing,
                })
            })
        })
        .await
    }

    /// Deletes the account's postal code if it is still the one with
    /// `digest`; whether it did (so one code confirms once).
    pub async fn use_postal_code(
        &self,
        account_id: &str,
        digest: &str,
    ) -> Result<bool, StoreError> {
        let (id, digest) = (account_id.to_owned(), digest.to_owned());
        self.run(move |conn| {
            let deleted =
                diesel::delete(pc::table.find(id).filter(pc::digest.eq(digest))).execute(conn)?;
            Ok(deleted == 1)
        })
        .await
    }
}
