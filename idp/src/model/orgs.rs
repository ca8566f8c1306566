//! Organizations, their employees and roles, as the stores keep them (the
//! rules are the `orgs` module's).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::clock::UnixTime;

/// A legal entity (ОГРН, ИНН of 10 digits, КПП) or an individual
/// entrepreneur (ОГРНИП, the person's ИНН of 12 digits, no КПП).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    LegalEntity,
    Entrepreneur,
}

impl OrgKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::LegalEntity => "legal_entity",
            Self::Entrepreneur => "entrepreneur",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::LegalEntity, Self::Entrepreneur]
            .into_iter()
            .find(|k| k.as_str() == text)
    }
}

/// An employee's role in one organization. Roles mean something only in
/// the organization whose membership row carries them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Changes everything: employees, roles, the organization.
    Admin,
    /// Руководитель: sees reports (the staff list), changes nothing.
    Manager,
    /// Сотрудник: only their own data.
    Specialist,
}

impl Role {
    pub const ALL: [Role; 3] = [Self::Admin, Self::Manager, Self::Specialist];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Manager => "manager",
            Self::Specialist => "specialist",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

/// The roles of one membership: never empty once stored.
pub type Roles = BTreeSet<Role>;

/// Roles as stored and typed: names separated by spaces or commas
/// (`admin manager`); `None` when empty or a name is unknown.
pub fn parse_roles(text: &str) -> Option<Roles> {
    let roles = text
        .split([' ', ','])
        .filter(|s| !s.is_empty())
        .map(Role::parse)
        .collect::<Option<Roles>>()?;
    (!roles.is_empty()).then_some(roles)
}

/// Roles as stored: `admin manager`.
pub fn roles_text(roles: &Roles) -> String {
    roles
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A registered organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organization {
    pub id: String,
    pub kind: OrgKind,
    pub full_name: String,
    pub short_name: String,
    /// ОГРН (13 digits) or ОГРНИП (15).
    pub ogrn: String,
    /// 10 digits (legal entity) or 12 (entrepreneur).
    pub inn: String,
    /// 9 digits; `None` for an entrepreneur.
    pub kpp: Option<String>,
    pub legal_address: String,
    pub actual_address: String,
    /// A medical organization: its employees may be medical workers.
    pub medical: bool,
    /// The head who registered it with the organization's certificate.
    pub head_account_id: String,
    pub created_at: UnixTime,
}

/// What a medical organization says of an employee who is a medical
/// worker (the demo cabinet's medical-worker area reads it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MedicalWorker {
    /// The specialty, e.g. `therapist`.
    pub specialty: String,
    /// The position, e.g. «врач-терапевт участковый».
    pub position: String,
}

/// A person's active membership in one organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub org_id: String,
    pub account_id: String,
    pub roles: Roles,
    pub medical_worker: Option<MedicalWorker>,
    pub since: UnixTime,
}

impl Membership {
    pub fn is(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

/// A change to one employee: decided by `orgs::rules::change_member`,
/// executed by the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MemberChange {
    Roles {
        roles: Roles,
        medical_worker: Option<MedicalWorker>,
    },
    Remove,
}

/// Whom an invitation is for: the person with this verified phone or
/// e-mail, or this checked SNILS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invitee {
    /// E.164.
    Phone(String),
    /// Lower case.
    Email(String),
    /// `XXX-XXX-XXX YY`.
    Snils(String),
}

impl Invitee {
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Phone(_) => "phone",
            Self::Email(_) => "email",
            Self::Snils(_) => "snils",
        }
    }

    pub fn value(&self) -> &str {
        match self {
            Self::Phone(v) | Self::Email(v) | Self::Snils(v) => v,
        }
    }

    pub fn from_parts(kind: &str, value: String) -> Option<Self> {
        Some(match kind {
            "phone" => Self::Phone(value),
            "email" => Self::Email(value),
            "snils" => Self::Snils(value),
            _ => return None,
        })
    }
}

/// An invitation to join an organization: expiring, single use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    pub id: String,
    pub org_id: String,
    pub invitee: Invitee,
    pub roles: Roles,
    pub medical_worker: Option<MedicalWorker>,
    /// Who invited, as stored ([`ChangedBy::read`]).
    pub invited_by: String,
    pub created_at: UnixTime,
    pub expires_at: UnixTime,
    pub accepted_by: Option<String>,
    pub accepted_at: Option<UnixTime>,
}

/// One entry of an organization's own journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgEvent {
    pub seq: i64,
    pub org_id: String,
    pub at: UnixTime,
    /// What happened, e.g. `member.removed`.
    pub event: String,
    /// Who did it, as stored ([`ChangedBy::read`]).
    pub actor: String,
    pub detail: serde_json::Value,
}

/// Who made a change to an organization, as its journal and invitations
/// store them: a person by full name, or support by the operator's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangedBy {
    Person(String),
    Operator(String),
}

impl ChangedBy {
    const OPERATOR: &str = "operator:";
    /// How rows written before this form name an operator.
    const OPERATOR_BEFORE: &str = "оператор ";

    /// The stored form: the name, or `operator:` and the name (a person's
    /// name has no colon).
    pub fn stored(&self) -> String {
        match self {
            Self::Person(name) => name.clone(),
            Self::Operator(name) => format!("{}{name}", Self::OPERATOR),
        }
    }

    pub fn read(stored: &str) -> Self {
        match stored
            .strip_prefix(Self::OPERATOR)
            .or_else(|| stored.strip_prefix(Self::OPERATOR_BEFORE))
        {
            Some(name) => Self::Operator(name.to_owned()),
            None => Self::Person(stored.to_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ChangedBy;

    #[test]
    fn who_changed_is_read_back_in_either_stored_form() {
        let operator = ChangedBy::Operator("Иванова".into());
        assert_eq!(ChangedBy::read(&operator.stored()), operator);
        assert_eq!(ChangedBy::read("оператор Иванова"), operator);
        let person = ChangedBy::Person("Подтверждёнов Иван Сергеевич".into());
        assert_eq!(ChangedBy::read(&person.stored()), person);
    }
}
