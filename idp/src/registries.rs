//! The state registries a profile is checked against (the Pension Fund for
//! SNILS, the Ministry of Internal Affairs for passports, the Tax Service
//! for INN), behind one trait. The built-in [`Simulator`] answers at once
//! and deterministically; the delay of a real check is the job's
//! `registry_delay_secs`.

use async_trait::async_trait;

use crate::jobs::JobError;
use crate::model::{CheckReason, Profile};

/// What the registries said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Confirmed,
    /// What did not match.
    Refused(Vec<CheckReason>),
}

#[async_trait]
pub trait Registries: Send + Sync {
    async fn check(&self, profile: &Profile) -> Result<Verdict, JobError>;
}

/// SNILS the simulated Pension Fund does not know (documented fixture; each
/// passes the control-number check).
pub const UNKNOWN_SNILS: [&str; 2] = ["123-456-789 64", "987-654-321 83"];
/// Passports (series number) the simulated Ministry of Internal Affairs
/// reports as invalid.
pub const INVALID_PASSPORTS: [&str; 2] = ["4500 000000", "4599 999999"];

/// Confirms every profile except the fixture's.
#[derive(Debug, Default)]
pub struct Simulator;

#[async_trait]
impl Registries for Simulator {
    async fn check(&self, profile: &Profile) -> Result<Verdict, JobError> {
        let mut refused = Vec::new();
        if let Some(snils) = &profile.snils
            && UNKNOWN_SNILS.contains(&snils.as_str())
        {
            refused.push(CheckReason::snils_unknown(snils));
        }
        if let Some(passport) = &profile.passport {
            let both = format!("{} {}", passport.series, passport.number);
            if INVALID_PASSPORTS.contains(&both.as_str()) {
                refused.push(CheckReason::passport_invalid(&both));
            }
        }
        Ok(if refused.is_empty() {
            Verdict::Confirmed
        } else {
            Verdict::Refused(refused)
        })
    }
}
