//! The records the durable store keeps.

use serde::{Deserialize, Serialize};

use std::collections::BTreeSet;

use super::{Aal, AccountLevel, Scopes};
use crate::clock::UnixTime;

/// A person's account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub snils: Option<String>,
    pub inn: Option<String>,
    pub password_hash: String,
    pub family_name: String,
    pub given_name: String,
    pub middle_name: Option<String>,
    pub birthdate: Option<String>,
    pub gender: Option<String>,
    /// The registration address, one formatted line.
    pub address: Option<String>,
    pub email_verified: bool,
    pub phone_verified: bool,
    pub level: AccountLevel,
    pub created_at: UnixTime,
    /// The password path is locked until then (too many wrong passwords),
    /// or every login is, for good, at [`ADMIN_LOCK`].
    pub locked_until: Option<UnixTime>,
    /// When the checked data (names, birth date, SNILS, INN, passport) last
    /// changed: userinfo's `updated_at`.
    pub checked_at: UnixTime,
    /// When the account got its level.
    pub level_since: UnixTime,
}

#[cfg(test)]
impl Account {
    /// A standard account `id` with a name and nothing else, for unit
    /// tests of rules: `Account { snils: …, ..Account::for_tests("a") }`.
    pub fn for_tests(id: &str) -> Self {
        Self {
            id: id.into(),
            email: None,
            phone: None,
            snils: None,
            inn: None,
            password_hash: String::new(),
            family_name: "Ф".into(),
            given_name: "И".into(),
            middle_name: None,
            birthdate: None,
            gender: None,
            address: None,
            email_verified: false,
            phone_verified: false,
            level: AccountLevel::Standard,
            created_at: 0,
            locked_until: None,
            checked_at: 0,
            level_since: 0,
        }
    }
}

/// `locked_until` of an account an admin locked: the last second of 9999,
/// which no wait reaches; only an admin lifts it (`idp users unlock`).
pub const ADMIN_LOCK: UnixTime = 253_402_300_799;
/// The state numbers a qualified certificate names a person by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonalNumber {
    /// СНИЛС, 11 digits.
    Snils,
    /// The person's ИНН, 12 digits.
    Inn,
}

/// How a client proves who it is at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenAuthMethod {
    ClientSecretBasic,
    ClientSecretPost,
    None,
}

impl TokenAuthMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ClientSecretBasic => "client_secret_basic",
            Self::ClientSecretPost => "client_secret_post",
            Self::None => "none",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::ClientSecretBasic, Self::ClientSecretPost, Self::None]
            .into_iter()
            .find(|m| m.as_str() == s)
    }
}

/// A registered relying party.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    pub id: String,
    pub name: String,
    /// SHA-256 hex of the secret; `None` for public clients.
    pub secret_hash: Option<String>,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    pub scopes: Scopes,
    /// First-party portals skip the consent page.
    pub skip_consent: bool,
    /// The lowest account level this portal accepts.
    pub min_account_level: Option<AccountLevel>,
    /// The weakest authentication this portal accepts.
    pub min_aal: Option<Aal>,
    pub id_token_alg: String,
    /// What signs its access tokens; `None`: the server's
    /// `access_token_alg`.
    pub access_token_alg: Option<keys::Algorithm>,
    pub created_at: UnixTime,
    /// Where it takes back-channel logout tokens (Back-Channel Logout 1.0).
    pub backchannel_logout_uri: Option<String>,
    /// An ESIA client's registered certificate (PEM), which signs its
    /// requests; `None`: an OpenID Connect client.
    pub esia_certificate: Option<String>,
}

impl Client {
    pub fn is_public(&self) -> bool {
        self.secret_hash.is_none()
    }

    /// An ESIA-mode client: it talks only to the ESIA endpoints.
    pub fn is_esia(&self) -> bool {
        self.esia_certificate.is_some()
    }
}

#[cfg(test)]
impl Client {
    /// A confidential portal for unit tests: `portal`, registered for
    /// `scope`, redirecting to `https://portal.example/cb`.
    pub fn for_tests(scope: &str) -> Client {
        Client {
            id: "portal".into(),
            name: "Portal".into(),
            secret_hash: Some("digest".into()),
            redirect_uris: vec!["https://portal.example/cb".into()],
            post_logout_redirect_uris: Vec::new(),
            scopes: crate::model::Scopes::parse(scope),
            skip_consent: false,
            min_account_level: None,
            min_aal: None,
            id_token_alg: "RS256".into(),
            access_token_alg: None,
            backchannel_logout_uri: None,
            esia_certificate: None,
            created_at: 0,
        }
    }
}

/// A person's remembered consent for one client: exactly what the consent
/// pages showed and the person allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    pub account_id: String,
    pub client_id: String,
    pub scopes: Scopes,
    /// Claims allowed one by one (the `claims` parameter), beyond those the
    /// scopes cover.
    pub claims: BTreeSet<String>,
    pub granted_at: UnixTime,
}

/// What a login established, carried from session to code to tokens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthContext {
    pub account_id: String,
    pub auth_time: UnixTime,
    /// How strongly the person authenticated; the `acr` claim.
    #[serde(rename = "acr")]
    pub aal: Aal,
    /// RFC 8176 methods (`pwd`, `otp`, `sms`, `hwk`, `swk`).
    pub amr: Vec<String>,
    /// Snapshot of the account level at login.
    pub account_level: AccountLevel,
    pub sid: String,
    /// The organization the person acts for (chosen at login; the
    /// organizations step sets it), `None` for a private person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acting_org: Option<String>,
}

/// The personal claims released to a portal, decided once when consent is
/// given and kept with the grant: every token and userinfo response of the
/// grant reads this set, never the request again.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Release {
    /// Claims the ID token carries (asked for one by one for it).
    pub id_token: BTreeSet<String>,
    /// Claims userinfo returns (the scopes' claims and those asked for one
    /// by one).
    pub userinfo: BTreeSet<String>,
}

/// One authorization: what a code redemption established. The refresh-token
/// family and every access token minted for it share its id, so revoking
/// the grant revokes them all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub id: String,
    pub client_id: String,
    pub scopes: Scopes,
    /// `None` for a grant made before releases were stored: its scopes say
    /// what it releases (`oidc::claims::from_scopes`).
    pub release: Option<Release>,
    pub auth: AuthContext,
    pub created_at: UnixTime,
    /// When the grant ends whatever its refresh tokens say (the family
    /// lifetime cap), or when its last access token expires.
    pub expires_at: UnixTime,
    pub revoked: bool,
}

/// A stored refresh token (only its digest is kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshToken {
    pub digest: String,
    pub family_id: String,
    pub client_id: String,
    pub scopes: Scopes,
    pub auth: AuthContext,
    pub issued_at: UnixTime,
    pub expires_at: UnixTime,
    pub rotated_at: Option<UnixTime>,
    pub revoked: bool,
}

/// One SSO session as the durable index keeps it (the session itself
/// lives in the short-lived store under its cookie's digest).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// The public session id, the `sid` claim.
    pub sid: String,
    pub account_id: String,
    /// SHA-256 hex of the cookie: the short-lived store's key.
    pub cookie_digest: String,
    pub ip: String,
    /// At most 256 characters.
    pub user_agent: Option<String>,
    pub aal: Aal,
    pub amr: Vec<String>,
    pub created_at: UnixTime,
    pub expires_at: UnixTime,
    pub ended_at: Option<UnixTime>,
    /// Why it ended (`logout`, `expired`, ...).
    pub end_reason: Option<String>,
    /// The portals that got tokens in it, by client id, first first.
    pub clients: Vec<String>,
}

/// A stored signing key (private half encrypted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredKey {
    pub kid: String,
    pub alg: String,
    pub state: String,
    pub encrypted_private_key: Vec<u8>,
    pub created_at: UnixTime,
    pub activated_at: Option<UnixTime>,
    pub retire_after: Option<UnixTime>,
    /// When a `next` key becomes active by itself.
    pub activate_after: Option<UnixTime>,
}

/// One line of the audit journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEvent {
    pub at: UnixTime,
    pub event: String,
    pub account_id: Option<String>,
    pub client_id: Option<String>,
    pub request_id: Option<String>,
    pub detail: serde_json::Value,
}

/// One entry of the chained audit journal, as stored. `detail` stays the
/// stored JSON text, so verification can tell a damaged entry from a
/// damaged database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalEntry {
    pub seq: i64,
    pub at: UnixTime,
    pub event: String,
    pub account_id: Option<String>,
    pub client_id: Option<String>,
    pub request_id: Option<String>,
    pub detail: String,
    /// `None` only on entries from before the chain, until they are chained.
    pub prev_hash: Option<String>,
    pub hash: Option<String>,
}

impl JournalEntry {
    /// The event this entry records; fails if `detail` is not JSON.
    pub fn event(&self) -> Result<AuditEvent, serde_json::Error> {
        Ok(AuditEvent {
            at: self.at,
            event: self.event.clone(),
            account_id: self.account_id.clone(),
            client_id: self.client_id.clone(),
            request_id: self.request_id.clone(),
            detail: serde_json::from_str(&self.detail)?,
        })
    }
}

/// A piece of durable background work (see the job queue, `jobs.rs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: String,
    /// What to do, e.g. `deliver`; the worker dispatches on it.
    pub kind: String,
    /// Its input, JSON.
    pub payload: String,
    /// When it is due (or, while claimed, when the claim lapses).
    pub run_at: UnixTime,
    /// Attempts so far, counting one under way.
    pub attempts: u32,
    /// Given up after too many attempts; kept for the admin.
    pub failed: bool,
    pub last_error: Option<String>,
    pub created_at: UnixTime,
}

/// An identity document: a Russian passport.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Passport {
    /// 4 digits.
    pub series: String,
    /// 6 digits.
    pub number: String,
    /// YYYY-MM-DD.
    pub issued_on: String,
    pub issuer: String,
    /// XXX-XXX.
    pub issuer_code: String,
}

/// «Мои данные»: what a verification against the registries checks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub family_name: String,
    pub given_name: String,
    pub middle_name: Option<String>,
    /// `male` or `female`.
    pub gender: Option<String>,
    /// YYYY-MM-DD.
    pub birthdate: Option<String>,
    pub birthplace: Option<String>,
    /// XXX-XXX-XXX YY.
    pub snils: Option<String>,
    pub inn: Option<String>,
    pub passport: Option<Passport>,
}

/// What a passing registry check does to an account: decided by
/// `accounts::levels::after_check`, applied by the store in the transaction
/// that records the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AfterCheck {
    pub level: AccountLevel,
    /// Names, birth date or SNILS changed.
    pub identity_changed: bool,
}

/// Where a request to check a profile stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerificationStatus {
    Pending,
    Passed,
    Failed,
    /// Superseded by the person (edited before the answer came).
    Cancelled,
}

impl VerificationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Passed => "passed",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
        }
    }
}

impl std::str::FromStr for VerificationStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "pending" => Self::Pending,
            "passed" => Self::Passed,
            "failed" => Self::Failed,
            "cancelled" => Self::Cancelled,
            other => return Err(format!("unknown verification status `{other}`")),
        })
    }
}

/// A request to check a profile against the state registries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    pub id: String,
    pub account_id: String,
    pub status: VerificationStatus,
    /// The profile as submitted.
    pub data: Profile,
    /// What did not match, when it failed.
    pub mismatches: Vec<super::CheckReason>,
    pub requested_at: UnixTime,
    pub finished_at: Option<UnixTime>,
}

/// A confirmation code sent by registered post (only its digest is kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostalCode {
    pub account_id: String,
    pub digest: String,
    /// Where the letter went.
    pub address: String,
    pub ordered_at: UnixTime,
    pub expires_at: UnixTime,
    pub tries_left: u32,
}

/// A second factor an account can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SecondFactor {
    /// Codes by SMS to the verified phone.
    Sms,
    /// Codes from an authenticator app (RFC 6238).
    Totp,
}

impl SecondFactor {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sms => "sms",
            Self::Totp => "totp",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Sms, Self::Totp]
            .into_iter()
            .find(|m| m.as_str() == text)
    }
}

/// An account's enabled second factor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecondFactorRecord {
    pub account_id: String,
    pub method: SecondFactor,
    /// The TOTP secret sealed under the master key (base64).
    pub sealed_secret: Option<String>,
    /// The newest TOTP time step accepted.
    pub last_step: Option<i64>,
    pub enabled_at: UnixTime,
}
