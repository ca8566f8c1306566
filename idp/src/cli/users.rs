//! `idp users`: admin creation and inspection of accounts, identity
//! confirmation by a service-centre operator, and support's tools: an
//! account's sessions, logging it out everywhere, locking it.

use std::io::BufRead;

use clap::{Args as ClapArgs, Subcommand};
use serde::Serialize;

use super::common::{admin_store, date, find_account, operator, print_json};
use crate::accounts::confirmation::{self, ConfirmError};
use crate::accounts::{self, NewAccount};
use crate::audit::{Audit, Entry, events};
use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::model::{Account, AccountLevel, Secret, SessionRecord};
use crate::sessions::{EndReason, Ender};

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
    /// Show one account by e-mail, phone, SNILS or INN: its checked and
    /// pending profile (numbers masked), level, locks, second factor and
    /// live sessions.
    Show {
        login: String,
        #[arg(long)]
        json: bool,
    },
    /// List an account's live sessions: device, address, start, portals.
    Sessions {
        /// The account's e-mail, phone, SNILS or INN.
        login: String,
        #[arg(long)]
        json: bool,
    },
    /// End every session of an account and revoke its refresh tokens; each
    /// portal that got tokens in a session is told by back-channel logout
    /// (sent by a running server).
    Logout {
        /// The account's e-mail, phone, SNILS or INN.
        login: String,
        /// The operator's name, for the journal.
        #[arg(long)]
        operator: String,
    },
    /// Lock an account: no login of any kind until `idp users unlock`; its
    /// sessions end as with `idp users logout`.
    Lock {
        /// The account's e-mail, phone, SNILS or INN.
        login: String,
        /// The operator's name, for the journal.
        #[arg(long)]
        operator: String,
    },
    /// Lift the lock of an account: the password path's (after too many
    /// wrong passwords) or an admin's (`idp users lock`).
    Unlock {
        /// The account's e-mail, phone, SNILS or INN.
        login: String,
    },
    /// Remove an account's second factor and its recovery codes, for a
    /// person who lost both at a service centre (identity seen in person);
    /// the password alone logs in again until they enable a new one. Every
    /// session of the account ends, as with `idp users logout` (a lost
    /// phone may hold one).
    ResetSecondFactor {
        /// The account's e-mail, phone, SNILS or INN.
        login: String,
        /// The operator's name, for the journal.
        #[arg(long)]
        operator: String,
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

#[derive(Serialize)]
struct SessionView<'a> {
    sid: &'a str,
    started: String,
    expires: String,
    ip: &'a str,
    user_agent: Option<&'a str>,
    acr: &'static str,
    amr: &'a [String],
    portals: &'a [String],
}

fn session_view(s: &SessionRecord) -> SessionView<'_> {
    SessionView {
        sid: &s.sid,
        started: date(s.created_at),
        expires: date(s.expires_at),
        ip: &s.ip,
        user_agent: s.user_agent.as_deref(),
        acr: s.aal.as_urn(),
        amr: &s.amr,
        portals: &s.clients,
    }
}

fn view(a: &Account) -> View<'_> {
    View {
        id: &a.id,
        email: a.email.as_deref(),
        phone: a.phone.as_deref(),
        name: a.full_name(),
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
                    "{:<36} {:<11} {:<28} {}",
                    a.id,
                    a.level,
                    a.email.as_deref().unwrap_or("-"),
                    a.full_name()
                );
            }
            Ok(())
        }
        Command::Show { login, json } => {
            super::users_show::show(&sql, find_account(&sql, &login).await?, json).await
        }
        Command::Sessions { login, json } => {
            let account = find_account(&sql, &login).await?;
            let now = SystemClock.now();
            let mut sessions = sql.open_sessions_of(&account.id).await?;
            sessions.retain(|s| s.expires_at > now);
            if json {
                return print_json(&sessions.iter().map(session_view).collect::<Vec<_>>());
            }
            println!(
                "{:<22} {:<23} {:<15} {:<14} {:<24} USER-AGENT",
                "SID", "STARTED", "IP", "ACR", "PORTALS"
            );
            for s in &sessions {
                println!(
                    "{:<22} {:<23} {:<15} {:<14} {:<24} {}",
                    s.sid,
                    date(s.created_at),
                    s.ip,
                    s.aal.as_urn(),
                    s.clients.join(","),
                    s.user_agent.as_deref().unwrap_or("-")
                );
            }
            if sessions.is_empty() {
                println!("(no live sessions)");
            }
            Ok(())
        }
        Command::Logout {
            login,
            operator: name,
        } => {
            let account = find_account(&sql, &login).await?;
            let audit = Audit::new(sql.clone());
            let ender = Ender::admin(&sql, &audit, SystemClock.now(), operator(&name)?);
            let ended = ender.end_all(&account.id, None, EndReason::Cli).await?;
            println!(
                "ended {ended} session(s) of account {}; its refresh tokens are revoked",
                account.id
            );
            Ok(())
        }
        Command::Lock {
            login,
            operator: name,
        } => {
            let account = find_account(&sql, &login).await?;
            let (audit, now, name) = (Audit::new(sql.clone()), SystemClock.now(), operator(&name)?);
            crate::credentials::guard::lock_by_admin(&sql, &audit, &account.id, name, now).await?;
            let ender = Ender::admin(&sql, &audit, now, name);
            let ended = ender
                .end_all(&account.id, None, EndReason::AdminLock)
                .await?;
            println!(
                "locked account {} until `idp users unlock`; ended {ended} session(s)",
                account.id
            );
            Ok(())
        }
        Command::Unlock { login } => {
            let account = find_account(&sql, &login).await?;
            let now = SystemClock.now();
            let was = account.locked_until.filter(|until| *until > now);
            crate::credentials::guard::lift(
                &sql,
                &Audit::new(sql.clone()),
                &account.id,
                "admin",
                now,
            )
            .await?;
            match was {
                Some(_) => println!("unlocked account {}", account.id),
                None => println!("account {} was not locked", account.id),
            }
            Ok(())
        }
        Command::ResetSecondFactor {
            login,
            operator: name,
        } => {
            let account = find_account(&sql, &login).await?;
            let (audit, now, name) = (Audit::new(sql.clone()), SystemClock.now(), operator(&name)?);
            let removed = crate::accounts::second_factor::reset_by_operator(
                &sql,
                &audit,
                &account.id,
                name,
                now,
            )
            .await?;
            if !removed {
                println!("account {} has no second factor", account.id);
                return Ok(());
            }
            let ended = Ender::admin(&sql, &audit, now, name)
                .end_all(&account.id, None, EndReason::SecondFactorReset)
                .await?;
            println!(
                "removed the second factor of account {}; ended {ended} session(s)",
                account.id
            );
            Ok(())
        }
        Command::Confirm {
            login,
            document,
            operator,
        } => {
            let account = find_account(&sql, &login).await?;
            let operator = self::operator(&operator)?;
            let audit = Audit::new(sql.clone());
            let now = SystemClock.now();
            confirmation::at_service_centre(&sql, &audit, &account, &document, operator, now)
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
            println!("confirmed account {} (operator {operator})", account.id);
            Ok(())
        }
    }
}
