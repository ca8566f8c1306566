//! `idp migrate`: apply or list pending migrations.

use clap::Args as ClapArgs;

use crate::app::open_sql;
use crate::config::Config;

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Only list the pending migrations.
    #[arg(long)]
    pub plan: bool,
}

pub async fn run(config: Config, args: Args) -> anyhow::Result<()> {
    let migrations = open_sql(&config)?.migrations();
    tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        let pending = migrations.pending()?;
        if pending.is_empty() {
            println!("the database is up to date");
            return Ok(());
        }
        if args.plan {
            println!("{} pending migration(s):", pending.len());
            for name in pending {
                println!("  {name}");
            }
            return Ok(());
        }
        for name in migrations.apply()? {
            println!("applied {name}");
        }
        Ok(())
    })
    .await?
}
