//! The scale-out test (issue 21): three `idp serve` nodes on loopback
//! behind nginx (the shipped deploy/nginx template), on one PostgreSQL +
//! Redis, proving that they act as one provider. Run by scripts/test-deploy
//! (it needs nginx, PostgreSQL and Redis; it is not part of `cargo test`):
//!
//!     cargo test -p idp --test cluster
//!
//!   VHOD_TEST_DATABASE_URL / VHOD_TEST_REDIS_URL  as for the suite
//!   VHOD_CLUSTER_IDP                               the `idp` binary to run
//!                                                  (default: this profile's)
//!
//! It prints one `proved:` line per fact; any failure panics with what
//! went wrong and keeps the nodes' and nginx's logs in target/cluster-logs.

mod browser;
mod cluster;
mod load;
mod proofs;

use std::time::Instant;

use cluster::Cluster;

fn main() {
    let started = Instant::now();
    let proved = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(run());
    println!("\ncluster test: 3 nodes behind nginx on PostgreSQL + Redis");
    for line in proved {
        println!("  proved: {line}");
    }
    println!("  ({:.0} s)", started.elapsed().as_secs_f64());
}

async fn run() -> Vec<String> {
    let mut c = Cluster::start(3).await;
    let out = c.admin(&[
        "clients",
        "add",
        "--id",
        "cluster-portal",
        "--name",
        "Портал кластера",
        "--redirect-uri",
        browser::REDIRECT,
        "--scopes",
        "openid offline_access",
    ]);
    let secret = out
        .lines()
        .find_map(|l| l.strip_prefix("client_secret: "))
        .unwrap_or_else(|| panic!("a client secret in: {out}"))
        .trim()
        .to_owned();
    let portal = browser::Portal::new("cluster-portal", &secret);
    let logins: Vec<String> = ["person", "victim", "other", "load1", "load2", "load3"]
        .iter()
        .map(|name| format!("{name}@cluster.test"))
        .collect();
    for login in &logins {
        c.admin_with(
            &[
                "users",
                "add",
                "--email",
                login,
                "--family-name",
                "Узлов",
                "--given-name",
                "Иван",
            ],
            &[("IDP_USER_PASSWORD", browser::PASSWORD)],
        );
    }
    let mut proved = vec![
        proofs::login_and_code_cross_nodes(&c, &portal, &logins[0]).await,
        proofs::refresh_family_rotates(&c, &portal, &logins[0]).await,
        proofs::limits_count_the_real_client(&c, &portal, &logins[1], &logins[2]).await,
        proofs::key_rotation(&c, &portal, &logins[0]).await,
    ];
    proved.extend(load::kill_under_load(&mut c, &portal, &logins[3..]).await);
    proved
}
