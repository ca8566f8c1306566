//! Accounts: creation with the password policy, login-identifier lookup and
//! password verification; self-registration ([`registration`]).

pub mod confirmation;
pub mod levels;
pub mod profile;
pub mod recovery;
pub mod registration;
pub mod second_factor;
#[cfg(test)]
mod tests;

use crate::clock::UnixTime;
use crate::credentials::password;
use crate::identifiers;
use crate::model::{Account, AccountLevel, Secret};
use crate::store::{SqlStore, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Password(#[from] password::PolicyError),
    #[error("an account with this e-mail, phone, SNILS or INN already exists")]
    Exists,
    #[error("an e-mail or a phone number is required")]
    NoContact,
    #[error("{field}: {reason}")]
    Invalid { field: &'static str, reason: String },
}

/// What an admin (or the demo seed) gives to create an account. Its SNILS,
/// INN and names count as checked (the admin vouches for them).
#[derive(Debug, Clone, Default)]
pub struct NewAccount {
    pub email: Option<String>,
    pub phone: Option<String>,
    pub snils: Option<String>,
    pub inn: Option<String>,
    pub family_name: String,
    pub given_name: String,
    pub middle_name: Option<String>,
    pub birthdate: Option<String>,
    pub gender: Option<String>,
    pub address: Option<String>,
    pub level: Option<AccountLevel>,
}

pub async fn create(
    store: &SqlStore,
    new: NewAccount,
    password: &Secret,
    now: UnixTime,
) -> Result<Account, AccountError> {
    let password_hash = password::hash(password)?;
    create_hashed(store, new, password_hash, now).await
}

/// As [`create`], with the password already checked and hashed (an Argon2id
/// PHC string), for seeding many accounts with one known password.
pub async fn create_hashed(
    store: &SqlStore,
    new: NewAccount,
    password_hash: String,
    now: UnixTime,
) -> Result<Account, AccountError> {
    if new.email.is_none() && new.phone.is_none() {
        return Err(AccountError::NoContact);
    }
    for (field, value) in [
        ("family_name", &new.family_name),
        ("given_name", &new.given_name),
    ] {
        if value.trim().is_empty() || value.chars().count() > 100 {
            return Err(AccountError::Invalid {
                field,
                reason: "must be 1-100 characters".into(),
            });
        }
    }
    // Every identifier in its one stored form, as registration and the
    // profile write them, so a login in any notation finds it and the
    // unique indexes see duplicates in any notation.
    let normal = |field: &'static str,
                  value: Option<String>,
                  form: fn(&str) -> Result<String, identifiers::Invalid>| {
        value
            .map(|v| form(&v))
            .transpose()
            .map_err(|why| AccountError::Invalid {
                field,
                reason: why.to_string(),
            })
    };
    let email = normal("email", new.email, identifiers::email)?;
    let phone = normal("phone", new.phone, identifiers::mobile_phone)?;
    let snils = normal("snils", new.snils, identifiers::snils)?;
    let inn = normal("inn", new.inn, identifiers::personal_inn)?;
    if let Some(date) = &new.birthdate
        && chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_err()
    {
        return Err(AccountError::Invalid {
            field: "birthdate",
            reason: "must be YYYY-MM-DD".into(),
        });
    }
    let account = Account {
        id: uuid::Uuid::new_v4().to_string(),
        email,
        phone,
        snils,
        inn,
        password_hash,
        family_name: new.family_name,
        given_name: new.given_name,
        middle_name: new.middle_name,
        birthdate: new.birthdate,
        gender: new.gender,
        address: new.address,
        // Admin-created accounts have their contacts confirmed by the admin.
        email_verified: true,
        phone_verified: true,
        level: new.level.unwrap_or(AccountLevel::Simplified),
        created_at: now,
        locked_until: None,
        checked_at: now,
        level_since: now,
    };
    match store.insert_account(&account).await {
        Err(StoreError::Conflict(_)) => Err(AccountError::Exists),
        other => other.map(|()| account).map_err(Into::into),
    }
}

/// Normalises what a person typed as login: e-mails are case-insensitive.
pub fn normalize_login(login: &str) -> String {
    let login = login.trim();
    if login.contains('@') {
        login.to_lowercase()
    } else {
        login.to_owned()
    }
}

/// The stored forms a typed login may stand for, most likely first: an
/// e-mail in any case; a mobile phone in any common notation; a SNILS with
/// or without separators; an INN. (`89991234567` may be both a phone and a
/// SNILS with valid control digits: both are tried, the phone first.)
pub fn login_candidates(login: &str) -> Vec<String> {
    use crate::identifiers;
    if login.contains('@') {
        return vec![normalize_login(login)];
    }
    let mut candidates: Vec<String> = [
        identifiers::mobile_phone(login),
        identifiers::snils(login),
        identifiers::inn(login),
    ]
    .into_iter()
    .flatten()
    .collect();
    candidates.push(normalize_login(login));
    candidates.dedup();
    candidates
}

/// The account a typed login names, trying each of its forms.
pub async fn find_by_login(store: &SqlStore, login: &str) -> Result<Option<Account>, StoreError> {
    for candidate in login_candidates(login) {
        if let Some(account) = store.account_by_login(&candidate).await? {
            return Ok(Some(account));
        }
    }
    Ok(None)
}

/// Tells the owner of a security change (a second factor, the password)
/// through their verified contact, so a change they did not make does not
/// go unnoticed.
pub async fn tell_owner(
    ctx: &crate::ctx::Ctx,
    account: &Account,
    change: crate::messages::Change,
) -> Result<(), StoreError> {
    use crate::delivery::{Message, Prefer, Unverified, contact};
    let Some((kind, to)) = contact(account, Prefer::Email, Unverified::Refused) else {
        return Ok(());
    };
    let words = crate::messages::Notice::Changed(change).words();
    ctx.queue_message(&Message::notice(kind, to, words)).await
}
