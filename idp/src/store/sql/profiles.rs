//! Profiles («Мои данные») and their verifications. The claims in
//! `accounts` and the identity document in `profiles` are the CHECKED data
//! only; an edit waits as a pending verification (which keeps the
//! submitted data) and replaces them only when its check passes, in the
//! transaction that records the answer.

use diesel::prelude::*;

use super::transaction;
use super::{AnyConnection, SqlStore, corrupt};
use crate::clock::UnixTime;
use crate::model::{
    AccountLevel, AfterCheck, CheckReason, Passport, PersonalNumber, Profile, Verification,
    VerificationStatus,
};
use crate::store::StoreError;
use crate::store::schema::{accounts as a, postal_codes as pc, profiles as p, verifications as v};
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

/// What recording a registries' answer did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finished {
    /// The request was superseded meanwhile: nothing recorded.
    Superseded,
    /// Refused by the registries: the checked data stays.
    Refused,
    /// Passed: the submitted data is now the checked data, and the account
    /// moved from level `from` to `to` (the same when it stayed).
    Passed {
        from: AccountLevel,
        to: AccountLevel,
    },
    /// Passed, but another account has this number checked: refused.
    Duplicate {
        other_account: String,
        number: PersonalNumber,
    },
}

/// The checked profile of an account and its level; `None` when there is
/// no such account.
pub(super) fn checked(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<Option<(Profile, AccountLevel)>, StoreError> {
    type Claims = (
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        String,
    );
    let claims: Option<Claims> = a::table
        .find(id)
        .select((
            a::family_name,
            a::given_name,
            a::middle_name,
            a::gender,
            a::birthdate,
            a::snils,
            a::inn,
            a::level,
        ))
        .first(conn)
        .optional()?;
    let Some((family_name, given_name, middle_name, gender, birthdate, snils, inn, level)) = claims
    else {
        return Ok(None);
    };
    let row = p::table.find(id).first::<ProfileRow>(conn).optional()?;
    let passport = row.as_ref().and_then(|r| {
        Some(Passport {
            series: r.passport_series.clone()?,
            number: r.passport_number.clone()?,
            issued_on: r.passport_issued_on.clone()?,
            issuer: r.passport_issuer.clone()?,
            issuer_code: r.passport_issuer_code.clone()?,
        })
    });
    let profile = Profile {
        family_name,
        given_name,
        middle_name,
        gender,
        birthdate,
        birthplace: row.and_then(|r| r.birthplace),
        snils,
        inn,
        passport,
    };
    Ok(Some((profile, level.parse().map_err(corrupt)?)))
}

/// Another account that has `profile`'s SNILS (or else INN) checked.
pub(super) fn holder(
    conn: &mut AnyConnection,
    account_id: &str,
    profile: &Profile,
) -> Result<Option<(String, PersonalNumber)>, StoreError> {
    if let Some(snils) = &profile.snils
        && let Some(other) = a::table
            .filter(a::snils.eq(snils).and(a::id.ne(account_id)))
            .select(a::id)
            .first::<String>(conn)
            .optional()?
    {
        return Ok(Some((other, PersonalNumber::Snils)));
    }
    if let Some(inn) = &profile.inn
        && let Some(other) = a::table
            .filter(a::inn.eq(inn).and(a::id.ne(account_id)))
            .select(a::id)
            .first::<String>(conn)
            .optional()?
    {
        return Ok(Some((other, PersonalNumber::Inn)));
    }
    Ok(None)
}

/// Makes `profile` the checked data of an account: its claims and its
/// identity document. `checked_at` moves only when the data changed.
pub(super) fn put_checked(
    conn: &mut AnyConnection,
    id: &str,
    profile: &Profile,
    changed: bool,
    now: UnixTime,
) -> Result<(), StoreError> {
    diesel::update(a::table.find(id))
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
    if changed {
        diesel::update(a::table.find(id))
            .set(a::checked_at.eq(Some(now)))
            .execute(conn)?;
    }
    diesel::delete(p::table.find(id)).execute(conn)?;
    if profile.passport.is_some() || profile.birthplace.is_some() {
        let passport = profile.passport.clone();
        let row = ProfileRow {
            account_id: id.to_owned(),
            birthplace: profile.birthplace.clone(),
            passport_series: passport.as_ref().map(|p| p.series.clone()),
            passport_number: passport.as_ref().map(|p| p.number.clone()),
            passport_issued_on: passport.as_ref().map(|p| p.issued_on.clone()),
            passport_issuer: passport.as_ref().map(|p| p.issuer.clone()),
            passport_issuer_code: passport.as_ref().map(|p| p.issuer_code.clone()),
            updated_at: now,
        };
        diesel::insert_into(p::table).values(&row).execute(conn)?;
    }
    Ok(())
}

impl SqlStore {
    /// The checked profile of an account (`None` when the account does not
    /// exist).
    pub async fn profile(&self, account_id: &str) -> Result<Option<Profile>, StoreError> {
        let id = account_id.to_owned();
        self.run(move |conn| Ok(checked(conn, &id)?.map(|(profile, _)| profile)))
            .await
    }

    /// Another account that has this SNILS (or else INN) checked.
    pub async fn number_holder(
        &self,
        account_id: &str,
        profile: &Profile,
    ) -> Result<Option<(String, PersonalNumber)>, StoreError> {
        let (id, profile) = (account_id.to_owned(), profile.clone());
        self.run(move |conn| holder(conn, &id, &profile)).await
    }

    /// Makes `profile` the checked data of an account without a check: what
    /// an admin (or the demo) creates an account with.
    pub async fn put_checked_profile(
        &self,
        account_id: &str,
        profile: &Profile,
        now: UnixTime,
    ) -> Result<(), StoreError> {
        let (id, profile) = (account_id.to_owned(), profile.clone());
        self.run(move |conn| {
            transaction::write(conn, |conn| put_checked(conn, &id, &profile, true, now))
        })
        .await
    }

    /// Opens a verification of the submitted data (`verification.data`),
    /// superseding a pending one, in one transaction. The checked data is
    /// not touched.
    pub async fn submit_profile(
        &self,
        verification: &Verification,
        now: UnixTime,
    ) -> Result<(), StoreError> {
        let id = verification.account_id.clone();
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
            transaction::write(conn, |conn| {
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

    /// Records the registries' answer if the request is still pending. On
    /// success, in the same transaction, the submitted data becomes the
    /// checked data and the level follows it as `after_check` decides from
    /// the level and the checked data read in that transaction
    /// (`accounts::levels::after_check`), unless another account has its
    /// SNILS or INN checked: then the request is refused for that
    /// ([`CheckReason::number_taken`]).
    pub async fn finish_verification(
        &self,
        id: &str,
        passed: bool,
        mismatches: &[CheckReason],
        now: UnixTime,
        after_check: fn(AccountLevel, &Profile, &Profile) -> AfterCheck,
    ) -> Result<Finished, StoreError> {
        let id = id.to_owned();
        let mismatches = mismatches.to_vec();
        self.run(move |conn| {
            transaction::write(conn, |conn| {
                let Some(row) = v::table
                    .find(&id)
                    .filter(v::status.eq(VerificationStatus::Pending.as_str()))
                    .first::<VerificationRow>(conn)
                    .optional()?
                else {
                    return Ok(Finished::Superseded);
                };
                let data: Profile = serde_json::from_str(&row.data).map_err(corrupt)?;
                let duplicate = match passed {
                    true => holder(conn, &row.account_id, &data)?,
                    false => None,
                };
                let (status, outcome) = match (&duplicate, passed) {
                    (Some((_, number)), _) => (
                        VerificationStatus::Failed,
                        vec![CheckReason::number_taken(*number)],
                    ),
                    (None, true) => (VerificationStatus::Passed, Vec::new()),
                    (None, false) => (VerificationStatus::Failed, mismatches),
                };
                let outcome = serde_json::to_string(&outcome).map_err(corrupt)?;
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
                if updated != 1 {
                    return Ok(Finished::Superseded);
                }
                if let Some((other_account, number)) = duplicate {
                    return Ok(Finished::Duplicate {
                        other_account,
                        number,
                    });
                }
                if !passed {
                    return Ok(Finished::Refused);
                }
                let Some((before, from)) = checked(conn, &row.account_id)? else {
                    return Ok(Finished::Superseded);
                };
                let AfterCheck {
                    level: to,
                    identity_changed,
                } = after_check(from, &before, &data);
                put_checked(conn, &row.account_id, &data, before != data, now)?;
                if identity_changed {
                    // A letter on its way was ordered for the identity
                    // before: its code must not confirm this one.
                    diesel::update(pc::table.find(&row.account_id))
                        .set(pc::expires_at.eq(now))
                        .execute(conn)?;
                }
                if to != from {
                    diesel::update(a::table.find(&row.account_id))
                        .set((a::level.eq(to.as_str()), a::level_since.eq(Some(now))))
                        .execute(conn)?;
                }
                Ok(Finished::Passed { from, to })
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
