//! Typed configuration: defaults -> TOML file -> `IDP_*` environment ->
//! command-line flags (applied by `cli`).

mod esia;
mod network;

pub use esia::EsiaConfig;
pub use network::{LogFormat, TrustedProxies};

use std::fmt;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use url::Url;

/// A secret setting: never printed.
#[derive(Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct SecretString(pub String);

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Every setting, with its `IDP_*` variable named after the field.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Address to listen on (`IDP_BIND`).
    pub bind: String,
    /// Public base URL; defaults to `http://{bind}` (`IDP_ISSUER`).
    pub issuer: Option<Url>,
    /// Where the embedded database and generated secrets live (`IDP_DATA_DIR`).
    pub data_dir: PathBuf,
    /// `postgres://...` switches the durable store to PostgreSQL.
    pub database_url: Option<SecretString>,
    /// `redis://...` switches short-lived state to Redis.
    pub redis_url: Option<SecretString>,
    /// Prefix of every Redis key, so several deployments can share a server.
    pub redis_prefix: String,
    /// Base64 of 32 bytes; encrypts private signing keys at rest.
    pub master_key: Option<SecretString>,
    /// A file holding the base64 master key (alternative to `master_key`).
    pub master_key_file: Option<PathBuf>,
    /// Apply pending migrations on start in production mode.
    pub auto_migrate: bool,
    /// Seed demo accounts and clients.
    pub demo: bool,
    /// Size of generated RSA keys.
    pub rsa_bits: usize,
    /// What signs access tokens of clients that chose nothing: RS256,
    /// PS256, ES256 or EdDSA (`IDP_ACCESS_TOKEN_ALG`).
    pub access_token_alg: keys::Algorithm,
    pub code_ttl_secs: i64,
    pub access_token_ttl_secs: i64,
    pub id_token_ttl_secs: i64,
    pub refresh_token_ttl_secs: i64,
    /// A refresh token presented again within this window gets the same
    /// successor instead of revoking the family (two tabs, a retry).
    pub refresh_grace_secs: i64,
    /// The longest a grant lives by rotating refresh tokens; then the
    /// person logs in again.
    pub refresh_family_max_secs: i64,
    pub session_ttl_secs: i64,
    /// How long an unfinished login flow is kept.
    pub flow_ttl_secs: i64,
    /// `Cache-Control: max-age` of the JWKS; also how long a new key is
    /// published before it may sign.
    pub jwks_max_age_secs: i64,
    /// How often the janitor purges expired state.
    pub janitor_interval_secs: u64,
    /// How often each node checks the signing keys for changes and due
    /// transitions.
    pub key_poll_secs: u64,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// `tracing` filter, e.g. `info` or `idp=debug`.
    pub log: String,
    /// `text` (for people) or `json` (one object per line, for collectors).
    pub log_format: LogFormat,
    /// Networks of the load balancers in front (CIDRs): only connections
    /// from them may tell the client's address and scheme (`Forwarded`,
    /// `X-Forwarded-For`, `X-Forwarded-Proto`). Empty: nobody may.
    pub trusted_proxies: TrustedProxies,
    /// Address of the Prometheus `/metrics` listener; empty turns it off.
    pub metrics_bind: String,
    /// Serve https with this certificate chain (PEM); reread on SIGHUP.
    pub tls_cert_file: Option<PathBuf>,
    /// The private key (PEM) of `tls_cert_file`.
    pub tls_key_file: Option<PathBuf>,
    /// Serve plain http on an address other than loopback with neither
    /// TLS nor trusted proxies (refused without it).
    pub allow_plain_http: bool,
    /// After SIGTERM, how long requests in flight may take to finish.
    pub shutdown_timeout_secs: u64,
    /// E-mail through SMTP, e.g. `smtps://user:password@mail.example.ru`;
    /// unset, e-mail goes to the dev outbox.
    pub smtp_url: Option<SecretString>,
    /// The sender of e-mail.
    pub mail_from: String,
    /// The mailbox of the print-and-post service that sends paper letters
    /// (needs `smtp_url`); unset, letters go to the dev outbox.
    pub postal_mailbox: Option<String>,
    /// SMS through this HTTP gateway; unset, SMS go to the dev outbox.
    pub sms_gateway_url: Option<Url>,
    /// Bearer token for the SMS gateway.
    pub sms_gateway_token: Option<SecretString>,
    /// Serve the dev outbox as JSON at `/dev/outbox` (on with `--demo`).
    pub dev_outbox: bool,
    /// Production mode only: accept that the kinds of message without a
    /// transport are written to the dev outbox (`data_dir/outbox/`), codes
    /// and all; without it such a start is refused.
    pub outbox_delivery: bool,
    /// How long the (simulated) state registries take to answer a profile
    /// check.
    pub registry_delay_secs: i64,
    /// CA certificates (PEM) trusted for electronic signatures; none, and
    /// confirming by signature is off.
    pub esign_ca_files: Vec<PathBuf>,
    /// CRLs (PEM or DER) of those CAs; none, and revocation is not checked.
    pub esign_crl_files: Vec<PathBuf>,
    /// Wrong passwords in a row that lock an account's password path.
    pub lockout_threshold: i64,
    /// How long the password path stays locked the first time.
    pub lockout_secs: i64,
    /// Each further `lockout_threshold` failures (during a lock too, and
    /// until a success) lock it this many times longer than the last time.
    pub lockout_growth: i64,
    /// The longest one lock lasts from the failure that set it.
    pub lockout_max_secs: i64,
    /// Failed logins one client IP may make per `ip_window_secs`, across
    /// all accounts, before it must wait.
    pub ip_failure_limit: i64,
    pub ip_window_secs: i64,
    /// Recoveries one client address may start per `ip_window_secs`.
    pub recovery_starts_per_address: i64,
    /// Codes and links registration may send for one client address per
    /// `registration_window_secs`, first sends and resends alike.
    pub registration_sends_per_address: i64,
    /// The same from all addresses together: the SMS and e-mail budget of
    /// registration.
    pub registration_sends_total: i64,
    pub registration_window_secs: i64,
    /// Letters with a confirmation code one account may order per
    /// `postal_letters_window_secs`.
    pub postal_letters_per_account: i64,
    pub postal_letters_window_secs: i64,
    /// New login flows one client address (a logged-in browser: its
    /// account) may open per `flow_ttl_secs`.
    pub flows_per_address: i64,
    /// New login flows from everyone together per `flow_ttl_secs`; with
    /// `flow_max_bytes` it bounds the memory flows hold.
    pub flows_total: i64,
    /// The largest authorization request a flow keeps, in bytes (as JSON).
    pub flow_max_bytes: usize,
    /// The ESIA-compatible mode.
    pub esia: EsiaConfig,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".into(),
            issuer: None,
            data_dir: PathBuf::from("./data"),
            database_url: None,
            redis_url: None,
            redis_prefix: "vhod:".into(),
            master_key: None,
            master_key_file: None,
            auto_migrate: false,
            demo: false,
            rsa_bits: 2048,
            access_token_alg: keys::Algorithm::RS256,
            code_ttl_secs: 60,
            access_token_ttl_secs: 600,
            id_token_ttl_secs: 600,
            refresh_token_ttl_secs: 30 * 24 * 3600,
            refresh_grace_secs: 10,
            refresh_family_max_secs: 90 * 24 * 3600,
            session_ttl_secs: 10 * 3600,
            flow_ttl_secs: 30 * 60,
            jwks_max_age_secs: 300,
            janitor_interval_secs: 60,
            key_poll_secs: 2,
            max_body_bytes: 64 * 1024,
            log: "info".into(),
            log_format: LogFormat::Text,
            trusted_proxies: TrustedProxies::default(),
            metrics_bind: "127.0.0.1:9464".into(),
            tls_cert_file: None,
            tls_key_file: None,
            allow_plain_http: false,
            shutdown_timeout_secs: 30,
            smtp_url: None,
            mail_from: "Vhod <noreply@vhod.localhost>".into(),
            postal_mailbox: None,
            sms_gateway_url: None,
            sms_gateway_token: None,
            dev_outbox: false,
            outbox_delivery: false,
            registry_delay_secs: 10,
            esign_ca_files: Vec::new(),
            esign_crl_files: Vec::new(),
            lockout_threshold: 5,
            lockout_secs: 30 * 60,
            lockout_growth: 2,
            lockout_max_secs: 24 * 3600,
            ip_failure_limit: 30,
            ip_window_secs: 10 * 60,
            recovery_starts_per_address: 10,
            registration_sends_per_address: 10,
            registration_sends_total: 1000,
            registration_window_secs: 3600,
            postal_letters_per_account: 3,
            postal_letters_window_secs: 30 * 24 * 3600,
            flows_per_address: 100,
            flows_total: 50_000,
            flow_max_bytes: 8192,
            esia: EsiaConfig::default(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("configuration: {0}")]
pub struct ConfigError(String);

impl Config {
    /// Defaults, then the TOML file if given, then `IDP_*` variables.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(file) = file {
            if !file.exists() {
                return Err(ConfigError(format!("file {} not found", file.display())));
            }
            figment = figment.merge(Toml::file(file));
        }
        // IDP_CONFIG names the file itself; it is not a setting.
        figment = figment.merge(
            Env::prefixed("IDP_")
                .ignore(&["config", "user_password", "workers"])
                .filter(|k| !k.as_str().to_ascii_lowercase().starts_with("esia_")),
        );
        // `[esia]` from IDP_ESIA_ENABLED, IDP_ESIA_ISSUER, ...
        figment = figment.merge(Env::prefixed("IDP_ESIA_").map(|k| format!("esia.{k}").into()));
        let config: Config = figment.extract().map_err(|e| ConfigError(e.to_string()))?;
        config.validate()?;
        Ok(config)
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        if let Some(issuer) = &self.issuer
            && (issuer.query().is_some() || issuer.fragment().is_some())
        {
            return Err(ConfigError(
                "issuer must not have a query or fragment".into(),
            ));
        }
        if let Some(url) = &self.database_url
            && !url.0.starts_with("postgres://")
            && !url.0.starts_with("postgresql://")
        {
            return Err(ConfigError(
                "database_url must start with postgres:// (leave it unset for the embedded SQLite)"
                    .into(),
            ));
        }
        if self.code_ttl_secs <= 0 || self.access_token_ttl_secs <= 0 || self.session_ttl_secs <= 0
        {
            return Err(ConfigError("lifetimes must be positive".into()));
        }
        if self.lockout_threshold < 1 || self.lockout_growth < 1 || self.lockout_secs < 1 {
            return Err(ConfigError(
                "lockout_threshold, lockout_growth and lockout_secs must be at least 1".into(),
            ));
        }
        if self.lockout_max_secs < self.lockout_secs {
            return Err(ConfigError(
                "lockout_max_secs must not be shorter than lockout_secs".into(),
            ));
        }
        let limits = [
            (
                "recovery_starts_per_address",
                self.recovery_starts_per_address,
            ),
            (
                "registration_sends_per_address",
                self.registration_sends_per_address,
            ),
            ("registration_sends_total", self.registration_sends_total),
            ("registration_window_secs", self.registration_window_secs),
            (
                "postal_letters_per_account",
                self.postal_letters_per_account,
            ),
            (
                "postal_letters_window_secs",
                self.postal_letters_window_secs,
            ),
            ("flows_per_address", self.flows_per_address),
            ("flows_total", self.flows_total),
        ];
        if let Some((name, _)) = limits.iter().find(|(_, value)| *value <= 0) {
            return Err(ConfigError(format!("{name} must be positive")));
        }
        if self.esia.timestamp_window_secs <= 0 || self.esia.issuer.is_empty() {
            return Err(ConfigError(
                "esia.timestamp_window_secs must be positive and esia.issuer not empty".into(),
            ));
        }
        if self.tls_cert_file.is_some() != self.tls_key_file.is_some() {
            return Err(ConfigError(
                "tls_cert_file and tls_key_file go together: set both or neither".into(),
            ));
        }
        Ok(())
    }

    /// Whether `idp serve` may listen on `addr` as configured: plain http
    /// only on loopback, behind trusted proxies, or when explicitly
    /// allowed.
    pub fn check_listener(&self, addr: std::net::SocketAddr) -> Result<(), ConfigError> {
        if addr.ip().is_loopback()
            || self.tls_cert_file.is_some()
            || !self.trusted_proxies.is_empty()
            || self.allow_plain_http
        {
            return Ok(());
        }
        Err(ConfigError(format!(
            "refusing plain http on {addr}: set tls_cert_file and tls_key_file, or \
             trusted_proxies (TLS ends at the load balancer), or allow_plain_http = true"
        )))
    }

    /// The issuer identifier, without a trailing slash.
    pub fn issuer(&self) -> String {
        match &self.issuer {
            Some(url) => url.as_str().trim_end_matches('/').to_owned(),
            None => format!("http://{}", self.bind),
        }
    }

    /// Production mode: PostgreSQL durable store.
    pub fn is_production(&self) -> bool {
        self.database_url.is_some()
    }

    pub fn sqlite_path(&self) -> PathBuf {
        self.data_dir.join("vhod.db")
    }

    /// Cookies get `Secure` when the issuer is served over https.
    pub fn secure_cookies(&self) -> bool {
        self.issuer().starts_with("https://")
    }
}
