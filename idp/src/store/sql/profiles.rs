//! Profiles («Мои данные») and their verifications. A profile is the claims
//! in `accounts` plus the identity document in `profiles`; saving changes
//! both in one transaction.

use diesel::prelude::*;

use super::{AnyConnection, SqlStore, corrupt};
use crate::clock::UnixTime;
use crate::model::{AccountLevel, Passport, Profile, Verification, VerificationStatus};
use crate::store::StoreError;
use crate::store::schema::{accounts as a, profiles as p, verifications as v};

#[derive(Queryable, Insertable)]
#[diesel(table_name = p)]
struct ProfileRow {
    account_id: String,
    birthplace: Option<String>,
    passport_series: Option<String>,
    passport_number: Option<String>,
    passport_issued_on: Option<String>,
    passport_issuer: Option<String>,
    passport_issuer_code: Option<String>,
    updated_at: i64,
}

#[derive(Queryable, Insertable)]
#[diesel(table_name = v)]
struct VerificationRow {
    id: String,
    account_id: String,
    seq: i64,
    status: String,
    data: String,
    outcome: Option<String>,
    requested_at: i64,
    finished_at: Option<i64>,
}

impl TryFrom<VerificationRow> for Verification {
    type Error = StoreError;
    fn try_from(r: VerificationRow) -> Result<Self, StoreError> {
        Ok(Verification {
            status: r.status.parse().map_err(corrupt)?,
            data: serde_json::from_str(&r.data).map_err(corrupt)?,
            mismatches: match r.outcome {
                Some(text) => serde_json::from_str(&text).map_err(corrupt)?,
                None => Vec::new(),
            },
            id: r.id,
            account_id: r.account_id,
            requested_at: r.requested_at,
            finished_at: r.finished_at,
        })
    }
}

fn latest(conn: &mut AnyConnection, account_id: &str) -> Result<Option<Verification>, StoreError> {
    v::table
        .filter(v::account_id.eq(account_id))
        .order(v::seq.desc())
        .first::<VerificationRow>(conn)
        .optional()?
        .map(Verification::try_from)
        .transpose()
}

impl SqlStore {
    /// The profile of an account (`None` when the account does not exist).
    pub async fn profile(&self, account_id: &str) -> Result<Option<Profile>, StoreError> {
        let account = self.account(account_id).await?;
        let Some(account) = account else {
            return Ok(None);
        };
        let id = account_id.to_owned();
        let row = self
            .run(move |conn| Ok(p::table.find(id).first::<ProfileRow>(conn).optional()?))
            .await?;
        let passport = row.as_ref().and_then(|r| {
            Some(Passport {
                series: r.passport_series.clone()?,
                number: r.passport_number.clone()?,
                issued_on: r.passport_issued_on.clone()?,
                issuer: r.passport_issuer.clone()?,
                issuer_code: r.passport_issuer_code.clone()?,
            })
        });
        Ok(Some(Profile {
            family_name: account.family_name,
            given_name: account.given_name,
            middle_name: account.middle_name,
            gender: account.gender,
            birthdate: account.birthdate,
            birthplace: row.and_then(|r| r.birthplace),
            snils: account.snils,
            inn: account.inn,
            passport,
        }))
    }

    /// Saves a profile and opens a verification of it, superseding a pending
    /// one, in one transaction. `Conflict` when the SNILS or INN belongs to
    /// another account.
    pub async fn submit_profile(
        &self,
        account_id: &str,
        profile: &Profile,
        verification: &Verification,
        now: UnixTime,
    ) -> Result<(), StoreError> {
        let id = account_id.to_owned();
        let passport = profile.passport.clone().unwrap_or_default();
        let row = ProfileRow {
            account_id: id.clone(),
            birthplace: profile.birthplace.clone(),
            passport_series: Some(passport.series),
            passport_number: Some(passport.number),
            passport_issued_on: Some(passport.issued_on),
            passport_issuer: Some(passport.issuer),
            passport_issuer_code: Some(passport.issuer_code),
            updated_at: now,
        };
        let profile = profile.clone();
        let mut verification = VerificationRow {
            id: verification.id.clone(),
            account_id: id.clone(),
            seq: 0,
            status: VerificationStatus::Pending.as_str().into(),
            data: serde_json::to_string(&verification.data).map_err(corrupt)?,
            outcome: None,
            requested_at: verification.requested_at,
            finished_at: None,
        };
        self.run(move |conn| {
            conn.transaction(|conn| {
                diesel::update(a::table.find(&id))
                    .set((
                        a::family_name.eq(&profile.family_name),
                        a::given_name.eq(&profile.given_name),
                        a::middle_name.eq(&profile.middle_name),
                        a::gender.eq(&profile.gender),
                        a::birthdate.eq(&profile.birthdate),
                        a::snils.eq(&profile.snils),
                        a::inn.eq(&profile.inn),
                        a::updated_at.eq(now),
                    ))
                    .execute(conn)?;
                diesel::delete(p::table.find(&id)).execute(conn)?;
                diesel::insert_into(p::table).values(&row).execute(conn)?;
                cancel(conn, &id, now)?;
                let last: Option<i64> = v::table
                    .filter(v::account_id.eq(&id))
                    .select(diesel::dsl::max(v::seq))
                    .first(conn)?;
                verification.seq = last.unwrap_or(0) + 1;
                diesel::insert_into(v::table)
                    .values(&verification)
                    .execute(conn)?;
                Ok(())
            })
        })
        .await
    }

    /// The newest verification of an account.
    pub async fn latest_verification(
        &self,
        account_id: &str,
    ) -> Result<Option<Verification>, StoreError> {
        let id = account_id.to_owned();
        self.run(move |conn| latest(conn, &id)).await
    }

    /// The newest verification of an account that passed.
    pub async fn latest_passed_verification(
        &self,
        account_id: &str,
    ) -> Result<Option<Verification>, StoreError> {
        let id = account_id.to_owned();
        self.run(move |conn| {
            v::table
                .filter(v::account_id.eq(&id))
                .filter(v::status.eq(VerificationStatus::Passed.as_str()))
                .order(v::seq.desc())
                .first::<VerificationRow>(conn)
                .optional()?
                .map(Verification::try_from)
                .transpose()
        })
        .await
    }

    pub async fn verification(&self, id: &str) -> Result<Option<Verification>, StoreError> {
        let id = id.to_owned();
        self.run(move |conn| {
            v::table
                .find(id)
                .first::<VerificationRow>(conn)
                .optional()?
                .map(Verification::try_from)
                .transpose()
        })
        .await
    }

    /// Cancels the pending verification of an account; how many there were.
    pub async fn cancel_verification(
        &self,
        account_id: &str,
        now: UnixTime,
    ) -> Result<usize, StoreError> {
        let id = account_id.to_owned();
        self.run(move |conn| cancel(conn, &id, now)).await
    }

    /// Records the registries' answer if the request is still pending, and
    /// on success raises a simplified account to standard; false when the
    /// request was superseded meanwhile.
    pub async fn finish_verification(
        &self,
        id: &str,
        passed: bool,
        mismatches: &[String],
        now: UnixTime,
    ) -> Result<bool, StoreError> {
        let id = id.to_owned();
        let outcome = serde_json::to_string(mismatches).map_err(corrupt)?;
        let status = if passed {
            VerificationStatus::Passed
        } else {
            VerificationStatus::Failed
        };
        self.run(move |conn| {
            conn.transaction(|conn| {
                let updated = diesel::update(
                    v::table
                        .find(&id)
                        .filter(v::status.eq(VerificationStatus::Pending.as_str())),
                )
                .set((
                    v::status.eq(status.as_str()),
                    v::outcome.eq(Some(&outcome)),
                    v::finished_at.eq(Some(now)),
                ))
                .execute(conn)?;
                if updated == 1 && passed {
                    let account: String = v::table.find(&id).select(v::account_id).first(conn)?;
                    diesel::update(
                        a::table
                            .find(account)
                            .filter(a::level.eq(AccountLevel::Simplified.as_str())),
                    )
                    .set((
                        a::level.eq(AccountLevel::Standard.as_str()),
                        a::updated_at.eq(now),
                    ))
                    .execute(conn)?;
                }
                Ok(updated == 1)
            })
        })
        .await
    }
}

fn cancel(conn: &mut AnyConnection, account_id: &str, now: UnixTime) -> Result<usize, StoreError> {
    Ok(diesel::update(
        v::table
            .filter(v::account_id.eq(account_id))
            .filter(v::status.eq(VerificationStatus::Pending.as_str())),
    )
    .set((
        v::status.eq(VerificationStatus::Cancelled.as_str()),
        v::finished_at.eq(Some(now)),
    ))
    .execute(conn)?)
}
