//! `idp healthcheck`: asks a running node whether it is alive, for a
//! container's HEALTHCHECK, which then needs no shell and no curl in the
//! image. Exit status 0 when the answer is 200, 1 otherwise (no answer
//! within the timeout, another status, a bad URL).

use std::net::SocketAddr;
use std::time::Duration;

use clap::Args as ClapArgs;

use crate::config::Config;

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// What to ask (default: http://<bind>/healthz, an unspecified bind
    /// address such as 0.0.0.0 asked on loopback).
    #[arg(long)]
    pub url: Option<url::Url>,
    /// Seconds to wait for the answer.
    #[arg(long, default_value_t = 5)]
    pub timeout: u64,
}

/// The URL asked when none is given: the node's own `bind`, on loopback
/// when it listens on every address.
pub fn default_url(config: &Config) -> anyhow::Result<url::Url> {
    let Ok(bind) = config.bind.parse::<SocketAddr>() else {
        // A host name and port, asked as they are.
        return Ok(url::Url::parse(&format!("http://{}/healthz", config.bind))?);
    };
    let host = match bind.ip() {
        ip if ip.is_unspecified() && ip.is_ipv4() => "127.0.0.1".to_owned(),
        ip if ip.is_unspecified() => "[::1]".to_owned(),
        std::net::IpAddr::V6(ip) => format!("[{ip}]"),
        ip => ip.to_string(),
    };
    Ok(url::Url::parse(&format!(
        "http://{host}:{}/healthz",
        bind.port()
    ))?)
}

pub async fn run(config: Config, args: Args) -> anyhow::Result<()> {
    let url = match args.url {
        Some(url) => url,
        None => default_url(&config)?,
    };
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(args.timeout))
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let res = http
        .get(url.clone())
        .send()
        .await
        .map_err(|e| anyhow::anyhow!("{url}: no answer: {e}"))?;
    let status = res.status();
    if status != reqwest::StatusCode::OK {
        anyhow::bail!("{url}: {status}");
    }
    println!("{url}: {status}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url_for(bind: &str) -> String {
        let config = Config {
            bind: bind.into(),
            ..Config::default()
        };
        default_url(&config).unwrap().to_string()
    }

    #[test]
    fn the_default_asks_the_bind_address_on_loopback_when_unspecified() {
        assert_eq!(url_for("127.0.0.1:8080"), "http://127.0.0.1:8080/healthz");
        assert_eq!(url_for("0.0.0.0:9000"), "http://127.0.0.1:9000/healthz");
        assert_eq!(url_for("[::]:8080"), "http://[::1]:8080/healthz");
        assert_eq!(url_for("10.1.2.3:80"), "http://10.1.2.3/healthz");
    }

    #[test]
    fn a_host_name_is_asked_as_it_is_and_garbage_is_refused() {
        assert_eq!(url_for("localhost:8080"), "http://localhost:8080/healthz");
        let config = Config {
            bind: "not a host".into(),
            ..Config::default()
        };
        assert!(default_url(&config).is_err());
    }
}
