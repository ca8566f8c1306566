//! What each area of the cabinet needs, decided from the person alone; the
//! pages render the decision. The seeds' rules: reference information for
//! any level, booking from standard, medical records from confirmed; the
//! clinic's staff by role while acting for the organization.

use crate::person::{Level, Person, Role};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Area {
    Reference,
    Appointments,
    Records,
    /// The staff list and the clinic's settings.
    StaffEmployees,
    /// Visits per doctor and per day.
    StaffReports,
    /// One's own schedule and patients.
    StaffSchedule,
    /// The accreditation cabinet; the register is checked after this.
    MedicalWorker,
}

impl Area {
    pub fn level(self) -> Level {
        match self {
            Self::Reference => Level::Simplified,
            Self::Appointments => Level::Standard,
            Self::Records
            | Self::StaffEmployees
            | Self::StaffReports
            | Self::StaffSchedule
            | Self::MedicalWorker => Level::Confirmed,
        }
    }

    /// The role an area of the staff cabinet needs.
    pub fn role(self) -> Option<Role> {
        match self {
            Self::StaffEmployees => Some(Role::Admin),
            Self::StaffReports => Some(Role::Manager),
            Self::StaffSchedule => Some(Role::Specialist),
            _ => None,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Self::Reference => "Справочная информация",
            Self::Appointments => "Запись к врачу",
            Self::Records => "Медицинские документы и результаты анализов",
            Self::StaffEmployees => "Сотрудники и настройки",
            Self::StaffReports => "Отчёты",
            Self::StaffSchedule => "Моё расписание и пациенты",
            Self::MedicalWorker => "Кабинет медицинского работника",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// The account level is too low for the area.
    NeedLevel {
        needed: Level,
        has: Level,
    },
    /// A staff area, entered as a private person.
    NeedOrganization,
    /// Acting for `org` without the role the area needs.
    NeedRole {
        needed: Role,
        has: Vec<Role>,
        org: String,
    },
}

pub fn decide(person: &Person, area: Area) -> Decision {
    let needed = area.level();
    if person.level < needed {
        return Decision::NeedLevel {
            needed,
            has: person.level,
        };
    }
    let Some(role) = area.role() else {
        return Decision::Allow;
    };
    let Some(org) = &person.org else {
        return Decision::NeedOrganization;
    };
    if org.roles.contains(&role) {
        Decision::Allow
    } else {
        Decision::NeedRole {
            needed: role,
            has: org.roles.clone(),
            org: org.name.clone(),
        }
    }
}

#[cfg(test)]
mod tests;
