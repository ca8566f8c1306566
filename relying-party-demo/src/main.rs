//! `cabinet`: serve the demo medical cabinet.

use std::net::TcpListener;

use actix_web::web;
use clap::Parser;
use relying_party_demo::http::{self, App};
use relying_party_demo::{Clock, Config};

fn main() -> anyhow::Result<()> {
    let config = Config::parse();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(&config.log))
        .init();
    actix_web::rt::System::new().block_on(async move {
        let listener = TcpListener::bind(&config.bind)
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", config.bind))?;
        let (protocol, client_id) = match config.protocol {
            relying_party_demo::config::Protocol::Oidc => ("OpenID Connect", &config.client_id),
            relying_party_demo::config::Protocol::Esia => ("ESIA", &config.esia.client_id),
        };
        println!(
            "Медкабинет: {} (provider {}, {protocol} client {client_id})",
            config.public_url, config.issuer
        );
        let ctx = web::Data::new(App::build(config, Clock::default())?);
        http::serve(ctx, listener)?.await?;
        Ok(())
    })
}
