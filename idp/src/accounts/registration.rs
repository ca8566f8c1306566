//! Self-registration to a simplified account (the seeds' first level):
//! name, a mobile phone or an e-mail, proof of that contact (a 6-digit SMS
//! code, or a single-use e-mail link), then a password. A registration in
//! progress lives in the short-lived store, bound to the browser that
//! started it; the contact proof can rebind it (an e-mail link is often
//! opened in the mail app's browser).
//!
//! A contact that already has an account gets a message saying so instead
//! of a code or link, and the page goes on exactly as for a new one: the
//! page reveals nothing about which contacts are registered, and a second
//! account for one contact is never made.

use serde::{Deserialize, Serialize};

use super::{AccountError, NewAccount};
use crate::audit::{Entry, events};
use crate::clock::UnixTime;
use crate::credentials::password;
use crate::ctx::Ctx;
use crate::delivery::{Kind, Message};
use crate::identifiers::{self, Contact, Invalid};
use crate::limits::{self, Limit, Subject};
use crate::messages::{Notice, Purpose};
use crate::model::{Account, AccountLevel, Secret, random_token};
use crate::store::{EphemeralExt, StoreError, Update, update_json};

/// An SMS code is valid this long.
pub const CODE_TTL_SECS: i64 = 5 * 60;
/// Wrong codes before a code is spent.
pub const CODE_TRIES: u32 = 3;
/// An e-mail link is valid this long.
pub const LINK_TTL_SECS: i64 = 15 * 60;
/// The wait before another code or link may be sent.
pub const RESEND_AFTER_SECS: i64 = 60;
/// How long a registration may take in all.
const REGISTRATION_TTL_SECS: i64 = 60 * 60;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Step {
    /// An SMS code was sent.
    Code {
        digest: String,
        expires_at: UnixTime,
        tries_left: u32,
    },
    /// An e-mail link was sent.
    Link { expires_at: UnixTime },
    /// The contact is proven; a password is next.
    Password,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registration {
    pub id: String,
    /// Digest of the browser-binding cookie.
    browser: String,
    pub last_name: String,
    pub first_name: String,
    /// Stored form: E.164 phone or lower-case e-mail.
    pub contact: String,
    pub is_phone: bool,
    pub step: Step,
    pub sent_at: UnixTime,
    /// The login flow to go on with afterwards, if any.
    pub flow: Option<String>,
    pub created_at: UnixTime,
}

#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    #[error("{field}: {reason}")]
    Invalid { field: Field, reason: Invalid },
    /// Unknown, expired, or started in another browser: start again.
    #[error("the registration expired or belongs to another browser")]
    Gone,
    #[error("wrong code, {tries_left} tries left")]
    WrongCode { tries_left: u32 },
    /// Expired or out of tries: ask for a new code.
    #[error("the code is no longer valid")]
    CodeSpent,
    /// The link expired (or never was).
    #[error("the link is no longer valid")]
    LinkSpent,
    /// The link was used already: the registration went on with it.
    #[error("the link was used")]
    LinkUsed,
    /// The registration went on in the browser that opened the e-mail
    /// link (`finished`: and the account was created), so the first tab
    /// can tell the person to log in.
    #[error("the registration went on in another browser")]
    Elsewhere { finished: bool },
    #[error("wait {0} s before asking again")]
    TooSoon(i64),
    /// Too many messages from this client address (or, `everyone`, from
    /// all together) this window.
    #[error("too many messages sent; wait {wait_secs} s")]
    Limited { wait_secs: i64, everyone: bool },
    #[error("the passwords differ")]
    PasswordsDiffer,
    #[error(transparent)]
    Password(password::PolicyError),
    /// The contact got an account meanwhile (another registration won).
    #[error("the contact already has an account")]
    Taken,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The registration form's fields, for messages that name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    LastName,
    FirstName,
    Contact,
    Code,
    Password,
    Password2,
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Field::LastName => "last_name",
            Field::FirstName => "first_name",
            Field::Contact => "contact",
            Field::Code => "code",
            Field::Password => "password",
            Field::Password2 => "password2",
        })
    }
}

fn key(id: &str) -> String {
    format!("registration:{id}")
}

fn link_key(token: &str) -> String {
    format!("registration-link:{}", Secret::new(token).digest())
}

/// The mark of a used e-mail link (by its digest), so that it is said to
/// be used rather than unknown.
fn used_key(token: &str) -> String {
    format!("registration-link-used:{}", Secret::new(token).digest())
}

/// Where a registration went that this browser no longer holds: `moved`
/// (the e-mail link was opened) or `done` (the account exists).
fn moved_key(id: &str) -> String {
    format!("registration-moved:{id}")
}

const MOVED: &str = "moved";
const DONE: &str = "done";

async fn mark_moved(ctx: &Ctx, id: &str, how: &str) -> Result<(), StoreError> {
    ctx.ephemeral
        .put_json(&moved_key(id), &how, REGISTRATION_TTL_SECS)
        .await
}

fn invalid(field: Field) -> impl Fn(Invalid) -> RegisterError {
    move |reason| RegisterError::Invalid { field, reason }
}

/// What the person typed on the first page.
pub struct Start<'a> {
    pub last_name: &'a str,
    pub first_name: &'a str,
    pub contact: &'a str,
    pub flow: Option<&'a str>,
}

impl Registration {
    async fn save(&self, ctx: &Ctx) -> Result<(), StoreError> {
        let ttl = self.created_at + REGISTRATION_TTL_SECS - ctx.now();
        ctx.ephemeral.put_json(&key(&self.id), self, ttl).await
    }

    /// The registration `id` if this browser may go on with it.
    pub async fn load(ctx: &Ctx, id: &str, browser: &str) -> Result<Self, RegisterError> {
        if id.len() > 64 {
            return Err(RegisterError::Gone);
        }
        let found: Option<Registration> = ctx.ephemeral.get_json(&key(id)).await?;
        let mine = found
            .filter(|r| r.created_at + REGISTRATION_TTL_SECS > ctx.now())
            .filter(|r| Secret::new(browser).matches_digest(&r.browser));
        if let Some(registration) = mine {
            return Ok(registration);
        }
        let moved: Option<String> = ctx.ephemeral.get_json(&moved_key(id)).await?;
        Err(match moved.as_deref() {
            Some(DONE) => RegisterError::Elsewhere { finished: true },
            Some(MOVED) => RegisterError::Elsewhere { finished: false },
            _ => RegisterError::Gone,
        })
    }
}

/// Checks the first page and sends the code or link.
pub async fn start(
    ctx: &Ctx,
    form: Start<'_>,
    browser: &str,
    address: &str,
) -> Result<Registration, RegisterError> {
    let last_name = identifiers::name(form.last_name).map_err(invalid(Field::LastName))?;
    let first_name = identifiers::name(form.first_name).map_err(invalid(Field::FirstName))?;
    let contact = Contact::parse(form.contact).map_err(invalid(Field::Contact))?;
    let now = ctx.now();
    let mut registration = Registration {
        id: random_token(16).expose().to_owned(),
        browser: Secret::new(browser).digest(),
        last_name,
        first_name,
        is_phone: matches!(contact, Contact::Phone(_)),
        contact: contact.as_str().to_owned(),
        step: Step::Password,
        sent_at: now,
        flow: form.flow.map(str::to_owned),
        created_at: now,
    };
    send_proof(ctx, &mut registration, address).await?;
    Ok(registration)
}

/// Sends a new code or link (a resend after the cooldown).
pub async fn resend(
    ctx: &Ctx,
    id: &str,
    browser: &str,
    address: &str,
) -> Result<Registration, RegisterError> {
    let mut registration = Registration::load(ctx, id, browser).await?;
    if registration.step == Step::Password {
        return Ok(registration);
    }
    let wait = registration.sent_at + RESEND_AFTER_SECS - ctx.now();
    if wait > 0 {
        return Err(RegisterError::TooSoon(wait));
    }
    send_proof(ctx, &mut registration, address).await?;
    Ok(registration)
}

/// Sends the proof of contact (or, to a contact with an account, a notice
/// instead) and saves the registration. `address` is the client's.
async fn send_proof(
    ctx: &Ctx,
    registration: &mut Registration,
    address: &str,
) -> Result<(), RegisterError> {
    let now = ctx.now();
    // One message per contact a minute, however many registrations ask,
    // even at once (the minute is taken in one atomic step): a stranger
    // cannot flood someone's phone or mailbox.
    let throttle = format!(
        "registration-sent:{}",
        Secret::new(&registration.contact).digest()
    );
    let until = now + RESEND_AFTER_SECS;
    let taken = update_json(
        &*ctx.ephemeral,
        &throttle,
        |last: Option<UnixTime>| match last {
            Some(last) if last > now => (Update::Keep, Err(last - now)),
            _ => (Update::Put(until, RESEND_AFTER_SECS), Ok(())),
        },
    )
    .await?;
    if let Err(wait) = taken {
        return Err(RegisterError::TooSoon(wait));
    }
    // SMS pumping: a message costs money, so their number per client
    // address and in all is bounded, whichever contacts they go to.
    let config = &ctx.config;
    let per_address = Limit {
        name: "registration_sends",
        max: config.registration_sends_per_address,
        window_secs: config.registration_window_secs,
    };
    let total = Limit {
        name: "registration_sends_total",
        max: config.registration_sends_total,
        ..per_address
    };
    for (limit, subject) in [
        (per_address, Subject::Address(address)),
        (total, Subject::Everyone),
    ] {
        if let Err(reached) = limits::count(ctx, limit, subject).await? {
            // Nothing is sent: the contact's minute is given back.
            update_json(
                &*ctx.ephemeral,
                &throttle,
                |last: Option<UnixTime>| match last == Some(until) {
                    true => (Update::Delete, ()),
                    false => (Update::Keep, ()),
                },
            )
            .await?;
            return Err(RegisterError::Limited {
                wait_secs: reached.wait_secs(now),
                everyone: matches!(subject, Subject::Everyone),
            });
        }
    }
    let taken = ctx
        .sql
        .account_by_login(&registration.contact)
        .await?
        .is_some();
    let message = if registration.is_phone {
        let code = six_digits();
        registration.step = Step::Code {
            // A taken contact gets no code: this digest matches nothing.
            digest: if taken {
                random_token(16).digest()
            } else {
                Secret::new(&code).digest()
            },
            expires_at: now + CODE_TTL_SECS,
            tries_left: CODE_TRIES,
        };
        if taken {
            notice_taken(Kind::Sms, &registration.contact)
        } else {
            let words = Notice::Code {
                purpose: Purpose::Registration,
                code: &code,
            }
            .words();
            Message::notice(Kind::Sms, &registration.contact, words).with_code(code)
        }
    } else {
        registration.step = Step::Link {
            expires_at: now + LINK_TTL_SECS,
        };
        if taken {
            notice_taken(Kind::Email, &registration.contact)
        } else {
            let token = random_token(32);
            ctx.ephemeral
                .put_json(&link_key(token.expose()), &registration.id, LINK_TTL_SECS)
                .await?;
            let link = format!(
                "{}{}?token={}",
                ctx.issuer.trim_end_matches('/'),
                crate::paths::REGISTER_CONFIRM,
                token.expose()
            );
            let words = Notice::ConfirmEmail {
                first_name: &registration.first_name,
                link: &link,
            }
            .words();
            Message::notice(Kind::Email, &registration.contact, words).with_link(link)
        }
    };
    registration.sent_at = now;
    registration.save(ctx).await?;
    ctx.queue_message(&message).await?;
    let event = if taken {
        events::REGISTRATION_CONTACT_TAKEN
    } else {
        events::REGISTRATION_CODE_SENT
    };
    ctx.audit
        .record(
            Entry::new(event).detail(serde_json::json!({
                "registration": registration.id,
                "channel": if registration.is_phone { "sms" } else { "email" },
            })),
            now,
        )
        .await;
    Ok(())
}

fn notice_taken(kind: Kind, to: &str) -> Message {
    let words = Notice::AlreadyRegistered.words();
    Message::notice(kind, to, words)
}

fn six_digits() -> String {
    use rand::Rng;
    format!("{:06}", rand::rng().random_range(0..1_000_000))
}

/// What checking a code found.
enum Checked {
    /// Past the code step already.
    Already(Registration),
    Right(Registration),
    Wrong(RegisterError),
    /// Refused before any comparison.
    Refused(RegisterError),
}

/// Checks the SMS code. The check and the try it spends are one atomic
/// step, so guesses sent in parallel share the tries.
pub async fn check_code(
    ctx: &Ctx,
    id: &str,
    browser: &str,
    code: &str,
) -> Result<Registration, RegisterError> {
    if id.len() > 64 {
        return Err(RegisterError::Gone);
    }
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let well_formed = code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit());
    let now = ctx.now();
    let checked = update_json(&*ctx.ephemeral, &key(id), |found: Option<Registration>| {
        let found = found
            .filter(|r| r.created_at + REGISTRATION_TTL_SECS > now)
            .filter(|r| Secret::new(browser).matches_digest(&r.browser));
        let Some(mut registration) = found else {
            return (Update::Keep, Checked::Refused(RegisterError::Gone));
        };
        let Step::Code {
            digest,
            expires_at,
            tries_left,
        } = registration.step.clone()
        else {
            return (Update::Keep, Checked::Already(registration));
        };
        if tries_left == 0 || expires_at <= now {
            return (Update::Keep, Checked::Refused(RegisterError::CodeSpent));
        }
        if !well_formed {
            let invalid = RegisterError::Invalid {
                field: Field::Code,
                reason: Invalid::Digits(&[6]),
            };
            return (Update::Keep, Checked::Refused(invalid));
        }
        let ttl = registration.created_at + REGISTRATION_TTL_SECS - now;
        if Secret::new(&code).matches_digest(&digest) {
            registration.step = Step::Password;
            let saved = registration.clone();
            return (Update::Put(saved, ttl), Checked::Right(registration));
        }
        let left = tries_left - 1;
        registration.step = Step::Code {
            digest,
            expires_at,
            tries_left: left,
        };
        let wrong = if left == 0 {
            RegisterError::CodeSpent
        } else {
            RegisterError::WrongCode { tries_left: left }
        };
        (Update::Put(registration, ttl), Checked::Wrong(wrong))
    })
    .await?;
    let (right, outcome) = match checked {
        Checked::Already(registration) => return Ok(registration),
        Checked::Refused(error) => return Err(error),
        Checked::Right(registration) => (true, Ok(registration)),
        Checked::Wrong(error) => (false, Err(error)),
    };
    ctx.audit
        .record(
            Entry::new(events::REGISTRATION_CODE_CHECKED).detail(serde_json::json!({
                "registration": id, "right": right,
            })),
            now,
        )
        .await;
    outcome
}

/// Follows an e-mail link: single use; the browser that opens it goes on.
pub async fn confirm_link(
    ctx: &Ctx,
    token: &str,
    browser: &str,
) -> Result<Registration, RegisterError> {
    if token.len() > 100 {
        return Err(RegisterError::LinkSpent);
    }
    let Some(id): Option<String> = ctx.ephemeral.take_json(&link_key(token)).await? else {
        let used: Option<String> = ctx.ephemeral.get_json(&used_key(token)).await?;
        return Err(match used {
            Some(_) => RegisterError::LinkUsed,
            None => RegisterError::LinkSpent,
        });
    };
    ctx.ephemeral
        .put_json(&used_key(token), &id, REGISTRATION_TTL_SECS)
        .await?;
    let found: Option<Registration> = ctx.ephemeral.get_json(&key(&id)).await?;
    let mut registration = found
        .filter(|r| matches!(r.step, Step::Link { expires_at } if expires_at > ctx.now()))
        .ok_or(RegisterError::LinkSpent)?;
    registration.browser = Secret::new(browser).digest();
    registration.step = Step::Password;
    registration.save(ctx).await?;
    mark_moved(ctx, &registration.id, MOVED).await?;
    ctx.audit
        .record(
            Entry::new(events::REGISTRATION_CODE_CHECKED).detail(serde_json::json!({
                "registration": registration.id, "right": true, "channel": "email",
            })),
            ctx.now(),
        )
        .await;
    Ok(registration)
}

/// Whether the e-mail link `token` was used already (its page says so
/// before anyone presses its button).
pub async fn link_used(ctx: &Ctx, token: &str) -> Result<bool, StoreError> {
    if token.len() > 100 {
        return Ok(false);
    }
    let used: Option<String> = ctx.ephemeral.get_json(&used_key(token)).await?;
    Ok(used.is_some())
}

/// Sets the password and creates the simplified account.
pub async fn finish(
    ctx: &Ctx,
    id: &str,
    browser: &str,
    password_text: &str,
    repeated: &str,
) -> Result<(Account, Option<String>), RegisterError> {
    let registration = Registration::load(ctx, id, browser).await?;
    if registration.step != Step::Password {
        return Err(RegisterError::Gone);
    }
    let hash = password::hash_new(password_text, repeated)
        .await
        .map_err(|e| match e {
            password::NewPasswordError::Policy(policy) => RegisterError::Password(policy),
            password::NewPasswordError::Differ => RegisterError::PasswordsDiffer,
        })?;
    let (email, phone) = if registration.is_phone {
        (None, Some(registration.contact.clone()))
    } else {
        (Some(registration.contact.clone()), None)
    };
    let new = NewAccount {
        email,
        phone,
        family_name: registration.last_name.clone(),
        given_name: registration.first_name.clone(),
        level: Some(AccountLevel::Simplified),
        ..NewAccount::default()
    };
    let account = match super::create_hashed(&ctx.sql, new, hash, ctx.now()).await {
        Ok(account) => account,
        Err(AccountError::Exists) => return Err(RegisterError::Taken),
        Err(AccountError::Store(e)) => return Err(e.into()),
        Err(e) => return Err(StoreError::Database(e.to_string()).into()),
    };
    ctx.ephemeral.delete(&key(&registration.id)).await?;
    mark_moved(ctx, &registration.id, DONE).await?;
    ctx.audit
        .record(
            Entry::new(events::ACCOUNT_REGISTERED)
                .account(&account.id)
                .detail(serde_json::json!({
                    "registration": registration.id,
                    "channel": if registration.is_phone { "sms" } else { "email" },
                })),
            ctx.now(),
        )
        .await;
    Ok((account, registration.flow))
}
