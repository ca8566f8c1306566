//! The lockout rule, in plain values: whether an account's password path
//! is locked now, how long each strike locks it, and when wrong codes close
//! the code step. No store and no clock: the counting that feeds it lives
//! in [`super::guard`].
//!
//! Every `lockout_threshold` failures in a row (within `lockout_secs`) are
//! a strike against the account: its password path locks for
//! `lockout_secs`, each further strike `lockout_growth` times longer than
//! the one before, never longer than `lockout_max_secs` from that strike.
//! An admin's lock (`idp users lock`) is a lock until [`ADMIN_LOCK`]: it
//! closes every way in until an admin lifts it.

use crate::clock::UnixTime;
use crate::config::Config;
use crate::model::{ADMIN_LOCK, Account};

/// Until when `account`'s password path is locked at `now` after wrong
/// passwords, if it is (an admin's lock is [`admin_locked`]).
pub fn locked_until(account: &Account, now: UnixTime) -> Option<UnixTime> {
    account
        .locked_until
        .filter(|until| *until > now && *until < ADMIN_LOCK)
}

/// Whether an admin locked the account (`idp users lock`): every login is
/// refused until an admin unlocks it.
pub fn admin_locked(account: &Account) -> bool {
    account
        .locked_until
        .is_some_and(|until| until >= ADMIN_LOCK)
}

/// Why the password path of an account is closed, if it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lock {
    /// After wrong passwords, until a time.
    Guessing,
    /// By an admin, until an admin lifts it.
    Admin,
}

impl Lock {
    /// The reason the journal gives for a login refused by it.
    pub fn reason(self) -> &'static str {
        match self {
            Lock::Guessing => "locked",
            Lock::Admin => "admin_locked",
        }
    }
}

/// The lock on `account`'s password path at `now`, if any.
pub fn password_lock(account: &Account, now: UnixTime) -> Option<Lock> {
    if admin_locked(account) {
        Some(Lock::Admin)
    } else {
        locked_until(account, now).map(|_| Lock::Guessing)
    }
}

/// Whether `failures` in a row make a strike.
pub fn is_strike(config: &Config, failures: i64) -> bool {
    failures >= config.lockout_threshold
}

/// How long the lock of the `strike`th strike in a row lasts.
pub fn lock_secs(config: &Config, strike: u32) -> i64 {
    let mut secs = config.lockout_secs;
    for _ in 1..strike {
        if secs >= config.lockout_max_secs || config.lockout_growth <= 1 {
            break;
        }
        secs = secs.saturating_mul(config.lockout_growth);
    }
    secs.min(config.lockout_max_secs)
}

/// What a strike does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Strike {
    /// Which strike in a row it is, from 1.
    pub number: u32,
    /// How long its lock lasts.
    pub length: i64,
    /// When its lock ends.
    pub until: UnixTime,
    /// How long the count of strikes is remembered: until a quiet
    /// `lockout_max_secs` after this lock.
    pub remembered_secs: i64,
}

/// The strike that follows `strikes_before` strikes in a row, at `now`.
pub fn strike(config: &Config, strikes_before: u32, now: UnixTime) -> Strike {
    let number = strikes_before.saturating_add(1);
    let length = lock_secs(config, number);
    Strike {
        number,
        length,
        until: now.saturating_add(length),
        remembered_secs: length.saturating_add(config.lockout_max_secs),
    }
}

/// Whether the code step is still open on the `taken`th try at a code
/// within `lockout_secs` (wrong codes are counted apart from wrong
/// passwords).
pub fn code_try_allowed(config: &Config, taken: i64) -> bool {
    taken <= config.lockout_threshold
}

/// Whether a wrong code on the `taken`th try closes the code step.
pub fn closes_code_step(config: &Config, taken: i64) -> bool {
    taken >= config.lockout_threshold
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(locked_until: Option<UnixTime>) -> Account {
        Account {
            locked_until,
            ..Account::for_tests("acc")
        }
    }

    #[test]
    fn a_guessing_lock_holds_until_its_end_and_not_a_second_longer() {
        let now = 1_000;
        assert_eq!(locked_until(&account(None), now), None);
        assert_eq!(locked_until(&account(Some(now + 60)), now), Some(now + 60));
        assert_eq!(
            password_lock(&account(Some(now + 60)), now),
            Some(Lock::Guessing)
        );
        // A lock that ends now is over.
        assert_eq!(locked_until(&account(Some(now)), now), None);
        assert_eq!(password_lock(&account(Some(now - 1)), now), None);
    }

    #[test]
    fn an_admins_lock_is_no_guessing_lock_and_never_ends_by_itself() {
        let locked = account(Some(ADMIN_LOCK));
        for now in [0, 1_000_000, ADMIN_LOCK - 1] {
            assert!(admin_locked(&locked));
            assert_eq!(locked_until(&locked, now), None);
            assert_eq!(password_lock(&locked, now), Some(Lock::Admin));
        }
        assert!(!admin_locked(&account(Some(ADMIN_LOCK - 1))));
        assert_eq!(Lock::Admin.reason(), "admin_locked");
        assert_eq!(Lock::Guessing.reason(), "locked");
    }

    #[test]
    fn each_strike_locks_longer_up_to_the_cap() {
        let config = Config::default();
        let lengths: Vec<i64> = (1..=8).map(|n| lock_secs(&config, n)).collect();
        let (h, m) = (3600, 60);
        assert_eq!(
            lengths,
            [30 * m, h, 2 * h, 4 * h, 8 * h, 16 * h, 24 * h, 24 * h]
        );
        // No overflow however long the guessing goes on.
        let huge = Config {
            lockout_growth: i64::MAX,
            lockout_max_secs: i64::MAX,
            ..Config::default()
        };
        assert_eq!(lock_secs(&huge, u32::MAX), i64::MAX);
        assert_eq!(strike(&huge, u32::MAX, i64::MAX).until, i64::MAX);
        let flat = Config {
            lockout_growth: 1,
            ..Config::default()
        };
        assert_eq!(lock_secs(&flat, 50), flat.lockout_secs);
    }

    #[test]
    fn a_strike_comes_with_the_threshold_and_is_remembered_past_its_lock() {
        let config = Config::default();
        let threshold = config.lockout_threshold;
        assert!(!is_strike(&config, threshold - 1));
        assert!(is_strike(&config, threshold));
        let first = strike(&config, 0, 1_000);
        assert_eq!(first.number, 1);
        assert_eq!(first.length, config.lockout_secs);
        assert_eq!(first.until, 1_000 + config.lockout_secs);
        assert_eq!(
            first.remembered_secs,
            config.lockout_secs + config.lockout_max_secs
        );
        let second = strike(&config, 1, 5_000);
        assert_eq!(
            (second.number, second.until),
            (2, 5_000 + lock_secs(&config, 2))
        );
        // The lock in force after a strike is the one `locked_until` sees.
        let locked = account(Some(second.until));
        assert_eq!(locked_until(&locked, 5_000), Some(second.until));
        assert_eq!(locked_until(&locked, second.until), None);
    }

    #[test]
    fn wrong_codes_close_the_code_step_at_the_threshold() {
        let config = Config::default();
        let threshold = config.lockout_threshold;
        assert!(code_try_allowed(&config, 1));
        assert!(code_try_allowed(&config, threshold));
        assert!(!code_try_allowed(&config, threshold + 1));
        assert!(!closes_code_step(&config, threshold - 1));
        assert!(closes_code_step(&config, threshold));
    }
}
