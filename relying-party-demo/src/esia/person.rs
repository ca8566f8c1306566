//! The person from ESIA's REST API, mapped onto the cabinet's
//! [`Person`] so that the access rules do not know the dialect:
//!
//! - the level: `urn:esia:sbj:is_tru` (a confirmed account) is
//!   «подтверждённая»; otherwise a passport the registries verified
//!   (`/docs`, `RF_PASSPORT` with `vrfStu` `VERIFIED`) is «стандартная», as
//!   ESIA's portals read it; else «упрощённая»;
//! - the name, birth date (`dd.MM.yyyy`), SNILS and INN of `/rs/prns/{oid}`;
//! - the organizations of `/roles`: `admin` is the administrator, `chief`
//!   (the head) the manager («руководитель»), any other employee a
//!   specialist. ESIA does not tell a portal whom the person acts for, so
//!   the cabinet acts for the first organization of `/roles` that is one of
//!   its clinics, and as a private person when there is none.

use serde::Deserialize;
use url::Url;

use super::token::Subject;
use crate::oidc::LoginError;
use crate::person::{FullName, Level, Membership, Org, Person, Role};

/// `/rs/prns/{oid}` under the scopes the cabinet asks for.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Prns {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub middle_name: Option<String>,
    /// `dd.MM.yyyy`.
    pub birth_date: Option<String>,
    pub snils: Option<String>,
    pub inn: Option<String>,
    #[serde(default)]
    pub trusted: bool,
}

/// One document of `/docs?embed=(elements)`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Document {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub vrf_stu: String,
}

/// One organization of `/roles`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EsiaRole {
    pub oid: serde_json::Value,
    pub full_name: String,
    #[serde(default)]
    pub ogrn: String,
    #[serde(default)]
    pub inn: String,
    #[serde(default)]
    pub chief: bool,
    #[serde(default)]
    pub admin: bool,
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
struct Collection<T> {
    #[serde(default = "Vec::new")]
    elements: Vec<T>,
}

/// The REST API of one person, with the access token of the login.
pub struct Rest<'a> {
    pub http: &'a reqwest::Client,
    /// `…/rs/prns/{oid}`.
    pub base: Url,
    pub access_token: &'a str,
}

impl Rest<'_> {
    async fn get<T: serde::de::DeserializeOwned>(&self, part: &str) -> Result<T, LoginError> {
        let url = format!("{}{part}", self.base);
        let failed = |e: &dyn std::fmt::Display| LoginError::UserInfo(format!("{url}: {e}"));
        let res = self
            .http
            .get(&url)
            .bearer_auth(self.access_token)
            .send()
            .await
            .map_err(|e| failed(&e))?;
        if !res.status().is_success() {
            return Err(failed(&res.status()));
        }
        res.json().await.map_err(|e| failed(&e))
    }

    /// Reads the person, the documents and the organizations.
    pub async fn person(
        &self,
        subject: &Subject,
        clinics: &[String],
    ) -> Result<Person, LoginError> {
        let prns: Prns = self.get("").await?;
        let docs: Collection<Document> = self.get("/docs?embed=(elements)").await?;
        let roles: Collection<EsiaRole> = self.get("/roles").await?;
        Ok(person(
            subject,
            prns,
            &docs.elements,
            roles.elements,
            clinics,
        ))
    }
}

/// The cabinet's person made of what ESIA said.
pub fn person(
    subject: &Subject,
    prns: Prns,
    docs: &[Document],
    roles: Vec<EsiaRole>,
    clinics: &[String],
) -> Person {
    let verified_passport = docs
        .iter()
        .any(|d| d.kind == "RF_PASSPORT" && d.vrf_stu == "VERIFIED");
    let level = if subject.trusted {
        Level::Confirmed
    } else if verified_passport {
        Level::Standard
    } else {
        Level::Simplified
    };
    let name = match (prns.last_name, prns.first_name) {
        (Some(family), Some(given)) => Some(FullName {
            family,
            given,
            middle: prns.middle_name,
        }),
        _ => None,
    };
    let orgs: Vec<Membership> = roles
        .into_iter()
        .filter(|r| r.active)
        .map(|r| Membership {
            org: org(r),
            medical_worker: None,
        })
        .collect();
    let acting = orgs
        .iter()
        .find(|m| clinics.contains(&m.org.ogrn))
        .map(|m| m.org.clone());
    Person {
        sub: subject.oid.to_string(),
        level,
        name,
        birthdate: prns.birth_date.as_deref().and_then(iso_date),
        snils: prns.snils,
        inn: prns.inn,
        org: acting,
        orgs,
    }
}

fn org(role: EsiaRole) -> Org {
    let mut roles = Vec::new();
    if role.admin {
        roles.push(Role::Admin);
    }
    if role.chief {
        roles.push(Role::Manager);
    }
    if roles.is_empty() {
        roles.push(Role::Specialist);
    }
    let id = match role.oid {
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    };
    Org {
        id,
        ogrn: role.ogrn,
        inn: role.inn,
        name: role.full_name,
        roles,
    }
}

/// `dd.MM.yyyy` as the cabinet keeps dates, `YYYY-MM-DD`.
fn iso_date(esia: &str) -> Option<String> {
    let mut parts = esia.splitn(3, '.');
    let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
    Some(format!("{y}-{m}-{d}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject(trusted: bool) -> Subject {
        Subject {
            oid: 1000000003,
            trusted,
            sid: "g".into(),
        }
    }

    fn passport(vrf: &str) -> Vec<Document> {
        vec![Document {
            kind: "RF_PASSPORT".into(),
            vrf_stu: vrf.into(),
        }]
    }

    #[test]
    fn the_level_is_is_tru_then_a_verified_passport() {
        let level = |trusted, docs: &[Document]| {
            person(&subject(trusted), Prns::default(), docs, Vec::new(), &[]).level
        };
        assert_eq!(level(true, &[]), Level::Confirmed);
        assert_eq!(level(false, &passport("VERIFIED")), Level::Standard);
        assert_eq!(level(false, &passport("NOT_VERIFIED")), Level::Simplified);
        assert_eq!(level(false, &[]), Level::Simplified);
    }

    #[test]
    fn roles_map_onto_the_cabinets_and_the_person_acts_for_a_clinic() {
        let prns: Prns = serde_json::from_str(
            r#"{"firstName": "Иван", "lastName": "Подтверждёнов", "middleName": "Сергеевич",
                "birthDate": "12.03.1982", "snils": "112-233-447 97", "trusted": true}"#,
        )
        .unwrap();
        let roles: Vec<EsiaRole> = serde_json::from_str(
            r#"[{"oid": "lab", "fullName": "Лаборатория", "ogrn": "1", "admin": true, "chief": false},
                {"oid": "clinic", "fullName": "Поликлиника", "ogrn": "2", "inn": "7701000019",
                 "chief": true, "admin": true, "active": true},
                {"oid": "gone", "fullName": "Бывшая", "ogrn": "3", "active": false}]"#,
        )
        .unwrap();
        let p = person(&subject(true), prns, &[], roles, &["2".into()]);
        assert_eq!(p.birthdate.as_deref(), Some("1982-03-12"));
        assert_eq!(p.display_name(), "Подтверждёнов Иван Сергеевич");
        assert_eq!(p.orgs.len(), 2, "an inactive role gives nothing");
        assert_eq!(p.orgs[0].org.roles, [Role::Admin]);
        let acting = p.org.expect("acts for the clinic");
        assert_eq!(
            (acting.id.as_str(), acting.inn.as_str()),
            ("clinic", "7701000019")
        );
        assert_eq!(acting.roles, [Role::Admin, Role::Manager]);
        let employee: Vec<EsiaRole> =
            serde_json::from_str(r#"[{"oid": 7, "fullName": "Поликлиника", "ogrn": "2"}]"#)
                .unwrap();
        let p = person(&subject(true), Prns::default(), &[], employee, &[]);
        assert_eq!(p.org, None, "not a clinic of this cabinet");
        assert_eq!(p.orgs[0].org.roles, [Role::Specialist]);
        assert_eq!(p.orgs[0].org.id, "7");
    }
}
