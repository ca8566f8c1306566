//! `idp esia`: what a portal needs from an ESIA-mode Vhod.

use clap::Subcommand;

use super::common::admin_store;
use crate::config::Config;
use crate::keyring::{KeyRing, load_master_key};

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the public key (PEM) that ESIA tokens verify with: the active
    /// RS256 key, and with --all every published one (during a rotation a
    /// portal should accept them all).
    ExportKey {
        #[arg(long)]
        all: bool,
    },
}

pub async fn run(config: Config, cmd: Command) -> anyhow::Result<()> {
    match cmd {
        Command::ExportKey { all } => {
            let sql = admin_store(&config).await?;
            let (master, _) = load_master_key(&config)?;
            let ring = KeyRing::default();
            ring.reload(&sql, &master).await?;
            let active = ring.signer(keys::Algorithm::RS256)?;
            let jwks = ring.jwks();
            let keys = jwks
                .keys
                .iter()
                .filter(|k| k.alg == "RS256" && (all || k.kid == active.kid()));
            for jwk in keys {
                let pem = crate::esia::keys::rsa_public_pem(jwk)
                    .ok_or_else(|| anyhow::anyhow!("key {} is not an RSA key", jwk.kid))?;
                print!("{pem}");
            }
            Ok(())
        }
    }
}
