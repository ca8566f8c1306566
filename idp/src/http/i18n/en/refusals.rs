//! The English words for the domain's refusals, each naming its field, and
//! for the journal of an organization.

use crate::accounts::confirmation::ConfirmError;
use crate::accounts::recovery::RecoveryError;
use crate::accounts::second_factor::SettingsError;
use crate::certs::Mismatch;
use crate::credentials::password::{NewPasswordError, PUNCTUATION, PolicyError};
use crate::dates;
use crate::http::i18n::{JournalEntry, Piece};
use crate::login::certificate::Refusal;
use crate::model::{CheckReason, Lang, PersonalNumber, Refused};
use crate::orgs::{OrgError, OrgMismatch};

const UNAVAILABLE: &str = "The service is temporarily unavailable.";

fn number(n: PersonalNumber) -> &'static str {
    match n {
        PersonalNumber::Snils => "SNILS",
        PersonalNumber::Inn => "INN",
    }
}

pub fn check_reasons(reasons: &[CheckReason]) -> String {
    let one = |reason: &CheckReason| match reason {
        CheckReason::Typed(Refused::SnilsUnknown { snils }) => format!(
            "the Social Fund of Russia does not know SNILS {snils}, or it is another person's"
        ),
        CheckReason::Typed(Refused::PassportInvalid { passport }) => format!(
            "the Ministry of Internal Affairs holds passport {passport} invalid, or it was issued to another person"
        ),
        CheckReason::Typed(Refused::NumberTaken { number: n }) => format!(
            "this {} is already confirmed on another account; if the number is yours, contact support",
            number(*n)
        ),
        // A sentence an older version stored, in Russian.
        CheckReason::Text(_) => "the registries did not confirm the data".into(),
    };
    reasons.iter().map(one).collect::<Vec<_>>().join("; ")
}

pub fn certificate(e: &esign::CertError) -> String {
    use esign::{CertError as E, Part};
    match e {
        E::Malformed { what, .. } => match what {
            Part::Certificate => "the certificate file is damaged or is not a certificate",
            Part::Intermediate => "the intermediate certification authority's certificate is damaged",
            Part::Signature => "the signature is damaged or in a wrong format",
            Part::PrivateKey => "the private key is damaged or in a wrong format (PKCS#8 PEM is needed)",
            Part::TrustedCa => "a trusted certification authority's certificate in the settings is damaged",
            Part::Crl => "a certificate revocation list in the settings is damaged",
        }
        .into(),
        E::Expired { not_after_unix } => format!(
            "the certificate expired on {}",
            dates::date(*not_after_unix, Lang::En)
        ),
        E::NotYetValid { not_before_unix } => format!(
            "the certificate is not valid yet: it is valid from {}",
            dates::date(*not_before_unix, Lang::En)
        ),
        E::Untrusted { .. } => {
            "the certificate was issued by a certification authority this server does not trust"
                .into()
        }
        E::Revoked => "the certification authority has revoked the certificate".into(),
        E::RevocationUnknown { .. } => {
            "whether the certificate is revoked cannot be checked now; try again later".into()
        }
        E::KeyUsage => "the certificate is not meant for electronic signatures".into(),
        E::ExtendedKeyUsage => {
            "the certificate is not meant for client authentication (logging in)".into()
        }
        // The verifier names GOST keys in Russian.
        E::UnsupportedKey { algorithm } => format!(
            "the {} key is not supported: an RSA key of 2048 bits or more, or ECDSA P-256, is needed",
            algorithm.replace("ГОСТ Р", "GOST R")
        ),
        E::KeyTooSmall { bits: Some(bits) } => {
            format!("the RSA key of {bits} bits is too short: 2048 bits or more are needed")
        }
        E::KeyTooSmall { bits: None } => {
            "the RSA key is too short: 2048 bits or more are needed".into()
        }
        E::SignatureMismatch => "the signature does not match the certificate or the request: sign the request again with this certificate's key".into(),
    }
}

pub fn mismatch(m: Mismatch) -> &'static str {
    match m {
        Mismatch::Snils => "the SNILS in the certificate differs from the one in “My data”",
        Mismatch::Inn => "the INN in the certificate differs from the one in “My data”",
        Mismatch::NoIdentifier => "the certificate has no SNILS or INN matching “My data”",
        Mismatch::Name => "the name in the certificate differs from “My data”",
    }
}

pub fn certificate_login(refusal: &Refusal) -> String {
    let why = match refusal {
        Refusal::NoChallenge => return super::flow::CERTIFICATE.stale.into(),
        Refusal::Invalid(e) => certificate(e),
        Refusal::NoNumber => "the certificate carries neither the owner's SNILS nor INN".into(),
        Refusal::NoAccount => "no account has this SNILS or INN checked: log in with your password and fill in “My data”; once it is checked, certificate login works".into(),
        Refusal::NotTheirs(m) => mismatch(*m).into(),
    };
    format!("{}: {why}.", super::flow::CERTIFICATE.wrong)
}

pub fn new_password(p: &PolicyError) -> String {
    match p {
        PolicyError::TooShort => "New password: at least 8 characters.".into(),
        PolicyError::TooLong => "New password: at most 128 characters.".into(),
        PolicyError::MissingClass => {
            "New password: needs a lower-case and an upper-case Latin letter and a digit.".into()
        }
        PolicyError::BadCharacter | PolicyError::Hashing => {
            format!("New password: only Latin letters, digits and {PUNCTUATION}")
        }
        PolicyError::Cyrillic => "New password: it has a Cyrillic letter. Switch the keyboard layout to English (Latin letters).".into(),
    }
}

const PASSWORDS_DIFFER: &str = "New password again: the passwords differ.";

pub fn settings_error(e: &SettingsError) -> String {
    match e {
        SettingsError::WrongPassword => "Password: wrong password.".into(),
        SettingsError::Locked { until } => format!(
            "Password: password login is locked after wrong passwords until {}.",
            dates::date_time(*until, Lang::En)
        ),
        SettingsError::Busy => {
            "Too many passwords are being checked right now; try again in a few seconds.".into()
        }
        SettingsError::NoPhone => {
            "Phone: codes by SMS need a confirmed mobile phone.".into()
        }
        SettingsError::NotStarted => {
            "Code: the setup was not started or is out of date; start again.".into()
        }
        SettingsError::WrongCode { tries_left: Some(n) } => {
            format!("Code: wrong code, tries left: {n}.")
        }
        SettingsError::WrongCode { tries_left: None } => "Code: wrong code. Check the time on your phone and enter the code the app shows now.".into(),
        SettingsError::CodeSpent => {
            "Code: the code has expired or has no tries left; start the setup again.".into()
        }
        SettingsError::NotEnabled => "The second factor is not on.".into(),
        SettingsError::CodeNeeded => "Code: this session began without the second factor — enter a code from your app or a recovery code (or log in again with a code).".into(),
        SettingsError::WrongFactorCode => {
            "Code: wrong code from the app, or wrong recovery code.".into()
        }
        SettingsError::CodesBlocked => "Code: too many wrong codes; try again later.".into(),
        SettingsError::NewPassword(NewPasswordError::Differ) => PASSWORDS_DIFFER.into(),
        SettingsError::NewPassword(NewPasswordError::Policy(p)) => new_password(p),
        SettingsError::Refused => {
            "The account is locked by an administrator: its settings cannot be changed.".into()
        }
        SettingsError::Store(_) => UNAVAILABLE.into(),
    }
}

pub fn recovery_error(e: &RecoveryError) -> String {
    match e {
        RecoveryError::WrongCode { tries_left } => {
            format!("Code: wrong code, tries left: {tries_left}.")
        }
        RecoveryError::CodeSpent => {
            "Code: the code has expired or has no tries left. Ask for a new code.".into()
        }
        RecoveryError::NoRecovery => {
            "The recovery took too long or was started in another browser. Start again.".into()
        }
        RecoveryError::Password(NewPasswordError::Policy(p)) => new_password(p),
        RecoveryError::Password(NewPasswordError::Differ) => PASSWORDS_DIFFER.into(),
        RecoveryError::Limited { .. } => {
            "Too many password recoveries were started from your address.".into()
        }
        RecoveryError::Store(_) => UNAVAILABLE.into(),
    }
}

pub fn confirm_error(e: &ConfirmError) -> String {
    match e {
        ConfirmError::WrongCode(left) => {
            format!("Code from the letter: wrong code, tries left: {left}.")
        }
        ConfirmError::CodeSpent => {
            "Code from the letter: wrong too many times. Order a new letter.".into()
        }
        ConfirmError::NoCode => {
            "Code from the letter: no code was ordered, or it expired. Order a new letter.".into()
        }
        ConfirmError::TooManyLetters { .. } => {
            "Postal address: too many letters with a code were ordered.".into()
        }
        ConfirmError::NotStandard(_) => {
            "Only a standard account can have its identity confirmed.".into()
        }
        ConfirmError::IdentityChanged => {
            "The account's data changed meanwhile: open the page again.".into()
        }
        ConfirmError::DocumentDiffers => {
            "The document differs from the passport in “My data”.".into()
        }
        ConfirmError::NoPassport => "“My data” has no passport.".into(),
        ConfirmError::Address => {
            "Postal address: give the postcode, city, street, house and flat".into()
        }
        ConfirmError::Certificate(e) => format!("Wrong certificate: {}.", certificate(e)),
        ConfirmError::NotTheirs(m) => format!("Wrong certificate: {}.", mismatch(*m)),
        ConfirmError::Unchecked(n) => format!(
            "Wrong certificate: the {} in “My data” is not checked yet: wait for the check's result.",
            number(*n)
        ),
        ConfirmError::NoChallenge => {
            "The request to sign has expired: sign the new request below.".into()
        }
        ConfirmError::SignatureOff => {
            "Confirmation with an electronic signature is not set up on this server.".into()
        }
        ConfirmError::Store(_) => UNAVAILABLE.into(),
    }
}

pub fn org_error(e: &OrgError) -> Vec<String> {
    let wrong_certificate = |why: &str| format!("{}: {why}.", super::flow::CERTIFICATE.wrong);
    vec![match e {
        OrgError::NotFound => "No such organization, or you do not work there.".into(),
        OrgError::Forbidden(role) => format!(
            "Only the organization's {} can do this.",
            (super::say::SAY.role)(*role)
        ),
        OrgError::Invalid(errors) => {
            return errors
                .iter()
                .map(|(field, why)| {
                    format!(
                        "{}: {}.",
                        (super::say::SAY.org_field)(*field),
                        (super::say::SAY.invalid)(why)
                    )
                })
                .collect();
        }
        OrgError::NotMember => "This person does not work for the organization.".into(),
        OrgError::LastAdmin => "The organization must keep at least one administrator: first make another employee an administrator.".into(),
        OrgError::AlreadyMember => "You already work for this organization.".into(),
        OrgError::InvitationGone => "The invitation was already accepted, has expired or does not exist. Ask the organization's administrator to invite you again.".into(),
        OrgError::NotAddressee => "The invitation is for someone else: only the person whose phone, e-mail or SNILS it names can accept it.".into(),
        OrgError::NotConfirmed => "Only a head with a confirmed account can register an organization: confirm your identity first.".into(),
        OrgError::Certificate(e) => wrong_certificate(&certificate(e)),
        OrgError::Mismatch(m) => wrong_certificate(&match m {
            OrgMismatch::NoOgrn(kind) => format!(
                "it has no {} of an organization",
                super::say::ogrn_name(*kind)
            ),
            OrgMismatch::Ogrn(kind) => format!(
                "its {} differs from the one given",
                super::say::ogrn_name(*kind)
            ),
            OrgMismatch::NoInn => "it has no INN of an organization".into(),
            OrgMismatch::Inn => "its INN differs from the one given".into(),
            OrgMismatch::NotTheHead(m) => {
                format!("it was not issued to you as the head: {}", mismatch(*m))
            }
        }),
        OrgError::NoChallenge => "The request to sign has expired: sign the new request below.".into(),
        OrgError::SignatureOff => "Registering organizations is not set up on this server: no certification authority is trusted.".into(),
        OrgError::Exists => "OGRN or OGRNIP: an organization with this OGRN is registered already.".into(),
        OrgError::Store(_) => UNAVAILABLE.into(),
    }]
}

pub fn journal(entry: &JournalEntry) -> Vec<Piece> {
    use Piece::{Data, Name, Text};
    let t = |text: &str| Text(text.to_owned());
    match entry.clone() {
        JournalEntry::Registered { head, certificate } => vec![
            t("organization registered, head "),
            Name(head),
            t(", certificate "),
            Data(certificate),
        ],
        JournalEntry::Invited { invitee, roles } => vec![
            t("invitation for "),
            Data(invitee),
            Text(format!(", roles: {roles}")),
        ],
        JournalEntry::Accepted { member, roles } => vec![
            Name(member),
            Text(format!(" accepted the invitation, roles: {roles}")),
        ],
        JournalEntry::Added { member, roles } => {
            vec![Name(member), Text(format!(" added, roles: {roles}"))]
        }
        JournalEntry::RolesChanged {
            member,
            before,
            after,
        } => vec![
            Name(member),
            Text(format!(": roles “{before}” replaced by “{after}”")),
        ],
        JournalEntry::Removed { member, before } => vec![
            Name(member),
            Text(format!(
                " removed from the employees (roles were: {before})"
            )),
        ],
        JournalEntry::Other(event) => vec![Data(event)],
    }
}
