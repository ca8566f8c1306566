//! `idp clients`: register and inspect relying parties, and see how their
//! back-channel logouts fare.

use clap::{Args as ClapArgs, Subcommand};
use keys::Algorithm;
use serde::Serialize;

use super::common::{admin_store, date, print_json, print_shown};
use crate::audit::{Audit, Entry, events};
use crate::clients::{ClientRegistry, NewClient};
use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::model::{Aal, AccountLevel, Client, Scopes};
use crate::sessions::backchannel;

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Register a client; prints its secret once.
    Add(AddArgs),
    /// List clients.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Show one client, with the delivery of its back-channel logouts.
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Change where a client takes back-channel logout tokens, or what
    /// signs its access tokens.
    #[command(group(clap::ArgGroup::new("change").required(true).multiple(true)))]
    Update {
        id: String,
        /// https (or loopback http) URL with the scheme, host and port of
        /// one of its redirect URIs.
        #[arg(long, group = "change")]
        backchannel_logout_uri: Option<String>,
        /// Stop sending it back-channel logout tokens.
        #[arg(long, conflicts_with = "backchannel_logout_uri", group = "change")]
        no_backchannel_logout: bool,
        /// Access-token signature algorithm: RS256, PS256, ES256, EdDSA, or
        /// `default` for the server's `access_token_alg`.
        #[arg(long, value_parser = access_token_alg, group = "change")]
        access_token_alg: Option<AlgChoice>,
    },
    /// Remove a client.
    Remove { id: String },
}

#[derive(Debug, ClapArgs)]
pub struct AddArgs {
    /// Client id (a-z, 0-9, `-`, `_`, `.`).
    #[arg(long)]
    pub id: String,
    /// Name shown to people on the consent page.
    #[arg(long)]
    pub name: String,
    /// Exact redirect URI; repeat for several.
    #[arg(long = "redirect-uri", required = true)]
    pub redirect_uris: Vec<String>,
    /// Exact post-logout redirect URI; repeat for several.
    #[arg(long = "post-logout-uri")]
    pub post_logout_uris: Vec<String>,
    /// A public client (SPA, mobile app): no secret, PKCE required.
    #[arg(long)]
    pub public: bool,
    /// First-party portal: skip the consent page.
    #[arg(long)]
    pub skip_consent: bool,
    /// Lowest account level accepted: simplified, standard or confirmed.
    #[arg(long)]
    pub min_level: Option<AccountLevel>,
    /// Weakest authentication accepted: aal1 (password), aal2 (password and
    /// a one-time code) or aal3 (signature certificate).
    #[arg(long)]
    pub min_acr: Option<Aal>,
    /// Allowed scopes, space-separated, e.g. "openid profile email"
    /// (default: openid only, so personal data is released only where the
    /// admin said so).
    #[arg(long)]
    pub scopes: Option<String>,
    /// ID token signature algorithm: RS256, PS256, ES256 or EdDSA.
    #[arg(long, default_value = "RS256")]
    pub id_token_alg: String,
    /// Access-token signature algorithm: RS256, PS256, ES256 or EdDSA
    /// (default: the server's `access_token_alg`).
    #[arg(long, value_parser = access_token_alg)]
    pub access_token_alg: Option<AlgChoice>,
    /// Where the portal takes back-channel logout tokens (OpenID Connect
    /// Back-Channel Logout 1.0): https (or loopback http), with the scheme,
    /// host and port of one of its redirect URIs.
    #[arg(long)]
    pub backchannel_logout_uri: Option<String>,
    /// `oidc` (default), or `esia`: a portal that speaks ESIA's dialect,
    /// signs its requests with the key of `--certificate` and talks only to
    /// the ESIA endpoints; its `--scopes` may be given by ESIA's names.
    #[arg(long, default_value = "oidc", value_parser = ["oidc", "esia"])]
    pub protocol: String,
    /// The ESIA client's certificate (PEM or DER) that its signatures are
    /// checked against.
    #[arg(long, required_if_eq("protocol", "esia"))]
    pub certificate: Option<std::path::PathBuf>,
}

/// `--access-token-alg`: an algorithm, or `default` (`None`): the server's
/// setting.
#[derive(Debug, Clone, Copy)]
pub struct AlgChoice(Option<Algorithm>);

fn access_token_alg(value: &str) -> Result<AlgChoice, String> {
    if value == "default" {
        return Ok(AlgChoice(None));
    }
    value.parse().map(|a| AlgChoice(Some(a))).map_err(|_| {
        format!(
            "unsupported access-token algorithm `{value}` (RS256, PS256, ES256, EdDSA or default)"
        )
    })
}

#[derive(Serialize)]
struct View<'a> {
    id: &'a str,
    name: &'a str,
    public: bool,
    redirect_uris: &'a [String],
    post_logout_redirect_uris: &'a [String],
    scopes: String,
    skip_consent: bool,
    min_account_level: Option<AccountLevel>,
    min_acr: Option<&'static str>,
    id_token_signed_response_alg: &'a str,
    /// `null`: the server's `access_token_alg`.
    access_token_alg: Option<&'static str>,
    backchannel_logout_uri: Option<&'a str>,
    /// Always true: every logout token carries `sid`.
    backchannel_logout_session_required: bool,
    /// `oidc` or `esia`.
    protocol: &'static str,
    /// An ESIA client's `client_certificate_hash`.
    #[serde(skip_serializing_if = "Option::is_none")]
    client_certificate_hash: Option<String>,
    created: String,
}

/// `idp clients show`: the client and its back-channel deliveries.
#[derive(Serialize)]
struct Shown<'a> {
    #[serde(flatten)]
    client: View<'a>,
    backchannel_logout: Option<Deliveries>,
}

#[derive(Serialize)]
struct Deliveries {
    last_delivered: Option<String>,
    pending: usize,
    last_error: Option<String>,
    failed: Vec<backchannel::Failed>,
}

fn view(c: &Client) -> View<'_> {
    View {
        id: &c.id,
        name: &c.name,
        public: c.is_public(),
        redirect_uris: &c.redirect_uris,
        post_logout_redirect_uris: &c.post_logout_redirect_uris,
        scopes: c.scopes.to_string(),
        skip_consent: c.skip_consent,
        min_account_level: c.min_account_level,
        min_acr: c.min_aal.map(Aal::as_urn),
        id_token_signed_response_alg: &c.id_token_alg,
        access_token_alg: c.access_token_alg.map(Algorithm::as_str),
        backchannel_logout_uri: c.backchannel_logout_uri.as_deref(),
        backchannel_logout_session_required: true,
        protocol: if c.is_esia() { "esia" } else { "oidc" },
        client_certificate_hash: c
            .esia_certificate
            .as_deref()
            .and_then(|pem| esign::client_certificate_hash(pem.as_bytes()).ok()),
        created: date(c.created_at),
    }
}

pub async fn run(config: Config, cmd: Command) -> anyhow::Result<()> {
    let sql = admin_store(&config).await?;
    let registry = ClientRegistry::new(sql.clone());
    let audit = Audit::new(sql.clone());
    let now = SystemClock.now();
    match cmd {
        Command::Add(a) => {
            let esia = a.protocol == "esia";
            let esia_certificate = match (&a.certificate, esia) {
                (Some(path), true) => Some(std::fs::read(path).map_err(|e| {
                    anyhow::anyhow!("cannot read the certificate {}: {e}", path.display())
                })?),
                (Some(_), false) => anyhow::bail!("--certificate goes with --protocol esia"),
                (None, _) => None,
            };
            let scopes = a.scopes.as_deref().unwrap_or("openid");
            let scopes = if esia {
                let requested = crate::esia::scopes::parse(scopes);
                if let Some(unknown) = requested.unknown.first() {
                    anyhow::bail!("unknown ESIA scope `{unknown}`");
                }
                requested.vhod
            } else {
                Scopes::parse(scopes)
            };
            let new = NewClient {
                id: a.id,
                name: a.name,
                public: a.public,
                secret: None,
                redirect_uris: a.redirect_uris,
                post_logout_redirect_uris: a.post_logout_uris,
                scopes: Some(scopes),
                skip_consent: a.skip_consent,
                min_account_level: a.min_level,
                min_aal: a.min_acr,
                id_token_alg: a.id_token_alg,
                access_token_alg: a.access_token_alg.and_then(|c| c.0),
                backchannel_logout_uri: a.backchannel_logout_uri,
                esia_certificate,
            };
            let (client, secret) = registry.register(new, now).await?;
            audit
                .record(
                    Entry::new(events::CLIENT_REGISTERED).client(&client.id),
                    now,
                )
                .await;
            println!("registered client `{}`", client.id);
            match secret {
                Some(secret) => println!(
                    "client_secret: {}\n(shown once: store it in the portal's configuration now; only its SHA-256 digest is kept)",
                    secret.expose()
                ),
                None if client.is_esia() => println!(
                    "ESIA client: it signs its requests with the registered certificate (docs/esia.md)"
                ),
                None => println!("public client: no secret; the portal must use PKCE (S256)"),
            }
            Ok(())
        }
        Command::List { json } => {
            let clients = sql.clients().await?;
            if json {
                return print_json(&clients.iter().map(view).collect::<Vec<_>>());
            }
            println!("{:<24} {:<8} {:<32} REDIRECT URIS", "ID", "TYPE", "NAME");
            for c in &clients {
                let kind = match (c.is_esia(), c.is_public()) {
                    (true, _) => "esia",
                    (false, true) => "public",
                    (false, false) => "secret",
                };
                println!(
                    "{:<24} {:<8} {:<32} {}",
                    c.id,
                    kind,
                    c.name,
                    c.redirect_uris.join(" ")
                );
            }
            Ok(())
        }
        Command::Show { id, json } => {
            let client = sql
                .client(&id)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no client `{id}` (see `idp clients list`)"))?;
            let status = backchannel::status(&sql, &id).await?;
            // Shown while anything is known, even after the URI went.
            let known = client.backchannel_logout_uri.is_some()
                || status.last_delivered_at.is_some()
                || status.pending > 0
                || !status.failed.is_empty();
            print_shown(
                &Shown {
                    client: view(&client),
                    backchannel_logout: known.then(|| Deliveries {
                        last_delivered: status.last_delivered_at.map(date),
                        pending: status.pending,
                        last_error: status.last_error,
                        failed: status.failed,
                    }),
                },
                json,
            )
        }
        Command::Update {
            id,
            backchannel_logout_uri,
            no_backchannel_logout,
            access_token_alg,
        } => {
            if backchannel_logout_uri.is_some() || no_backchannel_logout {
                registry
                    .set_backchannel_logout_uri(&id, backchannel_logout_uri.as_deref())
                    .await?;
                audit
                    .record(
                        Entry::new(events::CLIENT_UPDATED).client(&id).detail(
                            serde_json::json!({"backchannel_logout_uri": backchannel_logout_uri}),
                        ),
                        now,
                    )
                    .await;
                match backchannel_logout_uri {
                    Some(uri) => {
                        println!("client `{id}` takes back-channel logout tokens at {uri}")
                    }
                    None => println!("client `{id}` is no longer sent back-channel logout tokens"),
                }
            }
            if let Some(AlgChoice(alg)) = access_token_alg {
                registry.set_access_token_alg(&id, alg).await?;
                let shown = alg.map_or("default", Algorithm::as_str);
                audit
                    .record(
                        Entry::new(events::CLIENT_UPDATED)
                            .client(&id)
                            .detail(serde_json::json!({"access_token_alg": shown})),
                        now,
                    )
                    .await;
                match alg {
                    Some(alg) => println!("client `{id}` gets {alg} access tokens"),
                    None => println!(
                        "client `{id}` gets access tokens signed as the server's access_token_alg says"
                    ),
                }
            }
            Ok(())
        }
        Command::Remove { id } => {
            if !registry.remove(&id).await? {
                anyhow::bail!("no client `{id}` (see `idp clients list`)");
            }
            audit
                .record(Entry::new(events::CLIENT_REMOVED).client(&id), now)
                .await;
            println!("removed client `{id}`; its access and refresh tokens no longer work");
            Ok(())
        }
    }
}
