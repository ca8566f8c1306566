//! «Войти по сертификату»: the person signs a challenge bound to this
//! browser with a qualified certificate. A certificate that verifies against
//! the configured trust anchors logs in to the account whose *checked* SNILS
//! (first) or INN it carries, at AAL3 with `amr` `swk`.
//!
//! The password lock does not apply, nor does the per-IP count of failed
//! logins: a certificate cannot be guessed (every attempt needs a live
//! challenge, a certificate of a trusted CA and its private key), and
//! someone guessing passwords, from anywhere, must not lock the owner out.
//! Every attempt is journaled with the certificate's serial. The challenge
//! is `credentials::certificate`'s.

use std::fmt;

use super::{Factor, LoginError, Outcome, failure, proven};
use crate::accounts::profile;
use crate::certs::{self, Mismatch};
use crate::credentials::certificate;
use crate::ctx::Ctx;
use crate::model::{Aal, Account, PersonalNumber};
use crate::sessions::Browser;
use crate::store::StoreError;

/// What the person sent: the certificate and the signature over the
/// challenge.
#[derive(Debug, Clone, Copy)]
pub struct Signed<'a> {
    pub certificate_pem: &'a str,
    pub signature: &'a str,
}

/// Why a certificate did not log in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No live challenge for this browser: expired, used, or another
    /// browser's.
    NoChallenge,
    /// The certificate or the signature does not verify.
    Invalid(esign::CertError),
    /// A valid certificate with neither SNILS nor INN.
    NoNumber,
    /// No account has the certificate's SNILS or INN checked.
    NoAccount,
    /// The account found has another INN or name than the certificate.
    NotTheirs(Mismatch),
}

impl Refusal {
    /// The reason as the journal keeps it.
    pub fn code(&self) -> &'static str {
        use esign::CertError as E;
        match self {
            Refusal::NoChallenge => "no_challenge",
            Refusal::Invalid(e) => match e {
                E::Malformed { .. } => "damaged",
                E::Expired { .. } => "expired",
                E::NotYetValid { .. } => "not_yet_valid",
                E::Untrusted { .. } => "untrusted",
                E::Revoked => "revoked",
                E::RevocationUnknown { .. } => "revocation_unknown",
                E::KeyUsage | E::ExtendedKeyUsage => "not_for_login",
                E::UnsupportedKey { .. } | E::KeyTooSmall { .. } => "unsupported_key",
                E::SignatureMismatch => "wrong_signature",
            },
            Refusal::NoNumber => "no_snils_inn",
            Refusal::NoAccount => "no_account",
            Refusal::NotTheirs(mismatch) => mismatch.code(),
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Invalid(e) => write!(f, "{e}"),
            other => f.write_str(other.code()),
        }
    }
}

impl From<Refusal> for LoginError {
    fn from(refusal: Refusal) -> Self {
        LoginError::Certificate(refusal)
    }
}

/// A certificate login toward `required`, with the challenge of the
/// browser whose binding cookie is `binding` (taken: it serves this one
/// attempt).
pub async fn login(
    ctx: &Ctx,
    binding: &str,
    signed: Signed<'_>,
    required: Aal,
    browser: &Browser<'_>,
) -> Result<Outcome, LoginError> {
    let trust = ctx.esign.as_deref().ok_or(LoginError::CertificatesOff)?;
    let serial = esign::serial_hex(signed.certificate_pem.as_bytes());
    let browser = Browser {
        certificate: serial.as_deref(),
        ..*browser
    };
    let Some(challenge) = certificate::take_challenge(ctx, binding).await? else {
        return Err(refused(ctx, &browser, None, Refusal::NoChallenge).await);
    };
    let now = ctx.now();
    let subject = match certs::verify(
        trust,
        &challenge,
        signed.certificate_pem,
        signed.signature,
        now,
    ) {
        Ok(subject) => subject,
        Err(e) => return Err(refused(ctx, &browser, None, Refusal::Invalid(e)).await),
    };
    if subject.snils.is_none() && subject.inn.is_none() {
        return Err(refused(ctx, &browser, None, Refusal::NoNumber).await);
    }
    let Some(account) = owner(ctx, &subject).await? else {
        return Err(refused(ctx, &browser, None, Refusal::NoAccount).await);
    };
    // The number matched; the rest of the account must be this person too.
    if let Some(mismatch) = certs::mismatch(&subject, &account) {
        let refusal = Refusal::NotTheirs(mismatch);
        return Err(refused(ctx, &browser, Some(&account.id), refusal).await);
    }
    // The password lock is not consulted: it guards the password path only.
    proven(ctx, &account, vec![Factor::Certificate], required, &browser).await
}

/// Journals a refused attempt; returns the error to give back.
async fn refused(
    ctx: &Ctx,
    browser: &Browser<'_>,
    account: Option<&str>,
    refusal: Refusal,
) -> LoginError {
    let entry = failure(browser, Factor::Certificate.amr(), account, refusal.code());
    ctx.audit.record(entry, ctx.now()).await;
    LoginError::Certificate(refusal)
}

/// The one account whose checked SNILS, or else INN, the certificate
/// carries. Stored numbers may be written with separators or without.
async fn owner(
    ctx: &Ctx,
    subject: &esign::CertifiedSubject,
) -> Result<Option<Account>, StoreError> {
    let numbers = [
        (PersonalNumber::Snils, &subject.snils),
        (PersonalNumber::Inn, &subject.inn),
    ];
    for (number, value) in numbers {
        let Some(value) = value else { continue };
        let mut forms = vec![value.clone()];
        if number == PersonalNumber::Snils
            && let Ok(written) = crate::identifiers::snils(value)
        {
            forms.push(written);
        }
        let mut checked = ctx.sql.accounts_by_number(number, forms).await?;
        checked.retain(|account| profile::number_checked(account, number));
        // Two accounts vouched for with one number: neither is chosen.
        if let [_] = checked.as_slice() {
            return Ok(checked.pop());
        }
    }
    Ok(None)
}
