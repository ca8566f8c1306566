//! Credentials: what a person proves who they are with, and the rules that
//! guard them. The password (policy, Argon2id, checks in the bounded
//! hashing pool), one-time codes sent by SMS or e-mail, authenticator-app
//! codes (TOTP), recovery codes, the second factor's code check shared by
//! login and the security settings, the certificate login's challenge,
//! and the lockout: the rule ([`lockout`], pure) and the counting in the
//! short-lived store ([`guard`]).
//!
//! It knows no use case: logging in (`login`) and the security settings
//! (`accounts::second_factor`) both build on it, and neither imports the
//! other.

pub mod certificate;
pub mod codes;
pub mod guard;
pub mod lockout;
pub mod password;
pub mod recovery_codes;
pub mod second_factor;
pub mod totp;

use serde::{Deserialize, Serialize};

/// A factor the person has proven in this login.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Factor {
    Password,
    /// A code from an authenticator app (RFC 6238).
    Totp,
    /// A code sent by SMS to the verified phone.
    Sms,
    /// One of the account's single-use recovery codes.
    RecoveryCode,
    /// A signature with a certificate whose key the browser holds.
    Certificate,
}

impl Factor {
    /// RFC 8176 method name. A recovery code is a one-time password; a key
    /// held by the browser is a software key (`swk`): no hardware token is
    /// reachable from a web page without a vendor plug-in.
    pub fn amr(self) -> &'static str {
        match self {
            Factor::Password => "pwd",
            Factor::Totp | Factor::RecoveryCode => "otp",
            Factor::Sms => "sms",
            Factor::Certificate => "swk",
        }
    }

    /// Whether it is a second factor (it counts only with a password).
    pub fn is_second(self) -> bool {
        matches!(self, Factor::Totp | Factor::Sms | Factor::RecoveryCode)
    }
}
