//! The Russian words for values: fields, levels, roles, scopes and claims,
//! and why a value was refused.

use super::refusals;
use crate::accounts::profile::ProfileField;
use crate::http::i18n::{Piece, Say};
use crate::identifiers::Invalid;
use crate::model::{AccountLevel, ChangedBy, OrgKind};
use crate::orgs::OrgField;

pub const SAY: Say = Say {
    field_error: |label, why| format!("«{label}»: {why}"),
    invalid,
    profile_field,
    org_field,
    level,
    role: crate::messages::ru::role,
    org_kind,
    ogrn_name,
    scope,
    claim,
    check_reasons: crate::messages::ru::check_reasons,
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
        Invalid::Empty => "заполните поле".into(),
        Invalid::TooLong(n) => format!("не больше {n} символов"),
        Invalid::Digits(counts) => {
            let counts: Vec<String> = counts.iter().map(usize::to_string).collect();
            format!("должно состоять из {} цифр", counts.join(" или "))
        }
        Invalid::Checksum => "контрольное число не совпадает: проверьте, нет ли опечатки".into(),
        Invalid::NameCharacters => "допустимы только буквы, пробел, дефис и апостроф".into(),
        Invalid::Phone => "укажите мобильный телефон в формате +7 9XX XXX-XX-XX".into(),
        Invalid::Email => "укажите адрес электронной почты в формате name@example.ru".into(),
        Invalid::Date => "укажите дату в формате ДД.ММ.ГГГГ".into(),
        Invalid::FutureDate => "дата не может быть в будущем".into(),
        Invalid::AncientDate => "дата не может быть раньше 1900 года".into(),
        Invalid::IssuerCode => "укажите код подразделения в формате XXX-XXX".into(),
        Invalid::Gender => "выберите мужской или женский".into(),
        Invalid::BeforeBirth => "не может быть раньше даты рождения".into(),
        Invalid::ReadOnly => "данные проверяются и пока не могут быть изменены".into(),
        Invalid::Taken => "уже указан в другой учётной записи".into(),
        Invalid::Control => "не может содержать переводы строк и служебные символы".into(),
        Invalid::Choice => "выберите один из вариантов".into(),
        Invalid::NoRole => "выберите хотя бы одну роль".into(),
        Invalid::Invitee => "укажите телефон, адрес электронной почты или СНИЛС".into(),
        Invalid::NotMedical => {
            "медицинскими работниками могут быть только сотрудники медицинской организации".into()
        }
    }
}

fn profile_field(field: ProfileField) -> &'static str {
    use ProfileField as F;
    match field {
        F::LastName => "Фамилия",
        F::FirstName => "Имя",
        F::MiddleName => "Отчество",
        F::Gender => "Пол",
        F::Birthdate => "Дата рождения",
        F::Birthplace => "Место рождения",
        F::Snils => "СНИЛС",
        F::PassportSeries => "Серия паспорта",
        F::PassportNumber => "Номер паспорта",
        F::PassportIssued => "Дата выдачи паспорта",
        F::PassportIssuer => "Кем выдан",
        F::PassportIssuerCode => "Код подразделения",
        F::Inn => "ИНН",
    }
}

fn org_field(field: OrgField) -> &'static str {
    use OrgField as F;
    match field {
        F::Kind => "Вид",
        F::FullName => "Полное наименование",
        F::ShortName => "Сокращённое наименование",
        F::Ogrn => "ОГРН или ОГРНИП",
        F::Inn => "ИНН",
        F::Kpp => "КПП",
        F::LegalAddress => "Юридический адрес",
        F::ActualAddress => "Фактический адрес",
        F::Certificate => "Сертификат",
        F::Invitee => "Телефон, электронная почта или СНИЛС",
        F::Roles => "Роли",
        F::Specialty => "Специальность",
        F::Position => "Должность",
    }
}

pub(super) fn level(level: AccountLevel) -> &'static str {
    match level {
        AccountLevel::Simplified => "упрощённая",
        AccountLevel::Standard => "стандартная",
        AccountLevel::Confirmed => "подтверждённая",
    }
}

fn org_kind(kind: OrgKind) -> &'static str {
    match kind {
        OrgKind::LegalEntity => "юридическое лицо",
        OrgKind::Entrepreneur => "индивидуальный предприниматель",
    }
}

pub(super) fn ogrn_name(kind: OrgKind) -> &'static str {
    match kind {
        OrgKind::LegalEntity => "ОГРН",
        OrgKind::Entrepreneur => "ОГРНИП",
    }
}

fn scope(scope: &str) -> Option<&'static str> {
    Some(match scope {
        "openid" => {
            "Идентификатор учётной записи и её уровень (упрощённая, стандартная, подтверждённая)"
        }
        "profile" => "Фамилия, имя, отчество, дата рождения, пол",
        "email" => "Адрес электронной почты",
        "phone" => "Номер мобильного телефона",
        "address" => "Адрес регистрации",
        "snils" => "СНИЛС",
        "inn" => "ИНН",
        "organizations" => {
            "Организация, от имени которой вы входите, ваши роли в ней и список ваших организаций"
        }
        "offline_access" => "Доступ к этим данным, когда вы не на портале (до отзыва согласия)",
        _ => return None,
    })
}

fn claim(claim: &str) -> &'static str {
    match claim {
        "name" => "Полное имя",
        "family_name" => "Фамилия",
        "given_name" => "Имя",
        "middle_name" => "Отчество",
        "birthdate" => "Дата рождения",
        "gender" => "Пол",
        "locale" => "Язык",
        "updated_at" => "Дата изменения данных",
        "email" => "Адрес электронной почты",
        "email_verified" => "Подтверждён ли адрес электронной почты",
        "phone_number" => "Номер мобильного телефона",
        "phone_number_verified" => "Подтверждён ли номер телефона",
        "address" => "Адрес регистрации",
        "snils" => "СНИЛС",
        "inn" => "ИНН",
        "org" => "Организация, от имени которой вы входите, и ваши роли в ней",
        "orgs" => "Список ваших организаций и ролей",
        _ => "Другие сведения",
    }
}

fn changed_by(who: &ChangedBy) -> Vec<Piece> {
    match who {
        ChangedBy::Person(name) => vec![Piece::Name(name.clone())],
        ChangedBy::Operator(name) => {
            vec![Piece::Text("оператор ".into()), Piece::Data(name.clone())]
        }
    }
}
