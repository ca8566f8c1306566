//! Codes a person types: six digits sent by SMS (a digest, an expiry and a
//! few tries are kept, never the code), and the recovery codes shown once
//! when a second factor is enabled.

use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::clock::UnixTime;
use crate::model::{Secret, sha256_hex};

/// Recovery codes given at a time.
pub const RECOVERY_CODES: usize = 10;
/// Letters and digits that cannot be mistaken for each other.
const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

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

/// Ten new recovery codes, `xxxxx-xxxxx` (about 49 bits each).
pub fn new_recovery_codes() -> Vec<String> {
    let mut rng = rand::rng();
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut code: String = (0..10)
                .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
                .collect();
            code.insert(5, '-');
            code
        })
        .collect()
}

/// What is stored of a recovery code: a digest salted with the account, of
/// the code as typed in any case, with or without the dash and spaces.
pub fn recovery_digest(account_id: &str, typed: &str) -> String {
    let code: String = typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    sha256_hex(format!("recovery:{account_id}:{code}").as_bytes())
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

    #[test]
    fn recovery_codes_are_distinct_and_typed_loosely() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        assert_eq!(
            codes
                .iter()
                .collect::<std::collections::BTreeSet<_>>()
                .len(),
            RECOVERY_CODES
        );
        let code = &codes[0];
        assert_eq!(code.len(), 11);
        let loose = code.to_uppercase().replace('-', " ");
        assert_eq!(recovery_digest("a", code), recovery_digest("a", &loose));
        assert_ne!(recovery_digest("a", code), recovery_digest("b", code));
        assert!(is_six_digits("123 456") && !is_six_digits(code));
    }
}
