//! Demo data for `idp serve --demo`, seeded idempotently.

use crate::accounts::{self, AccountError, NewAccount, password, totp};
use crate::app::AppState;
use crate::clients::{ClientError, NewClient};
use crate::model::{
    AccountLevel, Passport, Profile, SecondFactor, SecondFactorRecord, Secret, Verification,
    VerificationStatus,
};

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
pub const ACCOUNTS: [(&str, AccountLevel, &str, &str, &str); 4] = [
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
    // Simplified, with its profile sent to the registries and the answer
    // due a day after seeding: what a pending check looks like.
    (
        "pending@demo.vhod",
        AccountLevel::Simplified,
        "Ожидаева",
        "Полина",
        "Петровна",
    ),
];

/// A simplified account with an authenticator app as its second factor.
pub const TWO_FACTOR: &str = "twofactor@demo.vhod";

/// When the demo's pending check gets its answer.
pub const PENDING_CHECK_AFTER_SECS: i64 = 24 * 3600;

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
        let mut demo: Vec<&str> = ACCOUNTS.iter().map(|a| a.0).collect();
        demo.push(TWO_FACTOR);
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
            Ok(account) if email == "pending@demo.vhod" => {
                start_pending_check(app, &account).await?
            }
            Ok(_) | Err(AccountError::Exists) => {}
            Err(e) => return Err(e.into()),
        }
        lines.push(format!(
            "account  {email:<22} level {level:<10} password {PASSWORD}"
        ));
    }
    lines.push(seed_two_factor(app, password_hash).await?);
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
        backchannel_logout_uri: None,
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

/// `twofactor@demo.vhod` with an authenticator app; the line prints its
/// TOTP secret, to be typed into any app.
async fn seed_two_factor(app: &AppState, password_hash: &str) -> anyhow::Result<String> {
    let now = app.now();
    let new = NewAccount {
        email: Some(TWO_FACTOR.into()),
        phone: Some("+79990000042".into()),
        family_name: "Двухфакторов".into(),
        given_name: "Дмитрий".into(),
        middle_name: Some("Олегович".into()),
        level: Some(AccountLevel::Simplified),
        ..Default::default()
    };
    let account = match accounts::create_hashed(&app.sql, new, password_hash.to_owned(), now).await
    {
        Ok(account) => account,
        Err(AccountError::Exists) => app
            .sql
            .account_by_login(TWO_FACTOR)
            .await?
            .ok_or_else(|| anyhow::anyhow!("{TWO_FACTOR} exists but cannot be found"))?,
        Err(e) => return Err(e.into()),
    };
    let secret = match app.sql.second_factor(&account.id).await? {
        Some(factor) => factor
            .sealed_secret
            .and_then(|sealed| totp::open(&app.master, &account.id, &sealed))
            .ok_or_else(|| anyhow::anyhow!("the TOTP secret of {TWO_FACTOR} cannot be opened"))?,
        None => {
            let secret = totp::new_secret();
            let factor = SecondFactorRecord {
                account_id: account.id.clone(),
                method: SecondFactor::Totp,
                sealed_secret: Some(totp::seal(&app.master, &account.id, &secret)),
                last_step: None,
                enabled_at: now,
            };
            app.sql.enable_second_factor(&factor, Vec::new()).await?;
            secret
        }
    };
    let base32 = totp::setup(&secret, TWO_FACTOR).secret_base32;
    Ok(format!(
        "account  {TWO_FACTOR:<22} level simplified password {PASSWORD}, then a code from an authenticator app with the TOTP secret {base32}"
    ))
}

/// Sends the profile of `account` to the registries, answered a day later.
async fn start_pending_check(
    app: &AppState,
    account: &crate::model::Account,
) -> anyhow::Result<()> {
    let profile = Profile {
        family_name: account.family_name.clone(),
        given_name: account.given_name.clone(),
        middle_name: account.middle_name.clone(),
        gender: Some("female".into()),
        birthdate: Some("1992-07-14".into()),
        birthplace: Some("г. Самара".into()),
        snils: Some("123-456-780 55".into()),
        inn: None,
        passport: Some(Passport {
            series: "3612".into(),
            number: "456789".into(),
            issued_on: "2012-08-01".into(),
            issuer: "ОУФМС России по Самарской области".into(),
            issuer_code: "630-001".into(),
        }),
    };
    let now = app.now();
    let verification = Verification {
        id: uuid::Uuid::new_v4().to_string(),
        account_id: account.id.clone(),
        status: VerificationStatus::Pending,
        data: profile.clone(),
        mismatches: Vec::new(),
        requested_at: now,
        finished_at: None,
    };
    app.sql
        .submit_profile(&account.id, &profile, &verification, now)
        .await?;
    let job = crate::accounts::profile::VerifyJob {
        verification: verification.id,
    };
    crate::jobs::enqueue(
        app,
        crate::accounts::profile::VERIFY,
        &job,
        now + PENDING_CHECK_AFTER_SECS,
    )
    .await?;
    Ok(())
}

/// In demo mode with no CA configured, trusts the demo CA (see
/// [`demo_ca`]), so the demo certificates confirm identities and log in by
/// certificate. Returns lines describing its files.
pub fn trust_demo_ca(config: &mut crate::config::Config) -> anyhow::Result<Vec<String>> {
    if !config.demo || !config.esign_ca_files.is_empty() {
        return Ok(Vec::new());
    }
    let (ca, lines) = demo_ca(&config.data_dir)?;
    config.esign_ca_files.push(ca);
    Ok(lines)
}

/// The demo certificate authority under `<data_dir>/demo-ca/` (made on first
/// use, kept after): its certificate to trust, and certificates with keys for
/// `standard@demo.vhod` and `confirmed@demo.vhod` (to confirm the first by
/// signature and to log in to both by certificate, by hand). Returns the CA
/// certificate's path and lines describing the files.
pub fn demo_ca(data_dir: &std::path::Path) -> anyhow::Result<(std::path::PathBuf, Vec<String>)> {
    use esign::testca::{Holder, KeyKind, TestCa};
    let dir = data_dir.join("demo-ca");
    std::fs::create_dir_all(&dir)?;
    let (ca_pem, ca_key) = (dir.join("ca.pem"), dir.join("ca.key"));
    let ca = if ca_pem.exists() && ca_key.exists() {
        TestCa::load(
            &std::fs::read_to_string(&ca_pem)?,
            &std::fs::read_to_string(&ca_key)?,
        )
        .map_err(|e| anyhow::anyhow!("{}: {e}", ca_pem.display()))?
    } else {
        let ca = TestCa::root("Демонстрационный УЦ Вход", KeyKind::P256)
            .map_err(|e| anyhow::anyhow!("demo CA: {e}"))?;
        std::fs::write(&ca_pem, ca.certificate_pem())?;
        crate::keyring::write_private_file(&ca_key, &ca.private_key_pem())
            .map_err(|e| anyhow::anyhow!("{}: {e}", ca_key.display()))?;
        ca
    };
    let mut lines = vec![format!(
        "demo CA  {} (trusted in demo mode)",
        ca_pem.display()
    )];
    for (name, surname, given, snils, inn) in [
        (
            "standard",
            "Стандартова",
            "Анна Ивановна",
            "11223344696",
            "770000000156",
        ),
        (
            "confirmed",
            "Подтверждёнов",
            "Иван Сергеевич",
            "11223344797",
            "770000000220",
        ),
    ] {
        let (cert, key) = (
            dir.join(format!("{name}.pem")),
            dir.join(format!("{name}.key")),
        );
        if !cert.exists() || !key.exists() {
            let issued = ca
                .issue(&Holder::person(surname, given, snils, inn))
                .map_err(|e| anyhow::anyhow!("demo certificate: {e}"))?;
            std::fs::write(&cert, &issued.certificate_pem)?;
            crate::keyring::write_private_file(&key, &issued.private_key_pem)
                .map_err(|e| anyhow::anyhow!("{}: {e}", key.display()))?;
        }
        lines.push(format!(
            "cert     {name}@demo.vhod: {} with key {}",
            cert.display(),
            key.display()
        ));
    }
    Ok((ca_pem, lines))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_ca_signs_what_it_trusts_and_survives_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let (ca, lines) = demo_ca(dir.path()).unwrap();
        assert_eq!(lines.len(), 3);
        let first = std::fs::read_to_string(&ca).unwrap();
        let (again, _) = demo_ca(dir.path()).unwrap();
        assert_eq!(
            std::fs::read_to_string(again).unwrap(),
            first,
            "kept, not remade"
        );
        let anchors = esign::TrustAnchors::new([first.as_bytes()]).unwrap();
        let ca_dir = dir.path().join("demo-ca");
        let key = std::fs::read_to_string(ca_dir.join("standard.key")).unwrap();
        let (signature, _) = esign::sign_challenge(&key, "demo").unwrap();
        let signed = esign::SignedChallenge {
            certificate: std::fs::read(ca_dir.join("standard.pem")).unwrap(),
            intermediates: Vec::new(),
            signature,
        };
        let subject =
            esign::verify(&anchors, "demo", &signed, chrono::Utc::now().timestamp()).unwrap();
        assert_eq!(subject.snils.as_deref(), Some("11223344696"));
        assert_eq!(subject.surname.as_deref(), Some("Стандартова"));
    }
}
