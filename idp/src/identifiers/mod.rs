//! Russian identifiers and contacts as people type them: checked (with the
//! control digits where there are any) and brought to one stored form.
//! Each check says what is wrong as an [`Invalid`]; the page that shows it
//! words it in the page's language and names the field.

#[cfg(test)]
mod tests;

use chrono::NaiveDate;

/// Why a value was refused: typed, worded by the page catalogues (which
/// name the field); `Display` is English, for the operator and the logs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Invalid {
    #[error("required")]
    Empty,
    #[error("at most {0} characters")]
    TooLong(usize),
    /// The numbers of digits allowed (one, or either of two).
    #[error("must have {} digits", digit_counts(.0))]
    Digits(&'static [usize]),
    #[error("the control digits do not match")]
    Checksum,
    #[error("only letters, spaces, hyphens and apostrophes")]
    NameCharacters,
    #[error("a mobile phone number, +7 9XX XXX-XX-XX")]
    Phone,
    #[error("an e-mail address, name@example.ru")]
    Email,
    #[error("a date, DD.MM.YYYY")]
    Date,
    #[error("a date in the future")]
    FutureDate,
    #[error("a date before 1900")]
    AncientDate,
    #[error("a division code, XXX-XXX")]
    IssuerCode,
    #[error("male or female")]
    Gender,
    #[error("before the birth date")]
    BeforeBirth,
    #[error("being checked, read-only")]
    ReadOnly,
    #[error("on another account already")]
    Taken,
    #[error("line breaks or control characters")]
    Control,
    #[error("one of the choices")]
    Choice,
    #[error("at least one role")]
    NoRole,
    #[error("a phone, an e-mail address or a SNILS")]
    Invitee,
    #[error("only employees of a medical organization can be medical workers")]
    NotMedical,
}

/// `10 or 12`.
pub fn digit_counts(counts: &[usize]) -> String {
    counts
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(" or ")
}

/// The digits of `text`, ignoring the separators people type (spaces,
/// hyphens, parentheses); anything else makes it not a number.
fn digits(text: &str) -> Option<Vec<u32>> {
    text.chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '\u{a0}'))
        .map(|c| c.to_digit(10))
        .collect()
}

/// Exactly `count[0]` digits.
fn exactly(text: &str, count: &'static [usize]) -> Result<Vec<u32>, Invalid> {
    if text.trim().is_empty() {
        return Err(Invalid::Empty);
    }
    digits(text)
        .filter(|d| d.len() == count[0])
        .ok_or(Invalid::Digits(count))
}

fn weighted(digits: &[u32], weights: &[u32]) -> u32 {
    digits.iter().zip(weights).map(|(d, w)| d * w).sum()
}

fn join(digits: &[u32]) -> String {
    digits
        .iter()
        .map(|d| char::from_digit(*d, 10).unwrap())
        .collect()
}

/// SNILS, stored as `XXX-XXX-XXX YY`. The control number is the weighted
/// sum of the first nine digits (weights 9..1) modulo 101, 100 and 101
/// giving 00; numbers up to 001-001-998 predate it and are not checked.
pub fn snils(text: &str) -> Result<String, Invalid> {
    let d = exactly(text, &[11])?;
    let number: u32 = d[..9].iter().fold(0, |n, d| n * 10 + d);
    if number > 1_001_998 {
        let sum = weighted(&d[..9], &[9, 8, 7, 6, 5, 4, 3, 2, 1]);
        let control = match sum % 101 {
            100 => 0,
            c => c,
        };
        if control != d[9] * 10 + d[10] {
            return Err(Invalid::Checksum);
        }
    }
    let s = join(&d);
    Ok(format!("{}-{}-{} {}", &s[..3], &s[3..6], &s[6..9], &s[9..]))
}

/// INN of a person (12 digits) or of an organization (10), with their
/// control digits (the Federal Tax Service's weights).
pub fn inn(text: &str) -> Result<String, Invalid> {
    if text.trim().is_empty() {
        return Err(Invalid::Empty);
    }
    let d = digits(text).ok_or(Invalid::Digits(&[10, 12]))?;
    let control = |n: usize, weights: &[u32]| weighted(&d[..n], weights) % 11 % 10 == d[n];
    let valid = match d.len() {
        10 => control(9, &[2, 4, 10, 3, 5, 9, 4, 6, 8]),
        12 => {
            control(10, &[7, 2, 4, 10, 3, 5, 9, 4, 6, 8])
                && control(11, &[3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8])
        }
        _ => return Err(Invalid::Digits(&[10, 12])),
    };
    if valid {
        Ok(join(&d))
    } else {
        Err(Invalid::Checksum)
    }
}

/// A person's INN: 12 digits.
pub fn personal_inn(text: &str) -> Result<String, Invalid> {
    let inn = inn(text)?;
    if inn.len() == 12 {
        Ok(inn)
    } else {
        Err(Invalid::Digits(&[12]))
    }
}

/// OGRN (13 digits, legal entities) or OGRNIP (15, individual
/// entrepreneurs): the last digit is the rest of the number modulo 11 (13
/// for OGRNIP), modulo 10.
pub fn ogrn(text: &str) -> Result<String, Invalid> {
    if text.trim().is_empty() {
        return Err(Invalid::Empty);
    }
    let d = digits(text).ok_or(Invalid::Digits(&[13, 15]))?;
    let modulus = match d.len() {
        13 => 11,
        15 => 13,
        _ => return Err(Invalid::Digits(&[13, 15])),
    };
    let rest = d[..d.len() - 1]
        .iter()
        .fold(0u64, |n, d| (n * 10 + u64::from(*d)) % modulus);
    if rest % 10 == u64::from(d[d.len() - 1]) {
        Ok(join(&d))
    } else {
        Err(Invalid::Checksum)
    }
}

/// One line of text a person types (a name, an address): trimmed, at most
/// `max` characters, no line breaks or other control characters.
pub fn line(text: &str, max: usize) -> Result<String, Invalid> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Invalid::Empty);
    }
    if text.chars().any(char::is_control) {
        return Err(Invalid::Control);
    }
    if text.chars().count() > max {
        return Err(Invalid::TooLong(max));
    }
    Ok(text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// KPP: 9 digits.
pub fn kpp(text: &str) -> Result<String, Invalid> {
    exactly(text, &[9]).map(|d| join(&d))
}

/// Passport series (4 digits) and number (6 digits), stored as `XXXX` and
/// `XXXXXX`.
pub fn passport_series(text: &str) -> Result<String, Invalid> {
    exactly(text, &[4]).map(|d| join(&d))
}

pub fn passport_number(text: &str) -> Result<String, Invalid> {
    exactly(text, &[6]).map(|d| join(&d))
}

/// The passport issuer's code, stored as `XXX-XXX`.
pub fn issuer_code(text: &str) -> Result<String, Invalid> {
    if text.trim().is_empty() {
        return Err(Invalid::Empty);
    }
    let d = digits(text)
        .filter(|d| d.len() == 6)
        .ok_or(Invalid::IssuerCode)?;
    let s = join(&d);
    Ok(format!("{}-{}", &s[..3], &s[3..]))
}

/// A Russian mobile number in any common notation (`+7 999 123-45-67`,
/// `8 (999) 123 45 67`, `79991234567`, `9991234567`), stored as E.164.
pub fn mobile_phone(text: &str) -> Result<String, Invalid> {
    if text.trim().is_empty() {
        return Err(Invalid::Empty);
    }
    let text = text.trim();
    let plus = text.starts_with('+');
    let d = digits(text.trim_start_matches('+')).ok_or(Invalid::Phone)?;
    let national = match (plus, d.len(), d.first()) {
        (true, 11, Some(7)) => &d[1..],
        (false, 11, Some(7 | 8)) => &d[1..],
        (false, 10, _) => &d[..],
        _ => return Err(Invalid::Phone),
    };
    if national[0] != 9 {
        return Err(Invalid::Phone);
    }
    Ok(format!("+7{}", join(national)))
}

/// An e-mail address, stored in lower case. Deliberately loose (RFC 5321
/// allows much): one `@`, something before it, a dotted domain after it.
pub fn email(text: &str) -> Result<String, Invalid> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Invalid::Empty);
    }
    if text.len() > 254 {
        return Err(Invalid::TooLong(254));
    }
    let (local, domain) = text.split_once('@').ok_or(Invalid::Email)?;
    let fine = |part: &str| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| !c.is_whitespace() && !c.is_control() && c != '@')
    };
    let dotted = domain
        .split('.')
        .all(|label| !label.is_empty() && !label.starts_with('-'))
        && domain.contains('.');
    if fine(local) && fine(domain) && dotted {
        Ok(text.to_lowercase())
    } else {
        Err(Invalid::Email)
    }
}

/// A contact a person registers or logs in with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contact {
    Phone(String),
    Email(String),
}

impl Contact {
    /// An e-mail when it has `@`, else a mobile phone.
    pub fn parse(text: &str) -> Result<Self, Invalid> {
        if text.contains('@') {
            email(text).map(Contact::Email)
        } else {
            mobile_phone(text).map(Contact::Phone)
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Contact::Phone(p) | Contact::Email(p) => p,
        }
    }
}

/// A family, given or middle name: letters (any script), spaces, hyphens
/// and apostrophes, at most 100 characters.
pub fn name(text: &str) -> Result<String, Invalid> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Invalid::Empty);
    }
    if text.chars().count() > 100 {
        return Err(Invalid::TooLong(100));
    }
    if !text
        .chars()
        .all(|c| c.is_alphabetic() || matches!(c, ' ' | '-' | '\'' | '’'))
    {
        return Err(Invalid::NameCharacters);
    }
    Ok(text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// A past date (a birth date, an issue date) as `YYYY-MM-DD`; a date
/// input sends that form, people typing send `DD.MM.YYYY`.
pub fn past_date(text: &str, today: NaiveDate) -> Result<NaiveDate, Invalid> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Invalid::Empty);
    }
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, "%d.%m.%Y"))
        .map_err(|_| Invalid::Date)?;
    if date > today {
        return Err(Invalid::FutureDate);
    }
    if date < NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() {
        return Err(Invalid::AncientDate);
    }
    Ok(date)
}
