//! Registered relying parties: registration rules, secrets, and a cache so
//! the hot path (every authorize and token request) does not touch the
//! database.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use url::Url;

use crate::clock::UnixTime;
use crate::model::{Aal, AccountLevel, Client, SCOPES, Scopes, Secret, random_token};
use crate::store::{SqlStore, StoreError};

/// How long a cached client is trusted before it is read again: a change
/// made by the CLI reaches every node within this time.
const CACHE_TTL: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("client id must be 1-64 characters of a-z, 0-9, `-`, `_`, `.`")]
    BadId,
    #[error("client `{0}` already exists")]
    Exists(String),
    #[error("redirect URI `{uri}`: {reason}")]
    BadRedirectUri { uri: String, reason: &'static str },
    #[error("at least one redirect URI is required")]
    NoRedirectUri,
    #[error("unknown scope `{0}`")]
    UnknownScope(String),
    #[error("unsupported id_token_signed_response_alg `{0}`")]
    BadAlgorithm(String),
    #[error("backchannel_logout_uri `{uri}`: {reason}")]
    BadBackchannelUri { uri: String, reason: &'static str },
    #[error("no client `{0}`")]
    NotFound(String),
    #[error("the ESIA client's certificate: {0}")]
    BadCertificate(esign::CmsError),
}

/// What an admin asks for when registering a client.
#[derive(Debug, Clone)]
pub struct NewClient {
    pub id: String,
    pub name: String,
    /// Public clients (SPAs, mobile apps) have no secret and must use PKCE.
    pub public: bool,
    /// A fixed secret (demo seeding); otherwise one is generated.
    pub secret: Option<Secret>,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    pub scopes: Option<Scopes>,
    pub skip_consent: bool,
    pub min_account_level: Option<AccountLevel>,
    pub min_aal: Option<Aal>,
    pub id_token_alg: String,
    /// What signs its access tokens; `None`: the server's setting.
    pub access_token_alg: Option<keys::Algorithm>,
    /// Where the portal takes back-channel logout tokens.
    pub backchannel_logout_uri: Option<String>,
    /// An ESIA client: the certificate (PEM or DER) that signs its
    /// requests. It has no secret: the signature authenticates it.
    pub esia_certificate: Option<Vec<u8>>,
}

pub struct ClientRegistry {
    store: SqlStore,
    cache: Mutex<HashMap<String, (Arc<Client>, Instant)>>,
}

impl ClientRegistry {
    pub fn new(store: SqlStore) -> Self {
        Self {
            store,
            cache: Mutex::default(),
        }
    }

    /// A client by id, from the cache when fresh.
    pub async fn get(&self, id: &str) -> Result<Option<Arc<Client>>, StoreError> {
        if let Some((client, at)) = self.cache().get(id)
            && at.elapsed() < CACHE_TTL
        {
            return Ok(Some(client.clone()));
        }
        let Some(client) = self.store.client(id).await? else {
            self.cache().remove(id);
            return Ok(None);
        };
        let client = Arc::new(client);
        self.cache()
            .insert(id.to_owned(), (client.clone(), Instant::now()));
        Ok(Some(client))
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Arc<Client>, Instant)>> {
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Registers a client. Returns it with its secret in clear, shown once.
    pub async fn register(
        &self,
        new: NewClient,
        now: UnixTime,
    ) -> Result<(Client, Option<Secret>), ClientError> {
        validate_id(&new.id)?;
        if new.redirect_uris.is_empty() {
            return Err(ClientError::NoRedirectUri);
        }
        for uri in new
            .redirect_uris
            .iter()
            .chain(&new.post_logout_redirect_uris)
        {
            validate_redirect_uri(uri)?;
        }
        let scopes = new
            .scopes
            .unwrap_or_else(|| Scopes::parse(&SCOPES.join(" ")));
        if let Some(unknown) = scopes.iter().find(|s| !SCOPES.contains(s)) {
            return Err(ClientError::UnknownScope(unknown.to_owned()));
        }
        if let Some(uri) = &new.backchannel_logout_uri {
            validate_backchannel_uri(uri, &new.redirect_uris)?;
        }
        if new.id_token_alg.parse::<keys::Algorithm>().is_err() {
            return Err(ClientError::BadAlgorithm(new.id_token_alg));
        }
        let esia_certificate = new
            .esia_certificate
            .as_deref()
            .map(esia_certificate_pem)
            .transpose()?;
        // 32 random bytes: 256 bits of entropy, stored as a SHA-256 digest.
        // An ESIA client signs its requests instead.
        let secret = (!new.public && esia_certificate.is_none())
            .then(|| new.secret.unwrap_or_else(|| random_token(32)));
        let client = Client {
            id: new.id,
            name: new.name,
            secret_hash: secret.as_ref().map(Secret::digest),
            redirect_uris: new.redirect_uris,
            post_logout_redirect_uris: new.post_logout_redirect_uris,
            scopes,
            skip_consent: new.skip_consent,
            min_account_level: new.min_account_level,
            min_aal: new.min_aal,
            id_token_alg: new.id_token_alg,
            access_token_alg: new.access_token_alg,
            created_at: now,
            backchannel_logout_uri: new.backchannel_logout_uri,
            esia_certificate,
        };
        match self.store.insert_client(&client).await {
            Err(StoreError::Conflict(_)) => Err(ClientError::Exists(client.id)),
            other => other.map(|()| (client, secret)).map_err(Into::into),
        }
    }

    /// Sets or (`None`) clears where a client takes back-channel logout
    /// tokens.
    pub async fn set_backchannel_logout_uri(
        &self,
        id: &str,
        uri: Option<&str>,
    ) -> Result<(), ClientError> {
        let client = self
            .store
            .client(id)
            .await?
            .ok_or_else(|| ClientError::NotFound(id.to_owned()))?;
        if let Some(uri) = uri {
            validate_backchannel_uri(uri, &client.redirect_uris)?;
        }
        self.cache().remove(id);
        self.store.set_backchannel_logout_uri(id, uri).await?;
        Ok(())
    }

    /// Sets or (`None`) clears the algorithm of a client's access tokens.
    pub async fn set_access_token_alg(
        &self,
        id: &str,
        alg: Option<keys::Algorithm>,
    ) -> Result<(), ClientError> {
        self.cache().remove(id);
        if !self.store.set_access_token_alg(id, alg).await? {
            return Err(ClientError::NotFound(id.to_owned()));
        }
        Ok(())
    }

    pub async fn remove(&self, id: &str) -> Result<bool, StoreError> {
        self.cache().remove(id);
        self.store.delete_client(id).await
    }
}

/// A certificate the ESIA client signs with, as PEM: it must be one X.509
/// certificate with a key that verifies here.
fn esia_certificate_pem(pem_or_der: &[u8]) -> Result<String, ClientError> {
    use base64::Engine;
    let cert = esign::ClientCertificate::parse(pem_or_der).map_err(ClientError::BadCertificate)?;
    let b64 = base64::engine::general_purpose::STANDARD.encode(cert.der());
    let mut pem = String::from("-----BEGIN CERTIFICATE-----\n");
    for line in b64.as_bytes().chunks(64) {
        pem.push_str(std::str::from_utf8(line).expect("base64 is ASCII"));
        pem.push('\n');
    }
    pem.push_str("-----END CERTIFICATE-----\n");
    Ok(pem)
}

fn validate_id(id: &str) -> Result<(), ClientError> {
    let ok = (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_.".contains(&b));
    if ok { Ok(()) } else { Err(ClientError::BadId) }
}

/// Redirect URIs are absolute, without a fragment, and https unless they
/// point at this machine (RFC 9700 2.1, RFC 8252 7.3).
pub fn validate_redirect_uri(uri: &str) -> Result<(), ClientError> {
    check_uri(uri)
        .map(drop)
        .map_err(|reason| ClientError::BadRedirectUri {
            uri: uri.to_owned(),
            reason,
        })
}

/// A back-channel logout URI follows the redirect URIs' rules and has the
/// scheme, host and port of one of them (Back-Channel Logout 1.0 §2.2).
fn validate_backchannel_uri(uri: &str, redirect_uris: &[String]) -> Result<(), ClientError> {
    let bad = |reason| ClientError::BadBackchannelUri {
        uri: uri.to_owned(),
        reason,
    };
    let url = check_uri(uri).map_err(bad)?;
    let origin = url.origin();
    if redirect_uris
        .iter()
        .filter_map(|r| Url::parse(r).ok())
        .any(|r| r.origin() == origin)
    {
        Ok(())
    } else {
        Err(bad(
            "must have the scheme, host and port of one of the client's redirect URIs",
        ))
    }
}

/// An absolute http(s) URL without a fragment, https unless on loopback.
fn check_uri(uri: &str) -> Result<Url, &'static str> {
    let url = Url::parse(uri).map_err(|_| "not an absolute URL")?;
    if url.fragment().is_some() {
        return Err("must not contain a fragment");
    }
    let loopback = matches!(url.host_str(), Some("127.0.0.1" | "[::1]" | "localhost"));
    match url.scheme() {
        "https" => Ok(url),
        "http" if loopback => Ok(url),
        "http" => Err("must use https (plain http only for 127.0.0.1 / localhost)"),
        _ => Err("must be an http(s) URL"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_uris_are_absolute_https_or_loopback_without_fragments() {
        for ok in [
            "https://portal.example.ru/callback",
            "http://127.0.0.1:8090/callback",
            "http://localhost/cb",
        ] {
            assert!(validate_redirect_uri(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://portal.example.ru/callback",
            "https://portal.example.ru/cb#frag",
            "/callback",
            "javascript:alert(1)",
            "ftp://portal.example.ru/",
        ] {
            assert!(validate_redirect_uri(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn backchannel_logout_uris_share_an_origin_with_a_redirect_uri() {
        let redirects = ["https://portal.example.ru/callback".to_owned()];
        assert!(validate_backchannel_uri("https://portal.example.ru/bcl?x=1", &redirects).is_ok());
        for bad in [
            "https://other.example.ru/bcl",
            "https://portal.example.ru:8443/bcl",
            "http://portal.example.ru/bcl",
            "https://portal.example.ru/bcl#f",
        ] {
            assert!(validate_backchannel_uri(bad, &redirects).is_err(), "{bad}");
        }
    }

    #[test]
    fn client_ids_are_short_and_plain() {
        assert!(validate_id("medcabinet-2.test_x").is_ok());
        for bad in ["", "Upper", "with space", "nul\0", &"x".repeat(65)] {
            assert!(validate_id(bad).is_err(), "{bad:?}");
        }
    }
}
