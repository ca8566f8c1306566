//! The Russian words for the domain's refusals, each naming its field, and
//! for the journal of an organization.

use crate::accounts::confirmation::ConfirmError;
use crate::accounts::recovery::RecoveryError;
use crate::accounts::second_factor::SettingsError;
use crate::certs::Mismatch;
use crate::credentials::password::{NewPasswordError, PUNCTUATION, PolicyError};
use crate::dates;
use crate::http::i18n::{JournalEntry, Piece};
use crate::login::certificate::Refusal;
use crate::model::{Lang, PersonalNumber};
use crate::orgs::{OrgError, OrgMismatch};

const UNAVAILABLE: &str = "Сервис временно недоступен.";

pub fn certificate(e: &esign::CertError) -> String {
    use esign::{CertError as E, Part};
    match e {
        E::Malformed { what, .. } => match what {
            Part::Certificate => "файл сертификата повреждён или это не сертификат",
            Part::Intermediate => "сертификат промежуточного удостоверяющего центра повреждён",
            Part::Signature => "подпись повреждена или имеет неверный формат",
            Part::PrivateKey => {
                "закрытый ключ повреждён или имеет неверный формат (нужен PKCS#8 PEM)"
            }
            Part::TrustedCa => {
                "сертификат доверенного удостоверяющего центра в настройках повреждён"
            }
            Part::Crl => "список отзыва сертификатов в настройках повреждён",
        }
        .into(),
        E::Expired { not_after_unix } => format!(
            "срок действия сертификата истёк {}",
            dates::date(*not_after_unix, Lang::Ru)
        ),
        E::NotYetValid { not_before_unix } => format!(
            "срок действия сертификата ещё не начался: он действует с {}",
            dates::date(*not_before_unix, Lang::Ru)
        ),
        E::Untrusted { .. } => {
            "сертификат выдан удостоверяющим центром, которому портал не доверяет".into()
        }
        E::Revoked => "сертификат отозван удостоверяющим центром".into(),
        E::RevocationUnknown { .. } => {
            "не удалось проверить, не отозван ли сертификат; попробуйте позже".into()
        }
        E::KeyUsage => "сертификат не предназначен для электронной подписи".into(),
        E::ExtendedKeyUsage => {
            "сертификат не предназначен для проверки подлинности клиента (входа)".into()
        }
        E::UnsupportedKey { algorithm } => format!(
            "ключ {algorithm} не поддерживается: нужен ключ RSA от 2048 бит или ECDSA P-256"
        ),
        E::KeyTooSmall { bits: Some(bits) } => {
            format!("ключ RSA длиной {bits} бит слишком короткий: нужно не меньше 2048 бит")
        }
        E::KeyTooSmall { bits: None } => {
            "ключ RSA слишком короткий: нужно не меньше 2048 бит".into()
        }
        E::SignatureMismatch => "подпись не соответствует сертификату или запросу: подпишите запрос заново ключом этого сертификата".into(),
    }
}

pub fn mismatch(m: Mismatch) -> &'static str {
    match m {
        Mismatch::Snils => "СНИЛС в сертификате не совпадает с указанным в «Моих данных»",
        Mismatch::Inn => "ИНН в сертификате не совпадает с указанным в «Моих данных»",
        Mismatch::NoIdentifier => "в сертификате нет СНИЛС или ИНН, совпадающего с «Моими данными»",
        Mismatch::Name => "фамилия, имя или отчество в сертификате не совпадают с «Моими данными»",
    }
}

pub fn certificate_login(refusal: &Refusal) -> String {
    let why = match refusal {
        Refusal::NoChallenge => return super::flow::CERTIFICATE.stale.into(),
        Refusal::Invalid(e) => certificate(e),
        Refusal::NoNumber => "в сертификате нет ни СНИЛС, ни ИНН владельца".into(),
        Refusal::NoAccount => "с этим СНИЛС или ИНН не связана учётная запись, где они проверены: \
                               войдите по паролю и заполните «Мои данные» — после проверки данных вход по сертификату заработает"
            .into(),
        Refusal::NotTheirs(m) => mismatch(*m).into(),
    };
    format!("{}: {why}.", super::flow::CERTIFICATE.wrong)
}

pub fn new_password(p: &PolicyError) -> String {
    match p {
        PolicyError::TooShort => "Новый пароль: не короче 8 символов.".into(),
        PolicyError::TooLong => "Новый пароль: не длиннее 128 символов.".into(),
        PolicyError::MissingClass => {
            "Новый пароль: нужны латинские строчная и заглавная буквы и цифра.".into()
        }
        PolicyError::BadCharacter | PolicyError::Hashing => {
            format!("Новый пароль: допустимы только латинские буквы, цифры и знаки {PUNCTUATION}")
        }
        PolicyError::Cyrillic => CYRILLIC.replace("Пароль", "Новый пароль"),
    }
}

/// A Cyrillic letter in a password.
pub const CYRILLIC: &str =
    "Поле «Пароль»: в пароле русская буква — переключите раскладку клавиатуры на английскую.";

const PASSWORDS_DIFFER: &str = "Новый пароль ещё раз: пароли не совпадают.";

pub fn settings_error(e: &SettingsError) -> String {
    match e {
        SettingsError::WrongPassword => "Пароль: неверный пароль.".into(),
        SettingsError::Locked { until } => format!(
            "Пароль: вход по паролю заблокирован после неверных попыток до {}.",
            dates::date_time(*until, Lang::Ru)
        ),
        SettingsError::Busy => {
            "Сейчас слишком много проверок пароля, повторите через несколько секунд.".into()
        }
        SettingsError::NoPhone => {
            "Телефон: SMS-коды можно подключить только к подтверждённому мобильному телефону."
                .into()
        }
        SettingsError::NotStarted => {
            "Код: подключение не начато или устарело, начните заново.".into()
        }
        SettingsError::WrongCode { tries_left: Some(n) } => {
            format!("Код: неверный код, осталось попыток: {n}.")
        }
        SettingsError::WrongCode { tries_left: None } => "Код: неверный код. Проверьте время на телефоне и введите код, который показывает приложение сейчас.".into(),
        SettingsError::CodeSpent => {
            "Код: код устарел или попытки закончились, начните подключение заново.".into()
        }
        SettingsError::NotEnabled => "Второй фактор не подключён.".into(),
        SettingsError::CodeNeeded => "Код: этот сеанс начат без второго фактора — введите код из приложения или резервный код (или войдите заново с кодом).".into(),
        SettingsError::WrongFactorCode => {
            "Код: неверный код из приложения или резервный код.".into()
        }
        SettingsError::CodesBlocked => {
            "Код: слишком много неверных кодов, попробуйте позже.".into()
        }
        SettingsError::NewPassword(NewPasswordError::Differ) => PASSWORDS_DIFFER.into(),
        SettingsError::NewPassword(NewPasswordError::Policy(p)) => new_password(p),
        SettingsError::Refused => {
            "Учётная запись заблокирована администратором: изменить настройки нельзя.".into()
        }
        SettingsError::Store(_) => UNAVAILABLE.into(),
    }
}

pub fn recovery_error(e: &RecoveryError) -> String {
    match e {
        RecoveryError::WrongCode { tries_left } => {
            format!("Код: неверный код, осталось попыток: {tries_left}.")
        }
        RecoveryError::CodeSpent => {
            "Код: код устарел или попытки закончились. Запросите новый код.".into()
        }
        RecoveryError::NoRecovery => {
            "Время на восстановление истекло или оно начато в другом браузере. Начните заново."
                .into()
        }
        RecoveryError::Password(NewPasswordError::Policy(p)) => new_password(p),
        RecoveryError::Password(NewPasswordError::Differ) => PASSWORDS_DIFFER.into(),
        RecoveryError::Limited { .. } => {
            "С вашего адреса начато слишком много восстановлений пароля.".into()
        }
        RecoveryError::Store(_) => UNAVAILABLE.into(),
    }
}

pub fn confirm_error(e: &ConfirmError) -> String {
    match e {
        ConfirmError::WrongCode(left) => {
            format!("«Код из письма»: неверный код, осталось попыток: {left}.")
        }
        ConfirmError::CodeSpent => {
            "«Код из письма»: код введён неверно слишком много раз. Закажите новое письмо.".into()
        }
        ConfirmError::NoCode => {
            "«Код из письма»: код не заказан или истёк. Закажите новое письмо.".into()
        }
        ConfirmError::TooManyLetters { .. } => {
            "«Почтовый адрес с индексом»: писем с кодом заказано слишком много.".into()
        }
        ConfirmError::NotStandard(_) => {
            "Подтвердить личность можно только для стандартной учётной записи.".into()
        }
        ConfirmError::IdentityChanged => {
            "Данные учётной записи изменились: откройте страницу заново.".into()
        }
        ConfirmError::DocumentDiffers => {
            "Документ не совпадает с паспортом в «Моих данных».".into()
        }
        ConfirmError::NoPassport => "В «Моих данных» нет паспорта.".into(),
        ConfirmError::Address => {
            "«Почтовый адрес с индексом»: укажите индекс, город, улицу, дом и квартиру".into()
        }
        ConfirmError::Certificate(e) => format!("Неверный сертификат: {}.", certificate(e)),
        ConfirmError::NotTheirs(m) => format!("Неверный сертификат: {}.", mismatch(*m)),
        ConfirmError::Unchecked(number) => format!(
            "Неверный сертификат: {} из «Моих данных» ещё не проверен: дождитесь результата проверки.",
            match number {
                PersonalNumber::Snils => "СНИЛС",
                PersonalNumber::Inn => "ИНН",
            }
        ),
        ConfirmError::NoChallenge => {
            "Запрос для подписи устарел: подпишите новый запрос ниже.".into()
        }
        ConfirmError::SignatureOff => {
            "Подтверждение электронной подписью на этом сервере не настроено.".into()
        }
        ConfirmError::Store(_) => UNAVAILABLE.into(),
    }
}

pub fn org_error(e: &OrgError) -> Vec<String> {
    let wrong_certificate = |why: &str| format!("{}: {why}.", super::flow::CERTIFICATE.wrong);
    vec![match e {
        OrgError::NotFound => "Организация не найдена, или вы в ней не работаете.".into(),
        OrgError::Forbidden(role) => format!(
            "Это может сделать только {} организации.",
            crate::messages::ru::role(*role)
        ),
        OrgError::Invalid(errors) => {
            return errors
                .iter()
                .map(|(field, why)| {
                    format!("«{}»: {}.", (super::say::SAY.org_field)(*field), (super::say::SAY.invalid)(why))
                })
                .collect();
        }
        OrgError::NotMember => "Этот человек не работает в организации.".into(),
        OrgError::LastAdmin => "В организации должен остаться хотя бы один администратор: сначала назначьте администратором другого сотрудника.".into(),
        OrgError::AlreadyMember => "Вы уже сотрудник этой организации.".into(),
        OrgError::InvitationGone => "Приглашение уже принято, истекло или не найдено. Попросите администратора организации пригласить вас снова.".into(),
        OrgError::NotAddressee => "Приглашение адресовано другому человеку: принять его может только тот, чьи телефон, электронная почта или СНИЛС в нём указаны.".into(),
        OrgError::NotConfirmed => "Зарегистрировать организацию может только руководитель с подтверждённой учётной записью: сначала подтвердите личность.".into(),
        OrgError::Certificate(e) => wrong_certificate(&certificate(e)),
        OrgError::Mismatch(m) => wrong_certificate(&match m {
            OrgMismatch::NoOgrn(kind) => {
                format!("в сертификате нет {} организации", super::say::ogrn_name(*kind))
            }
            OrgMismatch::Ogrn(kind) => format!(
                "{} в сертификате не совпадает с указанным",
                super::say::ogrn_name(*kind)
            ),
            OrgMismatch::NoInn => "в сертификате нет ИНН организации".into(),
            OrgMismatch::Inn => "ИНН в сертификате не совпадает с указанным".into(),
            OrgMismatch::NotTheHead(m) => {
                format!("сертификат выдан не вам как руководителю: {}", mismatch(*m))
            }
        }),
        OrgError::NoChallenge => "Запрос для подписи устарел: подпишите новый запрос ниже.".into(),
        OrgError::SignatureOff => "Регистрация организаций на этом сервере не настроена: нет доверенных удостоверяющих центров.".into(),
        OrgError::Exists => "«ОГРН или ОГРНИП»: организация с этим ОГРН уже зарегистрирована.".into(),
        OrgError::Store(_) => UNAVAILABLE.into(),
    }]
}

pub fn journal(entry: &JournalEntry) -> Vec<Piece> {
    use Piece::{Data, Name, Text};
    let t = |text: &str| Text(text.to_owned());
    match entry.clone() {
        JournalEntry::Registered { head, certificate } => vec![
            t("организация зарегистрирована, руководитель "),
            Name(head),
            t(", сертификат "),
            Data(certificate),
        ],
        JournalEntry::Invited { invitee, roles } => vec![
            t("приглашение для "),
            Data(invitee),
            Text(format!(", роли: {roles}")),
        ],
        JournalEntry::Accepted { member, roles } => vec![
            Name(member),
            Text(format!(" принял(а) приглашение, роли: {roles}")),
        ],
        JournalEntry::Added { member, roles } => {
            vec![Name(member), Text(format!(" добавлен(а), роли: {roles}"))]
        }
        JournalEntry::RolesChanged {
            member,
            before,
            after,
        } => vec![
            Name(member),
            Text(format!(": роли «{before}» заменены на «{after}»")),
        ],
        JournalEntry::Removed { member, before } => vec![
            Name(member),
            Text(format!(" удалён(а) из сотрудников (роли были: {before})")),
        ],
        JournalEntry::Other(event) => vec![Data(event)],
    }
}
