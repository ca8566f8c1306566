use diesel::prelude::*;

use super::{SqlStore, corrupt, flag};
use crate::clock::UnixTime;
use crate::model::{ADMIN_LOCK, Account, PersonalNumber};
use crate::store::StoreError;
use crate::store::schema::accounts;

#[derive(Queryable, Insertable)]
#[diesel(table_name = accounts)]
pub(super) struct Row {
    id: String,
    email: Option<String>,
    phone: Option<String>,
    snils: Option<String>,
    inn: Option<String>,
    password_hash: String,
    family_name: String,
    given_name: String,
    middle_name: Option<String>,
    birthdate: Option<String>,
    gender: Option<String>,
    email_verified: i32,
    phone_verified: i32,
    level: String,
    created_at: i64,
    updated_at: i64,
    address: Option<String>,
    locked_until: Option<i64>,
    /// NULL only until an account from before these columns is settled.
    checked_at: Option<i64>,
    level_since: Option<i64>,
}

impl TryFrom<Row> for Account {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Self, StoreError> {
        Ok(Account {
            level: r.level.parse().map_err(corrupt)?,
            id: r.id,
            email: r.email,
            phone: r.phone,
            snils: r.snils,
            inn: r.inn,
            password_hash: r.password_hash,
            family_name: r.family_name,
            given_name: r.given_name,
            middle_name: r.middle_name,
            birthdate: r.birthdate,
            gender: r.gender,
            address: r.address,
            email_verified: r.email_verified != 0,
            phone_verified: r.phone_verified != 0,
            created_at: r.created_at,
            locked_until: r.locked_until,
            checked_at: r.checked_at.unwrap_or(r.created_at),
            level_since: r.level_since.unwrap_or(r.created_at),
        })
    }
}

impl From<&Account> for Row {
    fn from(a: &Account) -> Self {
        Row {
            id: a.id.clone(),
            email: a.email.clone(),
            phone: a.phone.clone(),
            snils: a.snils.clone(),
            inn: a.inn.clone(),
            password_hash: a.password_hash.clone(),
            family_name: a.family_name.clone(),
            given_name: a.given_name.clone(),
            middle_name: a.middle_name.clone(),
            birthdate: a.birthdate.clone(),
            gender: a.gender.clone(),
            email_verified: flag(a.email_verified),
            phone_verified: flag(a.phone_verified),
            level: a.level.as_str().to_owned(),
            created_at: a.created_at,
            updated_at: a.created_at,
            address: a.address.clone(),
            locked_until: a.locked_until,
            checked_at: Some(a.checked_at),
            level_since: Some(a.level_since),
        }
    }
}

impl SqlStore {
    pub async fn insert_account(&self, account: &Account) -> Result<(), StoreError> {
        let row = Row::from(account);
        self.run(move |conn| {
            diesel::insert_into(accounts::table)
                .values(&row)
                .execute(conn)?;
            Ok(())
        })
        .await
    }

    pub async fn set_password_hash(
        &self,
        id: &str,
        hash: &str,
        now: UnixTime,
    ) -> Result<(), StoreError> {
        let (id, hash) = (id.to_owned(), hash.to_owned());
        self.run(move |conn| {
            diesel::update(accounts::table.find(id))
                .set((
                    accounts::password_hash.eq(hash),
                    accounts::updated_at.eq(now),
                ))
                .execute(conn)?;
            Ok(())
        })
        .await
    }

    /// Locks (`Some(until)`) or unlocks (`None`) an account's password path.
    pub async fn set_locked_until(&self, id: &str, until: Option<i64>) -> Result<(), StoreError> {
        let id = id.to_owned();
        self.run(move |conn| {
            diesel::update(accounts::table.find(id))
                .set(accounts::locked_until.eq(until))
                .execute(conn)?;
            Ok(())
        })
        .await
    }

    /// Locks (`Some(until)`) or unlocks (`None`) an account's password path
    /// after wrong passwords, unless an admin locked it; whether it changed.
    pub async fn set_guessing_lock(
        &self,
        id: &str,
        until: Option<i64>,
    ) -> Result<bool, StoreError> {
        let id = id.to_owned();
        self.run(move |conn| {
            let not_admin = accounts::locked_until
                .is_null()
                .or(accounts::locked_until.lt(ADMIN_LOCK));
            Ok(diesel::update(accounts::table.find(id).filter(not_admin))
                .set(accounts::locked_until.eq(until))
                .execute(conn)?
                == 1)
        })
        .await
    }

    /// Locks an account's password path until at least `until`: sets it
    /// unless a lock that ends later (an admin's among them) is there;
    /// whether it changed.
    pub async fn extend_guessing_lock(&self, id: &str, until: i64) -> Result<bool, StoreError> {
        let id = id.to_owned();
        self.run(move |conn| {
            let earlier = accounts::locked_until
                .is_null()
                .or(accounts::locked_until.lt(until));
            Ok(diesel::update(accounts::table.find(id).filter(earlier))
                .set(accounts::locked_until.eq(until))
                .execute(conn)?
                == 1)
        })
        .await
    }

    pub async fn account(&self, id: &str) -> Result<Option<Account>, StoreError> {
        let id = id.to_owned();
        self.run(move |conn| {
            accounts::table
                .find(id)
                .first::<Row>(conn)
                .optional()?
                .map(Account::try_from)
                .transpose()
        })
        .await
    }

    /// Finds an account by any login identifier: e-mail, phone, SNILS or INN.
    pub async fn account_by_login(&self, login: &str) -> Result<Option<Account>, StoreError> {
        let login = login.to_owned();
        self.run(move |conn| {
            accounts::table
                .filter(
                    accounts::email
                        .eq(&login)
                        .or(accounts::phone.eq(&login))
                        .or(accounts::snils.eq(&login))
                        .or(accounts::inn.eq(&login)),
                )
                .first::<Row>(conn)
                .optional()?
                .map(Account::try_from)
                .transpose()
        })
        .await
    }

    /// The accounts whose SNILS (or INN) is stored as one of `forms`.
    pub async fn accounts_by_number(
        &self,
        number: PersonalNumber,
        forms: Vec<String>,
    ) -> Result<Vec<Account>, StoreError> {
        self.run(move |conn| {
            let rows = match number {
                PersonalNumber::Snils => accounts::table
                    .filter(accounts::snils.eq_any(&forms))
                    .load::<Row>(conn)?,
                PersonalNumber::Inn => accounts::table
                    .filter(accounts::inn.eq_any(&forms))
                    .load::<Row>(conn)?,
            };
            rows.into_iter().map(Account::try_from).collect()
        })
        .await
    }

    pub async fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        self.run(|conn| {
            accounts::table
                .order(accounts::created_at)
                .load::<Row>(conn)?
                .into_iter()
                .map(Account::try_from)
                .collect()
        })
        .await
    }

    /// How many accounts have an e-mail outside `emails` (or none).
    pub async fn count_accounts_except(&self, emails: &[&str]) -> Result<i64, StoreError> {
        let emails: Vec<String> = emails.iter().map(|e| (*e).to_owned()).collect();
        self.run(move |conn| {
            Ok(accounts::table
                .filter(accounts::email.is_null().or(accounts::email.ne_all(emails)))
                .count()
                .get_result(conn)?)
        })
        .await
    }
}
