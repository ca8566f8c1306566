//! Who is logged in, as the provider's claims describe them
//! (`docs/claims.md`): the account level, the profile, and the
//! organization the person acts for.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The account level (`account_level`), lowest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Level {
    Simplified,
    Standard,
    Confirmed,
}

impl Level {
    /// The claim's value; anything unknown counts as the lowest level.
    pub fn from_claim(value: Option<&str>) -> Self {
        match value {
            Some("confirmed") => Self::Confirmed,
            Some("standard") => Self::Standard,
            _ => Self::Simplified,
        }
    }

    pub fn claim(self) -> &'static str {
        match self {
            Self::Simplified => "simplified",
            Self::Standard => "standard",
            Self::Confirmed => "confirmed",
        }
    }

    /// This level and every higher one: the `values` of a `claims` request.
    pub fn and_above(self) -> Vec<&'static str> {
        [Self::Simplified, Self::Standard, Self::Confirmed]
            .into_iter()
            .filter(|l| *l >= self)
            .map(Self::claim)
            .collect()
    }

    pub fn parse(value: &str) -> Option<Self> {
        ["simplified", "standard", "confirmed"]
            .contains(&value)
            .then(|| Self::from_claim(Some(value)))
    }
}

/// A role in an organization.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Manager,
    Specialist,
    /// A role this cabinet does not know; it opens nothing.
    #[serde(other)]
    Other,
}

/// The organization the person acts for: the `org` claim.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
pub struct Org {
    pub id: String,
    pub ogrn: String,
    pub inn: String,
    pub name: String,
    #[serde(default)]
    pub roles: Vec<Role>,
}

/// One membership from userinfo's `orgs`: the organization and the roles,
/// as in `org`, and a medical worker's entry where there is one.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
pub struct Membership {
    #[serde(flatten)]
    pub org: Org,
    #[serde(default)]
    pub medical_worker: Option<MedicalWorker>,
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
pub struct MedicalWorker {
    pub specialty: String,
    pub position: String,
}

impl MedicalWorker {
    /// The specialty, when it is written in Russian: the provider passes
    /// what the organization typed, and a Russian page shows no English
    /// word («(therapist)»).
    pub fn specialty_ru(&self) -> Option<&str> {
        let s = self.specialty.trim();
        (!s.is_empty() && !s.chars().any(|c| c.is_ascii_alphabetic())).then_some(s)
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct FullName {
    pub family: String,
    pub given: String,
    pub middle: Option<String>,
}

impl fmt::Display for FullName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.family, self.given)?;
        match &self.middle {
            Some(middle) => write!(f, " {middle}"),
            None => Ok(()),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Person {
    pub sub: String,
    pub level: Level,
    pub name: Option<FullName>,
    /// YYYY-MM-DD.
    pub birthdate: Option<String>,
    /// `XXX-XXX-XXX YY`.
    pub snils: Option<String>,
    pub inn: Option<String>,
    /// Acting for this organization; `None` as a private person.
    pub org: Option<Org>,
    /// Every membership (userinfo's `orgs`).
    pub orgs: Vec<Membership>,
}

impl Person {
    /// The name to greet with.
    pub fn display_name(&self) -> String {
        self.name
            .as_ref()
            .map_or_else(|| "Пользователь".to_owned(), |n| n.to_string())
    }

    /// How a letter addresses the person: the given name and patronymic
    /// («Иван Сергеевич»), never «Фамилия Имя».
    pub fn greeting_name(&self) -> Option<String> {
        let name = self.name.as_ref()?;
        Some(match &name.middle {
            Some(middle) => format!("{} {middle}", name.given),
            None => name.given.clone(),
        })
    }

    /// The membership of the acting organization, with its medical-worker
    /// entry if any.
    pub fn acting_membership(&self) -> Option<&Membership> {
        let org = self.org.as_ref()?;
        self.orgs.iter().find(|m| m.org.id == org.id)
    }
}

/// People made from claims as the provider would send them, for unit tests.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// The OGRN of the provider's demo clinic (`idp/src/demo.rs`).
    pub const CLINIC_OGRN: &str = "1027700000019";

    /// A private person of `level`, with the demo's confirmed profile.
    pub fn person(level: Level) -> Person {
        Person {
            sub: "3f1d2c4e-9a7b-4c1e-8f0a-2b6d5e7c9a10".into(),
            level,
            name: Some(FullName {
                family: "Подтверждёнов".into(),
                given: "Иван".into(),
                middle: Some("Сергеевич".into()),
            }),
            birthdate: Some("1982-03-12".into()),
            snils: Some("112-233-447 97".into()),
            inn: Some("770000000220".into()),
            org: None,
            orgs: Vec::new(),
        }
    }

    /// A confirmed person acting for the clinic with `roles`, parsed from
    /// the `org` and `orgs` claims of the contract (issue 11).
    pub fn acting(roles: &str) -> Person {
        let org = format!(
            r#"{{"id": "0b6c3c1e-1", "ogrn": "{CLINIC_OGRN}", "inn": "7701000019",
                "name": "ГБУЗ «Городская поликлиника № 1»", "roles": {roles}}}"#
        );
        let membership = format!(
            r#"[{{"id": "0b6c3c1e-1", "ogrn": "{CLINIC_OGRN}", "inn": "7701000019",
                 "name": "ГБУЗ «Городская поликлиника № 1»", "roles": {roles},
                 "medical_worker": {{"specialty": "терапия", "position": "врач-терапевт"}}}}]"#
        );
        Person {
            org: Some(serde_json::from_str(&org).expect("an org claim")),
            orgs: serde_json::from_str(&membership).expect("an orgs claim"),
            ..person(Level::Confirmed)
        }
    }
}
