//! `idp users show`: what support needs to know of one account. The
//! checked profile (what portals get) and the one being checked or refused,
//! with SNILS, INN and passport masked but for their last digits; the level
//! and since when; locks, the second factor, live sessions.

use serde::Serialize;

use super::common::{date, print_shown};
use crate::clock::{Clock, SystemClock};
use crate::model::{
    ADMIN_LOCK, Account, AccountLevel, PersonalNumber, Profile, VerificationStatus,
};
use crate::store::SqlStore;

/// Digits shown at the end of a masked number.
const SHOWN_DIGITS: usize = 4;

/// Every digit but the last [`SHOWN_DIGITS`] as `*`, separators kept.
fn mask(text: &str) -> String {
    let digits = text.chars().filter(char::is_ascii_digit).count();
    let mut seen = 0;
    text.chars()
        .map(|c| {
            if !c.is_ascii_digit() {
                return c;
            }
            seen += 1;
            if seen + SHOWN_DIGITS > digits { c } else { '*' }
        })
        .collect()
}

#[derive(Serialize)]
struct ProfileView {
    family_name: String,
    given_name: String,
    middle_name: Option<String>,
    gender: Option<String>,
    birthdate: Option<String>,
    birthplace: Option<String>,
    snils: Option<String>,
    inn: Option<String>,
    /// Series and number.
    passport: Option<String>,
}

fn profile_view(p: &Profile) -> ProfileView {
    ProfileView {
        family_name: p.family_name.clone(),
        given_name: p.given_name.clone(),
        middle_name: p.middle_name.clone(),
        gender: p.gender.clone(),
        birthdate: p.birthdate.clone(),
        birthplace: p.birthplace.clone(),
        snils: p.snils.as_deref().map(mask),
        inn: p.inn.as_deref().map(mask),
        passport: p
            .passport
            .as_ref()
            .map(|d| mask(&format!("{} {}", d.series, d.number))),
    }
}

#[derive(Serialize)]
struct CheckView {
    #[serde(flatten)]
    data: ProfileView,
    requested: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    finished: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    reasons: Vec<String>,
    /// Other accounts that have this SNILS or INN checked.
    same_number_as: Vec<String>,
}

#[derive(Serialize)]
struct LockView {
    until: String,
    by_admin: bool,
}

#[derive(Serialize)]
struct FactorView {
    method: crate::model::SecondFactor,
    since: String,
}

#[derive(Serialize)]
struct Shown {
    id: String,
    email: Option<String>,
    email_verified: bool,
    phone: Option<String>,
    phone_verified: bool,
    created: String,
    level: AccountLevel,
    level_since: String,
    /// The data in force: what tokens and userinfo carry.
    checked: ProfileView,
    checked_since: String,
    pending: Option<CheckView>,
    refused: Option<CheckView>,
    lock: Option<LockView>,
    second_factor: Option<FactorView>,
    /// Live sessions.
    sessions: usize,
}

/// Other accounts whose checked SNILS or INN `data` carries.
async fn same_number(sql: &SqlStore, own: &str, data: &Profile) -> anyhow::Result<Vec<String>> {
    let mut others = Vec::new();
    for (number, value) in [
        (PersonalNumber::Snils, &data.snils),
        (PersonalNumber::Inn, &data.inn),
    ] {
        let Some(value) = value else { continue };
        for account in sql.accounts_by_number(number, vec![value.clone()]).await? {
            if account.id != own && !others.contains(&account.id) {
                others.push(account.id);
            }
        }
    }
    Ok(others)
}

pub(super) async fn show(sql: &SqlStore, account: Account, json: bool) -> anyhow::Result<()> {
    let now = SystemClock.now();
    let checked = sql
        .profile(&account.id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("account {} vanished", account.id))?;
    let (mut pending, mut refused) = (None, None);
    if let Some(latest) = sql.latest_verification(&account.id).await? {
        let view = CheckView {
            data: profile_view(&latest.data),
            requested: date(latest.requested_at),
            finished: latest.finished_at.map(date),
            reasons: latest.mismatches.iter().map(ToString::to_string).collect(),
            same_number_as: same_number(sql, &account.id, &latest.data).await?,
        };
        match latest.status {
            VerificationStatus::Pending => pending = Some(view),
            VerificationStatus::Failed => refused = Some(view),
            VerificationStatus::Passed | VerificationStatus::Cancelled => {}
        }
    }
    let lock = account
        .locked_until
        .filter(|until| *until > now)
        .map(|until| LockView {
            until: match until >= ADMIN_LOCK {
                true => "until `idp users unlock`".into(),
                false => date(until),
            },
            by_admin: until >= ADMIN_LOCK,
        });
    let second_factor = sql.second_factor(&account.id).await?.map(|f| FactorView {
        method: f.method,
        since: date(f.enabled_at),
    });
    let sessions = sql
        .open_sessions_of(&account.id)
        .await?
        .iter()
        .filter(|s| s.expires_at > now)
        .count();
    let shown = Shown {
        created: date(account.created_at),
        level_since: date(account.level_since),
        checked_since: date(account.checked_at),
        checked: profile_view(&checked),
        id: account.id,
        email: account.email,
        email_verified: account.email_verified,
        phone: account.phone,
        phone_verified: account.phone_verified,
        level: account.level,
        pending,
        refused,
        lock,
        second_factor,
        sessions,
    };
    print_shown(&shown, json)
}

#[cfg(test)]
mod tests {
    use super::mask;

    #[test]
    fn masks_all_but_the_last_digits() {
        assert_eq!(mask("112-233-446 96"), "***-***-*46 96");
        assert_eq!(mask("770000000156"), "********0156");
        assert_eq!(mask("4511 110011"), "**** **0011");
        assert_eq!(mask("12"), "12");
    }
}
