//! Invitations: an admin invites a person by phone, e-mail or SNILS; the
//! invitation is sent through the delivery queue, is valid for
//! [`INVITATION_TTL_SECS`], and is accepted once, after login, by the person
//! it names: the owner of that verified phone or e-mail, or of that SNILS
//! checked against the registries. Nobody else can accept it, not even
//! with its id.

use serde_json::json;

use super::{Actor, OrgError, OrgField, Orgs, check_medical, checked_roles};
use crate::accounts::profile;
use crate::audit::events;
use crate::ctx::Ctx;
use crate::delivery::{self, Kind, Message, Prefer, Unverified};
use crate::identifiers::{self, Invalid};
use crate::model::{
    Account, Invitation, Invitee, Membership, Organization, PersonalNumber, Role, Roles, roles_text,
};
use crate::store::{Accepted, StoreError};

/// How long an invitation may be accepted.
pub const INVITATION_TTL_SECS: i64 = 7 * 24 * 3600;

/// An invitation as an admin typed it.
#[derive(Debug, Clone)]
pub struct NewInvitation<'a> {
    /// A phone, an e-mail or a SNILS.
    pub invitee: &'a str,
    pub roles: Roles,
    pub specialty: &'a str,
    pub position: &'a str,
}

/// Whom `text` names: an e-mail (it has `@`), a SNILS written as on its card
/// (`123-456-789 01`), else a mobile phone, else a SNILS of 11 digits.
pub fn invitee(text: &str) -> Result<Invitee, Invalid> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Invalid::Empty);
    }
    if text.contains('@') {
        return identifiers::email(text).map(Invitee::Email);
    }
    let as_card = text.len() == 14 && text.as_bytes()[11] == b' ' && text.as_bytes()[3] == b'-';
    match identifiers::mobile_phone(text) {
        Ok(phone) if !as_card => Ok(Invitee::Phone(phone)),
        _ => identifiers::snils(text)
            .map(Invitee::Snils)
            .map_err(|_| Invalid::Invitee),
    }
}

/// Invites a person to `org_id` (admins only) and sends them the news.
pub async fn invite(
    ctx: &Ctx,
    actor: Actor<'_>,
    org_id: &str,
    new: NewInvitation<'_>,
) -> Result<Invitation, OrgError> {
    let orgs = Orgs::node(ctx);
    let (org, _) = orgs.open(actor, org_id, Some(Role::Admin)).await?;
    let invitee = invitee(new.invitee).map_err(|e| vec![(OrgField::Invitee, e)]);
    let roles = checked_roles(new.roles);
    let worker = super::medical_worker(new.specialty, new.position);
    let (invitee, roles, worker) = match (invitee, roles, worker) {
        (Ok(invitee), Ok(roles), Ok(worker)) => (invitee, roles, worker),
        (invitee, roles, worker) => {
            let errors = [invitee.err(), roles.err(), worker.err()]
                .into_iter()
                .flatten()
                .flatten()
                .collect();
            return Err(OrgError::Invalid(errors));
        }
    };
    check_medical(&org, worker.as_ref())?;
    let now = ctx.now();
    let invitation = Invitation {
        id: uuid::Uuid::new_v4().to_string(),
        org_id: org.id.clone(),
        invitee,
        roles,
        medical_worker: worker,
        invited_by: actor.name(),
        created_at: now,
        expires_at: now + INVITATION_TTL_SECS,
        accepted_by: None,
        accepted_at: None,
    };
    let detail = json!({
        "invitee": invitation.invitee.value(),
        "roles": roles_text(&invitation.roles),
        "medical_worker": invitation.medical_worker,
        "expires_at": invitation.expires_at,
    });
    let event = orgs.event(&org, events::ORG_MEMBER_INVITED, actor, detail);
    ctx.sql.insert_invitation(&invitation, &event).await?;
    orgs.record(&event, None).await;
    if let Some((kind, to)) = contact(ctx, &invitation.invitee).await? {
        ctx.queue_message(&message(ctx, &org, &invitation, kind, to))
            .await?;
    }
    Ok(invitation)
}

/// Where to tell the invitee: their phone or e-mail; for a SNILS, the
/// contact of the account with that checked SNILS, if there is one (else
/// the person finds the invitation on «Организации» after login).
async fn contact(ctx: &Ctx, invitee: &Invitee) -> Result<Option<(Kind, String)>, StoreError> {
    Ok(match invitee {
        Invitee::Phone(phone) => Some((Kind::Sms, phone.clone())),
        Invitee::Email(email) => Some((Kind::Email, email.clone())),
        Invitee::Snils(snils) => ctx
            .sql
            .accounts_by_number(PersonalNumber::Snils, vec![snils.clone()])
            .await?
            .into_iter()
            // The account whose SNILS is checked (unique among checked ones).
            .find(|account| profile::number_checked(account, PersonalNumber::Snils))
            .and_then(|account| {
                delivery::contact(&account, Prefer::Email, Unverified::Allowed)
                    .map(|(kind, to)| (kind, to.to_owned()))
            }),
    })
}

fn message(
    ctx: &Ctx,
    org: &Organization,
    invitation: &Invitation,
    kind: Kind,
    to: String,
) -> Message {
    let link = format!("{}{}", ctx.issuer, crate::paths::ORGS);
    let words = crate::messages::Notice::Invitation {
        org: &org.short_name,
        roles: &invitation.roles,
        link: &link,
    }
    .words();
    Message::notice(kind, to, words).with_link(link)
}

/// Whether `invitee` is this person: their verified phone or e-mail, or
/// their SNILS checked against the registries.
fn addressed_to(invitee: &Invitee, account: &Account) -> bool {
    match invitee {
        Invitee::Phone(phone) => account.phone_verified && account.phone.as_ref() == Some(phone),
        Invitee::Email(email) => account.email_verified && account.email.as_ref() == Some(email),
        Invitee::Snils(snils) => {
            let same = account
                .snils
                .as_deref()
                .is_some_and(|ours| crate::certs::digits(ours) == crate::certs::digits(snils));
            same && profile::number_checked(account, PersonalNumber::Snils)
        }
    }
}

/// The pending invitations addressed to this person, with their
/// organizations.
pub async fn for_person(
    ctx: &Ctx,
    account: &Account,
) -> Result<Vec<(Invitation, Organization)>, StoreError> {
    let mut invitees = Vec::new();
    if let (Some(phone), true) = (&account.phone, account.phone_verified) {
        invitees.push(Invitee::Phone(phone.clone()));
    }
    if let (Some(email), true) = (&account.email, account.email_verified) {
        invitees.push(Invitee::Email(email.clone()));
    }
    if let Some(snils) = &account.snils
        && profile::number_checked(account, PersonalNumber::Snils)
        && let Ok(written) = identifiers::snils(snils)
    {
        invitees.push(Invitee::Snils(written));
    }
    ctx.sql.invitations_to(invitees, ctx.now()).await
}

/// The person accepts an invitation addressed to them: they become an
/// employee with its roles. Works once.
pub async fn accept(
    ctx: &Ctx,
    account: &Account,
    invitation_id: &str,
) -> Result<Organization, OrgError> {
    let now = ctx.now();
    let invitation = ctx
        .sql
        .invitation(invitation_id)
        .await?
        .filter(|i| i.accepted_at.is_none() && i.expires_at > now)
        .ok_or(OrgError::InvitationGone)?;
    if !addressed_to(&invitation.invitee, account) {
        return Err(OrgError::NotAddressee);
    }
    let org = ctx
        .sql
        .organization(&invitation.org_id)
        .await?
        .ok_or(OrgError::InvitationGone)?;
    let orgs = Orgs::node(ctx);
    let detail = json!({
        "member": account.full_name(),
        "roles": roles_text(&invitation.roles),
        "invited_by": invitation.invited_by,
    });
    let event = orgs.event(
        &org,
        events::ORG_INVITATION_ACCEPTED,
        Actor::Member(account),
        detail,
    );
    let member = Membership {
        org_id: org.id.clone(),
        account_id: account.id.clone(),
        roles: invitation.roles.clone(),
        medical_worker: invitation.medical_worker.clone(),
        since: now,
    };
    match ctx
        .sql
        .accept_invitation(&invitation.id, &member, now, &event)
        .await?
    {
        Accepted::Done => {
            orgs.record(&event, Some(&account.id)).await;
            Ok(org)
        }
        Accepted::Gone => Err(OrgError::InvitationGone),
        Accepted::AlreadyMember => Err(OrgError::AlreadyMember),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invitee_is_an_email_a_snils_as_on_its_card_or_a_phone() {
        assert_eq!(
            invitee(" Doctor@Demo.Vhod "),
            Ok(Invitee::Email("doctor@demo.vhod".into()))
        );
        assert_eq!(
            invitee("8 (999) 000-00-12"),
            Ok(Invitee::Phone("+79990000012".into()))
        );
        assert_eq!(
            invitee("112-233-450 92"),
            Ok(Invitee::Snils("112-233-450 92".into()))
        );
        assert_eq!(
            invitee("11223345092"),
            Ok(Invitee::Snils("112-233-450 92".into()))
        );
        assert_eq!(invitee("112-233-450 93"), Err(Invalid::Invitee));
        assert_eq!(invitee(""), Err(Invalid::Empty));
    }
}
