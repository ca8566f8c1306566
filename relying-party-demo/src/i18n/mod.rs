//! The cabinet's texts, one table per language: [`ru::RU`] (the default)
//! and [`en::EN`], each a value of the one shape [`Texts`], so a text
//! missing in either language fails to compile. Texts with values in them,
//! and the words for the cabinet's typed answers (levels, roles, areas,
//! register fields), are functions, each an exhaustive `match`.
//!
//! [`pick`] chooses the language the way the provider does — the browser's
//! `Accept-Language`, else Russian — so a person who reads the provider in
//! English reads the cabinet in English too; a choice made with the
//! cabinet's own switch (`?lang=`, remembered in the `lang` cookie) comes
//! first, and is passed on to the provider as `ui_locales`.
//!
//! Data stays as stored: names, addresses and medical documents are
//! Russian, and the pages mark them `lang="ru"`.

mod en;
mod ru;

use crate::access::Area;
use crate::frmr::Field;
use crate::person::{Level, Role};

/// The language of a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Ru,
    En,
}

impl Lang {
    /// The language tag (`<html lang>`, `?lang=`, `ui_locales`).
    pub fn tag(self) -> &'static str {
        match self {
            Self::Ru => "ru",
            Self::En => "en",
        }
    }

    pub fn parse(tag: &str) -> Option<Self> {
        match tag {
            "ru" => Some(Self::Ru),
            "en" => Some(Self::En),
            _ => None,
        }
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Self::Ru => &ru::RU,
            Self::En => &en::EN,
        }
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.tag())
    }
}

/// The language chosen with the switch: `?lang=` of this request first,
/// then the `lang` cookie; otherwise the browser's `Accept-Language` (its
/// first Russian or English tag), else Russian.
pub fn pick(query: Option<&str>, cookie: Option<&str>, accept_language: Option<&str>) -> Lang {
    if let Some(lang) = query.or(cookie).and_then(Lang::parse) {
        return lang;
    }
    let first = accept_language.and_then(|list| {
        list.split(',')
            .map(|tag| {
                tag.trim()
                    .split(';')
                    .next()
                    .unwrap_or_default()
                    .to_ascii_lowercase()
            })
            .find(|tag| tag.starts_with("ru") || tag.starts_with("en"))
    });
    match first {
        Some(tag) if tag.starts_with("en") => Lang::En,
        _ => Lang::Ru,
    }
}

pub struct Texts {
    pub lang: Lang,
    /// The switch to the other language: the language, and its name in
    /// itself («English», «Русский»).
    pub other: Lang,
    pub other_name: &'static str,
    /// The brand, in the title and (two halves) in the header.
    pub brand: &'static str,
    pub brand_first: &'static str,
    pub brand_second: &'static str,
    pub sections: &'static str,
    pub nav_health: &'static str,
    pub nav_staff: &'static str,
    pub nav_medical_worker: &'static str,
    pub logout: &'static str,
    pub switch_org: &'static str,
    /// The header's name for a person whose name was not passed.
    pub someone: &'static str,
    pub home: HomeTexts,
    pub hello: &'static str,
    pub your_level: &'static str,
    pub open: &'static str,
    pub closed: &'static str,
    pub booking: BookingTexts,
    pub records: RecordsTexts,
    pub clinic: ClinicTexts,
    pub staff: StaffTexts,
    pub worker: WorkerTexts,
    pub refused: RefusedTexts,
    pub errors: ErrorTexts,
    pub say: Say,
}

pub struct HomeTexts {
    pub title: &'static str,
    pub heading: &'static str,
    pub intro: &'static str,
    pub go: &'static str,
    pub login: &'static str,
    pub levels: &'static str,
    pub level: &'static str,
    pub opens: &'static str,
    pub simplified: &'static str,
    pub standard: &'static str,
    pub confirmed: &'static str,
    pub raise: &'static str,
}

/// «Запись к врачу».
pub struct BookingTexts {
    pub mine: &'static str,
    pub none: &'static str,
    pub room_short: &'static str,
    pub cancel: &'static str,
    pub new: &'static str,
    pub doctor: &'static str,
    pub show_days: &'static str,
    pub room: &'static str,
    pub hours: &'static str,
    pub no_days: &'static str,
    pub day: &'static str,
    pub time: &'static str,
    pub submit: &'static str,
    pub choose_doctor: &'static str,
    pub taken: &'static str,
    /// «Вы записаны: пн, 14 декабря 2026, 15:00.»
    pub booked: fn(day: &str, time: &str) -> String,
    /// The day or time is not the doctor's: the doctor's name (Russian
    /// data), then [`BookingTexts::not_then_rest`] with the hours.
    pub not_then_rest: fn(hours: &str) -> String,
}

/// «Медицинские документы и результаты анализов».
pub struct RecordsTexts {
    pub none: &'static str,
    pub date: &'static str,
    pub document: &'static str,
    pub content: &'static str,
    pub result: &'static str,
}

/// The clinics and their doctors (reference information, the staff pages).
pub struct ClinicTexts {
    pub doctor: &'static str,
    pub specialty: &'static str,
    pub room: &'static str,
    pub visiting_hours: &'static str,
    pub opening_hours: &'static str,
    pub address: &'static str,
    pub phone: &'static str,
}

/// The clinic staff's pages.
pub struct StaffTexts {
    pub title: &'static str,
    pub heading: &'static str,
    pub acting_for: &'static str,
    pub ogrn: &'static str,
    pub inn: &'static str,
    pub your_roles: &'static str,
    pub doctors: &'static str,
    pub settings: &'static str,
    pub per_doctor: &'static str,
    pub per_day: &'static str,
    pub visits: &'static str,
    pub day: &'static str,
    pub schedule_title: &'static str,
    pub no_visits: &'static str,
    pub date: &'static str,
    pub time: &'static str,
    pub patient: &'static str,
}

/// «Кабинет медицинского работника» and its check against ФРМР.
pub struct WorkerTexts {
    pub found: &'static str,
    pub full_name: &'static str,
    pub birthdate: &'static str,
    pub snils: &'static str,
    pub specialty: &'static str,
    pub position: &'static str,
    pub organization: &'static str,
    pub accreditation: &'static str,
    pub accreditation_text: &'static str,
    pub not_found: &'static str,
    pub not_found_text: &'static str,
    pub not_found_steps: [&'static str; 3],
    pub then_login: &'static str,
    pub missing: &'static str,
    /// Before and after the link to the provider's profile.
    pub missing_text: fn(field: &str) -> String,
    pub missing_profile: &'static str,
    pub missing_rest: &'static str,
    pub relogin: &'static str,
    pub differs: &'static str,
    pub in_register: &'static str,
    pub at_provider: &'static str,
    pub fix_profile: &'static str,
    pub fix_profile_link: &'static str,
    pub fix_profile_rest: &'static str,
    pub fix_register: &'static str,
}

/// The page of an area a person may not open.
pub struct RefusedTexts {
    pub title: &'static str,
    pub level_heading: &'static str,
    pub org_heading: &'static str,
    pub not_ours_heading: &'static str,
    pub role_heading: &'static str,
    /// «Для раздела «…» нужна», then the level in bold and the rest.
    pub level_needs: fn(area: &str) -> String,
    pub level_has: &'static str,
    pub how_to_raise: &'static str,
    pub raise: &'static str,
    pub raised: &'static str,
    pub relogin: &'static str,
    pub raised_rest: &'static str,
    pub private: fn(area: &str) -> String,
    pub choose_org: &'static str,
    pub as_org: &'static str,
    pub no_orgs: &'static str,
    /// The organization's name (data) follows.
    pub not_ours: &'static str,
    pub not_ours_rest: &'static str,
    pub not_ours_hint: &'static str,
    pub switch: &'static str,
    /// «Для раздела «…» нужна роль «…» в организации», then its name.
    pub role_needs: fn(area: &str, roles: &str) -> String,
    pub roles_are: &'static str,
    pub no_roles: &'static str,
    pub role_elsewhere: &'static str,
    pub as_other: &'static str,
    pub ask_admin: &'static str,
    pub back: &'static str,
    /// How to go from one level to a higher one, step by step.
    pub raise_steps: fn(needed: Level, has: Level) -> Vec<&'static str>,
}

/// The error pages and a failed login.
pub struct ErrorTexts {
    pub home: &'static str,
    pub support: &'static str,
    pub relogin: &'static str,
    pub not_found: &'static str,
    pub not_found_text: &'static str,
    pub unavailable: &'static str,
    pub unavailable_text: &'static str,
    /// The title and the text of a failed login, by its kind.
    pub login: fn(Failure) -> (&'static str, &'static str),
    /// A level too low for the cabinet, as the provider reported it.
    pub level_text: fn(needed: Level, has: Level) -> String,
    pub raise: &'static str,
    pub enable_code: &'static str,
}

/// A failed login, as the page tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    NotThisLogin,
    Exchange,
    IdToken,
    UserInfo,
    Discovery,
    Refresh,
    Declined,
    Level,
    Denied,
    LoginRequired,
    Interaction,
    StrongerLogin,
    ProviderBusy,
    ProviderRefused,
}

/// The words for the cabinet's typed answers.
pub struct Say {
    pub level: fn(Level) -> &'static str,
    pub role: fn(Role) -> &'static str,
    pub area: fn(Area) -> &'static str,
    pub field: fn(Field) -> &'static str,
    /// What a closed area on an overview needs.
    pub needs_level: fn(Level) -> String,
    pub needs_org: &'static str,
    pub needs_our_clinic: &'static str,
    pub needs_role: fn(roles: &str) -> String,
    /// A specialty or position stored in Russian, in this language; `None`
    /// shows it as stored.
    pub term: fn(&str) -> Option<&'static str>,
    /// Joins roles: «администратор» или «руководитель».
    pub or: &'static str,
    /// Quotes a name: «…», “…”.
    pub quote: fn(&str) -> String,
}

/// For the templates, which call methods (with values or references).
impl Texts {
    pub fn level(&self, level: &Level) -> &'static str {
        (self.say.level)(*level)
    }

    pub fn role(&self, role: &Role) -> &'static str {
        (self.say.role)(*role)
    }

    /// The roles, comma-separated.
    pub fn roles(&self, roles: &[Role]) -> String {
        roles
            .iter()
            .map(|r| (self.say.role)(*r))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// «администратор», «руководитель» или «администратор».
    pub fn roles_or(&self, roles: &[Role]) -> String {
        let words: Vec<String> = roles
            .iter()
            .map(|r| (self.say.quote)((self.say.role)(*r)))
            .collect();
        words.join(self.say.or)
    }

    pub fn raise_steps(&self, needed: &Level, has: &Level) -> Vec<&'static str> {
        (self.refused.raise_steps)(*needed, *has)
    }

    pub fn field(&self, field: &Field) -> &'static str {
        (self.say.field)(*field)
    }

    pub fn term(&self, value: &str) -> Option<&'static str> {
        (self.say.term)(value)
    }

    pub fn area(&self, area: Area) -> &'static str {
        (self.say.area)(area)
    }

    /// A stored `YYYY-MM-DD` as «13 декабря 2026», «13 December 2026».
    pub fn date(&self, value: &str) -> String {
        crate::dates::stored(value, self.lang)
    }

    pub fn lang_tag(&self) -> &'static str {
        self.lang.tag()
    }
}

#[cfg(test)]
mod tests;
