//! The pages: one askama template each, and what they are made from.

use askama::Template;

use super::language::Language;
use crate::access::{Area, Decision};
use crate::frmr::Check;
use crate::i18n::Texts;
use crate::paths;
use crate::person::{Level, MedicalWorker, Org, Person, Role};
use crate::session::Session;
use crate::store::{Appointment, Clinic, Count, Doctor, Record};

/// The header: who is logged in, and the language switch.
#[derive(Debug)]
pub struct Nav {
    pub logged_in: bool,
    /// The person's name, when passed.
    pub user: Option<String>,
    pub level: Option<Level>,
    pub org: Option<String>,
    /// «Сменить организацию»: for people who work for an organization.
    pub switch: Option<String>,
    /// This page in the other language.
    pub language: String,
}

impl Nav {
    pub fn of(person: &Person, language: &Language) -> Self {
        let next = if person.org.is_some() {
            paths::STAFF
        } else {
            paths::HEALTH
        };
        Self {
            logged_in: true,
            user: person.name.as_ref().map(ToString::to_string),
            level: Some(person.level),
            org: person.org.as_ref().map(|o| o.name.clone()),
            switch: (person.org.is_some() || !person.orgs.is_empty())
                .then(|| login_url(&[("choose", "org"), ("next", next)])),
            language: language.switch.clone(),
        }
    }

    /// The header of a page shown without a session.
    pub fn anonymous(language: &Language) -> Self {
        Self {
            logged_in: false,
            user: None,
            level: None,
            org: None,
            switch: None,
            language: language.switch.clone(),
        }
    }
}

/// Links that lead out of the cabinet or into a new login.
#[derive(Debug, Clone)]
pub struct Links {
    /// The provider's profile page, where levels are raised.
    pub account: String,
    /// Whether the provider passes organizations (scope `organizations`).
    pub offers_orgs: bool,
}

pub fn area_path(area: Area) -> &'static str {
    match area {
        Area::Reference => paths::REFERENCE,
        Area::Appointments => paths::APPOINTMENTS,
        Area::Records => paths::RECORDS,
        Area::StaffEmployees => paths::STAFF_EMPLOYEES,
        Area::StaffReports => paths::STAFF_REPORTS,
        Area::StaffSchedule => paths::STAFF_SCHEDULE,
        Area::MedicalWorker => paths::MEDICAL_WORKER,
    }
}

/// `/login` asking for `level` and coming back to `next`.
pub fn relogin_for_level(level: Level, next: &str) -> String {
    login_url(&[("level", level.claim()), ("next", next)])
}

pub fn login_url(params: &[(&str, &str)]) -> String {
    let query: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish();
    format!("{}?{query}", paths::LOGIN)
}

/// An area on an overview page: open or what it needs.
#[derive(Debug)]
pub struct AreaCard {
    pub title: &'static str,
    pub href: &'static str,
    pub open: bool,
    pub needs: String,
}

impl AreaCard {
    pub fn new(t: &Texts, person: &Person, area: Area, clinics: &[String]) -> Self {
        let decision = crate::access::decide(person, area, clinics);
        Self {
            title: (t.say.area)(area),
            href: area_path(area),
            open: decision == Decision::Allow,
            needs: match decision {
                Decision::Allow => String::new(),
                Decision::NeedLevel { needed, .. } => (t.say.needs_level)(needed),
                Decision::NeedOrganization => t.say.needs_org.to_owned(),
                Decision::NotOurClinic { .. } => t.say.needs_our_clinic.to_owned(),
                Decision::NeedRole { needed, .. } => (t.say.needs_role)(&t.roles_or(&needed)),
            },
        }
    }
}

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    pub t: &'static Texts,
    pub nav: Nav,
}

#[derive(Template)]
#[template(path = "health.html")]
pub struct HealthPage {
    pub t: &'static Texts,
    pub nav: Nav,
    /// «Иван Сергеевич».
    pub name: Option<String>,
    pub level: Level,
    pub areas: Vec<AreaCard>,
}

#[derive(Template)]
#[template(path = "reference.html")]
pub struct ReferencePage {
    pub t: &'static Texts,
    pub nav: Nav,
    /// Each clinic, its opening hours, its doctors.
    pub clinics: Vec<(Clinic, String, Vec<Doctor>)>,
}

#[derive(Template)]
#[template(path = "appointments.html")]
pub struct AppointmentsPage {
    pub t: &'static Texts,
    pub nav: Nav,
    pub appointments: Vec<(Appointment, Doctor)>,
    pub doctors: Vec<Doctor>,
    /// The doctor the form books.
    pub doctor: Doctor,
    /// The days the doctor receives: `YYYY-MM-DD` and «пн, 14 декабря 2026».
    pub days: Vec<(String, String)>,
    /// The visit times of the first of them (the same each day of a shift).
    pub times: Vec<String>,
    pub notice: Option<String>,
    pub problem: Option<String>,
}

#[derive(Template)]
#[template(path = "records.html")]
pub struct RecordsPage {
    pub t: &'static Texts,
    pub nav: Nav,
    pub records: Vec<Record>,
}

#[derive(Template)]
#[template(path = "staff.html")]
pub struct StaffPage {
    pub t: &'static Texts,
    pub nav: Nav,
    pub org: Org,
    pub areas: Vec<AreaCard>,
}

#[derive(Template)]
#[template(path = "employees.html")]
pub struct EmployeesPage {
    pub t: &'static Texts,
    pub nav: Nav,
    pub org: Org,
    pub clinic: Clinic,
    /// The clinic's opening hours.
    pub hours: String,
    pub doctors: Vec<Doctor>,
}

#[derive(Template)]
#[template(path = "reports.html")]
pub struct ReportsPage {
    pub t: &'static Texts,
    pub nav: Nav,
    pub org: Org,
    pub per_doctor: Vec<Count>,
    pub per_day: Vec<Count>,
}

#[derive(Template)]
#[template(path = "schedule.html")]
pub struct SchedulePage {
    pub t: &'static Texts,
    pub nav: Nav,
    pub org: Org,
    pub name: String,
    pub worker: Option<MedicalWorker>,
    pub appointments: Vec<Appointment>,
}

#[derive(Template)]
#[template(path = "medical_worker.html")]
pub struct MedicalWorkerPage {
    pub t: &'static Texts,
    pub nav: Nav,
    pub check: Check,
    pub account_url: String,
    pub relogin_url: String,
}

/// Why an area is closed, for the refusal page.
#[derive(Debug)]
pub enum Reason {
    Level {
        needed: Level,
        has: Level,
    },
    Organization,
    NotOurClinic {
        org: String,
    },
    Role {
        needed: Vec<Role>,
        has: Vec<Role>,
        org: String,
    },
}

#[derive(Template)]
#[template(path = "refused.html")]
pub struct RefusedPage {
    pub t: &'static Texts,
    pub nav: Nav,
    pub heading: &'static str,
    pub area: &'static str,
    pub reason: Reason,
    pub account_url: String,
    pub relogin_url: String,
    pub offers_orgs: bool,
    /// Another of the person's clinics where their roles open the area.
    pub switch_to: Option<String>,
}

impl RefusedPage {
    pub fn new(
        language: &Language,
        area: Area,
        decision: &Decision,
        session: &Session,
        links: &Links,
        clinics: &[String],
    ) -> Self {
        let t = language.t;
        let next = area_path(area);
        let person = &session.person;
        let switch_to = match decision {
            Decision::NeedRole { needed, .. } => person
                .orgs
                .iter()
                .filter(|m| person.org.as_ref().is_none_or(|o| o.id != m.org.id))
                .find(|m| {
                    clinics.contains(&m.org.ogrn) && needed.iter().any(|r| m.org.roles.contains(r))
                })
                .map(|m| m.org.name.clone()),
            _ => None,
        };
        let (heading, reason, relogin_url) = match decision.clone() {
            Decision::NeedLevel { needed, has } => (
                t.refused.level_heading,
                Reason::Level { needed, has },
                relogin_for_level(needed, next),
            ),
            Decision::NeedOrganization | Decision::Allow => (
                t.refused.org_heading,
                Reason::Organization,
                login_url(&[("choose", "org"), ("next", next)]),
            ),
            Decision::NotOurClinic { org } => (
                t.refused.not_ours_heading,
                Reason::NotOurClinic { org },
                login_url(&[("choose", "org"), ("next", next)]),
            ),
            Decision::NeedRole { needed, has, org } => (
                t.refused.role_heading,
                Reason::Role { needed, has, org },
                login_url(&[("choose", "org"), ("next", next)]),
            ),
        };
        Self {
            t,
            nav: Nav::of(&session.person, language),
            heading,
            area: (t.say.area)(area),
            reason,
            account_url: links.account.clone(),
            relogin_url,
            offers_orgs: links.offers_orgs,
            switch_to,
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub t: &'static Texts,
    pub nav: Nav,
    pub code: String,
    pub title: &'static str,
    pub message: String,
    pub steps: Vec<&'static str>,
    /// The one thing to do next, when something can help.
    pub action: Option<Action>,
    /// The provider's error code, for the cabinet's support.
    pub support: Option<String>,
}

/// A link that fixes what a page reports.
#[derive(Debug, Clone)]
pub struct Action {
    pub id: &'static str,
    pub href: String,
    pub label: &'static str,
}

impl Action {
    /// «Войти заново»: a new login helps.
    pub fn relogin(t: &Texts) -> Self {
        Self {
            id: "retry",
            href: paths::LOGIN.to_owned(),
            label: t.errors.relogin,
        }
    }
}

impl ErrorPage {
    pub fn plain(language: &Language, code: &str, title: &'static str, message: &str) -> Self {
        Self {
            t: language.t,
            nav: Nav::anonymous(language),
            code: code.to_owned(),
            title,
            message: message.to_owned(),
            steps: Vec::new(),
            action: None,
            support: None,
        }
    }
}

/// A doctor's hours in the page's language.
pub fn doctor_hours(doctor: &Doctor, t: &Texts) -> String {
    crate::dates::shift(&doctor.shift(), t.lang)
}
