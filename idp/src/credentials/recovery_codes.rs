//! Recovery codes: ten single-use codes shown once when a second factor is
//! enabled, kept as digests salted with the account, each standing in for
//! one code of the second factor.

use rand::Rng;

use crate::model::sha256_hex;

/// Recovery codes given at a time.
pub const RECOVERY_CODES: usize = 10;
/// Letters and digits that cannot be mistaken for each other.
const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

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
    use crate::credentials::codes::is_six_digits;

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
