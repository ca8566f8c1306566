//! «Мои данные» and the way to a standard account: the person fills in the
//! profile, sends it to be checked against the state registries, and a
//! background job (any node, after `registry_delay_secs`) records the
//! answer, raises the account to standard on success and tells the person
//! through the outbox. While a check is pending the data is read-only;
//! editing supersedes the pending check, whose answer is then ignored.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::audit::{Entry, events};
use crate::clock::UnixTime;
use crate::delivery::{self, Kind, Message};
use crate::identifiers::{self, Invalid};
use crate::jobs::{self, JobError};
use crate::model::{
    Account, AccountLevel, Passport, PersonalNumber, Profile, Verification, VerificationStatus,
};
use crate::registries::Verdict;
use crate::store::{SqlStore, StoreError};

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

    /// The Russian label.
    pub fn label(self) -> &'static str {
        match self {
            Self::LastName => "Фамилия",
            Self::FirstName => "Имя",
            Self::MiddleName => "Отчество",
            Self::Gender => "Пол",
            Self::Birthdate => "Дата рождения",
            Self::Birthplace => "Место рождения",
            Self::Snils => "СНИЛС",
            Self::PassportSeries => "Серия паспорта",
            Self::PassportNumber => "Номер паспорта",
            Self::PassportIssued => "Дата выдачи паспорта",
            Self::PassportIssuer => "Кем выдан",
            Self::PassportIssuerCode => "Код подразделения",
            Self::Inn => "ИНН",
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
    /// The SNILS or INN belongs to another account.
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

/// Saves the profile and sends it to be checked. Refused while a check is
/// pending (the data is read-only then).
pub async fn submit(
    app: &AppState,
    account_id: &str,
    form: &Form<'_>,
    today: NaiveDate,
) -> Result<Verification, ProfileError> {
    if let Some(latest) = app.sql.latest_verification(account_id).await?
        && latest.status == VerificationStatus::Pending
    {
        return Err(ProfileError::Pending);
    }
    let profile = validate(form, today).map_err(ProfileError::Invalid)?;
    let now = app.now();
    let verification = Verification {
        id: uuid::Uuid::new_v4().to_string(),
        account_id: account_id.to_owned(),
        status: VerificationStatus::Pending,
        data: profile.clone(),
        mismatches: Vec::new(),
        requested_at: now,
        finished_at: None,
    };
    match app
        .sql
        .submit_profile(account_id, &profile, &verification, now)
        .await
    {
        Err(StoreError::Conflict(_)) => return Err(ProfileError::Taken),
        other => other?,
    }
    let job = VerifyJob {
        verification: verification.id.clone(),
    };
    jobs::enqueue(app, VERIFY, &job, now + app.config.registry_delay_secs).await?;
    app.audit
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
pub async fn edit(app: &AppState, account_id: &str) -> Result<(), StoreError> {
    let now = app.now();
    if app.sql.cancel_verification(account_id, now).await? > 0 {
        app.audit
            .record(
                Entry::new(events::VERIFICATION_CANCELLED).account(account_id),
                now,
            )
            .await;
    }
    Ok(())
}

/// The verification job: asks the registries, records the answer (unless
/// superseded), raises the level, tells the person.
pub async fn run_check(app: &AppState, payload: &str) -> Result<(), JobError> {
    let job: VerifyJob =
        serde_json::from_str(payload).map_err(|e| JobError::Permanent(e.to_string()))?;
    let store = |e: StoreError| JobError::Retry(e.to_string());
    let Some(verification) = app
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
    let verdict = app.registries.check(&verification.data).await?;
    let (passed, mismatches) = match verdict {
        Verdict::Confirmed => (true, Vec::new()),
        Verdict::Refused(reasons) => (false, reasons),
    };
    let now = app.now();
    let recorded = app
        .sql
        .finish_verification(&verification.id, passed, &mismatches, now)
        .await
        .map_err(store)?;
    if !recorded {
        return Ok(());
    }
    let event = if passed {
        events::VERIFICATION_PASSED
    } else {
        events::VERIFICATION_FAILED
    };
    app.audit
        .record(
            Entry::new(event).account(&verification.account_id).detail(
                serde_json::json!({"verification": verification.id, "mismatches": mismatches}),
            ),
            now,
        )
        .await;
    notify(app, &verification.account_id, passed, &mismatches)
        .await
        .map_err(store)
}

async fn notify(
    app: &AppState,
    account_id: &str,
    passed: bool,
    mismatches: &[String],
) -> Result<(), StoreError> {
    let Some(account) = app.sql.account(account_id).await? else {
        return Ok(());
    };
    let text = if passed {
        "Проверка данных завершена успешно: ваша учётная запись стала стандартной. \
         Порталы увидят новый уровень после того, как вы войдёте заново. \
         Чтобы получить подтверждённую учётную запись, подтвердите личность."
            .to_owned()
    } else {
        format!(
            "Проверка данных не пройдена: {}. Исправьте данные в разделе «Мои данные» и отправьте их на проверку ещё раз.",
            mismatches.join("; ")
        )
    };
    let (kind, to) = match (&account.email, &account.phone) {
        (Some(email), _) => (Kind::Email, email.clone()),
        (None, Some(phone)) => (Kind::Sms, phone.clone()),
        (None, None) => return Ok(()),
    };
    delivery::send(
        app,
        &Message {
            kind,
            to,
            subject: "Результат проверки данных".into(),
            text,
            code: None,
            link: None,
        },
    )
    .await
}

/// Whether a check vouches for `account`'s SNILS (or INN), so that a
/// certificate carrying it may stand for the account. Never below standard.
/// For a standard or confirmed account: when it is the number of the newest
/// passed registry check, or, for an account that never sent its profile to
/// be checked, the one an admin (or the demo) created it with. A number
/// typed into the profile since is vouched for only once its check passes.
pub async fn number_checked(
    sql: &SqlStore,
    account: &Account,
    number: PersonalNumber,
) -> Result<bool, StoreError> {
    let of = |snils: &Option<String>, inn: &Option<String>| match number {
        PersonalNumber::Snils => snils.as_deref().map(crate::certs::digits),
        PersonalNumber::Inn => inn.as_deref().map(crate::certs::digits),
    };
    let Some(ours) = of(&account.snils, &account.inn) else {
        return Ok(false);
    };
    if account.level < AccountLevel::Standard {
        return Ok(false);
    }
    let vouched = match sql.latest_passed_verification(&account.id).await? {
        Some(passed) => of(&passed.data.snils, &passed.data.inn),
        None if sql.latest_verification(&account.id).await?.is_none() => Some(ours.clone()),
        None => None,
    };
    Ok(vouched == Some(ours))
}

/// Seconds since the epoch as a calendar day (UTC), for date checks.
pub fn today(now: UnixTime) -> NaiveDate {
    chrono::DateTime::from_timestamp(now, 0).map_or(NaiveDate::MIN, |t| t.date_naive())
}
