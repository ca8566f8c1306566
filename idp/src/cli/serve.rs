//! `idp serve`: run the provider.

use std::net::TcpListener;

use clap::Args as ClapArgs;

use crate::config::Config;
use crate::ctx::Ctx;

#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Address to listen on, e.g. 127.0.0.1:8080.
    #[arg(long, env = "IDP_BIND")]
    pub bind: Option<String>,
    /// Public base URL of the provider (the `iss` of every token).
    #[arg(long, env = "IDP_ISSUER")]
    pub issuer: Option<url::Url>,
    /// Seed demo accounts and the demo cabinet's client.
    #[arg(long)]
    pub demo: bool,
    /// Apply pending migrations of a production database on start.
    #[arg(long)]
    pub migrate: bool,
    /// HTTP worker threads (default: one per core).
    #[arg(long, env = "IDP_WORKERS")]
    pub workers: Option<usize>,
}

pub fn run(mut config: Config, args: Args) -> anyhow::Result<()> {
    if let Some(bind) = args.bind {
        config.bind = bind;
    }
    if let Some(issuer) = args.issuer {
        config.issuer = Some(issuer);
    }
    config.demo |= args.demo;
    config.dev_outbox |= config.demo;
    let demo_ca = crate::demo::trust_demo_ca(&mut config)?;
    config.auto_migrate |= args.migrate;
    config.validate()?;
    crate::delivery::Delivery::check_production(&config)?;
    init_tracing(&config.log);
    let workers = args
        .workers
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    crate::http::block_on(async move {
        let (ctx, created) = crate::app::build(config).await?;
        report(&ctx, &created);
        if ctx.config.demo {
            println!("demo data:");
            for line in crate::demo::seed(&ctx).await?.iter().chain(&demo_ca) {
                println!("  {line}");
            }
        }
        let listener = TcpListener::bind(&ctx.config.bind)
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", ctx.config.bind))?;
        println!(
            "Vhod is listening on http://{} (issuer {})",
            listener.local_addr()?,
            ctx.issuer
        );
        crate::app::start_background(&ctx);
        crate::http::serve(ctx, listener, workers)?.await?;
        Ok(())
    })
}

fn report(ctx: &Ctx, created: &crate::app::Created) {
    let config = &ctx.config;
    if config.is_production() {
        println!(
            "storage: PostgreSQL + {}",
            if config.redis_url.is_some() {
                "Redis"
            } else {
                "in-memory state"
            }
        );
    } else {
        println!(
            "storage: SQLite at {} + {}",
            config.sqlite_path().display(),
            if config.redis_url.is_some() {
                "Redis"
            } else {
                "in-memory state"
            }
        );
    }
    for migration in &created.migrations {
        println!("applied migration {migration}");
    }
    if created.master_key {
        println!(
            "WARNING: generated a master key at {} — it encrypts the signing keys; back it up, \
             and in production set IDP_MASTER_KEY instead",
            config.data_dir.join("master.key").display()
        );
    }
    for (alg, kid) in &created.signing_keys {
        println!("generated {alg} signing key {kid} (active)");
    }
    let to_outbox = crate::delivery::Delivery::kinds_to_outbox(config);
    if !to_outbox.is_empty() {
        println!(
            "{}: {} go to the dev outbox ({}); see the admin guide, \"Delivery\"",
            if config.is_production() {
                "WARNING"
            } else {
                "note"
            },
            to_outbox.join(", "),
            config.data_dir.join("outbox").display()
        );
    }
}

pub fn init_tracing(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("RUST_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(filter));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).try_init();
}
