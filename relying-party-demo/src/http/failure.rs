//! A failed login explained: the provider's error codes (OpenID Connect
//! Core §3.1.2.6) and what its `error_description` names each get their
//! own words, and the one action that helps — «Войти заново» only when a
//! new login can.

use super::pages::{Action, ErrorPage, Nav};
use crate::oidc::{LoginError, ProviderReason};
use crate::person::Level;

/// The provider's pages where a person fixes what a refusal names.
#[derive(Debug, Clone)]
pub struct AccountLinks {
    /// «Мои данные», where the level is raised.
    pub account: String,
    /// «Безопасность», where a second factor is set up.
    pub security: String,
}

impl AccountLinks {
    pub fn of_issuer(issuer: &url::Url) -> Self {
        let issuer = issuer.as_str().trim_end_matches('/');
        Self {
            account: format!("{issuer}/account"),
            security: format!("{issuer}/account/security"),
        }
    }
}

struct Words {
    code: &'static str,
    title: &'static str,
    message: String,
    steps: Vec<String>,
    action: Option<Action>,
}

fn words(code: &'static str, title: &'static str, message: &str, action: Option<Action>) -> Words {
    Words {
        code,
        title,
        message: message.to_owned(),
        steps: Vec::new(),
        action,
    }
}

impl ErrorPage {
    /// `links`: the provider's pages, known at the callback (the only
    /// place the provider's own refusals arrive).
    pub fn login(error: &LoginError, links: Option<&AccountLinks>) -> Self {
        let relogin = Some(Action::relogin());
        let w = match error {
            LoginError::Provider { error, description } => provider(error, description, links),
            LoginError::WrongState | LoginError::NoLoginInProgress | LoginError::WrongIssuer => {
                words(
                    match error {
                        LoginError::WrongState => "wrong_state",
                        LoginError::WrongIssuer => "wrong_issuer",
                        _ => "no_login",
                    },
                    "Ответ Госуслуг не относится к этому входу",
                    "Ссылка входа устарела, открыта в другом браузере или использована повторно. Начните вход заново.",
                    relogin,
                )
            }
            LoginError::Exchange(_) => words(
                "exchange",
                "Не удалось завершить вход",
                "Госуслуги не приняли код входа: он уже использован или устарел. Начните вход заново.",
                relogin,
            ),
            LoginError::IdToken(_) => words(
                "id_token",
                "Ответ Госуслуг не прошёл проверку",
                "Подпись или содержание ответа Госуслуг неверны, и для вашей безопасности вход отклонён. Сообщите об этом в поддержку кабинета.",
                None,
            ),
            LoginError::UserInfo(_) => words(
                "userinfo",
                "Не удалось получить ваши данные",
                "Госуслуги не передали данные профиля. Попробуйте войти ещё раз.",
                relogin,
            ),
            LoginError::Discovery(_) => words(
                "discovery",
                "Госуслуги недоступны",
                "Кабинет не может связаться с Госуслугами. Попробуйте войти через несколько минут.",
                None,
            ),
            LoginError::Refresh { .. } => words(
                "refresh",
                "Сеанс завершён",
                "Доступ к вашим данным закончился. Войдите заново.",
                relogin,
            ),
        };
        // What the provider said, for support, when the page cannot say it.
        let support = match error {
            LoginError::Provider { error, .. } if w.code == "provider_error" => Some(error.clone()),
            _ => None,
        };
        Self {
            nav: Nav::default(),
            code: w.code.to_owned(),
            title: w.title,
            message: w.message,
            steps: w.steps,
            action: w.action,
            support,
        }
    }
}

fn provider(error: &str, description: &str, links: Option<&AccountLinks>) -> Words {
    let relogin = Some(Action::relogin());
    let link = |id, href: fn(&AccountLinks) -> &String, label| {
        links.map(|l| Action {
            id,
            href: href(l).clone(),
            label,
        })
    };
    match (error, ProviderReason::read(error, description)) {
        ("access_denied", ProviderReason::Declined) => words(
            "access_denied",
            "Вы не разрешили передать данные кабинету",
            "Без ваших данных кабинет не может открыть вашу медицинскую карту. Войдите заново и на странице Госуслуг нажмите «Разрешить».",
            relogin,
        ),
        ("access_denied", ProviderReason::Level { needed, has }) => {
            let mut w = words(
                "access_denied",
                "Недостаточный уровень учётной записи",
                &format!("Для входа в кабинет нужна {needed} учётная запись, у вас — {has}."),
                link(
                    "account-link",
                    |l| &l.account,
                    "Повысить уровень в профиле Госуслуг",
                ),
            );
            w.steps = raise_steps(&needed, &has);
            w
        }
        ("access_denied", _) => words(
            "access_denied",
            "Доступ не предоставлен",
            "Госуслуги не разрешили этот вход. Если вы нажали «Отказать», войдите заново и разрешите передачу данных.",
            relogin,
        ),
        ("login_required", _) => words(
            "login_required",
            "Нужно войти заново",
            "Госуслуги просят войти ещё раз: прежний вход завершён или уровень учётной записи изменился.",
            relogin,
        ),
        ("interaction_required" | "consent_required" | "account_selection_required", _) => words(
            "interaction_required",
            "Нужно ваше действие на Госуслугах",
            "Чтобы продолжить, войдите заново и пройдите шаги на странице Госуслуг.",
            relogin,
        ),
        ("unmet_authentication_requirements", _) => words(
            "unmet_authentication_requirements",
            "Нужен вход с кодом подтверждения",
            "Этот вход требует способа надёжнее пароля — кода из приложения или SMS, — а у вашей учётной записи он не подключён.",
            link("security-link", |l| &l.security, "Подключить вход с кодом"),
        ),
        ("temporarily_unavailable" | "server_error", _) => words(
            "provider_error",
            "Госуслуги временно не могут выполнить вход",
            "Попробуйте войти ещё раз через минуту.",
            relogin,
        ),
        _ => words(
            "provider_error",
            "Госуслуги отклонили вход",
            "Вход не выполнен из-за ошибки в запросе кабинета. Сообщите в поддержку кабинета код ошибки ниже.",
            None,
        ),
    }
}

/// How to go from `has` to `needed`, step by step.
pub fn raise_steps(needed: &Level, has: &Level) -> Vec<String> {
    let mut steps = Vec::new();
    if *has == Level::Simplified {
        steps.push("Заполните паспорт и СНИЛС в «Моих данных» на Госуслугах и дождитесь проверки — учётная запись станет стандартной.".to_owned());
    }
    if *needed == Level::Confirmed {
        steps.push("Подтвердите личность: в центре обслуживания, кодом из письма или электронной подписью.".to_owned());
    }
    steps.push("Вернитесь в кабинет и войдите заново: новый уровень виден кабинету только после нового входа.".to_owned());
    steps
}
