//! `idp serve`: run the provider.

use std::net::TcpListener;
use std::time::Duration;

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
    check_listeners(&config)?;
    crate::delivery::Delivery::check_production(&config)?;
    let _log = crate::logging::init(&config.log, config.log_format);
    let workers = args
        .workers
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    let tls = match (&config.tls_cert_file, &config.tls_key_file) {
        (Some(cert), Some(key)) => Some(crate::http::tls::Certificates::load(cert, key)?),
        _ => None,
    };
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
        // Metrics are not worth refusing to serve for: a taken port is
        // said, and the node runs without them.
        let metrics = match ctx.config.metrics_bind.as_str() {
            "" => None,
            bind => TcpListener::bind(bind)
                .inspect_err(|e| {
                    println!("WARNING: no metrics: cannot listen on {bind} (metrics_bind): {e}");
                })
                .ok(),
        };
        println!(
            "Vhod is listening on {}://{} (issuer {})",
            if tls.is_some() { "https" } else { "http" },
            listener.local_addr()?,
            ctx.issuer
        );
        if let Some(metrics) = metrics {
            println!("metrics on http://{}/metrics", metrics.local_addr()?);
            actix_web::rt::spawn(crate::http::metrics::serve(ctx.clone(), metrics)?);
        }
        let worker = crate::app::start_background(&ctx);
        let options = crate::http::Options {
            workers,
            tls: tls.clone(),
            shutdown_timeout: Duration::from_secs(ctx.config.shutdown_timeout_secs),
        };
        let server = crate::http::serve_with(ctx.clone(), listener, options)?;
        actix_web::rt::spawn(stop_on_signal(ctx.clone(), server.handle()));
        if let Some(tls) = tls {
            actix_web::rt::spawn(reload_on_hangup(tls));
        }
        server.await?;
        // The listener is closed and requests in flight are answered; the
        // worker finishes the jobs it claimed (a job still running when the
        // timeout ends is taken by another node when its lease runs out).
        let drain = Duration::from_secs(ctx.config.shutdown_timeout_secs);
        if tokio::time::timeout(drain, worker).await.is_err() {
            tracing::warn!(
                "a background job was still running at exit; its lease hands it to another node"
            );
        }
        tracing::info!("stopped");
        Ok(())
    })
}

/// Refuses plain http on an address other than loopback unless TLS,
/// trusted proxies or `allow_plain_http` say it is meant.
fn check_listeners(config: &Config) -> anyhow::Result<()> {
    use std::net::ToSocketAddrs;
    let addrs = config
        .bind
        .to_socket_addrs()
        .map_err(|e| anyhow::anyhow!("bind {}: {e}", config.bind))?;
    for addr in addrs {
        config.check_listener(addr)?;
    }
    Ok(())
}

/// On SIGTERM or SIGINT: `/readyz` answers 503, the worker claims no more
/// jobs, the server stops accepting and drains (`shutdown_timeout_secs`).
async fn stop_on_signal(ctx: Ctx, server: actix_web::dev::ServerHandle) {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        tracing::error!("cannot listen for SIGTERM/SIGINT");
        return;
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = int.recv() => {}
    }
    tracing::info!(
        timeout_secs = ctx.config.shutdown_timeout_secs,
        "stopping: draining requests in flight"
    );
    ctx.shutdown.begin();
    server.stop(true).await;
}

/// On SIGHUP: reread the TLS certificate and key.
async fn reload_on_hangup(tls: std::sync::Arc<crate::http::tls::Certificates>) {
    use tokio::signal::unix::{SignalKind, signal};
    let Ok(mut hup) = signal(SignalKind::hangup()) else {
        tracing::error!("cannot listen for SIGHUP: the certificate will not be reloaded");
        return;
    };
    while hup.recv().await.is_some() {
        match tls.reload() {
            Ok(()) => tracing::info!("TLS certificate reloaded"),
            Err(e) => {
                tracing::error!(error = %e, "TLS certificate not reloaded; the old one stays")
            }
        }
    }
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
