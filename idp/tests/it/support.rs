//! What support and admins see and do through the CLI: identifiers in one
//! stored form on every path, `idp users show` with the checked and the
//! pending profile, `--json` on every list and show, and the demo's checked
//! profiles that the README's commands work on.

use std::process::Command;

use idp::config::Config;
use idp::model::AccountLevel;

use crate::harness::*;
use crate::operations::{idp, production_env};
use crate::profile::{logged_in, submit};

/// `idp users add` with the password from the environment.
pub fn add_user(config: &Config, args: &[&str]) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_idp"));
    cmd.args([
        "users",
        "add",
        "--family-name",
        "Телефонов",
        "--given-name",
        "Тимур",
    ])
    .args(args)
    .env_clear()
    .env("PATH", std::env::var("PATH").unwrap_or_default())
    .env("IDP_DATA_DIR", &config.data_dir)
    .env("IDP_USER_PASSWORD", PASSWORD);
    for (key, value) in production_env(config) {
        cmd.env(key, value);
    }
    cmd.output().unwrap()
}

fn json_of(out: &std::process::Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&out.stdout));
    })
}

#[actix_web::test]
async fn users_add_stores_identifiers_in_one_form() {
    let app = TestApp::spawn().await;
    let config = &app.state.config;
    let out = add_user(
        config,
        &[
            "--email",
            "Phone.Person@Example.ru",
            "--phone",
            "8 (999) 123-45-67",
            "--snils",
            "11223344595",
            "--inn",
            "5001 0073 2259",
        ],
    );
    assert!(out.status.success(), "{out:?}");
    let account = app.account("+79991234567").await;
    assert_eq!(account.phone.as_deref(), Some("+79991234567"));
    assert_eq!(account.snils.as_deref(), Some("112-233-445 95"));
    assert_eq!(account.inn.as_deref(), Some("500100732259"));
    assert_eq!(account.email.as_deref(), Some("phone.person@example.ru"));
    // It logs in by its phone in any notation.
    let tokens = app.tokens(&app.browser(), "+7 999 123 45 67", &[]).await;
    assert!(tokens["id_token"].is_string());

    // The same phone, SNILS or INN in another notation is a duplicate.
    for duplicate in [
        ["--phone", "+7 (999) 123 45 67"],
        ["--snils", "112 233 445 95"],
        ["--inn", "500100732259"],
    ] {
        let mut args = vec!["--email", "other@example.ru"];
        args.extend(duplicate);
        let out = add_user(config, &args);
        assert!(!out.status.success(), "{duplicate:?} was accepted twice");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("already exists"),
            "{out:?}"
        );
    }
    // Garbage is refused, naming the field.
    let out = add_user(config, &["--email", "x@example.ru", "--snils", "112"]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("snils"),
        "{out:?}"
    );
}

#[actix_web::test]
async fn identifiers_stored_before_are_brought_to_one_form_when_migrating() {
    let app = TestApp::spawn().await;
    let sql = &app.state.sql;
    // Rows as an older `idp users add` left them.
    let mut raw = app.account(SIMPLE).await;
    raw.id = "raw-1".into();
    raw.email = Some("raw1@example.ru".into());
    raw.phone = Some("8 (999) 765-43-21".into());
    raw.snils = Some("11223344595".into());
    raw.inn = None;
    sql.insert_account(&raw).await.unwrap();
    let mut twin = raw.clone();
    twin.id = "raw-2".into();
    twin.email = Some("raw2@example.ru".into());
    twin.phone = Some("+7 999 765 43 21".into());
    twin.snils = None;
    twin.created_at += 10;
    sql.insert_account(&twin).await.unwrap();

    let migrations = sql.migrations();
    tokio::task::spawn_blocking(move || migrations.apply())
        .await
        .unwrap()
        .unwrap();
    let first = sql.account("raw-1").await.unwrap().unwrap();
    assert_eq!(first.phone.as_deref(), Some("+79997654321"));
    assert_eq!(first.snils.as_deref(), Some("112-233-445 95"));
    // The twin's phone would be a duplicate: it is left for the admin.
    let second = sql.account("raw-2").await.unwrap().unwrap();
    assert_eq!(second.phone.as_deref(), Some("+7 999 765 43 21"));
}

#[actix_web::test]
async fn users_show_prints_the_checked_and_the_pending_profile_masked() {
    let app = TestApp::spawn().await;
    let (browser, page) = logged_in(&app, STANDARD).await;
    submit(&browser, &page, &[("snils", "112-233-448 98")]).await;
    let out = idp(&app.state.config, &["users", "show", STANDARD, "--json"]);
    let shown = json_of(&out);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(shown["level"], "standard");
    assert!(shown["level_since"].is_string(), "{shown}");
    assert_eq!(shown["checked"]["snils"], "***-***-*46 96");
    assert_eq!(shown["checked"]["inn"], "********0156");
    assert_eq!(shown["checked"]["passport"], "**** **0011");
    assert_eq!(shown["checked"]["family_name"], "Стандартова");
    assert_eq!(shown["pending"]["snils"], "***-***-*48 98");
    assert!(shown["pending"]["requested"].is_string());
    assert_eq!(shown["sessions"], 1, "{shown}");
    assert!(shown["lock"].is_null());
    assert!(shown["second_factor"].is_null());
    for full in ["112-233-446 96", "770000000156", "110011", "112-233-448 98"] {
        assert!(!text.contains(full), "{full} unmasked: {text}");
    }
    // Without --json: the same, for people.
    let out = idp(&app.state.config, &["users", "show", STANDARD]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(text.contains("***-***-*48 98"), "{text}");
    assert!(serde_json::from_str::<serde_json::Value>(&text).is_err());

    // A second factor and a lock show too.
    let out = idp(
        &app.state.config,
        &["users", "show", "twofactor@demo.vhod", "--json"],
    );
    assert_eq!(json_of(&out)["second_factor"]["method"], "totp");
}

#[actix_web::test]
async fn every_list_and_show_of_the_cli_takes_json() {
    let app = TestApp::spawn().await;
    let config = &app.state.config;
    for args in [
        &["users", "list", "--json"][..],
        &["users", "show", STANDARD, "--json"],
        &["users", "sessions", STANDARD, "--json"],
        &["clients", "list", "--json"],
        &["clients", "show", DEMO_CLIENT, "--json"],
        &["keys", "list", "--json"],
        &["orgs", "list", "--json"],
        &["orgs", "show", "1027700000019", "--json"],
    ] {
        let value = json_of(&idp(config, args));
        assert!(value.is_object() || value.is_array(), "{args:?}: {value}");
    }
}

#[actix_web::test]
async fn the_readme_confirms_the_demo_standard_account_at_a_service_centre() {
    let app = TestApp::spawn().await;
    let out = idp(
        &app.state.config,
        &[
            "users",
            "confirm",
            "standard@demo.vhod",
            "--document",
            "4511-110011",
            "--operator",
            "Иванова А. П.",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(app.account(STANDARD).await.level, AccountLevel::Confirmed);
    // The demo's standard and confirmed accounts carry checked passports.
    for login in [STANDARD, CONFIRMED] {
        let account = app.account(login).await;
        let profile = app.state.sql.profile(&account.id).await.unwrap().unwrap();
        assert!(profile.passport.is_some(), "{login}");
        assert!(profile.birthplace.is_some(), "{login}");
    }
}
