//! Registering an organization (`/orgs/new`): its head, a person with a
//! confirmed account, types the organization's data and signs a
//! single-use challenge with the organization's qualified certificate. The
//! certificate must carry the OGRN (OGRNIP) and INN typed, and the head's
//! SNILS (else INN) and name, which must be the registering person's. The
//! head becomes the organization's first admin.
//!
//! The signature covers the challenge, not the form: what binds the
//! application to the certificate are the OGRN and INN it carries.

use serde_json::json;

use super::{Actor, OrgError, OrgField, OrgMismatch, Orgs};
use crate::audit::events;
use crate::certs;
use crate::ctx::Ctx;
use crate::identifiers::{self, Invalid};
use crate::model::{Account, AccountLevel, Membership, OrgKind, Organization, Role};
use crate::store::StoreError;

/// The longest name and address accepted, in characters.
pub const MAX_NAME: usize = 500;
pub const MAX_SHORT_NAME: usize = 200;
pub const MAX_ADDRESS: usize = 500;

/// The application as typed.
#[derive(Debug, Clone, Copy, Default)]
pub struct Application<'a> {
    /// `legal_entity` or `entrepreneur`.
    pub kind: &'a str,
    pub full_name: &'a str,
    pub short_name: &'a str,
    pub ogrn: &'a str,
    pub inn: &'a str,
    /// Ignored for an entrepreneur, who has none.
    pub kpp: &'a str,
    pub legal_address: &'a str,
    pub actual_address: &'a str,
    pub medical: bool,
}

/// The certificate and the signature over this person's challenge.
#[derive(Debug, Clone, Copy)]
pub struct Signed<'a> {
    pub certificate_pem: &'a str,
    pub signature: &'a str,
}

fn challenge_key(account_id: &str) -> String {
    format!("org-challenge:{account_id}")
}

/// The challenge this person is to sign (made anew when none is live).
pub async fn challenge(ctx: &Ctx, account_id: &str) -> Result<String, StoreError> {
    let key = challenge_key(account_id);
    match certs::live(ctx, &key).await? {
        Some(live) => Ok(live),
        None => certs::issue(ctx, &key, &format!("vhod-org:{account_id}")).await,
    }
}

/// Whom the certificate of a refused application names, when it and its
/// signature still answer this person's live challenge: the form keeps
/// them instead of asking for the files again. Nothing else is checked:
/// the next submission is checked in full.
pub async fn carried(
    ctx: &Ctx,
    account_id: &str,
    signed: Signed<'_>,
) -> Option<esign::CertifiedSubject> {
    let trust = ctx.esign.as_deref()?;
    let challenge = certs::live(ctx, &challenge_key(account_id)).await.ok()??;
    certs::verify(
        trust,
        &challenge,
        signed.certificate_pem,
        signed.signature,
        ctx.now(),
    )
    .ok()
}

/// The organization an application describes (not yet registered: no id,
/// no head), or every wrong field.
pub fn validate(form: &Application<'_>) -> Result<Organization, Vec<(OrgField, Invalid)>> {
    let mut errors = Vec::new();
    let mut take = |field: OrgField, checked: Result<String, Invalid>| match checked {
        Ok(value) => value,
        Err(e) => {
            errors.push((field, e));
            String::new()
        }
    };
    let kind = OrgKind::parse(form.kind);
    let (ogrn_len, inn_len): (&'static [usize], &'static [usize]) = match kind {
        Some(OrgKind::Entrepreneur) => (&[15], &[12]),
        _ => (&[13], &[10]),
    };
    let of_length = |checked: Result<String, Invalid>, len: &'static [usize]| {
        checked.and_then(|v| {
            if v.len() == len[0] {
                Ok(v)
            } else {
                Err(Invalid::Digits(len))
            }
        })
    };
    let org = Organization {
        id: String::new(),
        kind: kind.unwrap_or(OrgKind::LegalEntity),
        full_name: take(
            OrgField::FullName,
            identifiers::line(form.full_name, MAX_NAME),
        ),
        short_name: take(
            OrgField::ShortName,
            identifiers::line(form.short_name, MAX_SHORT_NAME),
        ),
        ogrn: take(
            OrgField::Ogrn,
            of_length(identifiers::ogrn(form.ogrn), ogrn_len),
        ),
        inn: take(
            OrgField::Inn,
            of_length(identifiers::inn(form.inn), inn_len),
        ),
        kpp: match kind {
            Some(OrgKind::Entrepreneur) => None,
            _ => Some(take(OrgField::Kpp, identifiers::kpp(form.kpp))),
        },
        legal_address: take(
            OrgField::LegalAddress,
            identifiers::line(form.legal_address, MAX_ADDRESS),
        ),
        actual_address: take(
            OrgField::ActualAddress,
            identifiers::line(form.actual_address, MAX_ADDRESS),
        ),
        medical: form.medical,
        head_account_id: String::new(),
        created_at: 0,
    };
    if kind.is_none() {
        errors.insert(0, (OrgField::Kind, Invalid::Choice));
    }
    if errors.is_empty() {
        Ok(org)
    } else {
        Err(errors)
    }
}

/// Why a verified certificate does not vouch for this application by this
/// head, if it does not.
pub fn certificate_mismatch(
    subject: &esign::CertifiedSubject,
    org: &Organization,
    head: &Account,
) -> Option<OrgMismatch> {
    let (ogrn, inn) = match org.kind {
        OrgKind::LegalEntity => (&subject.ogrn, &subject.inn_le),
        OrgKind::Entrepreneur => (&subject.ogrnip, &subject.inn),
    };
    match ogrn {
        None => return Some(OrgMismatch::NoOgrn(org.kind)),
        Some(theirs) if *theirs != org.ogrn => return Some(OrgMismatch::Ogrn(org.kind)),
        Some(_) => {}
    }
    match inn {
        None => return Some(OrgMismatch::NoInn),
        Some(theirs) if *theirs != org.inn => return Some(OrgMismatch::Inn),
        Some(_) => {}
    }
    certs::mismatch(subject, head).map(OrgMismatch::NotTheHead)
}

/// Registers the organization of `form` with `head` as its first admin.
pub async fn register(
    ctx: &Ctx,
    head: &Account,
    form: &Application<'_>,
    signed: Signed<'_>,
) -> Result<Organization, OrgError> {
    if head.level != AccountLevel::Confirmed {
        return Err(OrgError::NotConfirmed);
    }
    let mut org = validate(form).map_err(OrgError::Invalid)?;
    if ctx.sql.organization_by_ogrn(&org.ogrn).await?.is_some() {
        return Err(OrgError::Exists);
    }
    let trust = ctx.esign.as_deref().ok_or(OrgError::SignatureOff)?;
    let key = challenge_key(&head.id);
    // The challenge is spent only by the registration it makes: a refused
    // attempt leaves it live, so the form can keep the signature over it
    // while the person corrects a field (see [`carried`]).
    let challenge = certs::live(ctx, &key).await?.ok_or(OrgError::NoChallenge)?;
    let now = ctx.now();
    let subject = certs::verify(
        trust,
        &challenge,
        signed.certificate_pem,
        signed.signature,
        now,
    )
    .map_err(OrgError::Certificate)?;
    if let Some(mismatch) = certificate_mismatch(&subject, &org, head) {
        return Err(OrgError::Mismatch(mismatch));
    }
    // Of two registrations with one signature, at most one takes it.
    if certs::take(ctx, &key).await?.as_deref() != Some(challenge.as_str()) {
        return Err(OrgError::NoChallenge);
    }
    org.id = uuid::Uuid::new_v4().to_string();
    org.head_account_id = head.id.clone();
    org.created_at = now;
    let founder = Membership {
        org_id: org.id.clone(),
        account_id: head.id.clone(),
        roles: [Role::Admin].into(),
        medical_worker: None,
        since: now,
    };
    let orgs = Orgs::node(ctx);
    let detail = json!({
        "ogrn": org.ogrn,
        "inn": org.inn,
        "name": org.short_name,
        "head": head.full_name(),
        "certificate": subject.serial_hex,
    });
    let event = orgs.event(
        &org,
        events::ORG_REGISTERED,
        Actor::Member(head),
        detail.clone(),
    );
    match ctx.sql.insert_organization(&org, &founder, &event).await {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) => return Err(OrgError::Exists),
        Err(e) => return Err(e.into()),
    }
    orgs.record(&event, Some(&head.id)).await;
    Ok(org)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A valid application of a legal entity.
    pub(crate) fn good() -> Application<'static> {
        Application {
            kind: "legal_entity",
            full_name: "Общество с ограниченной ответственностью «Ромашка»",
            short_name: "ООО «Ромашка»",
            ogrn: "1027700000030",
            inn: "7701000033",
            kpp: "770101001",
            legal_address: "г. Москва, ул. Ленина, д. 1",
            actual_address: "г. Москва, ул. Ленина, д. 1",
            medical: false,
        }
    }

    fn wrong(form: Application<'_>) -> Vec<(OrgField, Invalid)> {
        validate(&form).unwrap_err()
    }

    #[test]
    fn each_wrong_field_is_named() {
        let org = validate(&good()).unwrap();
        assert_eq!(org.kpp.as_deref(), Some("770101001"));
        assert_eq!(
            wrong(Application {
                ogrn: "1027700000031",
                ..good()
            }),
            [(OrgField::Ogrn, Invalid::Checksum)]
        );
        assert_eq!(
            wrong(Application {
                ogrn: "304770000000019",
                ..good()
            }),
            [(OrgField::Ogrn, Invalid::Digits(&[13]))],
            "an OGRNIP for a legal entity"
        );
        assert_eq!(
            wrong(Application {
                inn: "7701000034",
                kpp: "77010100",
                ..good()
            }),
            [
                (OrgField::Inn, Invalid::Checksum),
                (OrgField::Kpp, Invalid::Digits(&[9]))
            ]
        );
        assert_eq!(
            wrong(Application {
                kind: "",
                full_name: "Имя\u{0}",
                short_name: &"Я".repeat(MAX_SHORT_NAME + 1),
                ..good()
            }),
            [
                (OrgField::Kind, Invalid::Choice),
                (OrgField::FullName, Invalid::Control),
                (OrgField::ShortName, Invalid::TooLong(MAX_SHORT_NAME)),
            ]
        );
    }

    fn subject(ogrn: Option<&str>, inn_le: Option<&str>, snils: &str) -> esign::CertifiedSubject {
        esign::CertifiedSubject {
            surname: Some("Подтверждёнов".into()),
            given_names: Some("Иван Сергеевич".into()),
            common_name: None,
            snils: Some(snils.into()),
            inn: None,
            ogrn: ogrn.map(Into::into),
            ogrnip: None,
            inn_le: inn_le.map(Into::into),
            organization: None,
            serial_hex: "1".into(),
            issuer: String::new(),
            not_before_unix: 0,
            not_after_unix: 0,
            algorithm: "ES256",
            revocation_checked: false,
        }
    }

    fn head() -> Account {
        Account {
            id: "head".into(),
            email: None,
            phone: None,
            snils: Some("112-233-447 97".into()),
            inn: None,
            password_hash: String::new(),
            family_name: "Подтверждёнов".into(),
            given_name: "Иван".into(),
            middle_name: Some("Сергеевич".into()),
            birthdate: None,
            gender: None,
            address: None,
            email_verified: false,
            phone_verified: false,
            level: AccountLevel::Confirmed,
            created_at: 0,
            locked_until: None,
            checked_at: 0,
            level_since: 0,
        }
    }

    #[test]
    fn the_certificate_must_carry_the_ogrn_the_inn_and_the_head() {
        let org = validate(&good()).unwrap();
        let (ogrn, inn, snils) = ("1027700000030", "7701000033", "11223344797");
        let cert =
            |ogrn, inn, snils| certificate_mismatch(&subject(ogrn, inn, snils), &org, &head());
        assert_eq!(cert(Some(ogrn), Some(inn), snils), None);
        let legal = OrgKind::LegalEntity;
        for (got, says) in [
            (cert(None, Some(inn), snils), OrgMismatch::NoOgrn(legal)),
            (
                cert(Some("1027700000019"), Some(inn), snils),
                OrgMismatch::Ogrn(legal),
            ),
            (cert(Some(ogrn), None, snils), OrgMismatch::NoInn),
            (
                cert(Some(ogrn), Some("7701000019"), snils),
                OrgMismatch::Inn,
            ),
            (
                cert(Some(ogrn), Some(inn), "11223344696"),
                OrgMismatch::NotTheHead(certs::Mismatch::Snils),
            ),
        ] {
            assert_eq!(got, Some(says));
        }
        // An entrepreneur's certificate names the OGRNIP, not an OGRN.
        let ip = Organization {
            kind: OrgKind::Entrepreneur,
            ..org.clone()
        };
        let got = certificate_mismatch(&subject(Some(ogrn), Some(inn), snils), &ip, &head());
        assert_eq!(got, Some(OrgMismatch::NoOgrn(OrgKind::Entrepreneur)));
    }

    #[test]
    fn an_entrepreneur_has_an_ogrnip_a_personal_inn_and_no_kpp() {
        let ip = Application {
            kind: "entrepreneur",
            ogrn: "304770000000019",
            inn: "770000000300",
            kpp: "",
            ..good()
        };
        let org = validate(&ip).unwrap();
        assert_eq!((org.kind, org.kpp), (OrgKind::Entrepreneur, None));
        assert_eq!(
            wrong(Application {
                inn: "7701000033",
                ..ip
            }),
            [(OrgField::Inn, Invalid::Digits(&[12]))]
        );
    }
}
