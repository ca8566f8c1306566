//! Demo data for `idp serve --demo`, seeded idempotently.

use crate::accounts::{self, AccountError, NewAccount, password};
use crate::app::AppState;
use crate::clients::{ClientError, NewClient};
use crate::model::{AccountLevel, Secret};

pub const PASSWORD: &str = "Demo-pass1!";
pub const CLIENT_ID: &str = "medcabinet";
pub const CLIENT_SECRET: &str = "medcabinet-secret";
pub const REDIRECT_URI: &str = "http://127.0.0.1:8090/callback";
pub const POST_LOGOUT_URI: &str = "http://127.0.0.1:8090/";
/// A second confidential client and a public one, for the conformance suite.
pub const CONFORMANCE_2_ID: &str = "conformance-2";
pub const CONFORMANCE_2_SECRET: &str = "conformance-2-secret";
pub const CONFORMANCE_PUBLIC_ID: &str = "conformance-public";

/// (e-mail, level, family name, given name, middle name)
pub const ACCOUNTS: [(&str, AccountLevel, &str, &str, &str); 3] = [
    (
        "simple@demo.vhod",
        AccountLevel::Simplified,
        "Простов",
        "Пётр",
        "Петрович",
    ),
    (
        "standard@demo.vhod",
        AccountLevel::Standard,
        "Стандартова",
        "Анна",
        "Ивановна",
    ),
    (
        "confirmed@demo.vhod",
        AccountLevel::Confirmed,
        "Подтверждёнов",
        "Иван",
        "Сергеевич",
    ),
];

/// Seeds what is missing; returns lines describing the demo data. Refuses a
/// PostgreSQL database that holds other accounts: the demo password is
/// published, and a production database must never get accounts with it.
pub async fn seed(app: &AppState) -> anyhow::Result<Vec<String>> {
    let hash = tokio::task::spawn_blocking(|| password::hash(&Secret::new(PASSWORD))).await??;
    seed_with(app, &hash).await
}

/// As [`seed`], with the demo password already hashed: every demo account
/// shares the one published password, so one Argon2id hash serves them all
/// (and a test run hashes it once, not once per test).
pub async fn seed_with(app: &AppState, password_hash: &str) -> anyhow::Result<Vec<String>> {
    if app.config.is_production() {
        let demo: Vec<&str> = ACCOUNTS.iter().map(|a| a.0).collect();
        let others = app.sql.count_accounts_except(&demo).await?;
        if others > 0 {
            anyhow::bail!(
                "refusing --demo: this PostgreSQL database holds {others} account(s) besides the demo ones, \
                 and demo accounts have a published password; use an empty database for the demo"
            );
        }
    }
    let now = app.now();
    let mut lines = Vec::new();
    for (i, (email, level, family, given, middle)) in ACCOUNTS.into_iter().enumerate() {
        let standard = level >= AccountLevel::Standard;
        let new = NewAccount {
            email: Some(email.into()),
            phone: Some(format!("+7999000000{i}")),
            family_name: family.into(),
            given_name: given.into(),
            middle_name: Some(middle.into()),
            birthdate: standard.then(|| format!("198{i}-0{}-1{i}", i + 1)),
            gender: Some(if i == 1 { "female" } else { "male" }.into()),
            address: standard
                .then(|| format!("г. Москва, ул. Тверская, д. {}, кв. {}", i + 10, i + 1)),
            // Valid control digits, so the profile page accepts them.
            snils: standard.then(|| format!("112-233-44{} 9{}", 5 + i, 5 + i)),
            inn: standard.then(|| ["770000000082", "770000000156", "770000000220"][i].to_owned()),
            level: Some(level),
        };
        match accounts::create_hashed(&app.sql, new, password_hash.to_owned(), now).await {
            Ok(_) | Err(AccountError::Exists) => {}
            Err(e) => return Err(e.into()),
        }
        lines.push(format!(
            "account  {email:<22} level {level:<10} password {PASSWORD}"
        ));
    }
    let cabinet = NewClient {
        id: CLIENT_ID.into(),
        name: "Медицинский кабинет (демо)".into(),
        public: false,
        secret: Some(Secret::new(CLIENT_SECRET)),
        redirect_uris: vec![REDIRECT_URI.into()],
        post_logout_redirect_uris: vec![POST_LOGOUT_URI.into()],
        scopes: None,
        skip_consent: false,
        min_account_level: None,
        min_aal: None,
        id_token_alg: "RS256".into(),
    };
    let second = NewClient {
        id: CONFORMANCE_2_ID.into(),
        name: "Conformance suite, second client".into(),
        secret: Some(Secret::new(CONFORMANCE_2_SECRET)),
        ..cabinet.clone()
    };
    let public = NewClient {
        id: CONFORMANCE_PUBLIC_ID.into(),
        name: "Conformance suite, public client".into(),
        public: true,
        secret: None,
        ..cabinet.clone()
    };
    for client in [cabinet, second, public] {
        let line = match &client.secret {
            Some(secret) => format!("client   {} secret {}", client.id, secret.expose()),
            None => format!("client   {} (public, PKCE)", client.id),
        };
        match app.clients.register(client, now).await {
            Ok(_) | Err(ClientError::Exists(_)) => {}
            Err(e) => return Err(e.into()),
        }
        lines.push(line);
    }
    lines.push(format!(
        "redirect {REDIRECT_URI}  post-logout {POST_LOGOUT_URI}"
    ));
    Ok(lines)
}
