//! The cabinet's own sessions, kept in memory and named by a signed,
//! HttpOnly cookie; and the logins in progress, keyed by their `state` and
//! bound to the browser that started them by a second cookie, so that
//! several tabs of one browser may each finish their own login. The provider's `sid` indexes the
//! sessions, so a back-channel logout ends the right one.

use std::collections::HashMap;
use std::sync::Mutex;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openidconnect::{AccessToken, CsrfToken, Nonce, PkceCodeVerifier, RefreshToken};
use rand::RngCore;
use ring::hmac;

use crate::person::Person;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "cabinet_session";
/// The cookie naming the browser of the logins in progress.
pub const LOGIN_COOKIE: &str = "cabinet_login";
/// At most this many logins in progress per browser (the oldest go).
pub const LOGINS_PER_BROWSER: usize = 10;
/// How long a login may take at the provider.
pub const LOGIN_TTL_SECS: i64 = 15 * 60;
/// How long a cabinet session lasts at most.
pub const SESSION_TTL_SECS: i64 = 8 * 3600;

/// Signs and opens cookie values: `ID.MAC`, HMAC-SHA256 over the id.
pub struct CookieKey(hmac::Key);

impl CookieKey {
    pub fn new(secret: &[u8]) -> Self {
        Self(hmac::Key::new(hmac::HMAC_SHA256, secret))
    }

    pub fn random() -> Self {
        Self::new(&random_bytes::<32>())
    }

    pub fn sign(&self, id: &str) -> String {
        let tag = hmac::sign(&self.0, id.as_bytes());
        format!("{id}.{}", URL_SAFE_NO_PAD.encode(tag.as_ref()))
    }

    /// The id in `value`, if its MAC is ours (compared in constant time).
    pub fn open<'v>(&self, value: &'v str) -> Option<&'v str> {
        let (id, mac) = value.rsplit_once('.')?;
        let mac = URL_SAFE_NO_PAD.decode(mac).ok()?;
        hmac::verify(&self.0, id.as_bytes(), &mac).ok()?;
        Some(id)
    }
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    rand::rng().fill_bytes(&mut bytes);
    bytes
}

/// A fresh, unguessable id.
pub fn new_id() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes::<32>())
}

/// The tokens a session holds.
#[derive(Clone, Debug)]
pub struct Tokens {
    pub access: AccessToken,
    pub refresh: Option<RefreshToken>,
    /// When the access token expires (seconds since the epoch).
    pub expires_at: i64,
    /// The raw ID token, the `id_token_hint` of the logout.
    pub id_token: String,
}

#[derive(Clone, Debug)]
pub struct Session {
    pub person: Person,
    /// The provider's session (`sid`), for back-channel logout.
    pub sid: Option<String>,
    pub tokens: Tokens,
    pub expires_at: i64,
}

/// A login sent to the provider and not yet back.
#[derive(Debug)]
pub struct PendingLogin {
    /// The browser that started it (the id its login cookie names).
    pub browser: String,
    pub state: CsrfToken,
    pub nonce: Nonce,
    pub verifier: PkceCodeVerifier,
    /// Where to go once logged in (a path of the cabinet).
    pub next: String,
    pub expires_at: i64,
}

#[derive(Default)]
pub struct Sessions {
    live: Mutex<HashMap<String, Session>>,
    pending: Mutex<HashMap<String, PendingLogin>>,
}

impl Sessions {
    /// Keeps a new session (and forgets the expired ones).
    pub fn start(&self, session: Session, now: i64) -> String {
        let id = new_id();
        let mut live = lock(&self.live);
        live.retain(|_, s| s.expires_at > now);
        live.insert(id.clone(), session);
        id
    }

    /// A live session by id; an expired one is dropped.
    pub fn get(&self, id: &str, now: i64) -> Option<Session> {
        let mut live = lock(&self.live);
        match live.get(id) {
            Some(s) if s.expires_at > now => Some(s.clone()),
            Some(_) => {
                live.remove(id);
                None
            }
            None => None,
        }
    }

    /// Replaces the tokens of a session still live.
    pub fn set_tokens(&self, id: &str, tokens: Tokens) {
        if let Some(session) = lock(&self.live).get_mut(id) {
            session.tokens = tokens;
        }
    }

    pub fn end(&self, id: &str) -> Option<Session> {
        lock(&self.live).remove(id)
    }

    /// Ends every session of the provider's session `sid`, or of `sub` when
    /// the logout token names no session; returns how many ended.
    pub fn end_provider_session(&self, sid: Option<&str>, sub: Option<&str>) -> usize {
        let mut live = lock(&self.live);
        let before = live.len();
        live.retain(|_, s| match (sid, sub) {
            (Some(sid), _) => s.sid.as_deref() != Some(sid),
            (None, Some(sub)) => s.person.sub != sub,
            (None, None) => true,
        });
        before - live.len()
    }

    /// Keeps a login in progress under its `state` (and forgets the
    /// abandoned ones, and the oldest of a browser with too many).
    pub fn hold(&self, login: PendingLogin, now: i64) {
        let mut pending = lock(&self.pending);
        pending.retain(|_, p| p.expires_at > now);
        let mut mine: Vec<(i64, String)> = pending
            .iter()
            .filter(|(_, p)| p.browser == login.browser)
            .map(|(state, p)| (p.expires_at, state.clone()))
            .collect();
        if mine.len() >= LOGINS_PER_BROWSER {
            mine.sort();
            for (_, state) in &mine[..=mine.len() - LOGINS_PER_BROWSER] {
                pending.remove(state);
            }
        }
        pending.insert(login.state.secret().clone(), login);
    }

    /// The login in progress of `browser` with this `state`: used once.
    /// A `state` that none of the browser's logins has spends them all
    /// (the answer is forged or belongs elsewhere).
    pub fn take_login(&self, browser: &str, state: &str, now: i64) -> Taken {
        let mut pending = lock(&self.pending);
        if pending.get(state).is_some_and(|p| p.browser == browser) {
            return match pending.remove(state) {
                Some(login) if login.expires_at > now => Taken::Login(Box::new(login)),
                _ => Taken::None,
            };
        }
        let before = pending.len();
        pending.retain(|_, p| p.browser != browser || p.expires_at <= now);
        if pending.len() < before {
            Taken::WrongState
        } else {
            Taken::None
        }
    }
}

/// What the callback's `state` found.
#[derive(Debug)]
pub enum Taken {
    Login(Box<PendingLogin>),
    /// The browser has logins in progress, none with this `state`.
    WrongState,
    /// The browser has no login in progress (used, expired or never).
    None,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cookie_opens_only_with_its_own_key_and_mac() {
        let key = CookieKey::random();
        let value = key.sign("abc");
        assert_eq!(key.open(&value), Some("abc"));
        assert_eq!(CookieKey::random().open(&value), None);
        assert_eq!(key.open("abd."), None);
        let forged = value.replacen("abc", "abd", 1);
        assert_eq!(key.open(&forged), None);
    }
}
