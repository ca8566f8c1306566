//! Use cases of organizations, run on `Ctx::for_tests()`: registration with
//! the organization's certificate, an invitation accepted, roles changed,
//! and the last admin kept. No server, no files.

use std::sync::Arc;

use esign::testca::{Holder, KeyKind, TestCa};

use super::invitations::{self, NewInvitation};
use super::registration::{self, Application, Signed};
use super::{Actor, OrgError, Orgs};
use crate::accounts::{self, NewAccount};
use crate::ctx::Ctx;
use crate::model::{Account, AccountLevel, Organization, Role, Roles};

const SNILS: &str = "112-233-445 95";
const INN: &str = "500100732259";

async fn account(ctx: &Ctx, email: &str, level: AccountLevel, snils: Option<&str>) -> Account {
    let new = NewAccount {
        email: Some(email.into()),
        family_name: "Иванова".into(),
        given_name: "Мария".into(),
        middle_name: Some("Петровна".into()),
        snils: snils.map(str::to_owned),
        inn: snils.map(|_| INN.to_owned()),
        level: Some(level),
        ..NewAccount::default()
    };
    // The hash is never checked here: no login in these tests.
    accounts::create_hashed(&ctx.sql, new, "unused".into(), ctx.now())
        .await
        .unwrap()
}

/// A context trusting a test CA, and the organization registered by a
/// confirmed head with its certificate.
async fn registered() -> (Ctx, Account, Organization) {
    let (mut ctx, _clock) = Ctx::for_tests().await;
    let ca = TestCa::root("Тестовый УЦ", KeyKind::P256).unwrap();
    let anchors = esign::TrustAnchors::new([ca.certificate_pem()]).unwrap();
    ctx.esign = Some(Arc::new(anchors));
    let head = account(
        &ctx,
        "head@example.ru",
        AccountLevel::Confirmed,
        Some(SNILS),
    )
    .await;
    let form = registration::tests::good();
    let person = Holder::person(
        "Иванова",
        "Мария Петровна",
        &SNILS.replace(['-', ' '], ""),
        INN,
    );
    let issued = ca
        .issue(&Holder::organization(
            form.short_name,
            form.ogrn,
            form.inn,
            person,
        ))
        .unwrap();
    let challenge = registration::challenge(&ctx, &head.id).await.unwrap();
    let (signature, _) = esign::sign_challenge(&issued.private_key_pem, &challenge).unwrap();
    let signed = Signed {
        certificate_pem: &issued.certificate_pem,
        signature: &signature,
    };
    let org = registration::register(&ctx, &head, &form, signed)
        .await
        .unwrap();
    (ctx, head, org)
}

#[tokio::test]
async fn a_confirmed_head_registers_the_organization_and_is_its_admin() {
    let (ctx, head, org) = registered().await;
    let membership = ctx
        .sql
        .membership(&org.id, &head.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(membership.roles, Roles::from([Role::Admin]));
    assert_eq!(org.head_account_id, head.id);
    let journal = ctx.sql.org_journal(&org.id, 10).await.unwrap();
    assert_eq!(journal.len(), 1, "{journal:?}");

    // A standard account may not register one.
    let standard = account(&ctx, "std@example.ru", AccountLevel::Standard, None).await;
    let form = Application {
        kind: "legal_entity",
        full_name: "ООО «Другая»",
        short_name: "ООО «Другая»",
        ogrn: "1027700000019",
        inn: "7701000019",
        kpp: "770101001",
        legal_address: "г. Москва",
        actual_address: "г. Москва",
        medical: false,
    };
    let signed = Signed {
        certificate_pem: "",
        signature: "",
    };
    let refused = registration::register(&ctx, &standard, &form, signed).await;
    assert!(
        matches!(refused, Err(OrgError::NotConfirmed)),
        "{refused:?}"
    );
}

#[tokio::test]
async fn an_invitation_is_accepted_once_by_its_addressee_and_roles_change() {
    let (ctx, head, org) = registered().await;
    let nurse = account(&ctx, "nurse@example.ru", AccountLevel::Simplified, None).await;
    let stranger = account(&ctx, "other@example.ru", AccountLevel::Simplified, None).await;
    let invitation = invitations::invite(
        &ctx,
        Actor::Member(&head),
        &org.id,
        NewInvitation {
            invitee: "nurse@example.ru",
            roles: [Role::Specialist].into(),
            specialty: "",
            position: "",
        },
    )
    .await
    .unwrap();
    let other = invitations::accept(&ctx, &stranger, &invitation.id).await;
    assert!(matches!(other, Err(OrgError::NotAddressee)), "{other:?}");
    invitations::accept(&ctx, &nurse, &invitation.id)
        .await
        .unwrap();
    let again = invitations::accept(&ctx, &nurse, &invitation.id).await;
    assert!(matches!(again, Err(OrgError::InvitationGone)), "{again:?}");

    // A specialist changes nobody; the admin does.
    let orgs = Orgs::node(&ctx);
    let by_nurse = orgs
        .set_roles(
            Actor::Member(&nurse),
            &org.id,
            &head.id,
            [Role::Specialist].into(),
            None,
        )
        .await;
    assert!(
        matches!(by_nurse, Err(OrgError::Forbidden(Role::Admin))),
        "{by_nurse:?}"
    );
    orgs.set_roles(
        Actor::Member(&head),
        &org.id,
        &nurse.id,
        [Role::Manager].into(),
        None,
    )
    .await
    .unwrap();
    let now = ctx
        .sql
        .membership(&org.id, &nurse.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(now.roles, Roles::from([Role::Manager]));
}

#[tokio::test]
async fn the_last_admin_is_kept_until_there_is_another() {
    let (ctx, head, org) = registered().await;
    let orgs = Orgs::node(&ctx);
    let me = Actor::Member(&head);
    let demoted = orgs
        .set_roles(me, &org.id, &head.id, [Role::Manager].into(), None)
        .await;
    assert!(matches!(demoted, Err(OrgError::LastAdmin)), "{demoted:?}");
    let left = orgs.remove(me, &org.id, &head.id).await;
    assert!(matches!(left, Err(OrgError::LastAdmin)), "{left:?}");
    // Not even an operator leaves it without one.
    let by_operator = orgs
        .remove(Actor::Operator("support"), &org.id, &head.id)
        .await;
    assert!(matches!(by_operator, Err(OrgError::LastAdmin)));

    let second = account(&ctx, "second@example.ru", AccountLevel::Simplified, None).await;
    orgs.add_member("support", &org.id, &second, [Role::Admin].into(), None)
        .await
        .unwrap();
    orgs.remove(me, &org.id, &head.id).await.unwrap();
    assert!(
        ctx.sql
            .membership(&org.id, &head.id)
            .await
            .unwrap()
            .is_none()
    );
    // The one removed is no admin there any more.
    let after = orgs.remove(me, &org.id, &second.id).await;
    assert!(matches!(after, Err(OrgError::NotFound)), "{after:?}");
}
