//! The signing-key lifecycle as rules: what an admin may do to a key, what
//! happens by itself as time passes, and why an unsafe step is refused.
//!
//! The routine rotation can never start signing with a key portals have not
//! fetched: a new key is published as `next` for at least the JWKS cache
//! lifetime before it signs, and the old one stays published as `retiring`
//! until every token it signed has expired.

use keys::{Algorithm, KeyState, MasterKey, Transition};

use super::{KeyRingError, generate};
use crate::clock::UnixTime;
use crate::config::Config;
use crate::model::StoredKey;
use crate::store::{KeyChange, SqlStore, StoreError};

/// The timings the rules follow.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// How long a key is published before it may sign: the JWKS cache
    /// lifetime.
    pub publish_secs: i64,
    /// How long a token signed by a key may live.
    pub token_secs: i64,
    pub rsa_bits: usize,
}

impl Policy {
    pub fn from_config(config: &Config) -> Self {
        Self {
            publish_secs: config.jwks_max_age_secs,
            token_secs: config.access_token_ttl_secs.max(config.id_token_ttl_secs),
            rsa_bits: config.rsa_bits,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LifecycleError {
    #[error(transparent)]
    Keys(#[from] KeyRingError),
    #[error("no signing key `{0}` (see `idp keys list`)")]
    NotFound(String),
    /// An unsafe or impossible step, with the reason and what to do.
    #[error("refused: {0}")]
    Refused(String),
    #[error("another change to the keys happened at the same time; run the command again")]
    Raced,
}

impl From<StoreError> for LifecycleError {
    fn from(e: StoreError) -> Self {
        LifecycleError::Keys(e.into())
    }
}

/// What a step did and what happens next, for the admin to read.
pub type Report = Vec<String>;

fn state(key: &StoredKey) -> Result<KeyState, LifecycleError> {
    key.state
        .parse()
        .map_err(|e: String| LifecycleError::Refused(format!("key {}: {e}", key.kid)))
}

fn alg(key: &StoredKey) -> Result<Algorithm, LifecycleError> {
    key.alg
        .parse()
        .map_err(|e: keys::KeyError| LifecycleError::Refused(format!("key {}: {e}", key.kid)))
}

fn check(key: &StoredKey, transition: Transition) -> Result<KeyState, LifecycleError> {
    state(key)?
        .apply(transition)
        .map_err(|e| LifecycleError::Refused(format!("key {}: {e}", key.kid)))
}

async fn find(store: &SqlStore, kid: &str) -> Result<(StoredKey, Vec<StoredKey>), LifecycleError> {
    let all = store.keys().await?;
    let key = all
        .iter()
        .find(|k| k.kid == kid)
        .cloned()
        .ok_or_else(|| LifecycleError::NotFound(kid.to_owned()))?;
    Ok((key, all))
}

fn active_of<'a>(all: &'a [StoredKey], alg: &str) -> Option<&'a StoredKey> {
    all.iter()
        .find(|k| k.alg == alg && k.state == KeyState::Active.as_str())
}

/// A moment in an error for the operator: `crate::dates` in English.
pub fn date(unix: UnixTime) -> String {
    crate::dates::date_time(unix, crate::model::Lang::En)
}

/// Generates a `next` key: published at once, signing nothing yet.
pub async fn generate_next(
    store: &SqlStore,
    master: &MasterKey,
    policy: &Policy,
    alg: Algorithm,
    activate_after: Option<UnixTime>,
    now: UnixTime,
) -> Result<StoredKey, LifecycleError> {
    let mut key = generate(alg, policy.rsa_bits, master, KeyState::Next, now)?;
    key.activate_after = activate_after;
    store.insert_key(&key).await?;
    Ok(key)
}

/// `next -> active`; the algorithm's current active key becomes
/// `retiring` until its tokens have expired.
pub async fn activate(
    store: &SqlStore,
    policy: &Policy,
    kid: &str,
    force: bool,
    now: UnixTime,
) -> Result<Report, LifecycleError> {
    let (key, all) = find(store, kid).await?;
    check(&key, Transition::Activate)?;
    let published_for = now - key.created_at;
    if published_for < policy.publish_secs && !force {
        return Err(LifecycleError::Refused(format!(
            "key {kid} has been published for only {published_for} s; portals cache the JWKS for {} s and \
             could not verify its tokens yet. Wait until {} or use --force in an emergency",
            policy.publish_secs,
            date(key.created_at + policy.publish_secs)
        )));
    }
    let mut report = Vec::new();
    let mut changes = Vec::new();
    if let Some(old) = active_of(&all, &key.alg) {
        let retire_after = now + policy.token_secs;
        changes.push(KeyChange {
            kid: old.kid.clone(),
            from: KeyState::Active.as_str().into(),
            to: KeyState::Retiring.as_str().into(),
            activated_at: None,
            retire_after: Some(retire_after),
        });
        report.push(format!(
            "key {} is now retiring: still published so its tokens verify, it leaves the JWKS by itself after {}",
            old.kid,
            date(retire_after)
        ));
    }
    changes.push(KeyChange {
        kid: key.kid.clone(),
        from: KeyState::Next.as_str().into(),
        to: KeyState::Active.as_str().into(),
        activated_at: Some(now),
        retire_after: None,
    });
    if !store.change_keys(changes).await? {
        return Err(LifecycleError::Raced);
    }
    report.insert(
        0,
        format!("key {kid} ({}) is now active and signs new tokens", key.alg),
    );
    Ok(report)
}

/// The routine rotation: a new `next` key, published now, that becomes
/// active by itself once JWKS caches have seen it (`now`: at once).
pub async fn rotate(
    store: &SqlStore,
    master: &MasterKey,
    policy: &Policy,
    alg: Algorithm,
    at_once: bool,
    now: UnixTime,
) -> Result<Report, LifecycleError> {
    let all = store.keys().await?;
    if let Some(pending) = all
        .iter()
        .find(|k| k.alg == alg.as_str() && k.state == KeyState::Next.as_str())
        && !at_once
    {
        return Err(LifecycleError::Refused(format!(
            "a rotation of {alg} is already under way: key {} becomes active after {}; \
                 use `idp keys activate {}` (or `rotate --now`) to hurry it",
            pending.kid,
            pending
                .activate_after
                .map(date)
                .unwrap_or_else(|| "an admin activates it".into()),
            pending.kid
        )));
    }
    let activate_after = now + policy.publish_secs;
    let key = generate_next(store, master, policy, alg, Some(activate_after), now).await?;
    let mut report = vec![format!(
        "generated {alg} key {} and published it in the JWKS",
        key.kid
    )];
    if at_once {
        report.push(
            "--now: activating it at once; portals that cached the JWKS will refetch it on the unknown kid"
                .into(),
        );
        report.extend(activate(store, policy, &key.kid, true, now).await?);
    } else {
        report.push(format!(
            "it becomes active by itself after {} (the JWKS cache lifetime, {} s); \
             the current key keeps signing until then",
            date(activate_after),
            policy.publish_secs
        ));
    }
    Ok(report)
}

/// `active -> retiring` (only with `force`, never the last RS256 key) or
/// `retiring -> retired` (once its tokens have expired, or with `force`).
pub async fn retire(
    store: &SqlStore,
    policy: &Policy,
    kid: &str,
    force: bool,
    now: UnixTime,
) -> Result<Report, LifecycleError> {
    let (key, _) = find(store, kid).await?;
    let change = match state(&key)? {
        KeyState::Active => {
            if alg(&key)? == Algorithm::RS256 {
                return Err(LifecycleError::Refused(format!(
                    "key {kid} is the active RS256 key and RS256 must always sign (OpenID Connect requires it); \
                     replace it with `idp keys rotate`"
                )));
            }
            if !force {
                return Err(LifecycleError::Refused(format!(
                    "key {kid} is the only active {} key: clients registered for {} would get no ID tokens. \
                     Replace it with `idp keys rotate --alg {}`, or use --force to stop signing with {}",
                    key.alg, key.alg, key.alg, key.alg
                )));
            }
            let retire_after = now + policy.token_secs;
            KeyChange {
                kid: kid.into(),
                from: key.state.clone(),
                to: check(&key, Transition::Retire)?.as_str().into(),
                activated_at: None,
                retire_after: Some(retire_after),
            }
        }
        KeyState::Retiring => {
            let live_until = key.retire_after.unwrap_or(now);
            if live_until > now && !force {
                return Err(LifecycleError::Refused(format!(
                    "tokens signed by key {kid} may be valid until {}; it leaves the JWKS by itself then \
                     (use --force to remove it now and break them)",
                    date(live_until)
                )));
            }
            KeyChange {
                kid: kid.into(),
                from: key.state.clone(),
                to: check(&key, Transition::Finish)?.as_str().into(),
                activated_at: None,
                retire_after: None,
            }
        }
        other => {
            return Err(LifecycleError::Refused(format!(
                "key {kid} is {other}: only an active or retiring key can be retired{}",
                if other == KeyState::Next {
                    " (revoke a next key you do not want)"
                } else {
                    ""
                }
            )));
        }
    };
    let to = change.to.clone();
    if !store.change_keys(vec![change]).await? {
        return Err(LifecycleError::Raced);
    }
    Ok(vec![format!("key {kid} is now {to}")])
}

/// Compromise: out of the JWKS at once, its tokens refused. An active key
/// is replaced by a new one at once, so signing never stops.
pub async fn revoke(
    store: &SqlStore,
    master: &MasterKey,
    policy: &Policy,
    kid: &str,
    now: UnixTime,
) -> Result<Report, LifecycleError> {
    let (key, all) = find(store, kid).await?;
    let was = state(&key)?;
    let to = check(&key, Transition::Revoke)?;
    let change = KeyChange {
        kid: kid.into(),
        from: key.state.clone(),
        to: to.as_str().into(),
        activated_at: None,
        retire_after: None,
    };
    if !store.change_keys(vec![change]).await? {
        return Err(LifecycleError::Raced);
    }
    let mut report = vec![format!(
        "key {kid} is revoked: removed from the JWKS, and every token it signed now fails userinfo and introspection"
    )];
    if was == KeyState::Active {
        // A `next` key is already in portals' caches: prefer it.
        let waiting = all
            .iter()
            .find(|k| k.alg == key.alg && k.state == KeyState::Next.as_str())
            .map(|k| k.kid.clone());
        let replacement = match waiting {
            Some(kid) => kid,
            None => {
                generate_next(store, master, policy, alg(&key)?, None, now)
                    .await?
                    .kid
            }
        };
        report.extend(activate(store, policy, &replacement, true, now).await?);
        report.push(
            "the replacement signs at once; portals refetch the JWKS when they meet its unknown kid".into(),
        );
    }
    Ok(report)
}

/// What happens by itself as time passes: due `next` keys activate, expired
/// `retiring` keys retire. Safe to run on every node at once.
pub async fn tick(
    store: &SqlStore,
    policy: &Policy,
    now: UnixTime,
) -> Result<Report, LifecycleError> {
    let mut report = Vec::new();
    for key in store.keys().await? {
        let due = match state(&key)? {
            KeyState::Next => key.activate_after.is_some_and(|at| at <= now),
            KeyState::Retiring => key.retire_after.is_some_and(|at| at <= now),
            _ => false,
        };
        if !due {
            continue;
        }
        let result = if key.state == KeyState::Next.as_str() {
            activate(store, policy, &key.kid, true, now).await
        } else {
            retire(store, policy, &key.kid, false, now).await
        };
        match result {
            Ok(lines) => report.extend(lines),
            // Another node did it first.
            Err(LifecycleError::Raced) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(report)
}

/// Every private key sealed under `new` instead of `old`, for
/// `SqlStore::rewrap_keys` to store with the other secrets the master key
/// seals, all or none (`idp keys rewrap`).
pub async fn resealed_keys(
    store: &SqlStore,
    old: &MasterKey,
    new: &MasterKey,
) -> Result<Vec<(String, Vec<u8>)>, LifecycleError> {
    let mut sealed = Vec::new();
    for key in store.keys().await? {
        let plain = old
            .open(key.kid.as_bytes(), &key.encrypted_private_key)
            .map_err(|source| KeyRingError::Key {
                kid: key.kid.clone(),
                source,
            })?;
        sealed.push((key.kid.clone(), new.seal(key.kid.as_bytes(), &plain)));
    }
    Ok(sealed)
}
