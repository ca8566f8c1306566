//! A failed login explained: the provider's error codes (OpenID Connect
//! Core §3.1.2.6) and what its `error_description` names each get their
//! own words ([`crate::i18n::Failure`]), and the one action that helps —
//! «Войти заново» only when a new login can.

use super::language::Language;
use super::pages::{Action, ErrorPage, Nav};
use crate::i18n::Failure;
use crate::oidc::{LoginError, ProviderReason};

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

/// What went wrong, the code the page carries, and whether a new login
/// helps.
fn kind(error: &LoginError) -> (Failure, &'static str, bool) {
    match error {
        LoginError::Provider { error, description } => {
            match (error.as_str(), ProviderReason::read(error, description)) {
                ("access_denied", ProviderReason::Declined) => {
                    (Failure::Declined, "access_denied", true)
                }
                ("access_denied", ProviderReason::Level { .. }) => {
                    (Failure::Level, "access_denied", false)
                }
                ("access_denied", _) => (Failure::Denied, "access_denied", true),
                ("login_required", _) => (Failure::LoginRequired, "login_required", true),
                ("interaction_required" | "consent_required" | "account_selection_required", _) => {
                    (Failure::Interaction, "interaction_required", true)
                }
                ("unmet_authentication_requirements", _) => (
                    Failure::StrongerLogin,
                    "unmet_authentication_requirements",
                    false,
                ),
                ("temporarily_unavailable" | "server_error", _) => {
                    (Failure::ProviderBusy, "provider_error", true)
                }
                _ => (Failure::ProviderRefused, "provider_error", false),
            }
        }
        LoginError::WrongState => (Failure::NotThisLogin, "wrong_state", true),
        LoginError::WrongIssuer => (Failure::NotThisLogin, "wrong_issuer", true),
        LoginError::NoLoginInProgress => (Failure::NotThisLogin, "no_login", true),
        LoginError::Exchange(_) => (Failure::Exchange, "exchange", true),
        LoginError::IdToken(_) => (Failure::IdToken, "id_token", false),
        LoginError::UserInfo(_) => (Failure::UserInfo, "userinfo", true),
        LoginError::Discovery(_) => (Failure::Discovery, "discovery", false),
        LoginError::Refresh { .. } => (Failure::Refresh, "refresh", true),
    }
}

impl ErrorPage {
    /// `links`: the provider's pages, known at the callback (the only
    /// place the provider's own refusals arrive).
    pub fn login(language: &Language, error: &LoginError, links: Option<&AccountLinks>) -> Self {
        let t = language.t;
        let (failure, code, relogin) = kind(error);
        let (title, text) = (t.errors.login)(failure);
        let mut page = Self {
            t,
            nav: Nav::anonymous(language),
            code: code.to_owned(),
            title,
            message: text.to_owned(),
            steps: Vec::new(),
            action: relogin.then(|| Action::relogin(t)),
            // What the provider said, for support, when the page cannot say it.
            support: match error {
                LoginError::Provider { error, .. } if code == "provider_error" => {
                    Some(error.clone())
                }
                _ => None,
            },
        };
        let link = |id, href: &String, label| Action {
            id,
            href: href.clone(),
            label,
        };
        if let LoginError::Provider { error, description } = error
            && let ProviderReason::Level { needed, has } = ProviderReason::read(error, description)
        {
            page.message = (t.errors.level_text)(needed, has);
            page.steps = (t.refused.raise_steps)(needed, has);
            page.action = links.map(|l| link("account-link", &l.account, t.errors.raise));
        }
        if failure == Failure::StrongerLogin {
            page.action = links.map(|l| link("security-link", &l.security, t.errors.enable_code));
        }
        page
    }
}
