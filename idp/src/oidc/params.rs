//! Request parameters from a query string or a form body, parsed strictly:
//! RFC 6749 §3.1 forbids repeated parameters, empty values count as absent,
//! bytes that are not UTF-8 are refused instead of silently replaced, and so
//! is every control character, CR, LF and TAB included: no OAuth parameter
//! or form field carries one, a line break echoed into a header or a log
//! line forges another, and PostgreSQL refuses NUL in text. The one
//! exception is a PEM certificate, which is lines ([`MULTILINE`]).

use std::borrow::Cow;

use super::error::OAuthError;

/// Longest single value accepted (URIs, tokens, `claims` JSON).
pub const MAX_VALUE_LEN: usize = 8192;
/// Most parameters accepted in one request.
pub const MAX_PARAMS: usize = 64;
/// The fields that may hold CR and LF (still no other control character):
/// the PEM certificate of the signing forms.
pub const MULTILINE: &[&str] = &["certificate"];

#[derive(Debug, Default, Clone)]
pub struct Params(Vec<(String, String)>);

impl Params {
    /// Parses `application/x-www-form-urlencoded` bytes.
    pub fn parse(raw: &[u8]) -> Result<Self, OAuthError> {
        let mut pairs = Vec::new();
        for part in raw.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
            if pairs.len() == MAX_PARAMS {
                return Err(OAuthError::invalid_request(format!(
                    "too many parameters (at most {MAX_PARAMS})"
                )));
            }
            let mut kv = part.splitn(2, |b| *b == b'=');
            let name = decode(kv.next().unwrap_or_default())?;
            let value = decode(kv.next().unwrap_or_default())?;
            let line_breaks = MULTILINE.contains(&name.as_str());
            let bad = name.chars().find(|c| c.is_control()).or_else(|| {
                value
                    .chars()
                    .find(|c| c.is_control() && !(line_breaks && matches!(c, '\r' | '\n')))
            });
            if let Some(bad) = bad {
                return Err(OAuthError::invalid_request(format!(
                    "parameter `{}` contains the control character U+{:04X}",
                    printable(&name),
                    u32::from(bad)
                )));
            }
            if value.len() > MAX_VALUE_LEN {
                return Err(OAuthError::invalid_request(format!(
                    "parameter `{}` is longer than {MAX_VALUE_LEN} bytes",
                    printable(&name)
                )));
            }
            pairs.push((name, value));
        }
        Ok(Self(pairs))
    }

    /// The value of `name`: `None` when absent or empty, an error when repeated.
    pub fn get(&self, name: &str) -> Result<Option<&str>, OAuthError> {
        let mut values = self.0.iter().filter(|(n, _)| n == name).map(|(_, v)| v);
        let first = values.next();
        if values.next().is_some() {
            return Err(OAuthError::invalid_request(format!(
                "parameter `{name}` is repeated"
            )));
        }
        Ok(first.map(String::as_str).filter(|v| !v.is_empty()))
    }

    /// Like [`Params::get`], but the parameter must be present.
    pub fn require(&self, name: &str) -> Result<&str, OAuthError> {
        self.get(name)?
            .ok_or_else(|| OAuthError::invalid_request(format!("parameter `{name}` is missing")))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every non-empty parameter as a JSON object of strings, for typed
    /// parsing with serde; a repeated name is an error.
    pub fn to_json(&self) -> Result<serde_json::Value, OAuthError> {
        let mut map = serde_json::Map::new();
        for (name, _) in &self.0 {
            if let Some(value) = self.get(name)? {
                map.insert(name.clone(), value.into());
            }
        }
        Ok(map.into())
    }
}

fn decode(bytes: &[u8]) -> Result<String, OAuthError> {
    let plus_as_space: Cow<[u8]> = if bytes.contains(&b'+') {
        Cow::Owned(
            bytes
                .iter()
                .map(|b| if *b == b'+' { b' ' } else { *b })
                .collect(),
        )
    } else {
        Cow::Borrowed(bytes)
    };
    percent_encoding::percent_decode(&plus_as_space)
        .decode_utf8()
        .map(Cow::into_owned)
        .map_err(|_| OAuthError::invalid_request("a parameter is not valid UTF-8"))
}

/// A parameter name fit to echo: at most 40 characters, controls and
/// characters outside RFC 6749 §5.2 shown as `?`.
fn printable(name: &str) -> String {
    super::auth_request::preview(&name.chars().take(40).collect::<String>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_control_character_is_refused_but_line_breaks_in_a_pem() {
        for raw in [
            "state=a%0D%0Ab",
            "state=a%0Ab",
            "code=a%09b",
            "a%0A=b",
            "x=%7F",
        ] {
            let error = Params::parse(raw.as_bytes()).unwrap_err();
            assert!(error.description.contains("control character"), "{raw}");
        }
        let pem = Params::parse(b"certificate=-----BEGIN%0D%0AMII%0A-----END").unwrap();
        assert_eq!(
            pem.get("certificate").unwrap(),
            Some("-----BEGIN\r\nMII\n-----END")
        );
        assert!(Params::parse(b"certificate=a%09b").is_err());
        assert!(Params::parse(b"certificate=a%00b").is_err());
    }
}
