//! Setting types of the network side: the trusted proxies and the log
//! format.

use std::fmt;

use ipnet::IpNet;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The networks whose connections may tell the client's address
/// (`trusted_proxies`): a TOML array of CIDRs or plain addresses, or in the
/// environment one comma-separated string (`127.0.0.1/32,10.0.0.0/8`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(pub Vec<IpNet>);

impl TrustedProxies {
    /// Parses `list` (CIDRs or addresses, separated by commas).
    pub fn parse(list: &str) -> Result<Self, String> {
        Self::from_items(list.split(',').map(str::to_owned))
    }

    fn from_items(items: impl IntoIterator<Item = String>) -> Result<Self, String> {
        let mut nets = Vec::new();
        for item in items {
            let item = item.trim();
            if item.is_empty() {
                continue;
            }
            let net = item
                .parse::<IpNet>()
                .or_else(|_| item.parse::<std::net::IpAddr>().map(IpNet::from))
                .map_err(|_| {
                    format!("trusted_proxies: `{item}` is not a network (CIDR) or an address")
                })?;
            nets.push(net);
        }
        Ok(Self(nets))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for TrustedProxies {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(ToString::to_string))
    }
}

impl<'de> Deserialize<'de> for TrustedProxies {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Given {
            One(String),
            Many(Vec<String>),
        }
        let items = match Given::deserialize(d)? {
            Given::One(list) => list.split(',').map(str::to_owned).collect(),
            Given::Many(items) => items,
        };
        Self::from_items(items).map_err(serde::de::Error::custom)
    }
}

/// How log lines are written (`log_format`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// For people: one line per event, coloured on a terminal.
    #[default]
    Text,
    /// For collectors: one JSON object per line.
    Json,
}

impl fmt::Display for LogFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Text => "text",
            Self::Json => "json",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trusted_proxies_read_from_a_list_or_one_string() {
        let parsed = TrustedProxies::parse("127.0.0.1/32, 10.0.0.0/8,::1").unwrap();
        assert_eq!(parsed.0.len(), 3);
        assert_eq!(parsed.0[2].to_string(), "::1/128");
        let error = TrustedProxies::parse("10.0.0.0/8,nginx").unwrap_err();
        assert!(
            error.contains("trusted_proxies") && error.contains("nginx"),
            "{error}"
        );
        let toml: TrustedProxies =
            serde_json::from_value(serde_json::json!(["192.168.0.0/16", "10.1.2.3"])).unwrap();
        assert_eq!(toml.0.len(), 2);
        assert_eq!(
            TrustedProxies::parse("").unwrap(),
            TrustedProxies::default()
        );
    }
}
