//! `conformance-tests --issuer URL --client-id ... --client-secret ...
//! --redirect-uri ... --login ... --password ...`: runs the suite against any
//! OpenID Provider and exits non-zero on any FAIL.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use conformance_tests::config::{ClientCreds, EsiaClient, FormFields, SuiteConfig};

#[derive(Debug, Parser)]
#[command(
    name = "conformance-tests",
    version,
    about = "OpenID Connect conformance suite for OpenID Providers"
)]
struct Args {
    /// The provider's issuer identifier (discovery is fetched from it).
    #[arg(long)]
    issuer: String,
    #[arg(long)]
    client_id: String,
    #[arg(long)]
    client_secret: String,
    /// A redirect URI registered for every client given.
    #[arg(long)]
    redirect_uri: String,
    /// A post-logout redirect URI registered for the clients (logout modules).
    #[arg(long)]
    post_logout_redirect_uri: Option<String>,
    /// The test user's login and password.
    #[arg(long)]
    login: String,
    #[arg(long)]
    password: String,
    /// A second confidential client (modules that need two).
    #[arg(long, requires = "client2_secret")]
    client2_id: Option<String>,
    #[arg(long)]
    client2_secret: Option<String>,
    /// A public client (PKCE, no secret).
    #[arg(long)]
    public_client_id: Option<String>,
    /// Field names of the provider's login form, if not `login` / `password`.
    #[arg(long, default_value = "login")]
    login_field: String,
    #[arg(long, default_value = "password")]
    password_field: String,
    /// The consent form's button as NAME=VALUE, if not `decision=allow`.
    #[arg(long, default_value = "decision=allow")]
    consent_button: String,
    /// Run only this module, or the modules whose name contains this (repeatable).
    #[arg(long)]
    only: Vec<String>,
    /// An ESIA-mode client (the `esia` modules): its id, and the key and
    /// certificate (PEM) it signs with.
    #[arg(long, requires_all = ["esia_key", "esia_cert"])]
    esia_client_id: Option<String>,
    #[arg(long)]
    esia_key: Option<PathBuf>,
    #[arg(long)]
    esia_cert: Option<PathBuf>,
    /// The `iss` of ESIA tokens.
    #[arg(long, default_value = "http://esia.gosuslugi.ru/")]
    esia_issuer: String,
    /// Write the results as JSON.
    #[arg(long)]
    report_json: Option<PathBuf>,
    /// Write the results as JUnit XML.
    #[arg(long)]
    report_junit: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let Some((consent_name, consent_allow)) = args.consent_button.split_once('=') else {
        eprintln!("error: --consent-button must be NAME=VALUE");
        return ExitCode::from(2);
    };
    let cfg = SuiteConfig {
        issuer: args.issuer.trim_end_matches('/').to_owned(),
        client: ClientCreds {
            id: args.client_id,
            secret: Some(args.client_secret),
        },
        client2: args.client2_id.map(|id| ClientCreds {
            id,
            secret: args.client2_secret,
        }),
        public_client: args
            .public_client_id
            .map(|id| ClientCreds { id, secret: None }),
        redirect_uri: args.redirect_uri,
        post_logout_redirect_uri: args.post_logout_redirect_uri,
        login: args.login,
        password: args.password,
        forms: FormFields {
            login: args.login_field,
            password: args.password_field,
            consent_name: consent_name.into(),
            consent_allow: consent_allow.into(),
        },
        only: args.only,
        esia: args.esia_client_id.map(|id| EsiaClient {
            id,
            key_file: args.esia_key.unwrap_or_default(),
            cert_file: args.esia_cert.unwrap_or_default(),
            issuer: args.esia_issuer,
        }),
    };
    let report = match conformance_tests::run(&cfg) {
        Ok(report) => report,
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::from(2);
        }
    };
    print!("{}", report.table());
    for (path, text) in [
        (&args.report_json, report.json()),
        (&args.report_junit, report.junit()),
    ] {
        if let Some(path) = path
            && let Err(e) = std::fs::write(path, text)
        {
            eprintln!("error: {}: {e}", path.display());
            return ExitCode::from(2);
        }
    }
    if report.failed() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        super::Args::command().debug_assert();
    }
}
