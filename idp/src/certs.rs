//! Challenge signatures with a qualified certificate, shared by identity
//! confirmation (`accounts::confirmation`) and certificate login
//! (`login::certificate`): a single-use challenge in the short-lived store,
//! its check against the configured trust anchors with [`esign::verify`],
//! and whether a verified certificate names a given person.

use crate::clock::UnixTime;
use crate::ctx::Ctx;
use crate::model::{Account, random_token};
use crate::store::{EphemeralExt, StoreError};

/// How long a challenge may be signed.
pub const CHALLENGE_TTL_SECS: i64 = 10 * 60;

/// A fresh challenge `"{purpose}:{random}"` kept under `key`, replacing one
/// there. The purpose keeps a signature made for one use from serving
/// another.
pub async fn issue(ctx: &Ctx, key: &str, purpose: &str) -> Result<String, StoreError> {
    let challenge = format!("{purpose}:{}", random_token(24).expose());
    ctx.ephemeral
        .put_json(key, &challenge, CHALLENGE_TTL_SECS)
        .await?;
    Ok(challenge)
}

/// The live challenge under `key`, left in place.
pub async fn live(ctx: &Ctx, key: &str) -> Result<Option<String>, StoreError> {
    ctx.ephemeral.get_json(key).await
}

/// Takes the challenge under `key` in one atomic step: of two attempts with
/// one challenge, at most one gets it.
pub async fn take(ctx: &Ctx, key: &str) -> Result<Option<String>, StoreError> {
    ctx.ephemeral.take_json(key).await
}

/// Checks `signature` (base64url) over `challenge` by the holder of
/// `certificate_pem`, a certificate the trust anchors vouch for at `now`.
pub fn verify(
    trust: &esign::TrustAnchors,
    challenge: &str,
    certificate_pem: &str,
    signature: &str,
    now: UnixTime,
) -> Result<esign::CertifiedSubject, esign::CertError> {
    let signed = esign::SignedChallenge {
        certificate: certificate_pem.as_bytes().to_vec(),
        intermediates: Vec::new(),
        signature: signature.trim().to_owned(),
    };
    esign::verify(trust, challenge, &signed, now)
}

/// How a verified certificate differs from an account's data (the pages
/// word it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mismatch {
    Snils,
    Inn,
    /// Neither SNILS nor INN can be compared: one side lacks them.
    NoIdentifier,
    Name,
}

impl Mismatch {
    /// The reason as the journal keeps it.
    pub fn code(self) -> &'static str {
        match self {
            Mismatch::Snils => "snils_mismatch",
            Mismatch::Inn => "inn_mismatch",
            Mismatch::NoIdentifier => "no_snils_inn",
            Mismatch::Name => "name_mismatch",
        }
    }
}

/// The digits of an identifier in any notation (`112-233-445 95`).
pub fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

/// Names compared as people write them: case and ё/е do not matter.
fn same_name(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
            .replace('ё', "е")
    };
    norm(a) == norm(b)
}

/// How `subject` differs from `account`, if it does: its SNILS must be the
/// account's (or, when either lacks a SNILS, its INN), and its surname and
/// given names the account's.
pub fn mismatch(subject: &esign::CertifiedSubject, account: &Account) -> Option<Mismatch> {
    let same = |theirs: &Option<String>, ours: &Option<String>| match (theirs, ours) {
        (Some(theirs), Some(ours)) => Some(digits(theirs) == digits(ours)),
        _ => None,
    };
    match (
        same(&subject.snils, &account.snils),
        same(&subject.inn, &account.inn),
    ) {
        (Some(false), _) => return Some(Mismatch::Snils),
        (None, Some(false)) => return Some(Mismatch::Inn),
        (None, None) => return Some(Mismatch::NoIdentifier),
        _ => {}
    }
    let name_matches = subject
        .surname
        .as_deref()
        .is_some_and(|s| same_name(s, &account.family_name))
        && subject
            .given_names
            .as_deref()
            .is_some_and(|g| same_name(g, &account.given_names()));
    (!name_matches).then_some(Mismatch::Name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject(
        snils: Option<&str>,
        inn: Option<&str>,
        surname: &str,
        given: &str,
    ) -> esign::CertifiedSubject {
        esign::CertifiedSubject {
            surname: Some(surname.into()),
            given_names: Some(given.into()),
            common_name: None,
            snils: snils.map(Into::into),
            inn: inn.map(Into::into),
            ogrn: None,
            ogrnip: None,
            inn_le: None,
            organization: None,
            serial_hex: "1".into(),
            issuer: String::new(),
            not_before_unix: 0,
            not_after_unix: 0,
            algorithm: "ES256",
            revocation_checked: false,
        }
    }

    fn account() -> Account {
        Account {
            snils: Some("112-233-445 95".into()),
            inn: Some("500100732259".into()),
            family_name: "Подтверждёнов".into(),
            given_name: "Иван".into(),
            middle_name: Some("Сергеевич".into()),
            ..Account::for_tests("acc")
        }
    }

    #[test]
    fn a_certificate_names_the_person_by_snils_first_then_inn_and_name() {
        let account = account();
        let name = ("ПОДТВЕРЖДЕНОВ", "Иван  Сергеевич");
        let ok = subject(Some("11223344595"), Some("000000000000"), name.0, name.1);
        assert_eq!(
            mismatch(&ok, &account),
            None,
            "SNILS decides, in any notation"
        );
        let by_inn = subject(None, Some("500100732259"), name.0, name.1);
        assert_eq!(mismatch(&by_inn, &account), None);
        let cases = [
            (
                subject(Some("11223344696"), None, name.0, name.1),
                Mismatch::Snils,
            ),
            (
                subject(None, Some("770000000156"), name.0, name.1),
                Mismatch::Inn,
            ),
            (subject(None, None, name.0, name.1), Mismatch::NoIdentifier),
            (
                subject(Some("11223344595"), None, name.0, "Иван"),
                Mismatch::Name,
            ),
        ];
        for (subject, expected) in cases {
            assert_eq!(mismatch(&subject, &account), Some(expected));
        }
    }
}
