//! The account levels (simplified → standard → confirmed) as rules over
//! plain values. A passing registry check makes a simplified account
//! standard; a confirmation (service centre, letter, signature) makes a
//! standard account confirmed; and «confirmed» belongs to the identity it
//! confirmed (names, birth date, SNILS): a check that changes any of them
//! takes the account back to standard, while a new passport of the same
//! person keeps it. The store applies [`after_check`] in the transaction
//! that records the registries' answer.

use crate::model::{AccountLevel, AfterCheck, Profile, VerificationStatus};

/// What is known of an account when its level may change.
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    pub level: AccountLevel,
    /// Its checked data.
    pub checked: &'a Profile,
}

/// What happens to the account.
#[derive(Debug, Clone, Copy)]
pub enum Change<'a> {
    /// The registries passed this profile: it becomes the checked data.
    Checked(&'a Profile),
    /// A confirmation vouched for the identity of this profile (the checked
    /// data as the confirming party saw it).
    Confirmed(&'a Profile),
}

/// The level `change` leaves the account at.
pub fn level_after(facts: &Facts<'_>, change: Change<'_>) -> AccountLevel {
    match change {
        Change::Checked(after) => match facts.level {
            AccountLevel::Confirmed if same_identity(facts.checked, after) => {
                AccountLevel::Confirmed
            }
            _ => AccountLevel::Standard,
        },
        Change::Confirmed(seen) => match facts.level {
            AccountLevel::Standard if same_identity(facts.checked, seen) => AccountLevel::Confirmed,
            level => level,
        },
    }
}

/// What a passing check of `after` does to an account at `level` whose
/// checked data is `before`: its new level, and whether the identity
/// changed (then a letter with a code ordered for the old identity must
/// not confirm the new one).
pub fn after_check(level: AccountLevel, before: &Profile, after: &Profile) -> AfterCheck {
    let facts = Facts {
        level,
        checked: before,
    };
    AfterCheck {
        level: level_after(&facts, Change::Checked(after)),
        identity_changed: !same_identity(before, after),
    }
}

/// Whether two profiles name the same person: names, birth date, SNILS
/// (what a confirmation vouches for).
pub fn same_identity(a: &Profile, b: &Profile) -> bool {
    let identity = |p: &Profile| {
        (
            p.family_name.clone(),
            p.given_name.clone(),
            p.middle_name.clone(),
            p.birthdate.clone(),
            p.snils.clone(),
        )
    };
    identity(a) == identity(b)
}

/// What raises an account's level next, for the home page: the domain's
/// answer, worded by the pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextStep {
    /// Simplified: fill in SNILS and the passport and send them for the check.
    SendForCheck,
    /// The data is with the registries; nothing to do but wait.
    AwaitCheck,
    /// The registries refused the data: correct it and send it again.
    FixRefused,
    /// Standard: confirm the identity (service centre, letter, signature).
    Confirm,
    /// Confirmed: the highest level.
    Highest,
}

/// The next step of an account at `level` whose newest registry check is
/// `check` (if any).
pub fn next_step(level: AccountLevel, check: Option<VerificationStatus>) -> NextStep {
    match (check, level) {
        (Some(VerificationStatus::Pending), _) => NextStep::AwaitCheck,
        (_, AccountLevel::Confirmed) => NextStep::Highest,
        (_, AccountLevel::Standard) => NextStep::Confirm,
        (Some(VerificationStatus::Failed), AccountLevel::Simplified) => NextStep::FixRefused,
        (_, AccountLevel::Simplified) => NextStep::SendForCheck,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Passport;
    use AccountLevel::{Confirmed, Simplified, Standard};

    fn profile() -> Profile {
        Profile {
            family_name: "Иванова".into(),
            given_name: "Мария".into(),
            middle_name: Some("Петровна".into()),
            gender: Some("female".into()),
            birthdate: Some("1990-01-02".into()),
            snils: Some("112-233-445 95".into()),
            ..Profile::default()
        }
    }

    fn checked(level: AccountLevel, before: &Profile, after: &Profile) -> AccountLevel {
        let facts = Facts {
            level,
            checked: before,
        };
        level_after(&facts, Change::Checked(after))
    }

    #[test]
    fn a_passing_check_makes_a_simplified_account_standard() {
        let (before, after) = (Profile::default(), profile());
        assert_eq!(checked(Simplified, &before, &after), Standard);
        assert_eq!(checked(Standard, &before, &after), Standard);
    }

    #[test]
    fn a_confirmed_account_that_changes_its_name_is_no_longer_confirmed() {
        let before = profile();
        let after = Profile {
            family_name: "Петрова".into(),
            ..profile()
        };
        assert_eq!(checked(Confirmed, &before, &after), Standard);
        let outcome = after_check(Confirmed, &before, &after);
        assert_eq!(outcome.level, Standard);
        assert!(outcome.identity_changed);
    }

    #[test]
    fn any_part_of_the_identity_counts() {
        let before = profile();
        let changes = [
            Profile {
                given_name: "Марина".into(),
                ..profile()
            },
            Profile {
                middle_name: None,
                ..profile()
            },
            Profile {
                birthdate: Some("1990-01-03".into()),
                ..profile()
            },
            Profile {
                snils: Some("112-233-446 96".into()),
                ..profile()
            },
        ];
        for after in changes {
            assert_eq!(checked(Confirmed, &before, &after), Standard, "{after:?}");
        }
    }

    #[test]
    fn a_new_passport_of_the_same_person_keeps_confirmed() {
        let before = profile();
        let after = Profile {
            passport: Some(Passport {
                series: "4510".into(),
                number: "123456".into(),
                issued_on: "2020-05-06".into(),
                issuer: "ОВД".into(),
                issuer_code: "770-001".into(),
            }),
            inn: Some("500100732259".into()),
            ..profile()
        };
        let outcome = after_check(Confirmed, &before, &after);
        assert_eq!(outcome.level, Confirmed);
        assert!(!outcome.identity_changed);
    }

    #[test]
    fn a_confirmation_raises_only_a_standard_account_with_the_identity_seen() {
        let checked = profile();
        let facts = |level| Facts {
            level,
            checked: &checked,
        };
        let seen = profile();
        assert_eq!(
            level_after(&facts(Standard), Change::Confirmed(&seen)),
            Confirmed
        );
        assert_eq!(
            level_after(&facts(Simplified), Change::Confirmed(&seen)),
            Simplified
        );
        assert_eq!(
            level_after(&facts(Confirmed), Change::Confirmed(&seen)),
            Confirmed
        );
        let other = Profile {
            family_name: "Петрова".into(),
            ..profile()
        };
        assert_eq!(
            level_after(&facts(Standard), Change::Confirmed(&other)),
            Standard
        );
    }

    #[test]
    fn the_next_step_follows_the_level_and_the_check() {
        use super::{NextStep as N, next_step};
        use crate::model::VerificationStatus as V;
        let (s, st, c) = (
            AccountLevel::Simplified,
            AccountLevel::Standard,
            AccountLevel::Confirmed,
        );
        assert_eq!(next_step(s, None), N::SendForCheck);
        assert_eq!(next_step(s, Some(V::Cancelled)), N::SendForCheck);
        assert_eq!(next_step(s, Some(V::Failed)), N::FixRefused);
        assert_eq!(next_step(s, Some(V::Pending)), N::AwaitCheck);
        assert_eq!(next_step(st, Some(V::Passed)), N::Confirm);
        // A refused edit of a standard account leaves it standard.
        assert_eq!(next_step(st, Some(V::Failed)), N::Confirm);
        assert_eq!(next_step(st, Some(V::Pending)), N::AwaitCheck);
        assert_eq!(next_step(c, None), N::Highest);
    }
}
