//! The check of the accreditation cabinet against the register of medical
//! workers (ФРМР): the entry is found by SNILS, then the full name and the
//! birth date from the provider must agree with it. The seeds: when absent,
//! «Пользователь не найден» and what to do; when the data disagree, the
//! field that differs.

use crate::person::Person;

/// One entry of the demo's copy of the register.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub snils: String,
    pub family_name: String,
    pub given_name: String,
    pub middle_name: Option<String>,
    pub birthdate: String,
    pub specialty: String,
    pub position: String,
    pub organization: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Snils,
    FamilyName,
    GivenName,
    MiddleName,
    Birthdate,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Check {
    Registered(Entry),
    /// No entry for the person's SNILS: «Пользователь не найден».
    NotFound,
    /// The provider did not pass this field (not consented, or empty).
    Missing(Field),
    /// The entry and the provider disagree on this field.
    Differs {
        field: Field,
        register: String,
        account: String,
    },
}

/// Compares the person with the entry found for their SNILS, if any.
pub fn check(person: &Person, entry: Option<Entry>) -> Check {
    let Some(entry) = entry else {
        return Check::NotFound;
    };
    let Some(name) = &person.name else {
        return Check::Missing(Field::FamilyName);
    };
    let Some(birthdate) = &person.birthdate else {
        return Check::Missing(Field::Birthdate);
    };
    let pairs = [
        (
            Field::FamilyName,
            Some(&entry.family_name),
            Some(&name.family),
        ),
        (Field::GivenName, Some(&entry.given_name), Some(&name.given)),
        (
            Field::MiddleName,
            entry.middle_name.as_ref(),
            name.middle.as_ref(),
        ),
        (Field::Birthdate, Some(&entry.birthdate), Some(birthdate)),
    ];
    for (field, register, account) in pairs {
        if normalized(register) != normalized(account) {
            return Check::Differs {
                field,
                register: register.cloned().unwrap_or_default(),
                account: account.cloned().unwrap_or_default(),
            };
        }
    }
    Check::Registered(entry)
}

/// Names compare without case, `ё`/`е` or surrounding spaces, as the
/// register's search does.
fn normalized(value: Option<&String>) -> String {
    value
        .map(|v| v.trim().to_lowercase().replace('ё', "е"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;
