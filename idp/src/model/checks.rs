//! Why the state registries refused a profile: typed reasons with their
//! values, stored as JSON in `verifications.outcome` and worded by the
//! catalogues (pages in Russian and English, messages in Russian).
//!
//! Rows written before the reasons were typed hold Russian sentences. They
//! are read back as the reasons they were made from when they follow one of
//! the three sentences of that time, and otherwise shown as they are
//! ([`CheckReason::Text`]), so no migration rewrites them.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::PersonalNumber;

/// One thing the registries did not confirm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum CheckReason {
    Typed(Refused),
    /// A sentence stored by an older version and not recognised.
    Text(String),
}

/// The reasons of this version, each with what the person typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Refused {
    /// The Social Fund does not know the SNILS, or it is another person's.
    SnilsUnknown { snils: String },
    /// The Ministry of Internal Affairs holds the passport (`series
    /// number`) invalid, or it is another person's.
    PassportInvalid { passport: String },
    /// Another account has this number checked.
    NumberTaken { number: PersonalNumber },
}

impl CheckReason {
    pub fn snils_unknown(snils: &str) -> Self {
        Self::Typed(Refused::SnilsUnknown {
            snils: snils.to_owned(),
        })
    }

    pub fn passport_invalid(passport: &str) -> Self {
        Self::Typed(Refused::PassportInvalid {
            passport: passport.to_owned(),
        })
    }

    pub fn number_taken(number: PersonalNumber) -> Self {
        Self::Typed(Refused::NumberTaken { number })
    }

    /// A sentence of an older version, read back as the reason it states
    /// when it is one of theirs.
    fn from_text(text: String) -> Self {
        let between = |start: &str, end: &str| {
            text.strip_prefix(start)
                .and_then(|rest| rest.strip_suffix(end))
                .map(str::to_owned)
        };
        if let Some(snils) = between(
            "СНИЛС ",
            " не найден в Социальном фонде России или принадлежит другому человеку",
        ) {
            return Self::Typed(Refused::SnilsUnknown { snils });
        }
        if let Some(passport) = between(
            "паспорт ",
            " по данным МВД России недействителен или выдан другому человеку",
        ) {
            return Self::Typed(Refused::PassportInvalid { passport });
        }
        let taken = " уже подтверждён в другой учётной записи; если это ваш номер, обратитесь в службу поддержки";
        match text.strip_suffix(taken) {
            Some("СНИЛС") => Self::number_taken(PersonalNumber::Snils),
            Some("ИНН") => Self::number_taken(PersonalNumber::Inn),
            _ => Self::Text(text),
        }
    }
}

impl<'de> Deserialize<'de> for CheckReason {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Stored {
            Typed(Refused),
            Text(String),
        }
        Ok(match Stored::deserialize(d)? {
            Stored::Typed(reason) => Self::Typed(reason),
            Stored::Text(text) => Self::from_text(text),
        })
    }
}

/// In English, for the operator (`idp users show`) and the logs; people
/// read the catalogues' words.
impl fmt::Display for CheckReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Typed(Refused::SnilsUnknown { snils }) => {
                write!(
                    f,
                    "the Social Fund does not know SNILS {snils} under this name"
                )
            }
            Self::Typed(Refused::PassportInvalid { passport }) => write!(
                f,
                "the Ministry of Internal Affairs holds passport {passport} invalid or another person's"
            ),
            Self::Typed(Refused::NumberTaken { number }) => {
                let name = match number {
                    PersonalNumber::Snils => "SNILS",
                    PersonalNumber::Inn => "INN",
                };
                write!(f, "the {name} is checked on another account")
            }
            Self::Text(text) => f.write_str(text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(reasons: &[CheckReason]) -> Vec<CheckReason> {
        let json = serde_json::to_string(reasons).unwrap();
        serde_json::from_str(&json).unwrap()
    }

    #[test]
    fn typed_reasons_are_stored_with_their_values() {
        let reasons = vec![
            CheckReason::snils_unknown("123-456-789 64"),
            CheckReason::passport_invalid("4500 000000"),
            CheckReason::number_taken(PersonalNumber::Inn),
        ];
        assert_eq!(stored(&reasons), reasons);
        let json = serde_json::to_string(&reasons[2]).unwrap();
        assert_eq!(json, r#"{"reason":"number_taken","number":"inn"}"#);
    }

    #[test]
    fn the_sentences_of_older_rows_are_read_as_their_reasons() {
        let old = r#"["СНИЛС 123-456-789 64 не найден в Социальном фонде России или принадлежит другому человеку","паспорт 4500 000000 по данным МВД России недействителен или выдан другому человеку","СНИЛС уже подтверждён в другой учётной записи; если это ваш номер, обратитесь в службу поддержки","что-то иное"]"#;
        let read: Vec<CheckReason> = serde_json::from_str(old).unwrap();
        assert_eq!(
            read,
            [
                CheckReason::snils_unknown("123-456-789 64"),
                CheckReason::passport_invalid("4500 000000"),
                CheckReason::number_taken(PersonalNumber::Snils),
                CheckReason::Text("что-то иное".into()),
            ]
        );
    }
}
