//! The messages in Russian. The wording of each message lives here and
//! nowhere else; the pages' Russian catalogue reuses [`check_reason`] and
//! [`role`], so a page and a message say a refusal the same way.

use super::{Change, Check, Notice, Purpose, Words};
use crate::dates;
use crate::model::{CheckReason, Lang, PersonalNumber, Refused, Role};

pub fn words(notice: &Notice<'_>) -> Words {
    let (subject, text) = match *notice {
        Notice::Code { purpose, code } => {
            let purpose = match purpose {
                Purpose::Registration => "регистрации",
                Purpose::Login => "входа",
                Purpose::EnableSms => "подключения входа по SMS-коду",
            };
            (
                "Код подтверждения",
                format!(
                    "Код для {purpose} в сервисе «Вход»: {code}. Действует 5 минут. Никому его не сообщайте."
                ),
            )
        }
        Notice::ConfirmEmail { first_name, link } => (
            "Подтверждение адреса электронной почты",
            format!(
                "Здравствуйте, {first_name}!\n\nЧтобы завершить регистрацию в сервисе «Вход», перейдите по ссылке (она действует 15 минут и один раз):\n{link}\n\nЕсли вы не регистрировались, просто удалите это письмо."
            ),
        ),
        Notice::AlreadyRegistered => (
            "Попытка регистрации",
            "С этим контактом уже связана учётная запись в сервисе «Вход», поэтому вторую создать нельзя. \
             Войдите с ним или восстановите пароль. Если это были не вы, ничего делать не нужно."
                .into(),
        ),
        Notice::RecoveryCode { code } => (
            "Восстановление пароля",
            format!(
                "Код для восстановления пароля в сервисе «Вход»: {code}. Действует 15 минут. Никому его не сообщайте. \
                 Если вы не восстанавливали пароль, ничего не делайте: без кода пароль не изменить."
            ),
        ),
        Notice::PasswordLocked {
            failures,
            until,
            extension_secs,
            certificate,
            link,
        } => {
            let certificate = match certificate {
                true => " Вход по сертификату электронной подписи работает.",
                false => "",
            };
            (
                "Вход по паролю заблокирован",
                format!(
                    "Кто-то {failures} раз подряд ввёл неверный пароль от вашей учётной записи, поэтому вход по паролю заблокирован до {}. \
                     Пока блокировка действует, страница входа не говорит, верен ли пароль, а новые попытки продлевают её \
                     (не больше чем на {} после последней попытки).{certificate} \
                     Если это были вы, разблокируйте вход сразу: {link}\n\
                     Можно также восстановить доступ: «Забыли пароль?» на странице входа. \
                     Если неверные пароли вводили не вы — смените пароль после разблокировки.",
                    dates::date_time(until, Lang::Ru),
                    duration(extension_secs),
                ),
            )
        }
        Notice::Changed(change) => {
            let what = match change {
                Change::TotpEnabled => {
                    "К вашей учётной записи подключён вход с кодом из приложения-аутентификатора."
                }
                Change::SmsEnabled => "К вашей учётной записи подключён вход с кодом из SMS.",
                Change::SecondFactorDisabled => {
                    "Второй фактор входа отключён: теперь для входа достаточно пароля."
                }
                Change::PasswordChanged => {
                    "Пароль от вашей учётной записи изменён; все другие сеансы входа завершены."
                }
            };
            (
                "Изменены настройки входа",
                format!(
                    "{what} Если это были не вы, восстановите пароль («Забыли пароль?» на странице входа) и проверьте раздел «Безопасность»."
                ),
            )
        }
        Notice::Checked(check) => ("Результат проверки данных", checked(check)),
        Notice::Confirmed => (
            "Учётная запись подтверждена",
            "Личность подтверждена: ваша учётная запись стала подтверждённой. \
             Порталы увидят новый уровень после того, как вы войдёте заново."
                .into(),
        ),
        Notice::PostalCode { name, code } => (
            "Код подтверждения личности (заказное письмо)",
            format!(
                "{name}\n\nКод подтверждения личности: {code}\n\nВведите его в разделе «Мои данные» → «Подтвердить личность». \
                 Код действует 60 дней. Никому его не сообщайте."
            ),
        ),
        Notice::Invitation { org, roles, link } => (
            "Приглашение в организацию",
            format!(
                "{} приглашает вас стать сотрудником (роли: {}). Войдите в сервис «Вход» и примите приглашение в разделе «Организации»: {link}. Приглашение действует 7 дней.",
                quoted(org),
                roles
                    .iter()
                    .map(|r| role(*r))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
    };
    Words {
        subject: subject.into(),
        text,
    }
}

fn checked(check: Check<'_>) -> String {
    match check {
        Check::Promoted => "Проверка данных завершена успешно: ваша учётная запись стала стандартной. \
                            Порталы увидят новый уровень после того, как вы войдёте заново. \
                            Чтобы получить подтверждённую учётную запись, подтвердите личность."
            .into(),
        Check::Demoted => "Проверка данных завершена успешно: новые данные вступили в силу. Так как изменились \
                           ФИО, дата рождения или СНИЛС, учётная запись стала стандартной: подтвердите личность \
                           заново (в центре обслуживания, кодом из заказного письма или электронной подписью). \
                           Все сеансы входа завершены: войдите заново, и порталы увидят новый уровень."
            .into(),
        Check::Updated => "Проверка данных завершена успешно: новые данные вступили в силу, \
                           уровень учётной записи не изменился."
            .into(),
        Check::Refused(reasons) => format!(
            "Проверка данных не пройдена: {}. Действуют прежние данные. Исправьте данные в разделе «Мои данные» и отправьте их на проверку ещё раз.",
            check_reasons(reasons)
        ),
    }
}

/// What the registries did not confirm, for a person.
pub fn check_reason(reason: &CheckReason) -> String {
    match reason {
        CheckReason::Typed(Refused::SnilsUnknown { snils }) => format!(
            "СНИЛС {snils} не найден в Социальном фонде России или принадлежит другому человеку"
        ),
        CheckReason::Typed(Refused::PassportInvalid { passport }) => format!(
            "паспорт {passport} по данным МВД России недействителен или выдан другому человеку"
        ),
        CheckReason::Typed(Refused::NumberTaken { number }) => {
            let name = match number {
                PersonalNumber::Snils => "СНИЛС",
                PersonalNumber::Inn => "ИНН",
            };
            format!(
                "{name} уже подтверждён в другой учётной записи; если это ваш номер, обратитесь в службу поддержки"
            )
        }
        CheckReason::Text(text) => text.clone(),
    }
}

/// The reasons, `; `-separated.
pub fn check_reasons(reasons: &[CheckReason]) -> String {
    reasons
        .iter()
        .map(check_reason)
        .collect::<Vec<_>>()
        .join("; ")
}

/// A name in «ёлочках», unless it already starts or ends with one: an
/// organization's name usually carries its own («ООО «Ромашка»»), and
/// quoting it again doubles them.
pub fn quoted(name: &str) -> String {
    if name.starts_with('«') || name.ends_with('»') {
        name.to_owned()
    } else {
        format!("«{name}»")
    }
}

/// A role in an organization.
pub fn role(role: Role) -> &'static str {
    match role {
        Role::Admin => "администратор",
        Role::Manager => "руководитель",
        Role::Specialist => "сотрудник",
    }
}

/// A duration as people read it: `24 ч`, `90 мин`, `45 с`.
fn duration(secs: i64) -> String {
    match secs {
        s if s % 3600 == 0 => format!("{} ч", s / 3600),
        s if s % 60 == 0 => format!("{} мин", s / 60),
        s => format!("{s} с"),
    }
}

/// The cover of a registered letter sent through the postal service's
/// mailbox: the address to print, then the letter.
pub fn postal_cover(address: &str, text: &str) -> String {
    format!("Адрес: {address}\n\n{text}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lock_says_until_when_in_moscow_time() {
        let words = Notice::PasswordLocked {
            failures: 5,
            until: 1_797_159_900,
            extension_secs: 24 * 3600,
            certificate: false,
            link: "https://vhod.example/unlock?token=t",
        }
        .words();
        assert_eq!(words.subject, "Вход по паролю заблокирован");
        assert!(
            words
                .text
                .contains("заблокирован до 13 декабря 2026, 14:05 (МСК)"),
            "{}",
            words.text
        );
        assert!(words.text.contains("не больше чем на 24 ч"));
    }

    #[test]
    fn a_refused_check_names_each_reason() {
        let reasons = [
            CheckReason::snils_unknown("123-456-789 64"),
            CheckReason::number_taken(PersonalNumber::Inn),
        ];
        let text = Notice::Checked(Check::Refused(&reasons)).words().text;
        assert!(text.starts_with(
            "Проверка данных не пройдена: СНИЛС 123-456-789 64 не найден в Социальном фонде России \
             или принадлежит другому человеку; ИНН уже подтверждён"
        ));
    }

    #[test]
    fn the_service_is_named_in_quotes_and_names_are_not_quoted_twice() {
        let roles: crate::model::Roles = [Role::Manager].into();
        let invitation = |org| {
            Notice::Invitation {
                org,
                roles: &roles,
                link: "https://vhod.example/orgs",
            }
            .words()
            .text
        };
        assert!(
            invitation("ООО «Ромашка»").starts_with(
                "ООО «Ромашка» приглашает вас стать сотрудником (роли: руководитель). \
                 Войдите в сервис «Вход» и примите приглашение"
            ),
            "{}",
            invitation("ООО «Ромашка»")
        );
        assert!(invitation("Поликлиника № 1").starts_with("«Поликлиника № 1» приглашает"));
        let code = Notice::Code {
            purpose: Purpose::Login,
            code: "123456",
        }
        .words()
        .text;
        assert!(
            code.starts_with("Код для входа в сервисе «Вход»: 123456."),
            "{code}"
        );
    }
}
