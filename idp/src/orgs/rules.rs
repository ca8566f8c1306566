//! The organization rules over plain values: who may act in an
//! organization and see whom, who may change whom, and that an
//! organization always keeps an admin. They decide; the store executes:
//! a change to an employee is decided by [`change_member`] inside the
//! store's transaction, under the organization's row lock, over the
//! memberships read there (so two admins demoting each other at the same
//! moment cannot both succeed, and one demoted a moment before can no
//! longer change anyone).

use crate::model::{MedicalWorker, MemberChange, Membership, Organization, Role};

/// Why a change to an employee is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The person is not an employee of the organization (or it is gone).
    NotMember,
    /// The organization would be left without an admin.
    LastAdmin,
    /// The person making it is not (any more) an admin here.
    NotAdmin,
}

/// Whether the admin `by` (`None`: an operator) may make `change` to the
/// employee `account_id`, among the organization's `staff` (`None`: the
/// organization is gone). `Ok` holds the membership as it is before.
pub fn change_member<'a>(
    staff: Option<&'a [Membership]>,
    by: Option<&str>,
    account_id: &str,
    change: &MemberChange,
) -> Result<&'a Membership, Refusal> {
    let staff = staff.ok_or(Refusal::NotMember)?;
    let admin = |id: &str| {
        staff
            .iter()
            .any(|mb| mb.account_id == id && mb.is(Role::Admin))
    };
    if by.is_some_and(|by| !admin(by)) {
        return Err(Refusal::NotAdmin);
    }
    let before = staff
        .iter()
        .find(|mb| mb.account_id == account_id)
        .ok_or(Refusal::NotMember)?;
    let other_admins = staff
        .iter()
        .filter(|mb| mb.account_id != account_id && mb.is(Role::Admin))
        .count();
    let stays_admin =
        matches!(change, MemberChange::Roles { roles, .. } if roles.contains(&Role::Admin));
    if other_admins == 0 && !stays_admin {
        return Err(Refusal::LastAdmin);
    }
    Ok(before)
}

/// Whether the person with membership `me` (`None`: an operator, allowed
/// everything) may do what needs `role`; `Err` names the role missing.
pub fn may(me: Option<&Membership>, role: Role) -> Result<(), Role> {
    match me {
        Some(me) if !me.is(role) => Err(role),
        _ => Ok(()),
    }
}

/// Whom a viewer with membership `me` (`None`: an operator) sees among the
/// employees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sees {
    /// Everyone, and may change them: an admin, an operator.
    AllAndManages,
    /// Everyone: a manager.
    All,
    /// Only their own membership: a specialist.
    Self_,
}

pub fn sees(me: Option<&Membership>) -> Sees {
    if may(me, Role::Admin).is_ok() {
        Sees::AllAndManages
    } else if may(me, Role::Manager).is_ok() {
        Sees::All
    } else {
        Sees::Self_
    }
}

/// Only a medical organization's employees may be medical workers.
pub fn medical_allowed(org: &Organization, worker: Option<&MedicalWorker>) -> bool {
    worker.is_none() || org.medical
}

#[cfg(test)]
mod tests;
