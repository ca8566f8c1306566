//! Page texts: Russian by default, English through `ui_locales` or
//! `Accept-Language`. One struct, so a missing translation fails to compile.

use crate::certs::Mismatch;
use crate::login::certificate::Refusal;

pub struct Texts {
    pub lang: &'static str,
    pub brand: &'static str,
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
    pub logout_title: &'static str,
    pub logout_question: &'static str,
    pub logout_submit: &'static str,
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
    pub level_text: &'static str,
    pub level_hint: &'static str,
    pub not_found: &'static str,
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
    pub sessions_end: &'static str,
    pub sessions_end_others: &'static str,
    pub sessions_ended: &'static str,
    pub sessions_ended_others: &'static str,
    pub sessions_not_yours: &'static str,
    pub certificate_link: &'static str,
    pub certificate_required: &'static str,
}

pub static RU: Texts = Texts {
    lang: "ru",
    brand: "Вход — единая учётная запись",
    support_code: "Код для службы поддержки",
    back_to_portal: "Вернуться на портал",
    login_title: "Вход",
    login_for: "для входа на портал",
    login_label: "Телефон, почта, СНИЛС или ИНН",
    login_hint: "Например: +79990000000 или ivanov@example.ru",
    password_label: "Пароль",
    login_submit: "Войти",
    wrong_credentials: "Неверный логин или пароль — или вход по паролю временно заблокирован, и тогда мы не говорим, верен ли пароль. Проверьте раскладку клавиатуры и Caps Lock.",
    login_missing: "Введите телефон, почту, СНИЛС или ИНН в поле «Логин».",
    password_missing: "Введите пароль в поле «Пароль».",
    forgot_password: "Забыли пароль?",
    code_title: "Подтверждение входа",
    code_totp: "Введите шестизначный код из приложения-аутентификатора.",
    code_sms: "Мы отправили код в SMS на номер",
    code_label: "Код",
    code_submit: "Подтвердить",
    code_recovery_hint: "Нет доступа к телефону или приложению? Введите в это же поле один из резервных кодов.",
    code_resend: "Отправить код ещё раз",
    code_wrong: "Неверный код.",
    code_tries_left: "Осталось попыток для этого кода:",
    code_spent: "Код устарел или попытки для него закончились. Отправьте новый код.",
    code_blocked: "Слишком много неверных кодов. Вход с кодом временно недоступен: попробуйте позже или войдите по сертификату.",
    code_too_soon: "Новый код можно отправить через минуту после предыдущего.",
    code_sent: "Новый код отправлен.",
    code_missing: "Введите код.",
    code_expired: "Время на ввод кода истекло или вход начат в другом браузере. Войдите снова.",
    second_factor_needed: "Нужен второй фактор",
    second_factor_needed_text: "требует вход с подтверждением кодом, а к вашей учётной записи второй фактор не подключён.",
    second_factor_needed_hint: "Подключите вход с кодом из SMS или из приложения-аутентификатора в разделе «Безопасность», затем вернитесь на эту страницу и продолжите вход.",
    second_factor_enable: "Открыть «Безопасность»",
    login_continue: "Продолжить вход",
    login_give_up: "Вернуться на портал без входа",
    consent_title: "Подтверждение передачи данных",
    consent_intro: "запрашивает согласие на передачу ваших персональных данных:",
    consent_account: "Учётная запись",
    consent_acting_for: "От имени организации",
    consent_allow: "Предоставить",
    consent_deny: "Отказать",
    consent_note: "Согласие можно отозвать в любой момент на странице «Согласия на передачу данных».",
    consents_title: "Согласия на передачу данных",
    consents_empty: "Вы пока не давали согласий на передачу данных порталам.",
    consents_granted: "Выдано",
    consents_revoke: "Отозвать",
    consents_revoked: "Согласие отозвано. Портал запросит его снова при следующем входе.",
    logout_title: "Выход",
    logout_question: "Выйти из учётной записи на всех порталах?",
    logout_submit: "Выйти",
    logged_out: "Вы вышли из учётной записи",
    logged_out_hint: "Можно закрыть эту вкладку или вернуться на портал.",
    error_title: "Не удалось продолжить",
    bad_request: "Портал передал неверный запрос на вход.",
    bad_request_hint: "Вернитесь на сайт портала и попробуйте войти снова. Если ошибка повторяется, сообщите в поддержку портала код ниже.",
    flow_expired: "Время на вход истекло или ссылка устарела.",
    flow_expired_hint: "Вернитесь на сайт портала и нажмите «Войти» ещё раз.",
    flow_completed: "Этот вход уже завершён.",
    flow_completed_hint: "Вы уже вернулись на портал. Если страница портала не открылась, перейдите на него по ссылке ниже.",
    unavailable: "Сервис временно недоступен.",
    unavailable_hint: "Попробуйте ещё раз через несколько минут. Если ошибка повторяется, сообщите в поддержку код ниже.",
    csrf_failed: "Форма устарела или была отправлена не с этой страницы.",
    csrf_failed_hint: "Обновите страницу и отправьте форму ещё раз.",
    level_title: "Недостаточный уровень учётной записи",
    level_text: "Портал работает только с учётными записями уровня",
    level_hint: "Чтобы повысить уровень, откройте «Мои данные» (/account) на этом сайте, заполните профиль и пройдите проверку данных (стандартная учётная запись), затем подтвердите личность в центре обслуживания, по коду из письма или электронной подписью (подтверждённая). После повышения уровня выйдите и войдите снова.",
    not_found: "Страница не найдена.",
    technical_details: "Подробности для разработчиков портала",
    busy: "Сейчас слишком много попыток входа.",
    busy_hint: "Подождите несколько секунд и отправьте форму ещё раз.",
    consent_claims: "Отдельно запрошенные сведения",
    register_link: "Зарегистрироваться",
    bad_form: "В форме недопустимые символы или слишком длинное значение.",
    bad_form_hint: "Вернитесь назад, исправьте поле, названное ниже, и отправьте форму ещё раз.",
    locked: "Если вход заблокирован после неверных паролей, можно подождать: когда блокировка закончится, сказано в сообщении, которое мы отправили на вашу подтверждённую почту или телефон, а ссылка в нём снимает её сразу. Можно также восстановить доступ через «Забыли пароль?». Если вход заблокировала служба поддержки, обратитесь в неё.",
    locked_certificate: "Вход по сертификату электронной подписи работает и во время блокировки после неверных паролей.",
    throttled: "Слишком много неудачных попыток входа с вашего адреса.",
    throttled_hint: "Подождите несколько минут и попробуйте снова.",
    try_again_in: "Попробуйте снова через",
    minutes: "мин.",
    hours: "ч.",
    days: "дн.",
    flows_limited: "С вашего адреса начато слишком много входов.",
    flows_limited_everyone: "Сейчас начато слишком много входов, новые временно не принимаются.",
    recovery_limited: "С вашего адреса начато слишком много восстановлений пароля.",
    admin_locked: "Вход в эту учётную запись заблокирован службой поддержки. Чтобы снять блокировку, обратитесь в службу поддержки.",
    unlocked: "Вход по паролю снова доступен. Если неверные пароли вводили не вы, смените пароль.",
    unlock_failed: "Ссылка для разблокировки устарела или уже использована. Блокировка снимется сама в указанное время.",
    unlock_question: "Неверные пароли вводили вы? Тогда разблокируйте вход по паролю сейчас.",
    unlock_submit: "Разблокировать вход",
    nav_profile: "Мои данные",
    nav_consents: "Согласия на передачу данных",
    nav_sessions: "Сеансы входа",
    nav_security: "Безопасность",
    nav_orgs: "Организации",
    actor_title: "От чьего имени войти",
    actor_intro: "Вы работаете в организациях. Выберите, от чьего имени войти на портал",
    actor_person: "Как частное лицо",
    actor_roles: "ваши роли",
    actor_submit: "Продолжить",
    sessions_title: "Сеансы входа",
    sessions_intro: "Устройства и браузеры, где вы сейчас вошли. Если какой-то сеанс вам незнаком, завершите его и смените пароль.",
    sessions_current: "Этот сеанс",
    sessions_started: "Начат",
    sessions_address: "IP-адрес",
    sessions_portals: "Порталы",
    sessions_no_portals: "пока ни одного",
    sessions_unknown_device: "Неизвестное устройство",
    sessions_end: "Завершить",
    sessions_end_others: "Завершить все остальные",
    sessions_ended: "Сеанс завершён. Порталы, где вы входили в нём, получили уведомление о выходе.",
    sessions_ended_others: "Все остальные сеансы завершены, порталы получили уведомление о выходе.",
    sessions_not_yours: "Такого сеанса нет среди ваших действующих сеансов: возможно, он уже завершён. Ничего не изменилось.",
    certificate_link: "Войти по сертификату",
    certificate_required: "Этот портал требует входа по сертификату электронной подписи: пароля для него недостаточно.",
};

pub static EN: Texts = Texts {
    lang: "en",
    brand: "Vhod — single sign-on",
    support_code: "Support code",
    back_to_portal: "Back to the portal",
    login_title: "Log in",
    login_for: "to continue to",
    login_label: "Phone, e-mail, SNILS or INN",
    login_hint: "For example: +79990000000 or ivanov@example.ru",
    password_label: "Password",
    login_submit: "Log in",
    wrong_credentials: "Wrong login or password — or password login is locked for a while, and then we do not say whether the password is right. Check the keyboard layout and Caps Lock.",
    login_missing: "Enter your phone, e-mail, SNILS or INN in the “Login” field.",
    password_missing: "Enter your password in the “Password” field.",
    forgot_password: "Forgot your password?",
    code_title: "Confirm your login",
    code_totp: "Enter the six-digit code from your authenticator app.",
    code_sms: "We sent a code by SMS to",
    code_label: "Code",
    code_submit: "Confirm",
    code_recovery_hint: "No access to your phone or app? Enter one of your recovery codes in the same field.",
    code_resend: "Send the code again",
    code_wrong: "Wrong code.",
    code_tries_left: "Tries left for this code:",
    code_spent: "The code has expired or has no tries left. Send a new code.",
    code_blocked: "Too many wrong codes. Logging in with a code is paused: try again later or log in with a certificate.",
    code_too_soon: "A new code can be sent a minute after the previous one.",
    code_sent: "A new code was sent.",
    code_missing: "Enter the code.",
    code_expired: "The time to enter the code has run out, or the login was started in another browser. Log in again.",
    second_factor_needed: "A second factor is needed",
    second_factor_needed_text: "requires a login confirmed with a code, and your account has no second factor.",
    second_factor_needed_hint: "Enable codes by SMS or from an authenticator app under “Security”, then come back to this page and continue.",
    second_factor_enable: "Open “Security”",
    login_continue: "Continue logging in",
    login_give_up: "Back to the portal without logging in",
    consent_title: "Consent to share your data",
    consent_intro: "asks for your consent to receive this personal data:",
    consent_account: "Account",
    consent_acting_for: "On behalf of",
    consent_allow: "Allow",
    consent_deny: "Deny",
    consent_note: "You can withdraw consent at any time on the “Data sharing consents” page.",
    consents_title: "Data sharing consents",
    consents_empty: "You have not given any portal consent to receive your data.",
    consents_granted: "Granted",
    consents_revoke: "Withdraw",
    consents_revoked: "Consent withdrawn. The portal will ask again at your next login.",
    logout_title: "Log out",
    logout_question: "Log out of your account on every portal?",
    logout_submit: "Log out",
    logged_out: "You have logged out",
    logged_out_hint: "You can close this tab or go back to the portal.",
    error_title: "Cannot continue",
    bad_request: "The portal sent an invalid login request.",
    bad_request_hint: "Go back to the portal and try to log in again. If this repeats, give the portal's support the code below.",
    flow_expired: "The login took too long or the link is out of date.",
    flow_expired_hint: "Go back to the portal and press “Log in” again.",
    flow_completed: "This login is already complete.",
    flow_completed_hint: "You have already been sent back to the portal. If its page did not open, follow the link below.",
    unavailable: "The service is temporarily unavailable.",
    unavailable_hint: "Try again in a few minutes. If this repeats, give support the code below.",
    csrf_failed: "The form is out of date or was not sent from this page.",
    csrf_failed_hint: "Reload the page and send the form again.",
    level_title: "Account level too low",
    level_text: "This portal accepts only accounts of level",
    level_hint: "To raise your level, open \"My data\" (/account) on this site, complete your profile and pass the data check (standard account), then confirm your identity at a service centre, with a code sent by post, or with an electronic signature (confirmed). Then log out and log in again.",
    not_found: "Page not found.",
    technical_details: "Details for the portal's developers",
    busy: "Too many logins are being processed right now.",
    busy_hint: "Wait a few seconds and submit the form again.",
    consent_claims: "Details asked for one by one",
    register_link: "Register",
    bad_form: "The form holds characters that are not allowed, or a value that is too long.",
    bad_form_hint: "Go back, correct the field named below and send the form again.",
    locked: "If it is locked after wrong passwords, you can wait: the message we sent to your verified e-mail or phone says when the lock ends, and its link lifts the lock at once. You can also regain access with “Forgot your password?”. If support locked the account, contact support.",
    locked_certificate: "Certificate login works during a lock after wrong passwords too.",
    throttled: "Too many failed logins from your address.",
    throttled_hint: "Wait a few minutes and try again.",
    try_again_in: "Try again in",
    minutes: "min.",
    hours: "h.",
    days: "days.",
    flows_limited: "Too many logins were started from your address.",
    flows_limited_everyone: "Too many logins are under way; new ones are not accepted for now.",
    recovery_limited: "Too many password recoveries were started from your address.",
    admin_locked: "Logging in to this account is locked by support. To lift the lock, contact support.",
    unlocked: "Password login works again. If the wrong passwords were not yours, change your password.",
    unlock_failed: "The unlock link has expired or was already used. The lock lifts by itself at the time given.",
    unlock_question: "Were the wrong passwords yours? Then unlock password login now.",
    unlock_submit: "Unlock",
    nav_profile: "My data",
    nav_consents: "Data sharing consents",
    nav_sessions: "Sessions",
    nav_security: "Security",
    nav_orgs: "Organizations",
    actor_title: "Log in as whom",
    actor_intro: "You work for organizations. Choose on whose behalf to log in to the portal",
    actor_person: "As a private person",
    actor_roles: "your roles",
    actor_submit: "Continue",
    sessions_title: "Sessions",
    sessions_intro: "The devices and browsers where you are logged in. If you do not recognise a session, end it and change your password.",
    sessions_current: "This session",
    sessions_started: "Started",
    sessions_address: "IP address",
    sessions_portals: "Portals",
    sessions_no_portals: "none yet",
    sessions_unknown_device: "Unknown device",
    sessions_end: "End",
    sessions_end_others: "End all other sessions",
    sessions_ended: "The session has ended. The portals you used in it were told you logged out.",
    sessions_ended_others: "All other sessions have ended; the portals were told you logged out.",
    sessions_not_yours: "There is no such session among your live sessions: it may have ended already. Nothing changed.",
    certificate_link: "Log in with a certificate",
    certificate_required: "This portal requires a login with an electronic-signature certificate: a password is not enough for it.",
};

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
    if english { &EN } else { &RU }
}

/// Russian and English descriptions of each scope, for the consent page.
pub fn scope_description(texts: &Texts, scope: &str) -> Option<&'static str> {
    let ru = texts.lang == "ru";
    Some(match scope {
        "openid" if ru => {
            "Идентификатор учётной записи и её уровень (упрощённая, стандартная, подтверждённая)"
        }
        "openid" => "Your account identifier and its level (simplified, standard, confirmed)",
        "profile" if ru => "Фамилия, имя, отчество, дата рождения, пол",
        "profile" => "Full name, date of birth, gender",
        "email" if ru => "Адрес электронной почты",
        "email" => "E-mail address",
        "phone" if ru => "Номер мобильного телефона",
        "phone" => "Mobile phone number",
        "address" if ru => "Адрес регистрации",
        "address" => "Registration address",
        "snils" if ru => "СНИЛС",
        "snils" => "SNILS (individual insurance account number)",
        "inn" if ru => "ИНН",
        "inn" => "INN (taxpayer number)",
        "organizations" if ru => {
            "Организация, от имени которой вы входите, ваши роли в ней и список ваших организаций"
        }
        "organizations" => {
            "The organization you log in for, your roles in it, and the list of your organizations"
        }
        "offline_access" if ru => {
            "Доступ к этим данным, когда вы не на портале (до отзыва согласия)"
        }
        "offline_access" => "Access to this data while you are away (until you withdraw consent)",
        _ => return None,
    })
}

/// How the consent page names a claim asked for one by one.
pub fn claim_description(texts: &Texts, claim: &str) -> &'static str {
    let ru = texts.lang == "ru";
    match claim {
        "name" if ru => "Полное имя",
        "name" => "Full name",
        "family_name" if ru => "Фамилия",
        "family_name" => "Family name",
        "given_name" if ru => "Имя",
        "given_name" => "Given name",
        "middle_name" if ru => "Отчество",
        "middle_name" => "Patronymic",
        "birthdate" if ru => "Дата рождения",
        "birthdate" => "Date of birth",
        "gender" if ru => "Пол",
        "gender" => "Gender",
        "locale" if ru => "Язык",
        "locale" => "Language",
        "updated_at" if ru => "Дата изменения данных",
        "updated_at" => "When the data last changed",
        "email" if ru => "Адрес электронной почты",
        "email" => "E-mail address",
        "email_verified" if ru => "Подтверждён ли адрес электронной почты",
        "email_verified" => "Whether the e-mail address is confirmed",
        "phone_number" if ru => "Номер мобильного телефона",
        "phone_number" => "Mobile phone number",
        "phone_number_verified" if ru => "Подтверждён ли номер телефона",
        "phone_number_verified" => "Whether the phone number is confirmed",
        "address" if ru => "Адрес регистрации",
        "address" => "Registration address",
        "snils" if ru => "СНИЛС",
        "snils" => "SNILS (individual insurance account number)",
        "inn" if ru => "ИНН",
        "inn" => "INN (taxpayer number)",
        "org" if ru => "Организация, от имени которой вы входите, и ваши роли в ней",
        "org" => "The organization you log in for, and your roles in it",
        "orgs" if ru => "Список ваших организаций и ролей",
        "orgs" => "Your organizations and roles",
        _ if ru => "Другие сведения",
        _ => "Other details",
    }
}

/// How the pages name a role in an organization.
pub fn role_title(texts: &Texts, role: crate::model::Role) -> &'static str {
    use crate::model::Role;
    match (texts.lang == "ru", role) {
        (true, role) => role.title_ru(),
        (false, Role::Admin) => "administrator",
        (false, Role::Manager) => "manager",
        (false, Role::Specialist) => "specialist",
    }
}

/// Texts of the registration pages.
pub struct RegisterTexts {
    pub title: &'static str,
    pub intro: &'static str,
    pub last_name: &'static str,
    pub first_name: &'static str,
    pub contact: &'static str,
    pub contact_hint: &'static str,
    pub submit: &'static str,
    pub have_account: &'static str,
    pub code_sent: &'static str,
    pub code: &'static str,
    pub next: &'static str,
    pub resend_code: &'static str,
    pub link_sent: &'static str,
    pub link_hint: &'static str,
    pub resend_link: &'static str,
    pub sent_again: &'static str,
    pub password_intro: &'static str,
    pub password: &'static str,
    pub password2: &'static str,
    pub password_rules: &'static str,
    pub create: &'static str,
    pub done: &'static str,
    pub done_next: &'static str,
    pub to_account: &'static str,
    pub gone: &'static str,
    pub again: &'static str,
    pub confirm_link: &'static str,
    pub wrong_code: &'static str,
    pub code_spent: &'static str,
    pub link_spent: &'static str,
    pub too_soon: &'static str,
    pub limited: &'static str,
    pub limited_everyone: &'static str,
    pub passwords_differ: &'static str,
    pub taken: &'static str,
    pub too_short: &'static str,
    pub too_long: &'static str,
    pub missing_class: &'static str,
    pub bad_character: &'static str,
}

pub static REGISTER_RU: RegisterTexts = RegisterTexts {
    title: "Регистрация",
    intro: "Упрощённая учётная запись: имя и подтверждённый телефон или почта. Уровень можно повысить потом, в «Моих данных».",
    last_name: "Фамилия",
    first_name: "Имя",
    contact: "Мобильный телефон или электронная почта",
    contact_hint: "Например, +7 999 123-45-67 или name@example.ru",
    submit: "Зарегистрироваться",
    have_account: "Уже есть учётная запись? Войти",
    code_sent: "Мы отправили SMS с кодом на номер",
    code: "Код из SMS",
    next: "Продолжить",
    resend_code: "Получить новый код",
    link_sent: "Мы отправили письмо со ссылкой на адрес",
    link_hint: "Перейдите по ссылке из письма: она действует 15 минут.",
    resend_link: "Отправить письмо ещё раз",
    sent_again: "Отправили ещё раз.",
    password_intro: "Придумайте пароль для входа.",
    password: "Пароль",
    password2: "Пароль ещё раз",
    password_rules: "Не короче 8 символов: заглавные и строчные латинские буквы и цифры; можно знаки ! \" $ % & ' ( ) + , - . < | > ~ `",
    create: "Создать учётную запись",
    done: "Учётная запись создана: упрощённая.",
    done_next: "Чтобы получить стандартную, заполните в «Моих данных» СНИЛС и паспорт: их проверят в государственных реестрах.",
    to_account: "Перейти в учётную запись",
    gone: "Регистрация не найдена: время истекло или её начали в другом браузере.",
    again: "Начать регистрацию заново",
    confirm_link: "Подтвердите, что это ваш адрес электронной почты, и продолжите регистрацию.",
    wrong_code: "Поле «Код из SMS»: неверный код, осталось попыток:",
    code_spent: "Поле «Код из SMS»: код больше не действует. Получите новый код.",
    link_spent: "Ссылка устарела или уже использована. Отправьте письмо ещё раз или начните регистрацию заново.",
    too_soon: "Новый код можно получить через (секунд):",
    limited: "С вашего адреса отправлено слишком много кодов и ссылок для регистрации.",
    limited_everyone: "Сейчас регистрируется слишком много людей, и коды временно не отправляются.",
    passwords_differ: "Поле «Пароль ещё раз»: пароли не совпадают.",
    taken: "С этим контактом уже связана учётная запись. Войдите или восстановите пароль.",
    too_short: "Поле «Пароль»: не короче 8 символов.",
    too_long: "Поле «Пароль»: не длиннее 128 символов.",
    missing_class: "Поле «Пароль»: нужны заглавная и строчная латинские буквы и цифра.",
    bad_character: "Поле «Пароль»: допустимы только латинские буквы, цифры и знаки ! \" $ % & ' ( ) + , - . < | > ~ `",
};

pub static REGISTER_EN: RegisterTexts = RegisterTexts {
    title: "Registration",
    intro: "A simplified account: your name and a confirmed phone or e-mail. You can raise its level later, in \"My data\".",
    last_name: "Family name",
    first_name: "Given name",
    contact: "Mobile phone or e-mail",
    contact_hint: "For example, +7 999 123-45-67 or name@example.ru",
    submit: "Register",
    have_account: "Already have an account? Log in",
    code_sent: "We sent a text message with a code to",
    code: "Code from the text message",
    next: "Continue",
    resend_code: "Get a new code",
    link_sent: "We sent an e-mail with a link to",
    link_hint: "Follow the link in it: it is valid for 15 minutes.",
    resend_link: "Send the e-mail again",
    sent_again: "Sent again.",
    password_intro: "Choose a password.",
    password: "Password",
    password2: "Password again",
    password_rules: "At least 8 characters: upper- and lower-case Latin letters and digits; may contain ! \" $ % & ' ( ) + , - . < | > ~ `",
    create: "Create the account",
    done: "Your simplified account is ready.",
    done_next: "For a standard account, fill in your SNILS and passport in \"My data\": they are checked against the state registries.",
    to_account: "Go to your account",
    gone: "Registration not found: it expired or was started in another browser.",
    again: "Start again",
    confirm_link: "Confirm that this e-mail address is yours and go on with the registration.",
    wrong_code: "Field \"Code\": wrong code, tries left:",
    code_spent: "Field \"Code\": the code is no longer valid. Get a new one.",
    link_spent: "The link has expired or was already used. Send the e-mail again or start again.",
    too_soon: "A new code can be sent in (seconds):",
    limited: "Too many registration codes and links were sent for your address.",
    limited_everyone: "Too many people are registering right now; codes are not sent for a while.",
    passwords_differ: "Field \"Password again\": the passwords differ.",
    taken: "This contact already has an account. Log in or recover your password.",
    too_short: "Field \"Password\": at least 8 characters.",
    too_long: "Field \"Password\": at most 128 characters.",
    missing_class: "Field \"Password\": needs an upper-case and a lower-case Latin letter and a digit.",
    bad_character: "Field \"Password\": only Latin letters, digits and ! \" $ % & ' ( ) + , - . < | > ~ `",
};

/// The registration texts in the language of `texts`.
pub fn register_texts(texts: &Texts) -> &'static RegisterTexts {
    if texts.lang == "ru" {
        &REGISTER_RU
    } else {
        &REGISTER_EN
    }
}

/// Texts of the certificate login page.
pub struct CertificateTexts {
    pub title: &'static str,
    pub intro: &'static str,
    pub challenge: &'static str,
    pub certificate_file: &'static str,
    pub key_file: &'static str,
    pub certificate: &'static str,
    pub signature: &'static str,
    pub submit: &'static str,
    pub without_browser: &'static str,
    pub without_browser_steps: &'static str,
    pub demo: &'static str,
    pub password_link: &'static str,
    pub off: &'static str,
    pub wrong: &'static str,
    pub stale: &'static str,
    pub certificate_missing: &'static str,
    pub signature_missing: &'static str,
}

pub static CERTIFICATE_RU: CertificateTexts = CertificateTexts {
    title: "Вход по сертификату",
    intro: "Подпишите запрос сертификатом квалифицированной электронной подписи, выданным вам. В сертификате должны быть ваши СНИЛС или ИНН, а в учётной записи — те же СНИЛС или ИНН, проверенные в государственных реестрах. Закрытый ключ не покидает ваш компьютер.",
    challenge: "Запрос для подписи",
    certificate_file: "Файл сертификата",
    key_file: "Файл закрытого ключа (PKCS#8)",
    certificate: "Сертификат (PEM)",
    signature: "Подпись",
    submit: "Войти",
    without_browser: "Браузер не подписывает?",
    without_browser_steps: "Подпишите запрос командой ниже (она печатает подпись), вставьте текст файла сертификата в поле «Сертификат (PEM)», а подпись — в поле «Подпись».",
    demo: "Демо: сертификаты и ключи для standard@demo.vhod и confirmed@demo.vhod лежат в",
    password_link: "Войти по паролю",
    off: "Вход по сертификату на этом сервере не настроен.",
    wrong: "Неверный сертификат",
    stale: "Запрос для подписи устарел, уже использован или открыт в другом браузере: подпишите новый запрос ниже.",
    certificate_missing: "Вставьте сертификат в поле «Сертификат (PEM)» или выберите файл сертификата.",
    signature_missing: "Подпишите запрос: выберите файл закрытого ключа или вставьте подпись в поле «Подпись».",
};

pub static CERTIFICATE_EN: CertificateTexts = CertificateTexts {
    title: "Log in with a certificate",
    intro: "Sign the request with your qualified electronic-signature certificate. It must carry your SNILS or INN, and your account the same SNILS or INN, checked against the state registries. The private key never leaves your computer.",
    challenge: "Request to sign",
    certificate_file: "Certificate file",
    key_file: "Private key file (PKCS#8)",
    certificate: "Certificate (PEM)",
    signature: "Signature",
    submit: "Log in",
    without_browser: "Your browser cannot sign?",
    without_browser_steps: "Sign the request with the command below (it prints the signature), paste the certificate file's text into “Certificate (PEM)” and the signature into “Signature”.",
    demo: "Demo: certificates and keys for standard@demo.vhod and confirmed@demo.vhod are in",
    password_link: "Log in with a password",
    off: "Certificate login is not set up on this server.",
    wrong: "Wrong certificate",
    stale: "The request to sign has expired, was used, or was opened in another browser: sign the new request below.",
    certificate_missing: "Paste the certificate into “Certificate (PEM)” or choose the certificate file.",
    signature_missing: "Sign the request: choose the private key file or paste the signature into “Signature”.",
};

/// The certificate page's texts in the language of `texts`.
pub fn certificate_texts(texts: &Texts) -> &'static CertificateTexts {
    if texts.lang == "ru" {
        &CERTIFICATE_RU
    } else {
        &CERTIFICATE_EN
    }
}

/// The sentence a refused certificate login shows: «Неверный сертификат»
/// and the reason, or that the challenge is stale.
pub fn certificate_refusal(texts: &Texts, refusal: &Refusal) -> String {
    let c = certificate_texts(texts);
    if *refusal == Refusal::NoChallenge {
        return c.stale.to_owned();
    }
    let reason = if texts.lang == "ru" {
        refusal.reason_ru()
    } else {
        reason_en(refusal).to_owned()
    };
    format!("{}: {reason}.", c.wrong)
}

fn reason_en(refusal: &Refusal) -> &'static str {
    use esign::CertError as E;
    match refusal {
        Refusal::NoChallenge => "the request to sign has expired or was used",
        Refusal::Invalid(e) => match e {
            E::Malformed { .. } => {
                "the certificate or the signature is damaged or not in a readable format"
            }
            E::Expired { .. } => "the certificate has expired",
            E::NotYetValid { .. } => "the certificate is not valid yet",
            E::Untrusted { .. } => {
                "the certificate was issued by a certification authority this server does not trust"
            }
            E::Revoked => "the certification authority has revoked the certificate",
            E::RevocationUnknown { .. } => {
                "whether the certificate is revoked cannot be checked now; try again later"
            }
            E::KeyUsage | E::ExtendedKeyUsage => "the certificate is not meant for signing in",
            E::UnsupportedKey { .. } | E::KeyTooSmall { .. } => {
                "the key is not supported: RSA of 2048 bits or more, or ECDSA P-256, is needed"
            }
            E::SignatureMismatch => {
                "the signature does not match the certificate or the request: sign the request again with this certificate's key"
            }
        },
        Refusal::NoNumber => "the certificate carries neither the owner's SNILS nor INN",
        Refusal::NoAccount => {
            "no account has this SNILS or INN checked: log in with your password and fill in “My data”; once it is checked, certificate login works"
        }
        Refusal::NotTheirs(m) => match m {
            Mismatch::Snils => "the SNILS in the certificate differs from the one in “My data”",
            Mismatch::Inn => "the INN in the certificate differs from the one in “My data”",
            Mismatch::NoIdentifier => "the certificate has no SNILS or INN matching “My data”",
            Mismatch::Name => "the name in the certificate differs from “My data”",
        },
    }
}
