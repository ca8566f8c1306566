//! The audit journal: every security-relevant step, with the request id the
//! logs carry. Recording never fails a request: a store failure is logged.
//!
//! The journal is a hash chain ([`chain`]) with a head row naming its newest
//! entry, so editing, deleting or reordering entries shows in [`verify`].

pub mod chain;
mod verify;

pub use verify::{Broken, Problem, VerifyReport, verify};

use serde_json::Value;

use crate::clock::UnixTime;
use crate::model::AuditEvent;
use crate::store::SqlStore;

/// Event names, so the journal can be filtered reliably.
pub mod events {
    pub const LOGIN_SUCCEEDED: &str = "login.succeeded";
    pub const LOGIN_FAILED: &str = "login.failed";
    /// The password was right, but the account cannot reach the required
    /// authentication strength.
    pub const LOGIN_UNMET: &str = "login.unmet";
    pub const LOGOUT: &str = "logout";
    /// An SSO session ended; `detail.reason` says why.
    pub const SESSION_ENDED: &str = "session.ended";
    /// Every session of an account ended and its refresh tokens revoked.
    pub const SESSIONS_ENDED_ALL: &str = "sessions.ended_all";
    pub const CONSENT_GRANTED: &str = "consent.granted";
    pub const CONSENT_DENIED: &str = "consent.denied";
    pub const CONSENT_REVOKED: &str = "consent.revoked";
    pub const TOKEN_ISSUED: &str = "token.issued";
    pub const CODE_REUSED: &str = "code.reused";
    pub const REFRESH_REUSED: &str = "refresh.reused";
    pub const TOKEN_REVOKED: &str = "token.revoked";
    pub const CLIENT_REGISTERED: &str = "client.registered";
    pub const CLIENT_REMOVED: &str = "client.removed";
    pub const CLIENT_UPDATED: &str = "client.updated";
    pub const ACCOUNT_CREATED: &str = "account.created";
    pub const ACCOUNT_REGISTERED: &str = "account.registered";
    pub const VERIFICATION_REQUESTED: &str = "verification.requested";
    pub const ACCOUNT_CONFIRMED: &str = "account.confirmed";
    pub const ACCOUNT_LOCKED: &str = "account.locked";
    pub const ACCOUNT_UNLOCKED: &str = "account.unlocked";
    pub const SECOND_FACTOR_ENABLED: &str = "second_factor.enabled";
    pub const SECOND_FACTOR_DISABLED: &str = "second_factor.disabled";
    pub const RECOVERY_CODES_RENEWED: &str = "second_factor.recovery_codes_renewed";
    /// Too many wrong one-time codes: the code step is closed for a while.
    pub const SECOND_FACTOR_BLOCKED: &str = "second_factor.blocked";
    pub const PASSWORD_RECOVERY_STARTED: &str = "password.recovery_started";
    pub const PASSWORD_CHANGED: &str = "password.changed";
    pub const POSTAL_CODE_ORDERED: &str = "postal_code.ordered";
    pub const POSTAL_CODE_WRONG: &str = "postal_code.wrong";
    pub const VERIFICATION_CANCELLED: &str = "verification.cancelled";
    pub const VERIFICATION_PASSED: &str = "verification.passed";
    pub const VERIFICATION_FAILED: &str = "verification.failed";
    /// A passing check refused: another account has the SNILS or INN checked.
    pub const VERIFICATION_DUPLICATE: &str = "verification.duplicate";
    /// A passing check changed a confirmed identity: the account is standard.
    pub const ACCOUNT_LEVEL_LOWERED: &str = "account.level_lowered";
    pub const REGISTRATION_CODE_SENT: &str = "registration.code_sent";
    pub const REGISTRATION_CONTACT_TAKEN: &str = "registration.contact_taken";
    pub const REGISTRATION_CODE_CHECKED: &str = "registration.code_checked";
    /// A limit by volume was reached (registration messages, recoveries,
    /// postal letters, login flows): once per window and whom it counts.
    pub const LIMIT_REACHED: &str = "limit.reached";
    pub const KEY_GENERATED: &str = "key.generated";
    pub const KEY_ACTIVATED: &str = "key.activated";
    pub const KEY_ROTATED: &str = "key.rotated";
    pub const KEY_RETIRED: &str = "key.retired";
    pub const KEY_REVOKED: &str = "key.revoked";
    pub const KEY_REWRAPPED: &str = "key.rewrapped";
    /// The person chose whom to act for at login (`detail.org`, or null
    /// for a private person).
    pub const LOGIN_ACTOR_CHOSEN: &str = "login.actor_chosen";
    pub const ORG_REGISTERED: &str = "org.registered";
    pub const ORG_MEMBER_INVITED: &str = "org.member_invited";
    pub const ORG_INVITATION_ACCEPTED: &str = "org.invitation_accepted";
    /// An operator added an employee with the admin CLI.
    pub const ORG_MEMBER_ADDED: &str = "org.member_added";
    pub const ORG_ROLES_CHANGED: &str = "org.roles_changed";
    pub const ORG_MEMBER_REMOVED: &str = "org.member_removed";
    /// A transition that happened by itself (activation or retirement due).
    pub const KEY_SCHEDULED: &str = "key.scheduled";
}

#[derive(Clone)]
pub struct Audit {
    store: SqlStore,
}

/// One event under construction.
pub struct Entry<'a> {
    pub event: &'a str,
    pub account_id: Option<&'a str>,
    pub client_id: Option<&'a str>,
    pub request_id: Option<&'a str>,
    pub detail: Value,
}

impl<'a> Entry<'a> {
    pub fn new(event: &'a str) -> Self {
        Self {
            event,
            account_id: None,
            client_id: None,
            request_id: None,
            detail: Value::Null,
        }
    }
    pub fn account(mut self, id: &'a str) -> Self {
        self.account_id = Some(id);
        self
    }
    pub fn client(mut self, id: &'a str) -> Self {
        self.client_id = Some(id);
        self
    }
    pub fn request(mut self, id: Option<&'a str>) -> Self {
        self.request_id = id;
        self
    }
    pub fn detail(mut self, detail: Value) -> Self {
        self.detail = detail;
        self
    }
}

impl Audit {
    pub fn new(store: SqlStore) -> Self {
        Self { store }
    }

    pub async fn record(&self, entry: Entry<'_>, now: UnixTime) {
        let event = AuditEvent {
            at: now,
            event: entry.event.to_owned(),
            account_id: entry.account_id.map(str::to_owned),
            client_id: entry.client_id.map(str::to_owned),
            request_id: entry.request_id.map(str::to_owned),
            detail: entry.detail,
        };
        if let Err(e) = self.store.append_audit(&event).await {
            tracing::error!(event = %event.event, error = %e, "audit journal write failed");
        }
    }
}
