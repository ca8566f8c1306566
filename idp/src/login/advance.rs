//! The authentication state machine: after each verified factor,
//! [`advance`] says what the login needs next. Second factors and
//! certificate login add a factor and a need each; nothing downstream of
//! [`AuthContext`] changes.

use crate::clock::UnixTime;
use crate::model::{Aal, Account, AuthContext};

/// A factor the person has proven in this login.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Factor {
    Password,
}

impl Factor {
    /// RFC 8176 method name.
    fn amr(self) -> &'static str {
        match self {
            Factor::Password => "pwd",
        }
    }
}

/// A second factor an account can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecondFactor {
    Sms,
    Totp,
}

/// A login under way: whose, what was proven, what is required.
#[derive(Debug, Clone)]
pub struct Progress<'a> {
    pub account: &'a Account,
    pub factors: Vec<Factor>,
    pub required: Aal,
}

/// What the login needs next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Need {
    /// One of these one-time codes.
    SecondFactor { methods: Vec<SecondFactor> },
    /// A signature with the person's certificate.
    Certificate,
    /// Nothing this account has can reach the required strength.
    Unreachable,
    /// Authenticated: what the session will carry.
    Done(AuthContext),
}

/// The next need of a login: `Done` once the proven factors reach the
/// required strength.
pub fn advance(progress: &Progress<'_>, sid: String, now: UnixTime) -> Need {
    let reached = reached(&progress.factors);
    if reached >= progress.required {
        return Need::Done(AuthContext {
            account_id: progress.account.id.clone(),
            auth_time: now,
            aal: reached,
            amr: progress
                .factors
                .iter()
                .map(|f| f.amr().to_owned())
                .collect(),
            account_level: progress.account.level,
            sid,
            acting_org: None,
        });
    }
    match progress.required {
        Aal::Aal3 => Need::Certificate,
        _ => {
            let methods = second_factors(progress.account);
            if methods.is_empty() {
                Need::Unreachable
            } else {
                Need::SecondFactor { methods }
            }
        }
    }
}

/// The strength the proven factors reach: a password alone is AAL1 (a
/// second factor or a certificate will raise it).
fn reached(factors: &[Factor]) -> Aal {
    debug_assert!(factors.contains(&Factor::Password));
    Aal::Aal1
}

/// The second factors an account has set up (none until the strong
/// authentication issue adds the settings).
fn second_factors(_account: &Account) -> Vec<SecondFactor> {
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AccountLevel;

    fn account() -> Account {
        Account {
            id: "acc".into(),
            email: None,
            phone: None,
            snils: None,
            inn: None,
            password_hash: String::new(),
            family_name: "Ф".into(),
            given_name: "И".into(),
            middle_name: None,
            birthdate: None,
            gender: None,
            address: None,
            email_verified: false,
            phone_verified: false,
            level: AccountLevel::Standard,
            created_at: 0,
            locked_until: None,
        }
    }

    #[test]
    fn a_password_is_enough_for_aal1() {
        let account = account();
        let progress = Progress {
            account: &account,
            factors: vec![Factor::Password],
            required: Aal::Aal1,
        };
        let Need::Done(auth) = advance(&progress, "sid".into(), 42) else {
            panic!("expected Done");
        };
        assert_eq!(auth.aal, Aal::Aal1);
        assert_eq!(auth.amr, ["pwd"]);
        assert_eq!(auth.auth_time, 42);
        assert_eq!(auth.account_level, AccountLevel::Standard);
    }

    #[test]
    fn stronger_requirements_name_what_is_missing() {
        let account = account();
        let mut progress = Progress {
            account: &account,
            factors: vec![Factor::Password],
            required: Aal::Aal2,
        };
        assert_eq!(advance(&progress, "s".into(), 0), Need::Unreachable);
        progress.required = Aal::Aal3;
        assert_eq!(advance(&progress, "s".into(), 0), Need::Certificate);
    }
}
