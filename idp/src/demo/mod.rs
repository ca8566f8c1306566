//! Demo data for `idp serve --demo`, seeded idempotently: the accounts
//! ([`accounts`]), the clinic and its staff ([`clinic`]), the portals
//! ([`clients`]), the cabinet's ESIA client ([`esia`]) and the demo
//! certificate authority ([`ca`]).

mod accounts;
mod ca;
mod clients;
mod clinic;
mod esia;

pub use accounts::{
    ACCOUNTS, CONFIRMED, DOCTOR, DemoAccount, DemoProfile, MANAGER, NURSE,
    PENDING_CHECK_AFTER_SECS, TWO_FACTOR, TWO_ORGS,
};
#[cfg(feature = "demo")]
pub use ca::demo_ca;
pub use ca::trust_demo_ca;
pub use clients::{
    CLIENT_ID, CLIENT_SECRET, CONFORMANCE_2_ID, CONFORMANCE_2_SECRET, CONFORMANCE_PUBLIC_ID,
    POST_LOGOUT_URI, REDIRECT_URI,
};
pub use clinic::{DemoEmployee, DemoOrg, ORGANIZATIONS};
pub use esia::ESIA_CLIENT_ID;

use crate::credentials::password;
use crate::ctx::Ctx;
use crate::model::Secret;

pub const PASSWORD: &str = "Demo-pass1!";

/// The operator the demo's changes are journaled under.
const DEMO_OPERATOR: &str = "demo";

/// Seeds what is missing; returns lines describing the demo data. Refuses a
/// PostgreSQL database that holds other accounts: the demo password is
/// published, and a production database must never get accounts with it.
pub async fn seed(ctx: &Ctx) -> anyhow::Result<Vec<String>> {
    let hash = tokio::task::spawn_blocking(|| password::hash(&Secret::new(PASSWORD))).await??;
    let mut lines = seed_with(ctx, &hash).await?;
    // Files under the data directory: `idp serve --demo` only.
    lines.extend(esia::seed(ctx).await?);
    Ok(lines)
}

/// As [`seed`], with the demo password already hashed: every demo account
/// shares the one published password, so one Argon2id hash serves them all
/// (and a test run hashes it once, not once per test).
pub async fn seed_with(ctx: &Ctx, password_hash: &str) -> anyhow::Result<Vec<String>> {
    if ctx.config.is_production() {
        let mut demo: Vec<&str> = ACCOUNTS.iter().map(|a| a.email).collect();
        demo.push(TWO_FACTOR);
        let others = ctx.sql.count_accounts_except(&demo).await?;
        if others > 0 {
            anyhow::bail!(
                "refusing --demo: this PostgreSQL database holds {others} account(s) besides the demo ones, \
                 and demo accounts have a published password; use an empty database for the demo"
            );
        }
    }
    let mut lines = accounts::seed(ctx, password_hash).await?;
    lines.push(accounts::seed_two_factor(ctx, password_hash).await?);
    lines.extend(clinic::seed(ctx).await?);
    lines.extend(clients::seed(ctx).await?);
    Ok(lines)
}
