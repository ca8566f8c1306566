//! The demo organizations: the clinic with each role, and a laboratory.

use super::DEMO_OPERATOR;
use super::accounts::{CONFIRMED, DOCTOR, MANAGER, NURSE, TWO_ORGS};
use crate::ctx::Ctx;
use crate::model::{MedicalWorker, Membership, OrgEvent, OrgKind, Organization, Role};
use crate::orgs::Orgs;

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
/// The demo organizations and their staff, unless there already.
pub(super) async fn seed(ctx: &Ctx) -> anyhow::Result<Vec<String>> {
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
                detail: serde_json::json!({"head": head.full_name(), "certificate": "demo"}),
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
