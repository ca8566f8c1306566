//! ESIA's signed requests: the text a portal signs, its `timestamp` and
//! `state`, and the signature itself (a detached CMS, `esign`).

use std::path::Path;

use chrono::{DateTime, FixedOffset, Utc};

use crate::oidc::LoginError;

/// The parameters a v2/v3 request signs, in the order they are
/// concatenated.
pub struct Request<'a> {
    pub client_id: &'a str,
    pub scope: &'a str,
    pub timestamp: String,
    pub state: &'a str,
    pub redirect_uri: &'a str,
    /// At the v3 token endpoint.
    pub code: Option<&'a str>,
}

impl Request<'_> {
    /// `client_id + scope + timestamp + state + redirect_uri` (+ `code`).
    pub fn text(&self) -> String {
        [
            self.client_id,
            self.scope,
            &self.timestamp,
            self.state,
            self.redirect_uri,
            self.code.unwrap_or_default(),
        ]
        .concat()
    }
}

/// The cabinet's key and certificate.
pub struct Signer {
    certificate: Vec<u8>,
    key: String,
    hash: String,
}

impl Signer {
    pub fn load(certificate: &Path, key: &Path) -> Result<Self, String> {
        let read = |p: &Path| std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()));
        let certificate = read(certificate)?;
        let key = String::from_utf8(read(key)?).map_err(|_| "the key is not PEM".to_owned())?;
        let hash = esign::client_certificate_hash(&certificate).map_err(|e| e.to_string())?;
        Ok(Self {
            certificate,
            key,
            hash,
        })
    }

    /// `client_secret`: the detached CMS signature of the request's text.
    pub fn sign(&self, request: &Request<'_>) -> Result<String, LoginError> {
        esign::sign_detached_cms(&self.certificate, &self.key, request.text().as_bytes())
            .map_err(|e| LoginError::Discovery(format!("cannot sign the ESIA request: {e}")))
    }

    /// `client_certificate_hash`: Streebog-256 of the certificate's DER.
    pub fn hash(&self) -> &str {
        &self.hash
    }
}

/// `yyyy.MM.dd HH:mm:ss +0300`: Moscow time, as portals write it.
pub fn timestamp(at: DateTime<Utc>) -> String {
    let moscow = FixedOffset::east_opt(3 * 3600).expect("a valid offset");
    at.with_timezone(&moscow)
        .format("%Y.%m.%d %H:%M:%S %z")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signed_text_and_timestamp_are_esias() {
        let request = Request {
            client_id: "portal",
            scope: "openid fullname",
            timestamp: timestamp(DateTime::from_timestamp(1_796_904_029, 0).unwrap()),
            state: "s",
            redirect_uri: "http://p/cb",
            code: Some("c"),
        };
        assert_eq!(request.timestamp, "2026.12.10 15:00:29 +0300");
        assert_eq!(
            request.text(),
            "portalopenid fullname2026.12.10 15:00:29 +0300shttp://p/cbc"
        );
    }
}
