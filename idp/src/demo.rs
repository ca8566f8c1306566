//! Demo data for `idp serve --demo`, seeded idempotently.

use crate::accounts::{self, AccountError, NewAccount};
use crate::clients::{ClientError, NewClient};
use crate::credentials::{password, totp};
use crate::ctx::Ctx;
use crate::model::{
    AccountLevel, MedicalWorker, Membership, OrgEvent, OrgKind, Organization, Passport, Profile,
    Role, SecondFactor, SecondFactorRecord, Secret, Verification, VerificationStatus,
};
use crate::orgs::Orgs;

pub const PASSWORD: &str = "Demo-pass1!";
pub const CLIENT_ID: &str = "medcabinet";
pub const CLIENT_SECRET: &str = "medcabinet-secret";
pub const REDIRECT_URI: &str = "http://127.0.0.1:8090/callback";
pub const POST_LOGOUT_URI: &str = "http://127.0.0.1:8090/";
/// A second confidential client and a public one, for the conformance suite.
pub const CONFORMANCE_2_ID: &str = "conformance-2";
pub const CONFORMANCE_2_SECRET: &str = "conformance-2-secret";
pub const CONFORMANCE_PUBLIC_ID: &str = "conformance-public";

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

/// An employee of a demo organization: e-mail, roles, and for a medical
/// worker (specialty, position).
pub type DemoEmployee = (
    &'static str,
    &'static [Role],
    Option<(&'static str, &'static str)>,
);

/// A demo organization and its employees, its head first.
pub struct DemoOrg {
    pub kind: OrgKind,
    pub full_name: &'static str,
    pub short_name: &'static str,
    pub ogrn: &'static str,
    pub inn: &'static str,
    pub kpp: &'static str,
    pub address: &'static str,
    pub medical: bool,
    pub staff: &'static [DemoEmployee],
}

/// The clinic of the seeds, with each role, and a second organization
/// that `twoorgs@demo.vhod` also works for.
pub const ORGANIZATIONS: [DemoOrg; 2] = [
    DemoOrg {
        kind: OrgKind::LegalEntity,
        full_name: "Государственное бюджетное учреждение здравоохранения «Городская поликлиника № 1»",
        short_name: "ГБУЗ «Городская поликлиника № 1»",
        ogrn: "1027700000019",
        inn: "7701000019",
        kpp: "770101001",
        address: "г. Москва, ул. Здоровья, д. 1",
        medical: true,
        staff: &[
            (CONFIRMED, &[Role::Admin], None),
            (MANAGER, &[Role::Manager], None),
            (
                DOCTOR,
                &[Role::Specialist],
                Some(("therapist", "врач-терапевт участковый")),
            ),
            (NURSE, &[Role::Specialist], None),
            (TWO_ORGS, &[Role::Specialist], None),
        ],
    },
    DemoOrg {
        kind: OrgKind::LegalEntity,
        full_name: "Общество с ограниченной ответственностью «Лаборатория «Анализ»»",
        short_name: "ООО «Лаборатория «Анализ»»",
        ogrn: "1027700000020",
        inn: "7701000026",
        kpp: "770201001",
        address: "г. Москва, ул. Лабораторная, д. 2",
        medical: true,
        staff: &[(TWO_ORGS, &[Role::Admin], None)],
    },
];

/// The operator the demo's changes are journaled under.
const DEMO_OPERATOR: &str = "demo";

/// A simplified account with an authenticator app as its second factor.
pub const TWO_FACTOR: &str = "twofactor@demo.vhod";

/// When the demo's pending check gets its answer.
pub const PENDING_CHECK_AFTER_SECS: i64 = 24 * 3600;

/// Seeds what is missing; returns lines describing the demo data. Refuses a
/// PostgreSQL database that holds other accounts: the demo password is
/// published, and a production database must never get accounts with it.
pub async fn seed(ctx: &Ctx) -> anyhow::Result<Vec<String>> {
    let hash = tokio::task::spawn_blocking(|| password::hash(&Secret::new(PASSWORD))).await??;
    seed_with(ctx, &hash).await
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
    lines.push(seed_two_factor(ctx, password_hash).await?);
    lines.extend(seed_organizations(ctx).await?);
    let cabinet = NewClient {
        id: CLIENT_ID.into(),
        name: "Медицинский кабинет (демо)".into(),
        public: false,
        secret: Some(Secret::new(CLIENT_SECRET)),
        redirect_uris: vec![REDIRECT_URI.into()],
        post_logout_redirect_uris: vec![POST_LOGOUT_URI.into()],
        scopes: None,
        skip_consent: false,
        min_account_level: None,
        min_aal: None,
        id_token_alg: "RS256".into(),
        access_token_alg: None,
        backchannel_logout_uri: None,
    };
    let second = NewClient {
        id: CONFORMANCE_2_ID.into(),
        name: "Conformance suite, second client".into(),
        secret: Some(Secret::new(CONFORMANCE_2_SECRET)),
        ..cabinet.clone()
    };
    let public = NewClient {
        id: CONFORMANCE_PUBLIC_ID.into(),
        name: "Conformance suite, public client".into(),
        public: true,
        secret: None,
        ..cabinet.clone()
    };
    for client in [cabinet, second, public] {
        let line = match &client.secret {
            Some(secret) => format!("client   {} secret {}", client.id, secret.expose()),
            None => format!("client   {} (public, PKCE)", client.id),
        };
        match ctx.clients.register(client, now).await {
            Ok(_) | Err(ClientError::Exists(_)) => {}
            Err(e) => return Err(e.into()),
        }
        lines.push(line);
    }
    lines.push(format!(
        "redirect {REDIRECT_URI}  post-logout {POST_LOGOUT_URI}"
    ));
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

/// The demo organizations and their staff, unless there already.
async fn seed_organizations(ctx: &Ctx) -> anyhow::Result<Vec<String>> {
    let now = ctx.now();
    let orgs = Orgs::admin(&ctx.sql, &ctx.audit, now);
    let mut lines = Vec::new();
    for demo in &ORGANIZATIONS {
        let Some((first, rest)) = demo.staff.split_first() else {
            anyhow::bail!("a demo organization needs its head first among its staff");
        };
        let account = |email: &str| {
            let email = email.to_owned();
            async move {
                ctx.sql
                    .account_by_login(&email)
                    .await?
                    .ok_or_else(|| anyhow::anyhow!("demo account {email} is missing"))
            }
        };
        if ctx.sql.organization_by_ogrn(demo.ogrn).await?.is_none() {
            let head = account(first.0).await?;
            let org = Organization {
                id: uuid::Uuid::new_v4().to_string(),
                kind: demo.kind,
                full_name: demo.full_name.into(),
                short_name: demo.short_name.into(),
                ogrn: demo.ogrn.into(),
                inn: demo.inn.into(),
                kpp: Some(demo.kpp.into()),
                legal_address: demo.address.into(),
                actual_address: demo.address.into(),
                medical: demo.medical,
                head_account_id: head.id.clone(),
                created_at: now,
            };
            // Seeded as registered by its head, without a signature.
            let founder = Membership {
                org_id: org.id.clone(),
                account_id: org.head_account_id.clone(),
                roles: first.1.iter().copied().collect(),
                medical_worker: None,
                since: now,
            };
            let event = OrgEvent {
                seq: 0,
                org_id: org.id.clone(),
                at: now,
                event: crate::audit::events::ORG_REGISTERED.into(),
                actor: crate::orgs::Actor::Operator(DEMO_OPERATOR).name(),
                detail: serde_json::json!({"head": crate::orgs::full_name(&head), "certificate": "demo"}),
            };
            ctx.sql.insert_organization(&org, &founder, &event).await?;
            for (email, roles, worker) in rest {
                let worker = worker.map(|(specialty, position)| MedicalWorker {
                    specialty: specialty.into(),
                    position: position.into(),
                });
                let roles = roles.iter().copied().collect();
                orgs.add_member(
                    DEMO_OPERATOR,
                    &org.id,
                    &account(email).await?,
                    roles,
                    worker,
                )
                .await?;
            }
        }
        let staff: Vec<String> = demo
            .staff
            .iter()
            .map(|(email, roles, _)| {
                let roles: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
                format!("{email} ({})", roles.join(", "))
            })
            .collect();
        lines.push(format!(
            "org      {} OGRN {}: {}",
            demo.short_name,
            demo.ogrn,
            staff.join(", ")
        ));
    }
    Ok(lines)
}

/// `twofactor@demo.vhod` with an authenticator app; the line prints its
/// TOTP secret, to be typed into any app.
async fn seed_two_factor(ctx: &Ctx, password_hash: &str) -> anyhow::Result<String> {
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

/// In demo mode with no CA configured, trusts the demo CA (see
/// [`demo_ca`]), so the demo certificates confirm identities and log in by
/// certificate. Returns lines describing its files.
pub fn trust_demo_ca(config: &mut crate::config::Config) -> anyhow::Result<Vec<String>> {
    if !config.demo || !config.esign_ca_files.is_empty() {
        return Ok(Vec::new());
    }
    let (ca, lines) = demo_ca(&config.data_dir)?;
    config.esign_ca_files.push(ca);
    Ok(lines)
}

/// The demo certificate authority under `<data_dir>/demo-ca/` (made on first
/// use, kept after): its certificate to trust, and certificates with keys for
/// `standard@demo.vhod` and `confirmed@demo.vhod` (to confirm the first by
/// signature and to log in to both by certificate, by hand), and two
/// organizations' certificates in the name of `confirmed@demo.vhod` as their
/// head (to try registering an organization by hand). Returns the CA
/// certificate's path and lines describing the files.
pub fn demo_ca(data_dir: &std::path::Path) -> anyhow::Result<(std::path::PathBuf, Vec<String>)> {
    use esign::testca::{Holder, KeyKind, TestCa};
    let dir = data_dir.join("demo-ca");
    std::fs::create_dir_all(&dir)?;
    let (ca_pem, ca_key) = (dir.join("ca.pem"), dir.join("ca.key"));
    let ca = if ca_pem.exists() && ca_key.exists() {
        TestCa::load(
            &std::fs::read_to_string(&ca_pem)?,
            &std::fs::read_to_string(&ca_key)?,
        )
        .map_err(|e| anyhow::anyhow!("{}: {e}", ca_pem.display()))?
    } else {
        let ca = TestCa::root("Демонстрационный УЦ Вход", KeyKind::P256)
            .map_err(|e| anyhow::anyhow!("demo CA: {e}"))?;
        std::fs::write(&ca_pem, ca.certificate_pem())?;
        crate::keyring::write_private_file(&ca_key, &ca.private_key_pem())
            .map_err(|e| anyhow::anyhow!("{}: {e}", ca_key.display()))?;
        ca
    };
    let mut lines = vec![format!(
        "demo CA  {} (trusted in demo mode)",
        ca_pem.display()
    )];
    let confirmed = || {
        Holder::person(
            "Подтверждёнов",
            "Иван Сергеевич",
            "11223344797",
            "770000000220",
        )
    };
    let clinic = &ORGANIZATIONS[0];
    let certificates = [
        (
            "standard",
            "standard@demo.vhod",
            Holder::person(
                "Стандартова",
                "Анна Ивановна",
                "11223344696",
                "770000000156",
            ),
        ),
        ("confirmed", CONFIRMED, confirmed()),
        // The seeded clinic in its head's name: registering it again is
        // refused as a duplicate OGRN.
        (
            "clinic",
            "the clinic, head confirmed@demo.vhod",
            Holder::organization(clinic.short_name, clinic.ogrn, clinic.inn, confirmed()),
        ),
        // An organization not yet registered: its head can register it at
        // /orgs/new by hand.
        (
            "company",
            "ООО «Ромашка» (not registered; OGRN 1027700000030, INN 7701000033), head confirmed@demo.vhod",
            Holder::organization("ООО «Ромашка»", "1027700000030", "7701000033", confirmed()),
        ),
    ];
    for (name, whose, holder) in certificates {
        let (cert, key) = (
            dir.join(format!("{name}.pem")),
            dir.join(format!("{name}.key")),
        );
        if !cert.exists() || !key.exists() {
            let issued = ca
                .issue(&holder)
                .map_err(|e| anyhow::anyhow!("demo certificate: {e}"))?;
            std::fs::write(&cert, &issued.certificate_pem)?;
            crate::keyring::write_private_file(&key, &issued.private_key_pem)
                .map_err(|e| anyhow::anyhow!("{}: {e}", key.display()))?;
        }
        lines.push(format!(
            "cert     {whose}: {} with key {}",
            cert.display(),
            key.display()
        ));
    }
    Ok((ca_pem, lines))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_ca_signs_what_it_trusts_and_survives_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let (ca, lines) = demo_ca(dir.path()).unwrap();
        assert_eq!(lines.len(), 5);
        let first = std::fs::read_to_string(&ca).unwrap();
        let (again, _) = demo_ca(dir.path()).unwrap();
        assert_eq!(
            std::fs::read_to_string(again).unwrap(),
            first,
            "kept, not remade"
        );
        let anchors = esign::TrustAnchors::new([first.as_bytes()]).unwrap();
        let ca_dir = dir.path().join("demo-ca");
        let key = std::fs::read_to_string(ca_dir.join("standard.key")).unwrap();
        let (signature, _) = esign::sign_challenge(&key, "demo").unwrap();
        let signed = esign::SignedChallenge {
            certificate: std::fs::read(ca_dir.join("standard.pem")).unwrap(),
            intermediates: Vec::new(),
            signature,
        };
        let subject =
            esign::verify(&anchors, "demo", &signed, chrono::Utc::now().timestamp()).unwrap();
        assert_eq!(subject.snils.as_deref(), Some("11223344696"));
        assert_eq!(subject.surname.as_deref(), Some("Стандартова"));
        // The organization's certificate names it and its head.
        let key = std::fs::read_to_string(ca_dir.join("company.key")).unwrap();
        let (signature, _) = esign::sign_challenge(&key, "demo").unwrap();
        let signed = esign::SignedChallenge {
            certificate: std::fs::read(ca_dir.join("company.pem")).unwrap(),
            intermediates: Vec::new(),
            signature,
        };
        let subject =
            esign::verify(&anchors, "demo", &signed, chrono::Utc::now().timestamp()).unwrap();
        assert_eq!(subject.ogrn.as_deref(), Some("1027700000030"));
        assert_eq!(subject.inn_le.as_deref(), Some("7701000033"));
        assert_eq!(subject.snils.as_deref(), Some("11223344797"));
    }
}
