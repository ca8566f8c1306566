//! The key lifecycle: `next -> active -> retiring -> retired`, and `revoked`
//! from any state but `retired`.

use std::fmt;
use std::str::FromStr;

/// Where a key is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyState {
    /// Published in the JWKS, not yet signing.
    Next,
    /// Signing (one per algorithm).
    Active,
    /// Published, no longer signing, until its tokens have expired.
    Retiring,
    /// Gone from the JWKS for good.
    Retired,
    /// Compromised: gone from the JWKS at once, its tokens refused.
    Revoked,
}

/// What an admin or the scheduler asks of a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    Activate,
    Retire,
    Finish,
    Revoke,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a key in state `{from}` cannot {transition:?}")]
pub struct TransitionError {
    pub from: KeyState,
    pub transition: Transition,
}

impl KeyState {
    pub const ALL: [KeyState; 5] = [
        KeyState::Next,
        KeyState::Active,
        KeyState::Retiring,
        KeyState::Retired,
        KeyState::Revoked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            KeyState::Next => "next",
            KeyState::Active => "active",
            KeyState::Retiring => "retiring",
            KeyState::Retired => "retired",
            KeyState::Revoked => "revoked",
        }
    }

    /// Whether the JWKS lists a key in this state.
    pub fn is_published(self) -> bool {
        matches!(self, KeyState::Next | KeyState::Active | KeyState::Retiring)
    }

    /// Whether tokens signed by a key in this state are still accepted.
    pub fn accepts_tokens(self) -> bool {
        matches!(self, KeyState::Active | KeyState::Retiring)
    }

    /// The state after `transition`, or why it is refused.
    pub fn apply(self, transition: Transition) -> Result<KeyState, TransitionError> {
        use KeyState::*;
        use Transition::*;
        match (self, transition) {
            (Next, Activate) => Ok(Active),
            (Active, Retire) => Ok(Retiring),
            (Retiring, Finish) => Ok(Retired),
            (Next | Active | Retiring, Revoke) => Ok(Revoked),
            (from, transition) => Err(TransitionError { from, transition }),
        }
    }
}

impl fmt::Display for KeyState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for KeyState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        KeyState::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("unknown key state `{s}`"))
    }
}
