//! Operations: the janitor, migrations, start-up rules and the admin CLI.

use std::process::Command;

use idp::config::Config;

use crate::harness::*;

#[actix_web::test]
async fn janitor_purges_expired_refresh_tokens() {
    let app = TestApp::spawn().await;
    app.tokens(&app.browser(), STANDARD, &[OFFLINE]).await;
    let swept = idp::janitor::sweep(&app.state).await.unwrap();
    assert_eq!(swept.refresh_tokens, 0, "nothing expired yet");
    app.clock.advance(31 * 24 * 3600);
    let swept = idp::janitor::sweep(&app.state).await.unwrap();
    assert_eq!(swept.refresh_tokens, 1);
}

#[actix_web::test]
async fn migrations_go_up_down_and_up_again() {
    let mut config = Config::default();
    let _isolation = Isolation::new(&mut config);
    let sql = idp::app::open_sql(&config).unwrap();
    let migrations = sql.migrations();
    let pending = migrations.pending().unwrap();
    assert!(!pending.is_empty());
    assert_eq!(migrations.apply().unwrap().len(), pending.len());
    assert!(migrations.pending().unwrap().is_empty());
    assert_eq!(migrations.revert_all().unwrap(), pending.len());
    assert_eq!(migrations.pending().unwrap(), pending);
    migrations.apply().unwrap();
    assert!(sql.accounts().await.unwrap().is_empty());
}

#[actix_web::test]
async fn start_up_migrates_the_embedded_database_but_not_production() {
    let mut config = Config::default();
    let _isolation = Isolation::new(&mut config);
    config.auto_migrate = false;
    let result = idp::app::build(config.clone()).await;
    if production() {
        let error = result
            .err()
            .expect("production refuses pending migrations")
            .to_string();
        assert!(error.contains("pending migration"), "{error}");
        config.auto_migrate = true;
        let (_, created) = idp::app::build(config).await.unwrap();
        assert!(!created.migrations.is_empty());
    } else {
        let (_, created) = result.expect("embedded mode migrates by itself");
        assert!(!created.migrations.is_empty());
        assert!(created.master_key, "embedded mode generates a master key");
        assert_eq!(
            created.signing_keys.len(),
            4,
            "RS256, PS256, ES256 and EdDSA"
        );
    }
}

/// Runs the `idp` binary against the same stores as `config`.
pub fn idp(config: &Config, args: &[&str]) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_idp"));
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("IDP_DATA_DIR", &config.data_dir);
    for (key, value) in production_env(config) {
        cmd.env(key, value);
    }
    cmd.output().unwrap()
}

/// The `IDP_*` variables that point a process at a test's stores.
pub fn production_env(config: &Config) -> Vec<(&'static str, String)> {
    let mut env = Vec::new();
    if let Some(url) = &config.database_url {
        env.push(("IDP_DATABASE_URL", url.0.clone()));
    }
    if let Some(url) = &config.redis_url {
        env.push(("IDP_REDIS_URL", url.0.clone()));
        env.push(("IDP_REDIS_PREFIX", config.redis_prefix.clone()));
    }
    if let Some(key) = &config.master_key {
        env.push(("IDP_MASTER_KEY", key.0.clone()));
    }
    if config.esia.enabled {
        env.push(("IDP_ESIA_ENABLED", "true".into()));
    }
    env
}

fn stdout(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{} (a signal means a crash); stderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn admin_cli_manages_clients_and_users() {
    let mut config = Config::default();
    let _isolation = Isolation::new(&mut config);
    if production() {
        let plan = stdout(&idp(&config, &["migrate", "--plan"]));
        assert!(plan.contains("pending migration"), "{plan}");
        // Admin commands refuse an unmigrated production database.
        let out = idp(&config, &["clients", "list"]);
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("idp migrate"));
        stdout(&idp(&config, &["migrate"]));
    }
    assert!(stdout(&idp(&config, &["migrate", "--plan"])).contains("up to date") || !production());
    let added = stdout(&idp(
        &config,
        &[
            "clients",
            "add",
            "--id",
            "portal",
            "--name",
            "Портал",
            "--redirect-uri",
            "https://portal.example/cb",
            "--post-logout-uri",
            "https://portal.example/",
        ],
    ));
    let secret = added
        .lines()
        .find_map(|l| l.strip_prefix("client_secret: "))
        .expect("the secret is printed once")
        .to_owned();
    assert!(secret.len() >= 43, "256-bit secret");
    let shown = stdout(&idp(&config, &["clients", "show", "portal"]));
    assert!(shown.contains("https://portal.example/cb"));
    assert!(!shown.contains(&secret), "the secret is never shown again");
    let out = idp(
        &config,
        &[
            "clients",
            "add",
            "--id",
            "bad",
            "--name",
            "x",
            "--redirect-uri",
            "http://portal.example/cb",
        ],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("must use https"));
    let list = stdout(&idp(&config, &["clients", "list", "--json"]));
    let list: serde_json::Value = serde_json::from_str(&list).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    stdout(&idp(&config, &["clients", "remove", "portal"]));
    assert!(
        !idp(&config, &["clients", "show", "portal"])
            .status
            .success()
    );

    let mut cmd = Command::new(env!("CARGO_BIN_EXE_idp"));
    cmd.args([
        "users",
        "add",
        "--email",
        "Ivan@Example.ru",
        "--family-name",
        "Иванов",
        "--given-name",
        "Иван",
        "--level",
        "standard",
    ])
    .env("IDP_DATA_DIR", &config.data_dir)
    .env("IDP_USER_PASSWORD", "Str0ng-pass");
    for (key, value) in production_env(&config) {
        cmd.env(key, value);
    }
    stdout(&cmd.output().unwrap());
    let user = stdout(&idp(
        &config,
        &["users", "show", "ivan@example.ru", "--json"],
    ));
    assert!(user.contains("\"level\": \"standard\""), "{user}");
    assert!(!user.contains("argon2"), "no password hash in output");
    let weak = idp(
        &config,
        &[
            "users",
            "add",
            "--email",
            "w@example.ru",
            "--family-name",
            "W",
            "--given-name",
            "W",
        ],
    );
    assert!(
        !weak.status.success(),
        "an empty password from stdin breaks the policy"
    );
    assert!(stdout(&idp(&config, &["keys", "list"])).contains("KID"));
}

#[test]
fn unknown_config_keys_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("idp.toml");
    std::fs::write(&file, "bind = \"127.0.0.1:9\"\nbindd = \"typo\"\n").unwrap();
    let err = Config::load(Some(&file)).unwrap_err().to_string();
    assert!(err.contains("bindd"), "{err}");
    std::fs::write(&file, "bind = \"127.0.0.1:9\"\ncode_ttl_secs = 30\n").unwrap();
    let config = Config::load(Some(&file)).unwrap();
    assert_eq!(config.code_ttl_secs, 30);
    assert!(Config::load(Some(&dir.path().join("missing.toml"))).is_err());
}

#[actix_web::test]
async fn health_reports_both_stores() {
    let app = TestApp::spawn().await;
    let res = reqwest::get(format!("{}/health", app.url)).await.unwrap();
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(
        body,
        serde_json::json!({"database": true, "ephemeral": true})
    );
}

#[actix_web::test]
async fn secrets_are_stored_hashed() {
    let app = TestApp::spawn().await;
    let client = app.state.sql.client(DEMO_CLIENT).await.unwrap().unwrap();
    let hash = client.secret_hash.unwrap();
    assert_eq!(hash.len(), 64);
    assert!(!hash.contains(DEMO_SECRET));
    let account = app
        .state
        .sql
        .account_by_login(STANDARD)
        .await
        .unwrap()
        .unwrap();
    assert!(account.password_hash.starts_with("$argon2id$"));
    // Private keys are sealed: they open only with the master key, and no
    // run of the plaintext PKCS#8 appears in what is stored.
    let key = &app.state.sql.keys().await.unwrap()[0];
    let plain = app
        .state
        .master
        .open(key.kid.as_bytes(), &key.encrypted_private_key)
        .expect("opens with the master key");
    assert_eq!(plain[0], 0x30, "PKCS#8 is a DER SEQUENCE");
    let stored = &key.encrypted_private_key;
    assert!(
        !stored
            .windows(16)
            .any(|w| plain.windows(16).any(|p| p == w)),
        "the stored key contains plaintext"
    );
    assert!(
        keys::MasterKey::generate()
            .open(key.kid.as_bytes(), stored)
            .is_err()
    );
}

#[actix_web::test]
async fn client_metadata_is_served_from_the_cache() {
    let app = TestApp::spawn().await;
    assert!(app.state.clients.get(OTHER_CLIENT).await.unwrap().is_some());
    // Deleted behind the registry's back: the hot path still answers from
    // memory instead of asking the database on every request.
    assert!(app.state.sql.delete_client(OTHER_CLIENT).await.unwrap());
    assert!(app.state.clients.get(OTHER_CLIENT).await.unwrap().is_some());
    // Removal through the registry takes effect at once on this node.
    app.state.clients.remove(DEMO_CLIENT).await.unwrap();
    assert!(app.state.clients.get(DEMO_CLIENT).await.unwrap().is_none());
}

fn failed_with(out: &std::process::Output, needle: &str) {
    assert!(
        !out.status.success(),
        "expected a refusal, got: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(needle), "{stderr}");
}

#[actix_web::test]
async fn admin_cli_drives_the_key_lifecycle() {
    let mut config = Config::default();
    let _isolation = Isolation::new(&mut config);
    // A first start creates the keys (and, embedded, the master key file).
    idp::app::build(Config {
        auto_migrate: true,
        ..config.clone()
    })
    .await
    .unwrap();
    let generated = stdout(&idp(&config, &["keys", "generate", "--alg", "ES256"]));
    assert!(generated.contains("as next"), "{generated}");
    let kid = generated.split_whitespace().nth(3).unwrap().to_owned();
    failed_with(
        &idp(&config, &["keys", "activate", &kid]),
        "published for only",
    );
    let activated = stdout(&idp(&config, &["keys", "activate", &kid, "--force"]));
    assert!(
        activated.contains("is now active") && activated.contains("is now retiring"),
        "{activated}"
    );
    let listed: serde_json::Value =
        serde_json::from_str(&stdout(&idp(&config, &["keys", "list", "--json"]))).unwrap();
    let rs256 = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["alg"] == "RS256" && k["state"] == "active")
        .unwrap();
    failed_with(
        &idp(&config, &["keys", "retire", rs256["kid"].as_str().unwrap()]),
        "RS256 must always sign",
    );
    failed_with(
        &idp(&config, &["keys", "revoke", "no-such-kid"]),
        "no signing key",
    );
    let rotated = stdout(&idp(&config, &["keys", "rotate", "--alg", "EdDSA"]));
    assert!(
        rotated.contains("becomes active by itself after"),
        "{rotated}"
    );
    failed_with(
        &idp(&config, &["keys", "rotate", "--alg", "EdDSA"]),
        "already under way",
    );
    let master = stdout(&idp(&config, &["keys", "master-key"]));
    assert!(keys::MasterKey::from_base64(master.trim()).is_ok());
    let sql = idp::app::open_sql(&config).unwrap();
    let events: Vec<String> = sql
        .audit_events(50)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.event)
        .collect();
    for event in ["key.generated", "key.activated", "key.rotated"] {
        assert!(events.iter().any(|e| e == event), "{event} in {events:?}");
    }
}

/// The demo password is published: on PostgreSQL (production) the demo
/// data goes only into a database without other accounts.
#[actix_web::test]
async fn demo_data_is_refused_where_real_accounts_live() {
    let app = TestApp::spawn().await;
    // Seeding again next to the demo accounts alone is fine.
    idp::demo::seed(&app.state).await.unwrap();
    let person = idp::accounts::NewAccount {
        email: Some("real.person@example.ru".into()),
        phone: None,
        family_name: "Настоящий".into(),
        given_name: "Человек".into(),
        middle_name: None,
        birthdate: None,
        gender: None,
        address: None,
        snils: None,
        inn: None,
        level: None,
    };
    idp::accounts::create(
        &app.state.sql,
        person,
        &idp::model::Secret::new("Real-pass1!"),
        app.state.now(),
    )
    .await
    .unwrap();
    let seeded = idp::demo::seed(&app.state).await;
    if production() {
        let error = seeded.unwrap_err().to_string();
        assert!(error.contains("refusing --demo"), "{error}");
    } else {
        // The embedded database is a developer's own.
        seeded.unwrap();
    }
}
