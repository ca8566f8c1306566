//! The URL paths of every endpoint and page, shared by the route table
//! (`http::routes`), the discovery document and the tests.

pub const DISCOVERY: &str = "/.well-known/openid-configuration";
pub const JWKS: &str = "/jwks";
pub const AUTHORIZE: &str = "/authorize";
pub const AUTHORIZE_CONTINUE: &str = "/authorize/continue";
pub const LOGIN: &str = "/login";
pub const LOGIN_CODE: &str = "/login/code";
pub const RECOVER: &str = "/recover";
pub const RECOVER_PASSWORD: &str = "/recover/password";
pub const LOGIN_CODE_RESEND: &str = "/login/code/resend";
pub const LOGIN_CODE_CANCEL: &str = "/login/code/cancel";
pub const LOGIN_CERTIFICATE: &str = "/login/certificate";
pub const CONSENT: &str = "/consent";
pub const TOKEN: &str = "/token";
pub const USERINFO: &str = "/userinfo";
pub const INTROSPECT: &str = "/introspect";
pub const REVOKE: &str = "/revoke";
pub const LOGOUT: &str = "/logout";
pub const UNLOCK: &str = "/unlock";
pub const ACCOUNT: &str = "/account";
pub const ACCOUNT_CONFIRM: &str = "/account/confirm";
pub const SIGN_JS: &str = "/static/sign.js";
pub const SIGNATURE_FORM_JS: &str = "/static/signature-form.js";
pub const ACCOUNT_CONSENTS: &str = "/account/consents";
pub const ACCOUNT_SECURITY: &str = "/account/security";
pub const ACCOUNT_SESSIONS: &str = "/account/sessions";
pub const HEALTH: &str = "/health";
/// Liveness: 200 while the process runs.
pub const HEALTHZ: &str = "/healthz";
/// Readiness: 200 when the stores and keys are usable and the node is not
/// draining.
pub const READYZ: &str = "/readyz";
pub const REGISTER: &str = "/register";
pub const REGISTER_CODE: &str = "/register/code";
pub const REGISTER_EMAIL: &str = "/register/email";
pub const REGISTER_RESEND: &str = "/register/resend";
pub const REGISTER_CONFIRM: &str = "/register/confirm";
pub const REGISTER_PASSWORD: &str = "/register/password";
/// Demo and dev mode only.
pub const DEV_OUTBOX: &str = "/dev/outbox";
/// «Организации»: the person's organizations and invitations.
pub const ORGS: &str = "/orgs";
pub const ORGS_NEW: &str = "/orgs/new";
pub const ORGS_INVITATIONS: &str = "/orgs/invitations";
/// One organization (`{org}` is its id), its employees and journal.
pub const ORG: &str = "/orgs/{org}";
pub const ORG_INVITE: &str = "/orgs/{org}/invite";
pub const ORG_MEMBERS: &str = "/orgs/{org}/members";
pub const ORG_JOURNAL: &str = "/orgs/{org}/journal";
/// The login flow's step «от чьего имени»: a private person or an
/// organization.
pub const LOGIN_ACTOR: &str = "/login/actor";

/// `pattern` (one of the `ORG*` paths) for the organization `id`.
pub fn org_path(pattern: &str, id: &str) -> String {
    pattern.replace("{org}", id)
}

/// ESIA mode (`[esia] enabled`): the authorization endpoints v1 and v2.
pub const ESIA_AC: &str = "/aas/oauth2/ac";
pub const ESIA_AC_V2: &str = "/aas/oauth2/v2/ac";
/// ESIA mode: the token endpoints v1 and v3.
pub const ESIA_TE: &str = "/aas/oauth2/te";
pub const ESIA_TE_V3: &str = "/aas/oauth2/v3/te";
/// ESIA mode: logout (`?client_id=&redirect_url=`).
pub const ESIA_LOGOUT: &str = "/idp/ext/Logout";
/// ESIA mode: the REST API about a person (`{oid}`) and their collections.
pub const ESIA_PRNS: &str = "/rs/prns/{oid}";
pub const ESIA_PRNS_PART: &str = "/rs/prns/{oid}/{part}";
pub const ESIA_PRNS_ELEMENT: &str = "/rs/prns/{oid}/{part}/{element}";
