//! Second factors and recovery codes. Single use is enforced here, by
//! conditional updates, so two nodes can never accept one code twice.

use diesel::prelude::*;

use super::SqlStore;
use super::transaction;
use crate::clock::UnixTime;
use crate::model::{SecondFactor, SecondFactorRecord};
use crate::store::StoreError;
use crate::store::schema::{recovery_codes as rc, second_factors as sf};

#[derive(Queryable, Insertable)]
#[diesel(table_name = sf)]
struct Row {
    account_id: String,
    method: String,
    sealed_secret: Option<String>,
    last_step: Option<i64>,
    enabled_at: i64,
}

impl SqlStore {
    pub async fn second_factor(
        &self,
        account_id: &str,
    ) -> Result<Option<SecondFactorRecord>, StoreError> {
        let id = account_id.to_owned();
        let row: Option<Row> = self
            .run(move |conn| Ok(sf::table.find(id).first::<Row>(conn).optional()?))
            .await?;
        row.map(|r| {
            Ok(SecondFactorRecord {
                method: SecondFactor::parse(&r.method).ok_or_else(|| {
                    StoreError::Corrupt(format!("unknown second factor `{}`", r.method))
                })?,
                account_id: r.account_id,
                sealed_secret: r.sealed_secret,
                last_step: r.last_step,
                enabled_at: r.enabled_at,
            })
        })
        .transpose()
    }

    /// Every sealed TOTP secret, by account (for a master-key rewrap).
    pub async fn sealed_totp_secrets(&self) -> Result<Vec<(String, String)>, StoreError> {
        self.run(|conn| {
            let rows: Vec<(String, Option<String>)> = sf::table
                .select((sf::account_id, sf::sealed_secret))
                .load(conn)?;
            Ok(rows
                .into_iter()
                .filter_map(|(id, sealed)| Some((id, sealed?)))
                .collect())
        })
        .await
    }

    /// Enables `factor` (replacing any other) with fresh recovery codes.
    pub async fn enable_second_factor(
        &self,
        factor: &SecondFactorRecord,
        recovery_digests: Vec<String>,
    ) -> Result<(), StoreError> {
        let row = Row {
            account_id: factor.account_id.clone(),
            method: factor.method.as_str().to_owned(),
            sealed_secret: factor.sealed_secret.clone(),
            last_step: factor.last_step,
            enabled_at: factor.enabled_at,
        };
        self.run(move |conn| {
            transaction::write(conn, |conn| {
                diesel::delete(sf::table.find(&row.account_id)).execute(conn)?;
                diesel::insert_into(sf::table).values(&row).execute(conn)?;
                replace_codes(conn, &row.account_id, &recovery_digests)
            })
        })
        .await
    }

    /// Disables the account's second factor and drops its recovery codes.
    pub async fn disable_second_factor(&self, account_id: &str) -> Result<bool, StoreError> {
        let id = account_id.to_owned();
        self.run(move |conn| {
            transaction::write(conn, |conn| {
                diesel::delete(rc::table.filter(rc::account_id.eq(&id))).execute(conn)?;
                Ok(diesel::delete(sf::table.find(&id)).execute(conn)? == 1)
            })
        })
        .await
    }

    /// Records that the TOTP code of time step `step` was used; false when
    /// this step or a later one was used already (a replay).
    pub async fn use_totp_step(&self, account_id: &str, step: i64) -> Result<bool, StoreError> {
        let id = account_id.to_owned();
        self.run(move |conn| {
            Ok(diesel::update(
                sf::table
                    .find(id)
                    .filter(sf::last_step.is_null().or(sf::last_step.lt(step))),
            )
            .set(sf::last_step.eq(step))
            .execute(conn)?
                == 1)
        })
        .await
    }

    /// Spends a recovery code; false when it is unknown or spent.
    pub async fn use_recovery_code(
        &self,
        account_id: &str,
        digest: &str,
        now: UnixTime,
    ) -> Result<bool, StoreError> {
        let (id, digest) = (account_id.to_owned(), digest.to_owned());
        self.run(move |conn| {
            Ok(
                diesel::update(rc::table.find((id, digest)).filter(rc::used_at.is_null()))
                    .set(rc::used_at.eq(now))
                    .execute(conn)?
                    == 1,
            )
        })
        .await
    }

    /// Replaces the account's recovery codes with new ones.
    pub async fn replace_recovery_codes(
        &self,
        account_id: &str,
        digests: Vec<String>,
    ) -> Result<(), StoreError> {
        let id = account_id.to_owned();
        self.run(move |conn| transaction::write(conn, |conn| replace_codes(conn, &id, &digests)))
            .await
    }

    /// How many unused recovery codes the account has.
    pub async fn recovery_codes_left(&self, account_id: &str) -> Result<u32, StoreError> {
        let id = account_id.to_owned();
        self.run(move |conn| {
            let n: i64 = rc::table
                .filter(rc::account_id.eq(id).and(rc::used_at.is_null()))
                .count()
                .get_result(conn)?;
            Ok(n as u32)
        })
        .await
    }
}

fn replace_codes(
    conn: &mut super::AnyConnection,
    account_id: &str,
    digests: &[String],
) -> Result<(), StoreError> {
    diesel::delete(rc::table.filter(rc::account_id.eq(account_id))).execute(conn)?;
    for digest in digests {
        diesel::insert_into(rc::table)
            .values((
                rc::account_id.eq(account_id),
                rc::digest.eq(digest),
                rc::used_at.eq(None::<i64>),
            ))
            .execute(conn)?;
    }
    Ok(())
}
