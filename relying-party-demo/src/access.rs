//! What each area of the cabinet needs, decided from the person alone; the
//! pages render the decision. The seeds' rules: reference information for
//! any level, booking from standard, medical records from confirmed; the
//! clinic's staff by role while acting for a clinic this cabinet serves.
//! The roles are the provider's (`admin`, `manager`, `specialist`,
//! docs/organizations.md): the administrator may do everything, the
//! manager sees reports, an employee («сотрудник») sees their own data.

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

    /// The roles that open an area of the staff cabinet (any one of them),
    /// the area's own role first; empty outside the staff cabinet. The
    /// administrator opens every staff area.
    pub fn roles(self) -> &'static [Role] {
        match self {
            Self::StaffEmployees => &[Role::Admin],
            Self::StaffReports => &[Role::Manager, Role::Admin],
            Self::StaffSchedule => &[Role::Specialist, Role::Admin],
            _ => &[],
        }
    }

    /// The area at `path`, if it is one.
    pub fn at(path: &str) -> Option<Self> {
        use crate::paths;
        Some(match path {
            paths::REFERENCE => Self::Reference,
            paths::APPOINTMENTS => Self::Appointments,
            paths::RECORDS => Self::Records,
            paths::STAFF_EMPLOYEES => Self::StaffEmployees,
            paths::STAFF_REPORTS => Self::StaffReports,
            paths::STAFF_SCHEDULE => Self::StaffSchedule,
            paths::MEDICAL_WORKER => Self::MedicalWorker,
            _ => return None,
        })
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
    /// Acting for `org`, which is not a clinic of this cabinet: its staff
    /// see nothing here (and never the clinic's data under its name).
    NotOurClinic {
        org: String,
    },
    /// Acting for `org` without any of the roles the area needs.
    NeedRole {
        needed: Vec<Role>,
        has: Vec<Role>,
        org: String,
    },
}

/// What `person` may do in `area`; `clinics` are the OGRNs of the clinics
/// this cabinet serves.
pub fn decide(person: &Person, area: Area, clinics: &[String]) -> Decision {
    let needed = area.level();
    if person.level < needed {
        return Decision::NeedLevel {
            needed,
            has: person.level,
        };
    }
    let roles = area.roles();
    if roles.is_empty() {
        return Decision::Allow;
    }
    let Some(org) = &person.org else {
        return Decision::NeedOrganization;
    };
    if !clinics.contains(&org.ogrn) {
        return Decision::NotOurClinic {
            org: org.name.clone(),
        };
    }
    if roles.iter().any(|r| org.roles.contains(r)) {
        Decision::Allow
    } else {
        Decision::NeedRole {
            needed: roles.to_vec(),
            has: org.roles.clone(),
            org: org.name.clone(),
        }
    }
}

/// Where a login that asked for `next` lands: `next` if this person may
/// open it, otherwise the hub they may open (after switching to an
/// organization whose roles do not open `next`, say).
pub fn landing(person: &Person, next: &str, clinics: &[String]) -> String {
    use crate::paths;
    let allowed = |area| decide(person, area, clinics) == Decision::Allow;
    let fits = match Area::at(next) {
        Some(area) => allowed(area),
        None if next == paths::STAFF => person
            .org
            .as_ref()
            .is_some_and(|o| clinics.contains(&o.ogrn)),
        None => true,
    };
    if fits {
        return next.to_owned();
    }
    let staff_hub = [
        Area::StaffEmployees,
        Area::StaffReports,
        Area::StaffSchedule,
    ]
    .into_iter()
    .any(allowed);
    if staff_hub {
        paths::STAFF.to_owned()
    } else {
        paths::HEALTH.to_owned()
    }
}

#[cfg(test)]
mod tests;
