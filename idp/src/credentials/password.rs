//! Passwords: the policy from the seeds, and Argon2id hashing.

use std::sync::Arc;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use crate::ctx::{BlockingPool, Busy};
use crate::model::Secret;

/// Punctuation the policy accepts (seed 002).
pub const PUNCTUATION: &str = "!\"$%&'()+,-.<|>~`";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("the password must be at least 8 characters long")]
    TooShort,
    #[error("the password must be at most 128 characters long")]
    TooLong,
    #[error("the password needs an upper-case and a lower-case Latin letter and a digit")]
    MissingClass,
    #[error("the password may contain only Latin letters, digits and {PUNCTUATION}")]
    BadCharacter,
    /// A Cyrillic letter: most likely the keyboard's layout is Russian.
    #[error("the password has a Cyrillic letter (the keyboard layout?)")]
    Cyrillic,
    #[error("password hashing failed")]
    Hashing,
}

/// At least 8 characters; Latin upper and lower case and digits; only the
/// listed punctuation.
pub fn check_policy(password: &str) -> Result<(), PolicyError> {
    if password.chars().count() < 8 {
        return Err(PolicyError::TooShort);
    }
    if password.len() > 128 {
        return Err(PolicyError::TooLong);
    }
    if password
        .chars()
        .any(|c| matches!(c, '\u{0400}'..='\u{04FF}'))
    {
        return Err(PolicyError::Cyrillic);
    }
    if !password
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || PUNCTUATION.contains(c))
    {
        return Err(PolicyError::BadCharacter);
    }
    let has = |f: fn(&char) -> bool| password.chars().any(|c| f(&c));
    if !(has(char::is_ascii_uppercase)
        && has(char::is_ascii_lowercase)
        && has(char::is_ascii_digit))
    {
        return Err(PolicyError::MissingClass);
    }
    Ok(())
}

/// Checks the policy and hashes with Argon2id (PHC string).
pub fn hash(password: &Secret) -> Result<String, PolicyError> {
    check_policy(password.expose())?;
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    Argon2::default()
        .hash_password(password.expose().as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| PolicyError::Hashing)
}

/// Why a new password was not taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NewPasswordError {
    #[error(transparent)]
    Policy(#[from] PolicyError),
    #[error("the two passwords differ")]
    Differ,
}

/// A new password typed twice: checked against the policy, then hashed on
/// the blocking pool.
pub async fn hash_new(password: &str, repeated: &str) -> Result<String, NewPasswordError> {
    check_policy(password)?;
    if password != repeated {
        return Err(NewPasswordError::Differ);
    }
    let secret = Secret::new(password);
    Ok(tokio::task::spawn_blocking(move || hash(&secret))
        .await
        .map_err(|_| PolicyError::Hashing)??)
}

/// Verifies in constant time (argon2 compares the digests so).
pub fn verify(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// [`verify`] in the bounded hashing pool: [`Busy`] at once when it is
/// full; a verification that failed to run is a wrong password.
pub async fn verify_pooled(
    pool: &Arc<BlockingPool>,
    password: String,
    phc: String,
) -> Result<bool, Busy> {
    Ok(pool
        .run(move || verify(&password, &phc))
        .await?
        .unwrap_or(false))
}

/// A hash to verify against when the login is unknown, so that an unknown
/// login costs as much time as a wrong password.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash(&Secret::new("Dummy-password-1")).expect("policy-conforming"))
}

#[cfg(test)]
mod cost_tests {
    use super::*;

    /// An unknown login is checked against the dummy hash; it costs what a
    /// real one costs only if it has the same algorithm and parameters.
    #[test]
    fn a_cyrillic_letter_is_told_apart_from_other_characters() {
        assert!(matches!(
            check_policy("Пароль-12Ab"),
            Err(PolicyError::Cyrillic)
        ));
        assert!(matches!(
            check_policy("Parol-12Ab§"),
            Err(PolicyError::BadCharacter)
        ));
        assert!(check_policy("Parol-12Ab").is_ok());
    }

    #[test]
    fn the_dummy_hash_costs_what_a_real_hash_costs() {
        let real = hash(&Secret::new("Real-pass1")).unwrap();
        let (real, dummy) = (
            PasswordHash::new(&real).unwrap(),
            PasswordHash::new(dummy_hash()).unwrap(),
        );
        assert_eq!(dummy.algorithm, real.algorithm);
        assert_eq!(dummy.version, real.version);
        assert_eq!(dummy.params, real.params);
        assert_eq!(dummy.hash.map(|h| h.len()), real.hash.map(|h| h.len()));
    }

    #[tokio::test]
    async fn the_pool_verifies_and_turns_away_when_full() {
        let pool = Arc::new(BlockingPool::new(1, 0));
        let dummy = dummy_hash().to_owned();
        let right = verify_pooled(&pool, "Dummy-password-1".into(), dummy.clone());
        let wrong = verify_pooled(&pool, "Dummy-password-2".into(), dummy.clone());
        // Polled together, the second finds the one place taken.
        let (right, wrong) = tokio::join!(right, wrong);
        assert_eq!((right, wrong), (Ok(true), Err(Busy)));
        assert_eq!(verify_pooled(&pool, "wrong".into(), dummy).await, Ok(false));
    }
}
