//! The English words for values: fields, levels, roles, scopes and claims,
//! and why a value was refused.

use super::refusals;
use crate::accounts::profile::ProfileField;
use crate::http::i18n::{Piece, Say};
use crate::identifiers::{Invalid, digit_counts};
use crate::model::{AccountLevel, ChangedBy, OrgKind, Role};
use crate::orgs::OrgField;

pub const SAY: Say = Say {
    field_error: |label, why| format!("{label}: {why}"),
    invalid,
    profile_field,
    org_field,
    level,
    role,
    org_kind,
    ogrn_name,
    scope,
    claim,
    check_reasons: refusals::check_reasons,
    certificate: refusals::certificate,
    mismatch: refusals::mismatch,
    certificate_login: refusals::certificate_login,
    new_password: refusals::new_password,
    settings_error: refusals::settings_error,
    recovery_error: refusals::recovery_error,
    confirm_error: refusals::confirm_error,
    org_error: refusals::org_error,
    changed_by,
    journal: refusals::journal,
};

fn invalid(why: &Invalid) -> String {
    match why {
        Invalid::Empty => "fill in the field".into(),
        Invalid::TooLong(n) => format!("at most {n} characters"),
        Invalid::Digits(counts) => format!("must have {} digits", digit_counts(counts)),
        Invalid::Checksum => "the control digits do not match: check for a typo".into(),
        Invalid::NameCharacters => {
            "only letters, spaces, hyphens and apostrophes are allowed".into()
        }
        Invalid::Phone => "enter a mobile phone number as +7 9XX XXX-XX-XX".into(),
        Invalid::Email => "enter an e-mail address as name@example.ru".into(),
        Invalid::Date => "enter a date as DD.MM.YYYY".into(),
        Invalid::FutureDate => "the date cannot be in the future".into(),
        Invalid::AncientDate => "the date cannot be before 1900".into(),
        Invalid::IssuerCode => "enter the division code as XXX-XXX".into(),
        Invalid::Gender => "choose male or female".into(),
        Invalid::BeforeBirth => "cannot be before the date of birth".into(),
        Invalid::ReadOnly => "the data is being checked and cannot be changed for now".into(),
        Invalid::Taken => "already given on another account".into(),
        Invalid::Control => "cannot hold line breaks or control characters".into(),
        Invalid::Choice => "choose one of the options".into(),
        Invalid::NoRole => "choose at least one role".into(),
        Invalid::Invitee => "enter a phone, an e-mail address or a SNILS".into(),
        Invalid::NotMedical => {
            "only employees of a medical organization can be medical workers".into()
        }
    }
}

fn profile_field(field: ProfileField) -> &'static str {
    use ProfileField as F;
    match field {
        F::LastName => "Family name",
        F::FirstName => "Given name",
        F::MiddleName => "Patronymic",
        F::Gender => "Gender",
        F::Birthdate => "Date of birth",
        F::Birthplace => "Place of birth",
        F::Snils => "SNILS",
        F::PassportSeries => "Passport series",
        F::PassportNumber => "Passport number",
        F::PassportIssued => "Passport issue date",
        F::PassportIssuer => "Issued by",
        F::PassportIssuerCode => "Division code",
        F::Inn => "INN",
    }
}

fn org_field(field: OrgField) -> &'static str {
    use OrgField as F;
    match field {
        F::Kind => "Kind",
        F::FullName => "Full name",
        F::ShortName => "Short name",
        F::Ogrn => "OGRN or OGRNIP",
        F::Inn => "INN",
        F::Kpp => "KPP",
        F::LegalAddress => "Legal address",
        F::ActualAddress => "Actual address",
        F::Certificate => "Certificate",
        F::Invitee => "Phone, e-mail or SNILS",
        F::Roles => "Roles",
        F::Specialty => "Specialty",
        F::Position => "Position",
    }
}

pub(super) fn level(level: AccountLevel) -> &'static str {
    level.as_str()
}

fn role(role: Role) -> &'static str {
    match role {
        Role::Admin => "administrator",
        Role::Manager => "manager",
        Role::Specialist => "specialist",
    }
}

fn org_kind(kind: OrgKind) -> &'static str {
    match kind {
        OrgKind::LegalEntity => "legal entity",
        OrgKind::Entrepreneur => "individual entrepreneur",
    }
}

pub(super) fn ogrn_name(kind: OrgKind) -> &'static str {
    match kind {
        OrgKind::LegalEntity => "OGRN",
        OrgKind::Entrepreneur => "OGRNIP",
    }
}

fn scope(scope: &str) -> Option<&'static str> {
    Some(match scope {
        "openid" => "Your account identifier and its level (simplified, standard, confirmed)",
        "profile" => "Full name, date of birth, gender",
        "email" => "E-mail address",
        "phone" => "Mobile phone number",
        "address" => "Registration address",
        "snils" => "SNILS (individual insurance account number)",
        "inn" => "INN (taxpayer number)",
        "organizations" => {
            "The organization you log in for, your roles in it, and the list of your organizations"
        }
        "offline_access" => "Access to this data while you are away (until you withdraw consent)",
        _ => return None,
    })
}

fn claim(claim: &str) -> &'static str {
    match claim {
        "name" => "Full name",
        "family_name" => "Family name",
        "given_name" => "Given name",
        "middle_name" => "Patronymic",
        "birthdate" => "Date of birth",
        "gender" => "Gender",
        "locale" => "Language",
        "updated_at" => "When the data last changed",
        "email" => "E-mail address",
        "email_verified" => "Whether the e-mail address is confirmed",
        "phone_number" => "Mobile phone number",
        "phone_number_verified" => "Whether the phone number is confirmed",
        "address" => "Registration address",
        "snils" => "SNILS (individual insurance account number)",
        "inn" => "INN (taxpayer number)",
        "org" => "The organization you log in for, and your roles in it",
        "orgs" => "Your organizations and roles",
        _ => "Other details",
    }
}

fn changed_by(who: &ChangedBy) -> Vec<Piece> {
    match who {
        ChangedBy::Person(name) => vec![Piece::Name(name.clone())],
        ChangedBy::Operator(name) => {
            vec![Piece::Text("operator ".into()), Piece::Data(name.clone())]
        }
    }
}
