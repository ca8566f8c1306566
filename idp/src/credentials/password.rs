//! Passwords: the policy from the seeds, and Argon2id hashing.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use argon2::password_hash::{Output, PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};

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

/// Argon2id's working memory (19 MiB with the default parameters), kept
/// for the next verification instead of allocated for each one: freed, it
/// stays with the allocator's arena of whichever thread ran the check, so a
/// password flood grew a node to hundreds of megabytes (docs/performance.md).
/// There are never more of them than checks at once, which the hashing pool
/// bounds; [`release_idle_memory`] lets them go once the checks stop.
static MEMORY: Mutex<Kept> = Mutex::new(Kept::new());

struct Kept {
    buffers: Vec<Vec<Block>>,
    /// When the last check gave its buffer back.
    returned_at: Option<Instant>,
}

impl Kept {
    const fn new() -> Self {
        Self {
            buffers: Vec::new(),
            returned_at: None,
        }
    }

    fn take(&mut self) -> Vec<Block> {
        self.buffers.pop().unwrap_or_default()
    }

    fn give_back(&mut self, memory: Vec<Block>) {
        self.buffers.push(memory);
        self.returned_at = Some(Instant::now());
    }

    /// Drops the kept buffers if no check has ended for `idle`; how many.
    fn release_if_idle(&mut self, idle: Duration) -> usize {
        if self.returned_at.is_none_or(|at| at.elapsed() < idle) {
            return 0;
        }
        self.returned_at = None;
        std::mem::take(&mut self.buffers).len()
    }
}

/// Gives the kept working memory back to the system once no password has
/// been checked for `idle`, so a node that is quiet again after logins
/// returns to its idle size (the janitor calls it). With the image's
/// allocator settings the 19 MiB go back at once; the next check maps them
/// again, a few milliseconds.
pub fn release_idle_memory(idle: Duration) -> usize {
    MEMORY
        .lock()
        .map(|mut kept| kept.release_if_idle(idle))
        .unwrap_or(0)
}

/// Verifies in constant time (`Output` compares digests so), with the
/// algorithm, version and parameters the PHC string names.
pub fn verify(password: &str, phc: &str) -> bool {
    verify_phc(password.as_bytes(), phc).unwrap_or(false)
}

fn verify_phc(password: &[u8], phc: &str) -> Option<bool> {
    let parsed = PasswordHash::new(phc).ok()?;
    let (salt, expected) = (parsed.salt?, parsed.hash?);
    let algorithm = Algorithm::try_from(parsed.algorithm).ok()?;
    let version = match parsed.version {
        Some(v) => Version::try_from(v).ok()?,
        None => Version::default(),
    };
    let params = Params::try_from(&parsed).ok()?;
    let mut salt_bytes = [0u8; 64];
    let salt = salt.decode_b64(&mut salt_bytes).ok()?;
    let blocks = params.block_count();
    let argon2 = Argon2::new(algorithm, version, params);
    let mut memory = take_memory();
    memory.resize(blocks, Block::default());
    let computed = Output::init_with(expected.len(), |out| {
        argon2
            .hash_password_into_with_memory(password, salt, out, &mut memory[..])
            .map_err(|_| argon2::password_hash::Error::Password)
    });
    give_back_memory(memory);
    Some(computed.ok()? == expected)
}

fn take_memory() -> Vec<Block> {
    MEMORY
        .lock()
        .map(|mut kept| kept.take())
        .unwrap_or_default()
}

fn give_back_memory(memory: Vec<Block>) {
    if let Ok(mut kept) = MEMORY.lock() {
        kept.give_back(memory);
    }
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

    /// The verification reads what the PHC string names, not our defaults:
    /// hashes made with other algorithms, versions and costs (an imported
    /// account, a future change of parameters) verify, each only with its
    /// own password, and the kept memory fits each size in turn.
    #[test]
    fn verifies_hashes_of_other_algorithms_versions_and_costs() {
        let cases = [
            (Algorithm::Argon2id, Version::V0x13, 19 * 1024, 2, 1),
            (Algorithm::Argon2i, Version::V0x10, 64, 3, 2),
            (Algorithm::Argon2d, Version::V0x13, 256, 1, 4),
            (Algorithm::Argon2id, Version::V0x13, 8, 1, 1),
        ];
        for (algorithm, version, m, t, p) in cases {
            let params = Params::new(m, t, p, None).unwrap();
            let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
            let phc = Argon2::new(algorithm, version, params)
                .hash_password(b"Right-pass1", &salt)
                .unwrap()
                .to_string();
            assert!(verify("Right-pass1", &phc), "{phc}");
            assert!(!verify("Right-pass2", &phc), "{phc}");
            assert!(!verify("", &phc), "{phc}");
        }
    }

    /// The kept working memory goes once no check has ended for the idle
    /// time, and not while checks keep ending.
    #[test]
    fn kept_memory_is_released_only_when_checks_stop() {
        let mut kept = Kept::new();
        assert_eq!(kept.release_if_idle(Duration::ZERO), 0, "nothing kept yet");
        kept.give_back(vec![Block::default(); 8]);
        kept.give_back(vec![Block::default(); 8]);
        assert_eq!(kept.release_if_idle(Duration::from_secs(60)), 0);
        assert_eq!(kept.buffers.len(), 2);
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(kept.release_if_idle(Duration::from_millis(10)), 2);
        assert!(kept.buffers.is_empty());
        assert!(kept.take().is_empty(), "a later check allocates anew");
    }

    #[test]
    fn a_malformed_or_foreign_hash_verifies_no_password() {
        let real = hash(&Secret::new("Real-pass1")).unwrap();
        let without_digest = real.rsplit_once('$').unwrap().0.to_owned();
        for phc in [
            "",
            "Real-pass1",
            &without_digest,
            "$scrypt$ln=4,r=8,p=1$c29tZXNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
            "$argon2id$v=19$m=1,t=2,p=1$c29tZXNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
        ] {
            assert!(!verify("Real-pass1", phc), "{phc}");
        }
        assert!(verify("Real-pass1", &real));
    }
}
