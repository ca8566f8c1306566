//! `idp orgs`: support's view of organizations and its tools for their
//! employees. Every change goes through the same rules as the pages (an
//! organization keeps an admin) and is journaled with the operator's name,
//! in the organization's journal and the audit journal.

use clap::{Args, Subcommand};
use serde::Serialize;

use super::common::{admin_store, date, find_account, operator, print_json, print_shown};
use crate::audit::Audit;
use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::model::{Account, MedicalWorker, Membership, Organization, parse_roles, roles_text};
use crate::orgs::{self, Actor, OrgError, Orgs};
use crate::store::SqlStore;

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List organizations.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Show an organization (by id or OGRN) with its employees.
    Show {
        org: String,
        #[arg(long)]
        json: bool,
    },
    /// Make a person an employee without an invitation.
    AddMember(MemberArgs),
    /// Give an employee other roles (the medical-worker data stays unless
    /// given anew).
    SetRoles(MemberArgs),
    /// Remove an employee: their next token no longer carries the
    /// organization.
    RemoveMember {
        /// The organization's id or OGRN.
        org: String,
        /// The person's e-mail, phone, SNILS or INN.
        login: String,
        /// The operator's name, for the journals.
        #[arg(long)]
        operator: String,
    },
}

/// An employee and their roles.
#[derive(Debug, Args)]
pub struct MemberArgs {
    /// The organization's id or OGRN.
    org: String,
    /// The person's e-mail, phone, SNILS or INN.
    login: String,
    /// Roles, comma-separated: admin, manager, specialist.
    #[arg(long)]
    roles: String,
    /// A medical worker's specialty (medical organizations only).
    #[arg(long, requires = "position")]
    specialty: Option<String>,
    /// A medical worker's position.
    #[arg(long, requires = "specialty")]
    position: Option<String>,
    /// The operator's name, for the journals.
    #[arg(long)]
    operator: String,
}

#[derive(Serialize)]
struct OrgView<'a> {
    id: &'a str,
    kind: &'static str,
    full_name: &'a str,
    short_name: &'a str,
    ogrn: &'a str,
    inn: &'a str,
    kpp: Option<&'a str>,
    legal_address: &'a str,
    actual_address: &'a str,
    medical: bool,
    created: String,
}

fn org_view(o: &Organization) -> OrgView<'_> {
    OrgView {
        id: &o.id,
        kind: o.kind.as_str(),
        full_name: &o.full_name,
        short_name: &o.short_name,
        ogrn: &o.ogrn,
        inn: &o.inn,
        kpp: o.kpp.as_deref(),
        legal_address: &o.legal_address,
        actual_address: &o.actual_address,
        medical: o.medical,
        created: date(o.created_at),
    }
}

#[derive(Serialize)]
struct MemberView {
    account: String,
    name: String,
    email: Option<String>,
    roles: Vec<&'static str>,
    medical_worker: Option<MedicalWorker>,
    since: String,
}

#[derive(Serialize)]
struct Shown<'a> {
    #[serde(flatten)]
    org: OrgView<'a>,
    members: Vec<MemberView>,
}

/// The organization named by its id or OGRN.
async fn find_org(sql: &SqlStore, org: &str) -> anyhow::Result<Organization> {
    let digits = crate::certs::digits(org);
    let by_ogrn = match digits.len() {
        13 | 15 if digits.len() == org.trim().len() => sql.organization_by_ogrn(&digits).await?,
        _ => None,
    };
    match by_ogrn {
        Some(found) => Ok(found),
        None => sql
            .organization(org.trim())
            .await?
            .ok_or_else(|| anyhow::anyhow!("no organization `{org}` (see `idp orgs list`)")),
    }
}

fn roles(text: &str) -> anyhow::Result<crate::model::Roles> {
    parse_roles(text).ok_or_else(|| {
        anyhow::anyhow!("--roles: one or more of admin, manager, specialist, comma-separated")
    })
}

fn medical(
    specialty: Option<&str>,
    position: Option<&str>,
) -> anyhow::Result<Option<MedicalWorker>> {
    orgs::medical_worker(specialty.unwrap_or_default(), position.unwrap_or_default())
        .map_err(|errors| refused(OrgError::Invalid(errors)))
}

/// An `OrgError` in words for the operator.
fn refused(e: OrgError) -> anyhow::Error {
    match e {
        OrgError::Invalid(errors) => {
            let fields: Vec<String> = errors
                .iter()
                .map(|(field, why)| format!("--{}: {why}", field.name()))
                .collect();
            anyhow::anyhow!("{}", fields.join("; "))
        }
        OrgError::LastAdmin => anyhow::anyhow!(
            "refused: the organization would be left without an admin; make another employee admin first"
        ),
        OrgError::NotMember => {
            anyhow::anyhow!("the person is not an employee of this organization")
        }
        OrgError::AlreadyMember => anyhow::anyhow!("the person already is an employee"),
        other => other.into(),
    }
}

pub async fn run(config: Config, cmd: Command) -> anyhow::Result<()> {
    let sql = admin_store(&config).await?;
    let audit = Audit::new(sql.clone());
    let service = Orgs::admin(&sql, &audit, SystemClock.now());
    match cmd {
        Command::List { json } => {
            let all = sql.organizations().await?;
            if json {
                return print_json(&all.iter().map(org_view).collect::<Vec<_>>());
            }
            println!("{:<36} {:<15} {:<12} NAME", "ID", "OGRN", "INN");
            for o in &all {
                println!("{:<36} {:<15} {:<12} {}", o.id, o.ogrn, o.inn, o.short_name);
            }
            Ok(())
        }
        Command::Show { org, json } => {
            let org = find_org(&sql, &org).await?;
            let members = sql
                .members_with_accounts(&org.id)
                .await?
                .into_iter()
                .map(member_view)
                .collect();
            print_shown(
                &Shown {
                    org: org_view(&org),
                    members,
                },
                json,
            )
        }
        Command::AddMember(a) => {
            let (org, account) = (
                find_org(&sql, &a.org).await?,
                find_account(&sql, &a.login).await?,
            );
            let worker = medical(a.specialty.as_deref(), a.position.as_deref())?;
            let roles = roles(&a.roles)?;
            let shown = roles_text(&roles);
            service
                .add_member(operator(&a.operator)?, &org.id, &account, roles, worker)
                .await
                .map_err(refused)?;
            println!(
                "{} is now an employee of «{}»: {shown}",
                a.login, org.short_name
            );
            Ok(())
        }
        Command::SetRoles(a) => {
            let (org, account) = (
                find_org(&sql, &a.org).await?,
                find_account(&sql, &a.login).await?,
            );
            let roles = roles(&a.roles)?;
            let shown = roles_text(&roles);
            let worker = match (&a.specialty, &a.position) {
                (None, None) => sql
                    .membership(&org.id, &account.id)
                    .await?
                    .and_then(|m| m.medical_worker),
                _ => medical(a.specialty.as_deref(), a.position.as_deref())?,
            };
            let actor = Actor::Operator(operator(&a.operator)?);
            service
                .set_roles(actor, &org.id, &account.id, roles, worker)
                .await
                .map_err(refused)?;
            println!("{} in «{}»: {shown}", a.login, org.short_name);
            Ok(())
        }
        Command::RemoveMember {
            org,
            login,
            operator: name,
        } => {
            let (org, account) = (
                find_org(&sql, &org).await?,
                find_account(&sql, &login).await?,
            );
            service
                .remove(Actor::Operator(operator(&name)?), &org.id, &account.id)
                .await
                .map_err(refused)?;
            println!(
                "{login} is no longer an employee of «{}»; their next token no longer carries it",
                org.short_name
            );
            Ok(())
        }
    }
}

fn member_view((m, account): (Membership, Account)) -> MemberView {
    MemberView {
        name: account.full_name(),
        email: account.email,
        roles: m.roles.iter().map(|r| r.as_str()).collect(),
        medical_worker: m.medical_worker,
        since: date(m.since),
        account: m.account_id,
    }
}
