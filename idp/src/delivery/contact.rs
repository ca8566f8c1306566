//! Which of a person's contacts a message goes to: the one rule behind
//! every notice, code and link sent to an account.

use super::Kind;
use crate::model::Account;

/// Which contact is tried first when the person has both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prefer {
    Email,
    Phone,
}

/// Whether a contact the person has not confirmed may be written to: a
/// notice about the account itself may go there (it is what the account
/// was registered with), a secret (a recovery code) or a warning meant for
/// the true owner may not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unverified {
    Allowed,
    Refused,
}

/// The contact of `account` to write to, and how the message travels; none
/// when the account has no usable contact.
pub fn contact<'a>(
    account: &'a Account,
    prefer: Prefer,
    unverified: Unverified,
) -> Option<(Kind, &'a str)> {
    let usable = |contact: Option<&'a str>, verified: bool| {
        contact.filter(|_| verified || unverified == Unverified::Allowed)
    };
    let email = usable(account.email.as_deref(), account.email_verified).map(|e| (Kind::Email, e));
    let phone = usable(account.phone.as_deref(), account.phone_verified).map(|p| (Kind::Sms, p));
    match prefer {
        Prefer::Email => email.or(phone),
        Prefer::Phone => phone.or(email),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AccountLevel;

    fn account(email: (bool, bool), phone: (bool, bool)) -> Account {
        Account {
            id: "a".into(),
            email: email.0.then(|| "anna@example.org".into()),
            phone: phone.0.then(|| "+79990000001".into()),
            snils: None,
            inn: None,
            password_hash: String::new(),
            family_name: "Стандартова".into(),
            given_name: "Анна".into(),
            middle_name: None,
            birthdate: None,
            gender: None,
            address: None,
            email_verified: email.1,
            phone_verified: phone.1,
            level: AccountLevel::Simplified,
            created_at: 0,
            locked_until: None,
            checked_at: 0,
            level_since: 0,
        }
    }

    const EMAIL: Option<(Kind, &str)> = Some((Kind::Email, "anna@example.org"));
    const PHONE: Option<(Kind, &str)> = Some((Kind::Sms, "+79990000001"));

    #[test]
    fn the_preferred_contact_first_then_the_other() {
        let both = account((true, true), (true, true));
        assert_eq!(contact(&both, Prefer::Email, Unverified::Refused), EMAIL);
        assert_eq!(contact(&both, Prefer::Phone, Unverified::Refused), PHONE);
        let phone_only = account((false, false), (true, true));
        assert_eq!(
            contact(&phone_only, Prefer::Email, Unverified::Allowed),
            PHONE
        );
        let none = account((false, false), (false, false));
        assert_eq!(contact(&none, Prefer::Email, Unverified::Allowed), None);
    }

    #[test]
    fn an_unverified_contact_only_when_allowed() {
        // The e-mail unconfirmed, the phone confirmed.
        let a = account((true, false), (true, true));
        assert_eq!(contact(&a, Prefer::Email, Unverified::Allowed), EMAIL);
        assert_eq!(contact(&a, Prefer::Email, Unverified::Refused), PHONE);
        let unconfirmed = account((true, false), (true, false));
        assert_eq!(
            contact(&unconfirmed, Prefer::Phone, Unverified::Allowed),
            PHONE
        );
        assert_eq!(
            contact(&unconfirmed, Prefer::Phone, Unverified::Refused),
            None
        );
    }
}
