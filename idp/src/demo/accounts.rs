//! The demo accounts: people at each level, one waiting for its registry
//! check, one with an authenticator app.

use super::PASSWORD;
use crate::accounts::{self, AccountError, NewAccount};
use crate::credentials::totp;
use crate::ctx::Ctx;
use crate::model::{
    AccountLevel, Passport, Profile, SecondFactor, SecondFactorRecord, Verification,
    VerificationStatus,
};

/// A demo account: everything about it written out, so adding one touches
/// nothing else.
#[derive(Debug, Clone, Copy)]
pub struct DemoAccount {
    pub email: &'static str,
    pub phone: &'static str,
    pub level: AccountLevel,
    pub family_name: &'static str,
    pub given_name: &'static str,
    pub middle_name: &'static str,
    pub gender: &'static str,
    /// The profile of a standard or confirmed account (valid control
    /// digits, so the profile page accepts them).
    pub profile: Option<DemoProfile>,
}

/// Checked data: what a passed registry check would have left.
#[derive(Debug, Clone, Copy)]
pub struct DemoProfile {
    pub birthdate: &'static str,
    pub address: &'static str,
    pub snils: &'static str,
    pub inn: &'static str,
    /// Series and number, `XXXX XXXXXX` (issued in Moscow in 2015).
    pub passport: &'static str,
}

impl DemoProfile {
    /// The checked profile of the demo account `demo`.
    fn checked(&self, demo: &DemoAccount) -> Profile {
        let (series, number) = self.passport.split_once(' ').unwrap_or_default();
        Profile {
            family_name: demo.family_name.into(),
            given_name: demo.given_name.into(),
            middle_name: Some(demo.middle_name.into()),
            gender: Some(demo.gender.into()),
            birthdate: Some(self.birthdate.into()),
            birthplace: Some("г. Москва".into()),
            snils: Some(self.snils.into()),
            inn: Some(self.inn.into()),
            passport: Some(Passport {
                series: series.into(),
                number: number.into(),
                issued_on: "2015-06-01".into(),
                issuer: "ГУ МВД России по г. Москве".into(),
                issuer_code: "770-001".into(),
            }),
        }
    }
}

const fn person(
    email: &'static str,
    phone: &'static str,
    level: AccountLevel,
    (family_name, given_name, middle_name): (&'static str, &'static str, &'static str),
    gender: &'static str,
    profile: Option<DemoProfile>,
) -> DemoAccount {
    DemoAccount {
        email,
        phone,
        level,
        family_name,
        given_name,
        middle_name,
        gender,
        profile,
    }
}

const fn profile(
    birthdate: &'static str,
    address: &'static str,
    (snils, inn): (&'static str, &'static str),
    passport: &'static str,
) -> Option<DemoProfile> {
    Some(DemoProfile {
        birthdate,
        address,
        snils,
        inn,
        passport,
    })
}

pub const CONFIRMED: &str = "confirmed@demo.vhod";
pub const MANAGER: &str = "manager@demo.vhod";
pub const DOCTOR: &str = "doctor@demo.vhod";
pub const NURSE: &str = "nurse@demo.vhod";
pub const TWO_ORGS: &str = "twoorgs@demo.vhod";
const PENDING: &str = "pending@demo.vhod";

/// The demo accounts (password [`PASSWORD`]). `+7 999 000-00-09` is left
/// to no account: a test uses it as a near miss.
pub const ACCOUNTS: [DemoAccount; 8] = [
    person(
        "simple@demo.vhod",
        "+79990000000",
        AccountLevel::Simplified,
        ("Простов", "Пётр", "Петрович"),
        "male",
        None,
    ),
    person(
        "standard@demo.vhod",
        "+79990000001",
        AccountLevel::Standard,
        ("Стандартова", "Анна", "Ивановна"),
        "female",
        profile(
            "1981-02-11",
            "г. Москва, ул. Тверская, д. 11, кв. 2",
            ("112-233-446 96", "770000000156"),
            "4511 110011",
        ),
    ),
    person(
        CONFIRMED,
        "+79990000002",
        AccountLevel::Confirmed,
        ("Подтверждёнов", "Иван", "Сергеевич"),
        "male",
        profile(
            "1982-03-12",
            "г. Москва, ул. Тверская, д. 12, кв. 3",
            ("112-233-447 97", "770000000220"),
            "4512 120012",
        ),
    ),
    // Simplified, with its profile sent to the registries and the answer
    // due a day after seeding: what a pending check looks like.
    person(
        PENDING,
        "+79990000003",
        AccountLevel::Simplified,
        ("Ожидаева", "Полина", "Петровна"),
        "female",
        None,
    ),
    // The clinic's staff (see [`ORGANIZATIONS`]).
    person(
        MANAGER,
        "+79990000011",
        AccountLevel::Confirmed,
        ("Руководова", "Марина", "Викторовна"),
        "female",
        profile(
            "1975-05-20",
            "г. Москва, ул. Арбат, д. 5, кв. 10",
            ("112-233-450 92", "770000000300"),
            "4513 130013",
        ),
    ),
    person(
        DOCTOR,
        "+79990000012",
        AccountLevel::Confirmed,
        ("Докторов", "Алексей", "Николаевич"),
        "male",
        profile(
            "1979-09-03",
            "г. Москва, ул. Арбат, д. 7, кв. 21",
            ("112-233-451 93", "770000000477"),
            "4514 140014",
        ),
    ),
    person(
        NURSE,
        "+79990000013",
        AccountLevel::Confirmed,
        ("Сестрова", "Ольга", "Павловна"),
        "female",
        profile(
            "1990-12-01",
            "г. Москва, ул. Арбат, д. 9, кв. 4",
            ("112-233-452 94", "770000000540"),
            "4515 150015",
        ),
    ),
    person(
        TWO_ORGS,
        "+79990000014",
        AccountLevel::Confirmed,
        ("Совместителев", "Олег", "Игоревич"),
        "male",
        profile(
            "1985-04-17",
            "г. Москва, ул. Покровка, д. 3, кв. 8",
            ("112-233-453 95", "770000000614"),
            "4516 160016",
        ),
    ),
];

/// A simplified account with an authenticator app as its second factor.
pub const TWO_FACTOR: &str = "twofactor@demo.vhod";

/// When the demo's pending check gets its answer.
pub const PENDING_CHECK_AFTER_SECS: i64 = 24 * 3600;

/// Seeds the accounts of [`ACCOUNTS`] that are missing; a line for each.
pub(super) async fn seed(ctx: &Ctx, password_hash: &str) -> anyhow::Result<Vec<String>> {
    let now = ctx.now();
    let mut lines = Vec::new();
    for demo in ACCOUNTS {
        let new = NewAccount {
            email: Some(demo.email.into()),
            phone: Some(demo.phone.into()),
            family_name: demo.family_name.into(),
            given_name: demo.given_name.into(),
            middle_name: Some(demo.middle_name.into()),
            gender: Some(demo.gender.into()),
            birthdate: demo.profile.map(|p| p.birthdate.into()),
            address: demo.profile.map(|p| p.address.into()),
            snils: demo.profile.map(|p| p.snils.into()),
            inn: demo.profile.map(|p| p.inn.into()),
            level: Some(demo.level),
        };
        match accounts::create_hashed(&ctx.sql, new, password_hash.to_owned(), now).await {
            Ok(account) if demo.email == PENDING => start_pending_check(ctx, &account).await?,
            Ok(_) | Err(AccountError::Exists) => {}
            Err(e) => return Err(e.into()),
        }
        if let Some(profile) = &demo.profile {
            seed_checked_profile(ctx, &demo, profile.checked(&demo)).await?;
        }
        lines.push(format!(
            "account  {:<22} level {:<10} password {PASSWORD}",
            demo.email, demo.level
        ));
    }
    Ok(lines)
}

/// Gives a demo account its checked profile (a standard account without
/// checked data would contradict its level), unless it has a passport or
/// has sent a profile to be checked (a demo database from before this).
async fn seed_checked_profile(
    ctx: &Ctx,
    demo: &DemoAccount,
    profile: Profile,
) -> anyhow::Result<()> {
    let account = ctx
        .sql
        .account_by_login(demo.email)
        .await?
        .ok_or_else(|| anyhow::anyhow!("demo account {} is missing", demo.email))?;
    let has_passport = ctx
        .sql
        .profile(&account.id)
        .await?
        .is_some_and(|p| p.passport.is_some());
    if has_passport || ctx.sql.latest_verification(&account.id).await?.is_some() {
        return Ok(());
    }
    ctx.sql
        .put_checked_profile(&account.id, &profile, ctx.now())
        .await?;
    Ok(())
}
/// `twofactor@demo.vhod` with an authenticator app; the line prints its
/// TOTP secret, to be typed into any app.
pub(super) async fn seed_two_factor(ctx: &Ctx, password_hash: &str) -> anyhow::Result<String> {
    let now = ctx.now();
    let new = NewAccount {
        email: Some(TWO_FACTOR.into()),
        phone: Some("+79990000042".into()),
        family_name: "Двухфакторов".into(),
        given_name: "Дмитрий".into(),
        middle_name: Some("Олегович".into()),
        level: Some(AccountLevel::Simplified),
        ..Default::default()
    };
    let account = match accounts::create_hashed(&ctx.sql, new, password_hash.to_owned(), now).await
    {
        Ok(account) => account,
        Err(AccountError::Exists) => ctx
            .sql
            .account_by_login(TWO_FACTOR)
            .await?
            .ok_or_else(|| anyhow::anyhow!("{TWO_FACTOR} exists but cannot be found"))?,
        Err(e) => return Err(e.into()),
    };
    let secret = match ctx.sql.second_factor(&account.id).await? {
        Some(factor) => factor
            .sealed_secret
            .and_then(|sealed| totp::open(&ctx.master, &account.id, &sealed))
            .ok_or_else(|| anyhow::anyhow!("the TOTP secret of {TWO_FACTOR} cannot be opened"))?,
        None => {
            let secret = totp::new_secret();
            let factor = SecondFactorRecord {
                account_id: account.id.clone(),
                method: SecondFactor::Totp,
                sealed_secret: Some(totp::seal(&ctx.master, &account.id, &secret)),
                last_step: None,
                enabled_at: now,
            };
            ctx.sql.enable_second_factor(&factor, Vec::new()).await?;
            secret
        }
    };
    let base32 = totp::setup(&secret, TWO_FACTOR).secret_base32;
    Ok(format!(
        "account  {TWO_FACTOR:<22} level simplified password {PASSWORD}, then a code from an authenticator app with the TOTP secret {base32}"
    ))
}

/// Sends the profile of `account` to the registries, answered a day later.
async fn start_pending_check(ctx: &Ctx, account: &crate::model::Account) -> anyhow::Result<()> {
    let profile = Profile {
        family_name: account.family_name.clone(),
        given_name: account.given_name.clone(),
        middle_name: account.middle_name.clone(),
        gender: Some("female".into()),
        birthdate: Some("1992-07-14".into()),
        birthplace: Some("г. Самара".into()),
        snils: Some("123-456-780 55".into()),
        inn: None,
        passport: Some(Passport {
            series: "3612".into(),
            number: "456789".into(),
            issued_on: "2012-08-01".into(),
            issuer: "ОУФМС России по Самарской области".into(),
            issuer_code: "630-001".into(),
        }),
    };
    let now = ctx.now();
    let verification = Verification {
        id: uuid::Uuid::new_v4().to_string(),
        account_id: account.id.clone(),
        status: VerificationStatus::Pending,
        data: profile.clone(),
        mismatches: Vec::new(),
        requested_at: now,
        finished_at: None,
    };
    ctx.sql.submit_profile(&verification, now).await?;
    let job = crate::accounts::profile::VerifyJob {
        verification: verification.id,
    };
    ctx.jobs
        .enqueue(
            crate::accounts::profile::VERIFY,
            &job,
            now + PENDING_CHECK_AFTER_SECS,
        )
        .await?;
    Ok(())
}
