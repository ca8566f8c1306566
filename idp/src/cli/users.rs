//! `idp users`: admin creation and inspection of accounts, and identity
//! confirmation by a service-centre operator.

use std::io::BufRead;

use clap::{Args as ClapArgs, Subcommand};
use serde::Serialize;

use super::{admin_store, date, print_json};
use crate::accounts::confirmation::{self, ConfirmError};
use crate::accounts::{self, NewAccount};
use crate::audit::{Audit, Entry, events};
use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::model::{Account, AccountLevel, Secret};

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create an account. The password is read from IDP_USER_PASSWORD or,
    /// if unset, from the first line of standard input.
    Add(AddArgs),
    /// List accounts.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Show one account by e-mail, phone, SNILS or INN.
    Show { login: String },
    /// Lift the lock of an account's password path (after too many wrong
    /// passwords).
    Unlock {
        /// The account's e-mail, phone, SNILS or INN.
        login: String,
    },
    /// Confirm a standard account's identity at a service centre: the
    /// operator has seen the passport, which must be the one in the profile.
    Confirm {
        /// The account's e-mail, phone, SNILS or INN.
        login: String,
        /// The passport seen, SERIES-NUMBER (e.g. 4506-123456).
        #[arg(long)]
        document: String,
        /// The operator's name, for the journal.
        #[arg(long)]
        operator: String,
    },
}

#[derive(Debug, ClapArgs)]
pub struct AddArgs {
    #[arg(long)]
    pub email: Option<String>,
    #[arg(long)]
    pub phone: Option<String>,
    #[arg(long)]
    pub family_name: String,
    #[arg(long)]
    pub given_name: String,
    #[arg(long)]
    pub middle_name: Option<String>,
    /// YYYY-MM-DD.
    #[arg(long)]
    pub birthdate: Option<String>,
    #[arg(long)]
    pub snils: Option<String>,
    #[arg(long)]
    pub inn: Option<String>,
    /// The registration address, one line.
    #[arg(long)]
    pub address: Option<String>,
    /// simplified, standard or confirmed.
    #[arg(long, default_value = "simplified")]
    pub level: AccountLevel,
}

#[derive(Serialize)]
struct View<'a> {
    id: &'a str,
    email: Option<&'a str>,
    phone: Option<&'a str>,
    name: String,
    level: AccountLevel,
    created: String,
}

fn view(a: &Account) -> View<'_> {
    View {
        id: &a.id,
        email: a.email.as_deref(),
        phone: a.phone.as_deref(),
        name: format!("{} {}", a.family_name, a.given_name),
        level: a.level,
        created: date(a.created_at),
    }
}

/// The account behind any login identifier, in any common notation.
async fn find(sql: &crate::store::SqlStore, login: &str) -> anyhow::Result<Account> {
    accounts::find_by_login(sql, login)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no account with login `{login}`"))
}

pub async fn run(config: Config, cmd: Command) -> anyhow::Result<()> {
    let sql = admin_store(&config).await?;
    match cmd {
        Command::Add(a) => {
            let password = match std::env::var("IDP_USER_PASSWORD") {
                Ok(p) => p,
                Err(_) => {
                    let mut line = String::new();
                    std::io::stdin().lock().read_line(&mut line)?;
                    line.trim_end_matches(['\r', '\n']).to_owned()
                }
            };
            let new = NewAccount {
                email: a.email,
                phone: a.phone,
                snils: a.snils,
                inn: a.inn,
                family_name: a.family_name,
                given_name: a.given_name,
                middle_name: a.middle_name,
                birthdate: a.birthdate,
                gender: None,
                address: a.address,
                level: Some(a.level),
            };
            let now = SystemClock.now();
            let account = accounts::create(&sql, new, &Secret::new(password), now).await?;
            Audit::new(sql.clone())
                .record(
                    Entry::new(events::ACCOUNT_CREATED).account(&account.id),
                    now,
                )
                .await;
            println!("created account {} ({} level)", account.id, account.level);
            Ok(())
        }
        Command::List { json } => {
            let accounts = sql.accounts().await?;
            if json {
                return print_json(&accounts.iter().map(view).collect::<Vec<_>>());
            }
            println!("{:<36} {:<11} {:<28} NAME", "ID", "LEVEL", "E-MAIL");
            for a in &accounts {
                println!(
                    "{:<36} {:<11} {:<28} {} {}",
                    a.id,
                    a.level,
                    a.email.as_deref().unwrap_or("-"),
                    a.family_name,
                    a.given_name
                );
            }
            Ok(())
        }
        Command::Show { login } => print_json(&view(&find(&sql, &login).await?)),
        Command::Unlock { login } => {
            let account = find(&sql, &login).await?;
            let now = SystemClock.now();
            let was = account.locked_until.filter(|until| *until > now);
            crate::login::guard::lift(&sql, &Audit::new(sql.clone()), &account.id, "admin", now)
                .await?;
            match was {
                Some(_) => println!("unlocked account {}", account.id),
                None => println!("account {} was not locked", account.id),
            }
            Ok(())
        }
        Command::Confirm {
            login,
            document,
            operator,
        } => {
            let account = find(&sql, &login).await?;
            if operator.trim().is_empty() {
                anyhow::bail!("--operator must name the operator");
            }
            let audit = Audit::new(sql.clone());
            let now = SystemClock.now();
            confirmation::at_service_centre(&sql, &audit, &account, &document, operator.trim(), now)
                .await
                .map_err(|e| match e {
                    ConfirmError::DocumentDiffers => anyhow::anyhow!(
                        "refused: the document {document} is not the passport in the profile; \
                         a new passport must first be entered in «Мои данные» and pass the check"
                    ),
                    ConfirmError::NotStandard(level) => anyhow::anyhow!(
                        "refused: the account is {level}; only a standard account (profile checked against the registries) can be confirmed"
                    ),
                    ConfirmError::NoPassport => anyhow::anyhow!("refused: the profile has no passport"),
                    other => anyhow::anyhow!("refused: {other}"),
                })?;
            println!(
                "confirmed account {} (operator {})",
                account.id,
                operator.trim()
            );
            Ok(())
        }
    }
}
