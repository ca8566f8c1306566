//! The words of the messages sent to people: SMS, e-mail and registered
//! letters. The domain says what to tell as a [`Notice`] (typed, with its
//! values); [`ru`] words it. Messages are Russian only: a person's language
//! is not known when a message is sent (nothing stores it, and a message
//! may go out from the worker long after the page that caused it). An
//! English catalogue would be an `en.rs` beside `ru.rs`, chosen here.

pub mod ru;

use crate::clock::UnixTime;
use crate::model::{CheckReason, Roles};

/// What a message tells.
#[derive(Debug, Clone, Copy)]
pub enum Notice<'a> {
    /// A one-time code by SMS.
    Code { purpose: Purpose, code: &'a str },
    /// The link that confirms an e-mail address given at registration.
    ConfirmEmail { first_name: &'a str, link: &'a str },
    /// Someone tried to register a contact that has an account already.
    AlreadyRegistered,
    /// The code of a password recovery.
    RecoveryCode { code: &'a str },
    /// Password login is locked after `failures` wrong passwords, until
    /// `until`; each new failure extends it by up to `extension_secs`.
    PasswordLocked {
        failures: i64,
        until: UnixTime,
        extension_secs: i64,
        /// Certificate login works meanwhile.
        certificate: bool,
        link: &'a str,
    },
    /// A security setting changed.
    Changed(Change),
    /// The registries answered a profile check.
    Checked(Check<'a>),
    /// The account became confirmed.
    Confirmed,
    /// The registered letter with the confirmation code.
    PostalCode { name: &'a str, code: &'a str },
    /// An invitation to an organization.
    Invitation {
        org: &'a str,
        roles: &'a Roles,
        link: &'a str,
    },
}

/// What a one-time code is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Registration,
    Login,
    EnableSms,
}

/// A change of the login settings, told to the owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    TotpEnabled,
    SmsEnabled,
    SecondFactorDisabled,
    PasswordChanged,
}

/// The answer of a profile check.
#[derive(Debug, Clone, Copy)]
pub enum Check<'a> {
    /// The account became standard.
    Promoted,
    /// The checked names, birth date or SNILS changed: confirmed no more.
    Demoted,
    /// The new data is in force; the level did not change.
    Updated,
    Refused(&'a [CheckReason]),
}

/// A message's subject and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Words {
    pub subject: String,
    pub text: String,
}

impl Notice<'_> {
    /// The message in words.
    pub fn words(&self) -> Words {
        ru::words(self)
    }
}
