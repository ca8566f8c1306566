//! Confirming a standard account's identity, the seeds' three ways: in
//! person at a service centre (an operator, with the passport in the
//! profile: a new document must first be entered and checked), a code sent
//! by registered post, or a qualified electronic signature. Each raises the
//! account to confirmed, is journaled with its method, and tells the person;
//! portals see the new level after a new login.

use crate::audit::{Audit, Entry, events};
use crate::certs;
use crate::clock::UnixTime;
use crate::config::Config;
use crate::delivery::{self, Kind, Message, Prefer, Unverified};
use crate::limits::{self, Limit, Reached, Subject};
use crate::messages::Notice;
use crate::model::{Account, AccountLevel, PersonalNumber, PostalCode, Secret};
use crate::store::{PostalTry, SqlStore, StoreError};

/// A postal code is valid this long (the letter takes about two weeks).
pub const POSTAL_CODE_TTL_SECS: i64 = 60 * 24 * 3600;
/// Wrong entries before a postal code is spent.
pub const POSTAL_CODE_TRIES: u32 = 5;
/// Letters of a postal code: no 0/O, 1/I/L look-alikes.
const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// How the identity was confirmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Method {
    ServiceCentre { operator: String },
    Post,
    Signature { certificate: String },
}

impl Method {
    fn describe(&self) -> serde_json::Value {
        match self {
            Method::ServiceCentre { operator } => {
                serde_json::json!({"method": "service_centre", "operator": operator})
            }
            Method::Post => serde_json::json!({"method": "post"}),
            Method::Signature { certificate } => {
                serde_json::json!({"method": "signature", "certificate": certificate})
            }
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfirmError {
    #[error("the account is {0}; only a standard account can be confirmed")]
    NotStandard(AccountLevel),
    /// A check changed the names, birth date or SNILS since the account was
    /// read: what was seen is not what is in force.
    #[error("the identity changed meanwhile: look at the account again")]
    IdentityChanged,
    #[error("the document differs from the passport in the profile")]
    DocumentDiffers,
    #[error("the profile has no passport")]
    NoPassport,
    #[error("no code was ordered, or it expired: order a new one")]
    NoCode,
    #[error("wrong code, {0} tries left")]
    WrongCode(u32),
    #[error("the code was entered wrongly too often: order a new one")]
    CodeSpent,
    /// Too many letters ordered lately; another may be ordered at `retry_at`.
    #[error("too many letters ordered; order again after {retry_at}")]
    TooManyLetters { retry_at: UnixTime },
    /// Not a postal address (index, city, street, house, flat).
    #[error("not a postal address")]
    Address,
    /// The certificate or the signature is not valid or not trusted.
    #[error("wrong certificate: {0}")]
    Certificate(esign::CertError),
    /// A valid certificate of someone else (its SNILS, INN or name).
    #[error("the certificate is not this person's: {}", .0.code())]
    NotTheirs(certs::Mismatch),
    /// The certificate carries a number typed into the profile whose check
    /// is still pending.
    #[error("the {0:?} in the profile is not checked yet")]
    Unchecked(PersonalNumber),
    /// No live challenge: it expired or was used.
    #[error("the challenge expired or was used")]
    NoChallenge,
    /// No trusted CAs are configured.
    #[error("confirmation by electronic signature is not configured")]
    SignatureOff,
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn standard(account: &Account) -> Result<(), ConfirmError> {
    match account.level {
        AccountLevel::Standard => Ok(()),
        other => Err(ConfirmError::NotStandard(other)),
    }
}

/// Raises `account` to confirmed: the identity in `account` (as read by
/// the caller) is the one confirmed.
pub async fn confirm(
    sql: &SqlStore,
    audit: &Audit,
    account: &Account,
    method: Method,
    now: UnixTime,
) -> Result<(), ConfirmError> {
    standard(account)?;
    if !sql.confirm_identity(account, now).await? {
        // Confirmed meanwhile by another way, or a check changed the
        // identity since `account` was read: nothing is confirmed.
        let now_in_force = sql.account(&account.id).await?;
        return Err(match now_in_force {
            Some(a) if a.level != AccountLevel::Standard => ConfirmError::NotStandard(a.level),
            _ => ConfirmError::IdentityChanged,
        });
    }
    audit
        .record(
            Entry::new(events::ACCOUNT_CONFIRMED)
                .account(&account.id)
                .detail(method.describe()),
            now,
        )
        .await;
    if let Some((kind, to)) = delivery::contact(account, Prefer::Email, Unverified::Allowed) {
        let words = Notice::Confirmed.words();
        let message = Message::notice(kind, to, words);
        delivery::queue(sql, &message, now).await?;
    }
    Ok(())
}

/// The digits of a document number as typed (`4506 123456`, `45 06-123456`).
fn document_digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

/// At a service centre: the operator has seen the passport `document`
/// (series and number), which must be the one in the checked profile.
pub async fn at_service_centre(
    sql: &SqlStore,
    audit: &Audit,
    account: &Account,
    document: &str,
    operator: &str,
    now: UnixTime,
) -> Result<(), ConfirmError> {
    standard(account)?;
    let passport = sql
        .profile(&account.id)
        .await?
        .and_then(|p| p.passport)
        .ok_or(ConfirmError::NoPassport)?;
    let on_file = format!("{}{}", passport.series, passport.number);
    if document_digits(document) != on_file {
        return Err(ConfirmError::DocumentDiffers);
    }
    let method = Method::ServiceCentre {
        operator: operator.to_owned(),
    };
    confirm(sql, audit, account, method, now).await
}

/// The limit of letters one account may order (a registered letter costs
/// money, and a stranger's address could be flooded with them).
pub fn letters_limit(config: &Config) -> Limit {
    Limit {
        name: "postal_letters",
        max: config.postal_letters_per_account,
        window_secs: config.postal_letters_window_secs,
    }
}

/// Orders a code by registered post to `address`; replaces an earlier one.
/// At most `letters` a window.
pub async fn order_postal_code(
    sql: &SqlStore,
    audit: &Audit,
    account: &Account,
    address: &str,
    letters: Limit,
    now: UnixTime,
) -> Result<(), ConfirmError> {
    standard(account)?;
    let length = address.chars().count();
    if !(10..=300).contains(&length) || address.chars().any(char::is_control) {
        return Err(ConfirmError::Address);
    }
    let code = postal_code_text();
    let new = PostalCode {
        account_id: account.id.clone(),
        digest: Secret::new(normalize(&code)).digest(),
        address: address.to_owned(),
        ordered_at: now,
        expires_at: now + POSTAL_CODE_TTL_SECS,
        tries_left: POSTAL_CODE_TRIES,
    };
    if let Err(retry_at) = sql
        .order_postal_code(&new, letters.max, letters.window_secs)
        .await?
    {
        let reached = Reached { retry_at };
        limits::journal(audit, letters, Subject::Account(&account.id), reached, now).await;
        return Err(ConfirmError::TooManyLetters { retry_at });
    }
    let name = account.full_name();
    let words = Notice::PostalCode {
        name: &name,
        code: &code,
    }
    .words();
    let message = Message::notice(Kind::Letter, address, words).with_code(code);
    delivery::queue(sql, &message, now).await?;
    audit
        .record(
            Entry::new(events::POSTAL_CODE_ORDERED).account(&account.id),
            now,
        )
        .await;
    Ok(())
}

/// Enters the code from the letter.
pub async fn enter_postal_code(
    sql: &SqlStore,
    audit: &Audit,
    account: &Account,
    typed: &str,
    now: UnixTime,
) -> Result<(), ConfirmError> {
    standard(account)?;
    // The try is taken as the code is read, so parallel guesses share the
    // tries; a right code is then used once.
    let code = match sql.take_postal_try(&account.id, now).await? {
        PostalTry::Taken(code) => code,
        PostalTry::Spent => return Err(ConfirmError::CodeSpent),
        PostalTry::Missing => return Err(ConfirmError::NoCode),
    };
    if Secret::new(normalize(typed)).matches_digest(&code.digest) {
        if !sql.use_postal_code(&account.id, &code.digest).await? {
            return Err(ConfirmError::NoCode);
        }
        return confirm(sql, audit, account, Method::Post, now).await;
    }
    let left = code.tries_left;
    audit
        .record(
            Entry::new(events::POSTAL_CODE_WRONG)
                .account(&account.id)
                .detail(serde_json::json!({"tries_left": left})),
            now,
        )
        .await;
    Err(if left == 0 {
        ConfirmError::CodeSpent
    } else {
        ConfirmError::WrongCode(left)
    })
}

/// `XXXX-XXXX` from an unambiguous alphabet (about 40 bits).
fn postal_code_text() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    let mut pick = || ALPHABET[rng.random_range(0..ALPHABET.len())] as char;
    let first: String = (0..4).map(|_| pick()).collect();
    let second: String = (0..4).map(|_| pick()).collect();
    format!("{first}-{second}")
}

/// A code as typed, compared without separators and case.
fn normalize(typed: &str) -> String {
    typed
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn challenge_key(account_id: &str) -> String {
    format!("esign-challenge:{account_id}")
}

/// The challenge this account is to sign (made anew when none is live).
pub async fn signature_challenge(
    ctx: &crate::ctx::Ctx,
    account_id: &str,
) -> Result<String, StoreError> {
    let key = challenge_key(account_id);
    match certs::live(ctx, &key).await? {
        Some(live) => Ok(live),
        None => certs::issue(ctx, &key, &format!("vhod-confirm:{account_id}")).await,
    }
}

/// Confirms by a qualified electronic signature over this account's
/// challenge (single use): the certificate must be valid, trusted, not
/// revoked, and carry the SNILS (or INN) and name of the profile.
pub async fn by_signature(
    ctx: &crate::ctx::Ctx,
    account: &Account,
    certificate_pem: &str,
    signature: &str,
) -> Result<(), ConfirmError> {
    standard(account)?;
    let trust = ctx.esign.as_ref().ok_or(ConfirmError::SignatureOff)?;
    let challenge = certs::take(ctx, &challenge_key(&account.id))
        .await?
        .ok_or(ConfirmError::NoChallenge)?;
    let now = ctx.now();
    let subject = certs::verify(trust, &challenge, certificate_pem, signature, now)
        .map_err(ConfirmError::Certificate)?;
    if let Some(mismatch) = certs::mismatch(&subject, account) {
        // The certificate may carry a number typed into «Мои данные» whose
        // check is still pending: say so rather than "does not match".
        return Err(match pending_number(&ctx.sql, account, &subject).await? {
            Some(number) => ConfirmError::Unchecked(number),
            None => ConfirmError::NotTheirs(mismatch),
        });
    }
    // The account's numbers are the checked ones by construction.
    let method = Method::Signature {
        certificate: subject.serial_hex,
    };
    confirm(&ctx.sql, &ctx.audit, account, method, now).await?;
    ctx.jobs.wake();
    Ok(())
}

/// The number of the certificate that is the one in the account's pending
/// check (not in force yet), if any.
async fn pending_number(
    sql: &SqlStore,
    account: &Account,
    subject: &esign::CertifiedSubject,
) -> Result<Option<PersonalNumber>, StoreError> {
    let Some(pending) = sql
        .latest_verification(&account.id)
        .await?
        .filter(|v| v.status == crate::model::VerificationStatus::Pending)
    else {
        return Ok(None);
    };
    let same = |ours: &Option<String>, theirs: &Option<String>| match (ours, theirs) {
        (Some(ours), Some(theirs)) => certs::digits(ours) == certs::digits(theirs),
        _ => false,
    };
    Ok(if same(&pending.data.snils, &subject.snils) {
        Some(PersonalNumber::Snils)
    } else if same(&pending.data.inn, &subject.inn) {
        Some(PersonalNumber::Inn)
    } else {
        None
    })
}
