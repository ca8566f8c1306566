//! The pages' texts, one catalogue per language: [`ru::RU`] (the default)
//! and [`en::EN`], each a value of the one shape [`Texts`], so a text
//! missing in either language fails to compile. Texts with values in them,
//! and the words for the domain's typed answers (reasons, roles, fields),
//! are functions in [`Say`], one set per language, each an exhaustive
//! `match`: a new reason fails to compile until both languages word it.
//!
//! [`pick`] chooses the language: `ui_locales` of a login flow first, then
//! the browser's `Accept-Language`, else Russian.

mod en;
mod pages;
mod ru;

pub use pages::*;

use crate::accounts::confirmation::ConfirmError;
use crate::accounts::profile::ProfileField;
use crate::accounts::recovery::RecoveryError;
use crate::accounts::second_factor::SettingsError;
use crate::certs::Mismatch;
use crate::credentials::password::PolicyError;
use crate::identifiers::Invalid;
use crate::login::certificate::Refusal;
use crate::model::{AccountLevel, ChangedBy, CheckReason, Lang, OrgKind, Role};
use crate::orgs::{OrgError, OrgField};

pub struct Texts {
    /// The language, `<html lang>`.
    pub lang: Lang,
    pub brand: &'static str,
    /// The service's name alone, after a page's title: «Мои данные — Вход».
    pub brand_name: &'static str,
    pub support_code: &'static str,
    pub back_to_portal: &'static str,
    pub login_title: &'static str,
    pub login_for: &'static str,
    pub login_label: &'static str,
    pub login_hint: &'static str,
    pub password_label: &'static str,
    pub login_submit: &'static str,
    pub wrong_credentials: &'static str,
    pub login_missing: &'static str,
    pub password_missing: &'static str,
    pub forgot_password: &'static str,
    pub code_title: &'static str,
    pub code_totp: &'static str,
    pub code_sms: &'static str,
    pub code_label: &'static str,
    pub code_submit: &'static str,
    pub code_recovery_hint: &'static str,
    /// What to do without the app, or when the phone number changed.
    pub code_no_app: &'static str,
    pub code_new_number: &'static str,
    /// Leaving the code step: another account, or no login at all.
    pub code_other_account: &'static str,
    pub code_cancel: &'static str,
    pub code_resend: &'static str,
    pub code_wrong: &'static str,
    pub code_tries_left: &'static str,
    pub code_spent: &'static str,
    pub code_blocked: &'static str,
    pub code_too_soon: &'static str,
    pub code_sent: &'static str,
    pub code_missing: &'static str,
    pub code_expired: &'static str,
    pub second_factor_needed: &'static str,
    pub second_factor_needed_text: &'static str,
    pub second_factor_needed_hint: &'static str,
    pub second_factor_enable: &'static str,
    pub login_continue: &'static str,
    pub login_give_up: &'static str,
    pub consent_title: &'static str,
    pub consent_intro: &'static str,
    pub consent_account: &'static str,
    pub consent_acting_for: &'static str,
    pub consent_allow: &'static str,
    pub consent_deny: &'static str,
    pub consent_note: &'static str,
    pub consents_title: &'static str,
    pub consents_empty: &'static str,
    pub consents_granted: &'static str,
    pub consents_revoke: &'static str,
    pub consents_revoked: &'static str,
    /// Before a consent is withdrawn: the question (the portal's name
    /// follows), what it does, and the way out.
    pub consents_question: &'static str,
    pub consents_consequence: &'static str,
    pub consents_keep: &'static str,
    pub logout_title: &'static str,
    pub logout_question: &'static str,
    pub logout_submit: &'static str,
    /// The way back from the logout question without logging out.
    pub logout_stay: &'static str,
    pub logged_out: &'static str,
    pub logged_out_hint: &'static str,
    pub error_title: &'static str,
    pub bad_request: &'static str,
    pub bad_request_hint: &'static str,
    pub flow_expired: &'static str,
    pub flow_expired_hint: &'static str,
    pub flow_completed: &'static str,
    pub flow_completed_hint: &'static str,
    pub unavailable: &'static str,
    pub unavailable_hint: &'static str,
    pub csrf_failed: &'static str,
    pub csrf_failed_hint: &'static str,
    pub level_title: &'static str,
    /// What the portal accepts (the level required) and what the account
    /// is; then how to raise it from where it is.
    pub level_text: fn(AccountLevel, AccountLevel) -> String,
    pub level_hint: fn(AccountLevel, AccountLevel) -> &'static str,
    pub not_found: &'static str,
    pub not_found_hint: &'static str,
    pub technical_details: &'static str,
    pub busy: &'static str,
    pub busy_hint: &'static str,
    pub consent_claims: &'static str,
    pub register_link: &'static str,
    pub bad_form: &'static str,
    pub bad_form_hint: &'static str,
    /// What a person can do when the login may be locked (said after
    /// every failed password).
    pub locked: &'static str,
    pub locked_certificate: &'static str,
    /// What opens `locked` and `locked_certificate` under a refused login.
    pub locked_summary: &'static str,
    pub admin_locked: &'static str,
    pub throttled: &'static str,
    pub throttled_hint: &'static str,
    /// Limits by volume: what was too much; then «try again in N min».
    pub try_again_in: &'static str,
    pub minutes: &'static str,
    pub hours: &'static str,
    pub days: &'static str,
    pub flows_limited: &'static str,
    pub flows_limited_everyone: &'static str,
    pub recovery_limited: &'static str,
    pub unlocked: &'static str,
    pub unlock_failed: &'static str,
    pub unlock_title: &'static str,
    pub unlock_question: &'static str,
    pub unlock_submit: &'static str,
    pub nav_profile: &'static str,
    pub nav_consents: &'static str,
    pub nav_sessions: &'static str,
    pub nav_security: &'static str,
    pub nav_orgs: &'static str,
    pub actor_title: &'static str,
    pub actor_intro: &'static str,
    pub actor_person: &'static str,
    pub actor_roles: &'static str,
    pub actor_submit: &'static str,
    pub sessions_title: &'static str,
    pub sessions_intro: &'static str,
    pub sessions_current: &'static str,
    pub sessions_started: &'static str,
    pub sessions_address: &'static str,
    pub sessions_portals: &'static str,
    pub sessions_no_portals: &'static str,
    pub sessions_unknown_device: &'static str,
    /// Between the browser and the system: «Chrome на Windows 10».
    pub sessions_on: &'static str,
    pub sessions_end: &'static str,
    pub sessions_end_others: &'static str,
    pub sessions_ended: &'static str,
    pub sessions_ended_others: &'static str,
    pub sessions_not_yours: &'static str,
    pub certificate_link: &'static str,
    pub certificate_required: &'static str,
    pub register: RegisterTexts,
    pub certificate: CertificateTexts,
    pub profile: ProfileTexts,
    pub confirm: ConfirmTexts,
    pub security: SecurityTexts,
    pub recover: RecoverTexts,
    pub orgs: OrgsTexts,
    pub home: HomeTexts,
    pub say: Say,
}

/// Texts with values in them, and the words for typed answers of the
/// domain.
pub struct Say {
    /// A refused field: «Фамилия»: why.
    pub field_error: fn(label: &str, why: &str) -> String,
    pub invalid: fn(&Invalid) -> String,
    pub profile_field: fn(ProfileField) -> &'static str,
    pub org_field: fn(OrgField) -> &'static str,
    pub level: fn(AccountLevel) -> &'static str,
    pub role: fn(Role) -> &'static str,
    pub org_kind: fn(OrgKind) -> &'static str,
    /// The name of an organization's state registration number.
    pub ogrn_name: fn(OrgKind) -> &'static str,
    /// What a scope gives, on the consent page; `None` for an unknown one.
    pub scope: fn(&str) -> Option<&'static str>,
    /// A claim asked for one by one.
    pub claim: fn(&str) -> &'static str,
    /// Why the registries refused a profile (`; `-separated).
    pub check_reasons: fn(&[CheckReason]) -> String,
    /// Why a certificate or its signature was refused, to follow «Неверный
    /// сертификат: ».
    pub certificate: fn(&esign::CertError) -> String,
    pub mismatch: fn(Mismatch) -> &'static str,
    /// A refused certificate login, whole.
    pub certificate_login: fn(&Refusal) -> String,
    /// A new password the policy refused, naming the field.
    pub new_password: fn(&PolicyError) -> String,
    pub settings_error: fn(&SettingsError) -> String,
    pub recovery_error: fn(&RecoveryError) -> String,
    /// A refused confirmation, naming the field (a limit: without when to
    /// try again).
    pub confirm_error: fn(&ConfirmError) -> String,
    /// A refused change of an organization: one line per wrong field.
    pub org_error: fn(&OrgError) -> Vec<String>,
    /// Who changed an organization.
    pub changed_by: fn(&ChangedBy) -> Vec<Piece>,
    /// An entry of an organization's journal.
    pub journal: fn(&JournalEntry) -> Vec<Piece>,
}

/// A piece of a text that holds data: the page marks data so that it is
/// read in its own language (`lang="ru"` on names) or not translated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    /// A person's or an organization's name or address (Russian).
    Name(String),
    /// Other data shown as stored: a contact, a serial number.
    Data(String),
}

/// An entry of an organization's journal as the page tells it, read from
/// the stored event (`crate::audit::events::ORG_*` and its detail).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JournalEntry {
    Registered {
        head: String,
        certificate: String,
    },
    Invited {
        invitee: String,
        roles: String,
    },
    Accepted {
        member: String,
        roles: String,
    },
    Added {
        member: String,
        roles: String,
    },
    RolesChanged {
        member: String,
        before: String,
        after: String,
    },
    Removed {
        member: String,
        before: String,
    },
    /// An event this version does not word: its name.
    Other(String),
}

/// Picks the language: an explicit `ui_locales` first, then the browser's
/// `Accept-Language`, else Russian.
pub fn pick(ui_locales: Option<&str>, accept_language: Option<&str>) -> &'static Texts {
    let wants_english = |list: &str, separator: char| {
        list.split(separator)
            .map(|tag| {
                tag.trim()
                    .split(';')
                    .next()
                    .unwrap_or_default()
                    .to_ascii_lowercase()
            })
            .find(|tag| tag.starts_with("ru") || tag.starts_with("en"))
            .is_some_and(|tag| tag.starts_with("en"))
    };
    let english = match ui_locales {
        Some(locales)
            if locales
                .split_whitespace()
                .any(|t| t.starts_with("ru") || t.starts_with("en")) =>
        {
            wants_english(locales, ' ')
        }
        _ => accept_language.is_some_and(|a| wants_english(a, ',')),
    };
    if english { &en::EN } else { &ru::RU }
}

/// For the templates, which call methods.
impl Texts {
    pub fn org_field(&self, field: OrgField) -> &'static str {
        (self.say.org_field)(field)
    }

    pub fn role(&self, role: Role) -> &'static str {
        (self.say.role)(role)
    }

    pub fn org_kind(&self, kind: OrgKind) -> &'static str {
        (self.say.org_kind)(kind)
    }
}

/// The roles, comma-separated.
pub fn roles(t: &Texts, roles: &crate::model::Roles) -> String {
    roles
        .iter()
        .map(|r| (t.say.role)(*r))
        .collect::<Vec<_>>()
        .join(", ")
}
