//! The authentication state machine: after each verified factor,
//! [`advance`] says what the login needs next. Second factors and
//! certificate login add a factor and a need each; nothing downstream of
//! [`AuthContext`] changes.

use crate::clock::UnixTime;
pub use crate::credentials::Factor;
pub use crate::model::SecondFactor;
use crate::model::{Aal, Account, AuthContext};

/// A login under way: whose, what was proven, what is required.
#[derive(Debug, Clone)]
pub struct Progress<'a> {
    pub account: &'a Account,
    pub factors: Vec<Factor>,
    /// The second factor the account has set up, if any.
    pub second_factor: Option<SecondFactor>,
    pub required: Aal,
}

/// What the login needs next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Need {
    /// A one-time code of the account's second factor.
    SecondFactor { method: SecondFactor },
    /// A signature with the person's certificate.
    Certificate,
    /// Nothing this account has can reach the required strength.
    Unreachable,
    /// Authenticated: what the session will carry.
    Done(AuthContext),
}

/// The next need of a login: `Done` once the proven factors reach the
/// required strength and, for an account with a second factor, include it.
pub fn advance(progress: &Progress<'_>, sid: String, now: UnixTime) -> Need {
    let reached = reached(&progress.factors);
    // An account with a second factor always uses it: that is what the
    // person chose, whatever the portal would accept.
    let code_due = progress.second_factor.is_some() && reached < Aal::Aal2;
    if reached >= progress.required && !code_due {
        return Need::Done(authenticated(progress, sid, now));
    }
    match (progress.required, progress.second_factor) {
        (Aal::Aal3, _) => Need::Certificate,
        (_, Some(method)) => Need::SecondFactor { method },
        (_, None) => Need::Unreachable,
    }
}

/// What a session of the proven factors carries, at the strength they
/// reach.
pub fn authenticated(progress: &Progress<'_>, sid: String, now: UnixTime) -> AuthContext {
    let mut amr: Vec<String> = Vec::new();
    for factor in &progress.factors {
        if !amr.iter().any(|m| m == factor.amr()) {
            amr.push(factor.amr().to_owned());
        }
    }
    AuthContext {
        account_id: progress.account.id.clone(),
        auth_time: now,
        aal: reached(&progress.factors),
        amr,
        account_level: progress.account.level,
        sid,
        acting_org: None,
    }
}

/// The strength the proven factors reach: a certificate is AAL3, a password
/// with a one-time code AAL2, a password alone AAL1.
pub fn reached(factors: &[Factor]) -> Aal {
    if factors.contains(&Factor::Certificate) {
        Aal::Aal3
    } else if factors.contains(&Factor::Password) && factors.iter().any(|f| f.is_second()) {
        Aal::Aal2
    } else {
        Aal::Aal1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AccountLevel;

    fn account() -> Account {
        Account::for_tests("acc")
    }

    #[test]
    fn a_password_is_enough_for_aal1() {
        let account = account();
        let progress = Progress {
            account: &account,
            factors: vec![Factor::Password],
            second_factor: None,
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
            second_factor: None,
            required: Aal::Aal2,
        };
        assert_eq!(advance(&progress, "s".into(), 0), Need::Unreachable);
        progress.second_factor = Some(SecondFactor::Totp);
        assert_eq!(
            advance(&progress, "s".into(), 0),
            Need::SecondFactor {
                method: SecondFactor::Totp
            }
        );
        progress.required = Aal::Aal3;
        assert_eq!(advance(&progress, "s".into(), 0), Need::Certificate);
        // The person's own second factor is asked even where a password
        // would do for the portal.
        progress.required = Aal::Aal1;
        assert_eq!(
            advance(&progress, "s".into(), 0),
            Need::SecondFactor {
                method: SecondFactor::Totp
            }
        );
    }

    #[test]
    fn factors_reach_their_strength_with_rfc_8176_names() {
        let account = account();
        let mut progress = Progress {
            account: &account,
            factors: vec![Factor::Password, Factor::Sms],
            second_factor: Some(SecondFactor::Sms),
            required: Aal::Aal2,
        };
        let Need::Done(auth) = advance(&progress, "s".into(), 0) else {
            panic!("expected Done");
        };
        assert_eq!(
            (auth.aal, auth.amr),
            (Aal::Aal2, vec!["pwd".into(), "sms".into()])
        );
        progress.factors = vec![Factor::Certificate];
        progress.required = Aal::Aal3;
        let Need::Done(auth) = advance(&progress, "s".into(), 0) else {
            panic!("expected Done");
        };
        assert_eq!((auth.aal, auth.amr), (Aal::Aal3, vec!["swk".into()]));
        assert_eq!(
            reached(&[Factor::Totp]),
            Aal::Aal1,
            "a code alone is no login"
        );
    }
}
