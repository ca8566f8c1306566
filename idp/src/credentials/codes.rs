//! One-time codes: six digits sent by SMS or e-mail (a digest, an expiry
//! and a few tries are kept, never the code).

use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::clock::UnixTime;
use crate::model::Secret;

/// A six-digit code that was sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentCode {
    digest: String,
    pub expires_at: UnixTime,
    pub tries_left: u32,
    pub sent_at: UnixTime,
}

/// What checking a typed code found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeCheck {
    Right,
    Wrong {
        tries_left: u32,
    },
    /// Expired or out of tries: a new code is needed.
    Spent,
}

impl SentCode {
    /// A new code valid for `ttl` seconds and `tries` wrong attempts; the
    /// plain code goes into the message only.
    pub fn new(ttl: i64, tries: u32, now: UnixTime) -> (Self, String) {
        let code = format!("{:06}", rand::rng().random_range(0..1_000_000));
        let sent = Self {
            digest: Secret::new(&code).digest(),
            expires_at: now + ttl,
            tries_left: tries,
            sent_at: now,
        };
        (sent, code)
    }

    /// What tells this code from others (its digest).
    pub fn id(&self) -> &str {
        &self.digest
    }

    /// Checks `typed` (spaces ignored) and spends a try when it is wrong.
    pub fn check(&mut self, typed: &str, now: UnixTime) -> CodeCheck {
        if self.tries_left == 0 || self.expires_at <= now {
            return CodeCheck::Spent;
        }
        let typed: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
        if Secret::new(&typed).matches_digest(&self.digest) {
            self.tries_left = 0;
            return CodeCheck::Right;
        }
        self.tries_left -= 1;
        if self.tries_left == 0 {
            CodeCheck::Spent
        } else {
            CodeCheck::Wrong {
                tries_left: self.tries_left,
            }
        }
    }
}

/// Whether `typed` looks like six digits (else perhaps a recovery code).
pub fn is_six_digits(typed: &str) -> bool {
    let digits: Vec<char> = typed.chars().filter(|c| !c.is_whitespace()).collect();
    digits.len() == 6 && digits.iter().all(char::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_right_once_and_wrong_tries_run_out() {
        let (mut sent, code) = SentCode::new(300, 3, 1000);
        assert_eq!(
            sent.check("000000x", 1001),
            CodeCheck::Wrong { tries_left: 2 }
        );
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert_eq!(sent.check(&spaced, 1002), CodeCheck::Right);
        assert_eq!(sent.check(&code, 1003), CodeCheck::Spent, "single use");

        let (mut sent, code) = SentCode::new(300, 2, 1000);
        assert_eq!(sent.check(&code, 1300), CodeCheck::Spent, "expired");
        let (mut sent2, code2) = SentCode::new(300, 2, 1000);
        let wrong = if code2 == "111111" {
            "222222"
        } else {
            "111111"
        };
        assert_eq!(sent2.check(wrong, 1001), CodeCheck::Wrong { tries_left: 1 });
        assert_eq!(sent2.check(wrong, 1001), CodeCheck::Spent);
        assert_eq!(sent2.check(&code2, 1001), CodeCheck::Spent, "no tries left");
        let _ = sent.check("", 0);
    }
}
