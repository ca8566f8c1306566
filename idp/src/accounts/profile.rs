//! «Мои данные» and the way to a standard account: the person fills in the
//! profile, sends it to be checked against the state registries, and a
//! background job (any node, after `registry_delay_secs`) records the
//! answer and tells the person through the outbox. The account's data is
//! the CHECKED data only: an edit waits beside it as a pending check, and
//! replaces it only when the check passes (then the level follows: see
//! `SqlStore::finish_verification`). While a check is pending the edit is
//! read-only; editing supersedes the pending check, whose answer is then
//! ignored.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::audit::{Entry, events};
use crate::clock::UnixTime;
use crate::ctx::Ctx;
use crate::delivery::{self, Message, Prefer, Unverified};
use crate::identifiers::{self, Invalid};
use crate::jobs::JobError;
use crate::messages::{Check, Notice};
use crate::model::{
    Account, AccountLevel, CheckReason, Passport, PersonalNumber, Profile, Verification,
    VerificationStatus,
};
use crate::registries::Verdict;
use crate::sessions::{self, EndReason};
use crate::store::StoreError;
use crate::store::sql::Finished;

/// Check a profile (payload: [`VerifyJob`]).
pub const VERIFY: &str = "verify_profile";

/// The profile form's fields, in form order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileField {
    LastName,
    FirstName,
    MiddleName,
    Gender,
    Birthdate,
    Birthplace,
    Snils,
    PassportSeries,
    PassportNumber,
    PassportIssued,
    PassportIssuer,
    PassportIssuerCode,
    Inn,
}

impl ProfileField {
    /// The form field name.
    pub fn name(self) -> &'static str {
        match self {
            Self::LastName => "last_name",
            Self::FirstName => "first_name",
            Self::MiddleName => "middle_name",
            Self::Gender => "gender",
            Self::Birthdate => "birthdate",
            Self::Birthplace => "birthplace",
            Self::Snils => "snils",
            Self::PassportSeries => "passport_series",
            Self::PassportNumber => "passport_number",
            Self::PassportIssued => "passport_issued",
            Self::PassportIssuer => "passport_issuer",
            Self::PassportIssuerCode => "passport_issuer_code",
            Self::Inn => "inn",
        }
    }

    pub const ALL: [ProfileField; 13] = [
        Self::LastName,
        Self::FirstName,
        Self::MiddleName,
        Self::Gender,
        Self::Birthdate,
        Self::Birthplace,
        Self::Snils,
        Self::PassportSeries,
        Self::PassportNumber,
        Self::PassportIssued,
        Self::PassportIssuer,
        Self::PassportIssuerCode,
        Self::Inn,
    ];
}

#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    /// Each wrong field with its reason.
    #[error("{} field(s) are wrong", .0.len())]
    Invalid(Vec<(ProfileField, Invalid)>),
    /// A check is pending: the data is read-only.
    #[error("a verification is pending")]
    Pending,
    /// Another account has this SNILS or INN checked.
    #[error("the SNILS or INN belongs to another account")]
    Taken,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What the form sent, by field name.
pub type Form<'a> = dyn Fn(ProfileField) -> &'a str + 'a;

fn free_text(text: &str, max: usize) -> Result<String, Invalid> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Invalid::Empty);
    }
    if text.chars().count() > max {
        return Err(Invalid::TooLong(max));
    }
    if text.chars().any(char::is_control) {
        return Err(Invalid::NameCharacters);
    }
    Ok(text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Checks every field; all the wrong ones are reported at once.
pub fn validate(
    form: &Form<'_>,
    today: NaiveDate,
) -> Result<Profile, Vec<(ProfileField, Invalid)>> {
    use ProfileField as F;
    let mut wrong = Vec::new();
    let mut check = |field: F, f: &dyn Fn(&str) -> Result<String, Invalid>| -> Option<String> {
        f(form(field)).map_err(|e| wrong.push((field, e))).ok()
    };
    let optional = |f: fn(&str) -> Result<String, Invalid>| {
        move |text: &str| {
            if text.trim().is_empty() {
                Ok(String::new())
            } else {
                f(text)
            }
        }
    };
    let date = |text: &str| identifiers::past_date(text, today).map(|d| d.to_string());
    let last = check(F::LastName, &identifiers::name);
    let first = check(F::FirstName, &identifiers::name);
    let middle = check(F::MiddleName, &optional(identifiers::name));
    let gender = check(F::Gender, &|text| match text.trim() {
        "male" | "female" => Ok(text.trim().to_owned()),
        "" => Err(Invalid::Empty),
        _ => Err(Invalid::Gender),
    });
    let birthdate = check(F::Birthdate, &date);
    let birthplace = check(F::Birthplace, &|t| free_text(t, 200));
    let snils = check(F::Snils, &identifiers::snils);
    let series = check(F::PassportSeries, &identifiers::passport_series);
    let number = check(F::PassportNumber, &identifiers::passport_number);
    let issued = check(F::PassportIssued, &date);
    let issuer = check(F::PassportIssuer, &|t| free_text(t, 200));
    let code = check(F::PassportIssuerCode, &identifiers::issuer_code);
    let inn = check(F::Inn, &optional(identifiers::personal_inn));
    if let (Some(born), Some(issued)) = (&birthdate, &issued)
        && issued < born
    {
        wrong.push((F::PassportIssued, Invalid::BeforeBirth));
    }
    let nonempty = |s: Option<String>| s.filter(|s| !s.is_empty());
    match (last, first, birthdate, series, number, issued, issuer, code) {
        (
            Some(last),
            Some(first),
            Some(birthdate),
            Some(series),
            Some(number),
            Some(issued_on),
            Some(issuer),
            Some(issuer_code),
        ) if wrong.is_empty() => Ok(Profile {
            family_name: last,
            given_name: first,
            middle_name: nonempty(middle),
            gender,
            birthdate: Some(birthdate),
            birthplace,
            snils,
            inn: nonempty(inn),
            passport: Some(Passport {
                series,
                number,
                issued_on,
                issuer,
                issuer_code,
            }),
        }),
        _ => Err(wrong),
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub struct VerifyJob {
    pub verification: String,
}

/// Sends the profile to be checked; the account's checked data stays until
/// the check passes. Refused while a check is pending (the edit is
/// read-only then), and when another account has the SNILS or INN checked.
pub async fn submit(
    ctx: &Ctx,
    account_id: &str,
    form: &Form<'_>,
    today: NaiveDate,
) -> Result<Verification, ProfileError> {
    if let Some(latest) = ctx.sql.latest_verification(account_id).await?
        && latest.status == VerificationStatus::Pending
    {
        return Err(ProfileError::Pending);
    }
    let profile = validate(form, today).map_err(ProfileError::Invalid)?;
    if ctx.sql.number_holder(account_id, &profile).await?.is_some() {
        return Err(ProfileError::Taken);
    }
    let now = ctx.now();
    let verification = Verification {
        id: uuid::Uuid::new_v4().to_string(),
        account_id: account_id.to_owned(),
        status: VerificationStatus::Pending,
        data: profile.clone(),
        mismatches: Vec::new(),
        requested_at: now,
        finished_at: None,
    };
    ctx.sql.submit_profile(&verification, now).await?;
    let job = VerifyJob {
        verification: verification.id.clone(),
    };
    ctx.jobs
        .enqueue(VERIFY, &job, now + ctx.config.registry_delay_secs)
        .await?;
    ctx.audit
        .record(
            Entry::new(events::VERIFICATION_REQUESTED)
                .account(account_id)
                .detail(serde_json::json!({"verification": verification.id})),
            now,
        )
        .await;
    Ok(verification)
}

/// Makes the data editable again: a pending check is superseded.
pub async fn edit(ctx: &Ctx, account_id: &str) -> Result<(), StoreError> {
    let now = ctx.now();
    if ctx.sql.cancel_verification(account_id, now).await? > 0 {
        ctx.audit
            .record(
                Entry::new(events::VERIFICATION_CANCELLED).account(account_id),
                now,
            )
            .await;
    }
    Ok(())
}

/// The account as its home page shows it: who, at which level, and what
/// raises the level next.
pub struct Overview {
    pub account: Account,
    pub next: super::levels::NextStep,
}

/// The home page's facts of `account_id`; `None` for an account gone.
pub async fn overview(ctx: &Ctx, account_id: &str) -> Result<Option<Overview>, StoreError> {
    let Some(account) = ctx.sql.account(account_id).await? else {
        return Ok(None);
    };
    let check = ctx.sql.latest_verification(account_id).await?;
    let next = super::levels::next_step(account.level, check.map(|v| v.status));
    Ok(Some(Overview { account, next }))
}

/// The verification job: asks the registries, records the answer (unless
/// superseded), raises the level, tells the person.
pub async fn run_check(ctx: &Ctx, payload: &str) -> Result<(), JobError> {
    let job: VerifyJob =
        serde_json::from_str(payload).map_err(|e| JobError::Permanent(e.to_string()))?;
    let store = |e: StoreError| JobError::Retry(e.to_string());
    let Some(verification) = ctx
        .sql
        .verification(&job.verification)
        .await
        .map_err(store)?
    else {
        return Ok(());
    };
    if verification.status != VerificationStatus::Pending {
        return Ok(());
    }
    let verdict = ctx.registries.check(&verification.data).await?;
    let (passed, mismatches) = match verdict {
        Verdict::Confirmed => (true, Vec::new()),
        Verdict::Refused(reasons) => (false, reasons),
    };
    let now = ctx.now();
    let finished = ctx
        .sql
        .finish_verification(
            &verification.id,
            passed,
            &mismatches,
            now,
            super::levels::after_check,
        )
        .await
        .map_err(store)?;
    let account = verification.account_id.as_str();
    let journal = |event: &'static str, detail: serde_json::Value| {
        Entry::new(event).account(account).detail(detail)
    };
    let id = &verification.id;
    let (entry, outcome) = match finished {
        Finished::Superseded => return Ok(()),
        Finished::Refused => (
            journal(
                events::VERIFICATION_FAILED,
                serde_json::json!({"verification": id, "mismatches": mismatches}),
            ),
            Outcome::Refused(mismatches),
        ),
        Finished::Duplicate {
            other_account,
            number,
        } => (
            journal(
                events::VERIFICATION_DUPLICATE,
                serde_json::json!({
                    "verification": id,
                    "number": number_name(number),
                    "other_account": other_account,
                }),
            ),
            Outcome::Refused(vec![CheckReason::number_taken(number)]),
        ),
        Finished::Passed { from, to } => (
            journal(
                events::VERIFICATION_PASSED,
                serde_json::json!({"verification": id, "level": to.as_str()}),
            ),
            Outcome::Passed { from, to },
        ),
    };
    ctx.audit.record(entry, now).await;
    if let Outcome::Passed { from, to } = outcome
        && to < from
    {
        let detail = serde_json::json!({
            "from": from.as_str(),
            "to": to.as_str(),
            "verification": id,
            "reason": "identity_changed",
        });
        ctx.audit
            .record(journal(events::ACCOUNT_LEVEL_LOWERED, detail), now)
            .await;
        // Every session and grant carries the level it had at login: none
        // may go on saying `confirmed` beside an identity nobody confirmed.
        sessions::end_all(ctx, account, None, EndReason::LevelLowered)
            .await
            .map_err(store)?;
    }
    notify(ctx, account, &outcome).await.map_err(store)
}

/// What the person is told of a check.
enum Outcome {
    Passed {
        from: AccountLevel,
        to: AccountLevel,
    },
    Refused(Vec<CheckReason>),
}

fn number_name(number: PersonalNumber) -> &'static str {
    match number {
        PersonalNumber::Snils => "snils",
        PersonalNumber::Inn => "inn",
    }
}

async fn notify(ctx: &Ctx, account_id: &str, outcome: &Outcome) -> Result<(), StoreError> {
    let Some(account) = ctx.sql.account(account_id).await? else {
        return Ok(());
    };
    let check = match outcome {
        Outcome::Passed {
            from: AccountLevel::Simplified,
            ..
        } => Check::Promoted,
        Outcome::Passed { from, to } if to < from => Check::Demoted,
        Outcome::Passed { .. } => Check::Updated,
        Outcome::Refused(reasons) => Check::Refused(reasons),
    };
    let words = Notice::Checked(check).words();
    let Some((kind, to)) = delivery::contact(&account, Prefer::Email, Unverified::Allowed) else {
        return Ok(());
    };
    ctx.queue_message(&Message::notice(kind, to, words)).await
}

/// Whether `account`'s SNILS (or INN) may stand for it, so that a
/// certificate carrying it reaches the account. The numbers on an account
/// are checked by construction (a passed registry check, or an admin, or
/// the demo, created the account with them; an edit waits beside them until
/// its check passes), so only the level is left to ask: never below
/// standard.
pub fn number_checked(account: &Account, number: PersonalNumber) -> bool {
    let ours = match number {
        PersonalNumber::Snils => &account.snils,
        PersonalNumber::Inn => &account.inn,
    };
    ours.is_some() && account.level >= AccountLevel::Standard
}

/// Seconds since the epoch as a calendar day (UTC), for date checks.
pub fn today(now: UnixTime) -> NaiveDate {
    chrono::DateTime::from_timestamp(now, 0).map_or(NaiveDate::MIN, |t| t.date_naive())
}

#[cfg(test)]
mod tests;
