//! An OpenID Connect conformance suite for OpenID Providers, modelled on the
//! OpenID Foundation's (`openid-certification/conformance-suite`): its
//! modules carry the OIDF test names and assert what those assert, so a
//! result here means something outside this project.
//!
//! It drives any provider over HTTP: discovery, the pages (through a
//! [`browser::LoginDriver`], by default the UI-automation form contract),
//! and the back-channel endpoints.

pub mod browser;
pub mod check;
pub mod config;
pub mod http;
pub mod modules;
pub mod report;

use std::time::Instant;

use browser::{FormDriver, LoginDriver};
use check::{Outcome, Status};
use config::SuiteConfig;
use report::{ModuleResult, Report};

/// Runs every module (or those `cfg.only` names) against the provider.
pub fn run(cfg: &SuiteConfig) -> anyhow::Result<Report> {
    let driver = FormDriver {
        fields: cfg.forms.clone(),
    };
    run_with(cfg, &driver)
}

/// Like [`run`], with a login driver for another provider's pages.
pub fn run_with(cfg: &SuiteConfig, driver: &dyn LoginDriver) -> anyhow::Result<Report> {
    let op = http::Provider::discover(&cfg.issuer)?;
    let ctx = modules::Ctx {
        cfg,
        op: &op,
        driver,
    };
    let mut report = Report::default();
    let all = modules::all();
    // An exact module name selects that module; anything else, every
    // module whose name contains it.
    let selected = |name: &str| {
        cfg.only.is_empty()
            || cfg.only.iter().any(|o| {
                if all.iter().any(|m| m.name == o) {
                    name == o
                } else {
                    name.contains(o.as_str())
                }
            })
    };
    for module in &all {
        if !selected(module.name) {
            continue;
        }
        let started = Instant::now();
        let outcome =
            match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (module.run)(&ctx))) {
                Ok(Ok(outcome)) | Ok(Err(outcome)) => outcome,
                Err(_) => Outcome::fail("the module panicked"),
            };
        report.results.push(ModuleResult {
            name: module.name.into(),
            plan: module.plan.into(),
            status: outcome.status,
            reason: outcome.reason,
            spec: module.spec.into(),
            seconds: started.elapsed().as_secs_f64(),
        });
    }
    Ok(report)
}

pub use check::Status as ModuleStatus;

/// Whether a result is acceptable for a provider that passes: PASS, or
/// WARNING/SKIPPED with a reason.
pub fn acceptable(result: &ModuleResult) -> bool {
    match result.status {
        Status::Pass => true,
        Status::Warning | Status::Skipped => !result.reason.is_empty(),
        Status::Fail => false,
    }
}
