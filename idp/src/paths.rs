//! The URL paths of every endpoint and page, shared by the route table
//! (`http::routes`), the discovery document and the tests.

/// The provider's home: the person's account, or the login form.
pub const HOME: &str = "/";
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

/// Pages a login outside a portal's flow may return to: the person's own
/// pages. A page asking for a login names itself (a cookie the server
/// sets), and only a path of these passes, so no link can send a person
/// elsewhere after logging in.
const RETURN_TO: [&str; 2] = [ACCOUNT, ORGS];

/// `path` if a login may return there: one of [`RETURN_TO`] or below it,
/// letters, digits, `-`, `_` and `/` only, no `//`, at most 200 bytes.
pub fn return_path(path: &str) -> Option<&str> {
    let plain = path.len() <= 200
        && !path.contains("//")
        && path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_'));
    let ours = RETURN_TO.iter().any(|root| {
        path.strip_prefix(root)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    });
    (plain && ours).then_some(path)
}

#[cfg(test)]
mod tests {
    use super::return_path;

    #[test]
    fn a_login_returns_only_to_the_persons_own_pages() {
        for ok in [
            "/account",
            "/account/security",
            "/orgs",
            "/orgs/abc-1_2/journal",
        ] {
            assert_eq!(return_path(ok), Some(ok), "{ok}");
        }
        for bad in [
            "",
            "/",
            "//evil.example/account",
            "https://evil.example/account",
            "/accountx",
            "/orgsevil",
            "/account//x",
            "/account/../token",
            "/account?x=1",
            "/account\\evil",
            "/account\r\nSet-Cookie: x",
            "/login",
            "/authorize",
        ] {
            assert_eq!(return_path(bad), None, "{bad}");
        }
        assert_eq!(return_path(&format!("/orgs/{}", "a".repeat(300))), None);
    }
}
