//! `idp users`: admin creation and inspection of accounts (self-registration
//! comes later).

use std::io::BufRead;

use clap::{Args as ClapArgs, Subcommand};
use serde::Serialize;

use super::{admin_store, date, print_json};
use crate::accounts::{self, NewAccount, normalize_login};
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
        Command::Show { login } => {
            let account = sql
                .account_by_login(&normalize_login(&login))
                .await?
                .ok_or_else(|| anyhow::anyhow!("no account with login `{login}`"))?;
            print_json(&view(&account))
        }
    }
}
