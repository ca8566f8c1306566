use std::collections::BTreeSet;

use super::*;
use crate::model::{Consent, Scopes};

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| (*s).to_owned()).collect()
}

fn claims(json: &str) -> ClaimsRequest {
    ClaimsRequest::parse(json).unwrap()
}

const ALL_SCOPES: &str = "openid profile email phone address snils inn offline_access";

#[test]
fn individually_requested_claims_need_the_clients_scope() {
    let request = claims(
        r#"{"userinfo":{"snils":null,"inn":null,"phone_number":null},"id_token":{"address":null,"birthdate":null}}"#,
    );
    let client = Scopes::parse("openid profile");
    let release = propose(&Scopes::parse("openid"), &request, &client);
    assert!(release.userinfo.is_empty(), "{release:?}");
    assert_eq!(release.id_token, set(&["birthdate"]));
}

#[test]
fn scope_claims_go_to_userinfo_and_asked_claims_where_asked() {
    let request = claims(r#"{"id_token":{"email":null},"userinfo":{"snils":null}}"#);
    let release = propose(
        &Scopes::parse("openid email"),
        &request,
        &Scopes::parse(ALL_SCOPES),
    );
    assert_eq!(release.userinfo, set(&["email", "email_verified", "snils"]));
    assert_eq!(release.id_token, set(&["email"]));
    let shown: Vec<_> = individual(&release, &Scopes::parse("openid email"))
        .iter()
        .map(|d| d.name)
        .collect();
    assert_eq!(shown, ["snils"]);
}

#[test]
fn unknown_claims_are_never_released() {
    let request = claims(r#"{"userinfo":{"password_hash":null,"sub":null}}"#);
    let release = propose(
        &Scopes::parse("openid"),
        &request,
        &Scopes::parse(ALL_SCOPES),
    );
    assert_eq!(release, Release::default());
}

#[test]
fn a_remembered_consent_covers_only_what_was_shown() {
    let consent = Consent {
        account_id: "a".into(),
        client_id: "c".into(),
        scopes: Scopes::parse("openid profile"),
        claims: set(&["snils"]),
        granted_at: 0,
    };
    let all = Scopes::parse(ALL_SCOPES);
    let same = propose(
        &Scopes::parse("openid profile"),
        &claims(r#"{"userinfo":{"snils":null}}"#),
        &all,
    );
    assert!(covered_by(
        &consent,
        &Scopes::parse("openid profile"),
        &same
    ));
    let more = propose(
        &Scopes::parse("openid"),
        &claims(r#"{"userinfo":{"inn":null}}"#),
        &all,
    );
    assert!(!covered_by(&consent, &Scopes::parse("openid"), &more));
    assert!(!covered_by(
        &consent,
        &Scopes::parse("openid email"),
        &from_scopes(&Scopes::parse("openid email"))
    ));
}

#[test]
fn narrowing_drops_the_claims_of_dropped_scopes() {
    let release = propose(
        &Scopes::parse("openid profile email"),
        &claims(r#"{"id_token":{"email":null}}"#),
        &Scopes::parse(ALL_SCOPES),
    );
    let narrowed = narrow(
        &release,
        &Scopes::parse("openid profile email"),
        &Scopes::parse("openid profile"),
    );
    assert!(narrowed.id_token.is_empty());
    assert!(narrowed.userinfo.contains("family_name"));
    assert!(!narrowed.userinfo.contains("email"));
}

#[test]
fn narrowing_keeps_claims_asked_for_under_scopes_never_granted() {
    let release = propose(
        &Scopes::parse("openid offline_access"),
        &claims(r#"{"id_token":{"birthdate":null}}"#),
        &Scopes::parse(ALL_SCOPES),
    );
    let granted = Scopes::parse("openid offline_access");
    assert_eq!(narrow(&release, &granted, &granted), release);
    let narrowed = narrow(&release, &granted, &Scopes::parse("openid"));
    assert_eq!(narrowed.id_token, set(&["birthdate"]));
}

#[test]
fn organizations_put_org_in_the_tokens_and_orgs_only_in_userinfo() {
    let scopes = Scopes::parse("openid organizations");
    let client = Scopes::parse(ALL_SCOPES).union(&scopes);
    let release = propose(&scopes, &ClaimsRequest::default(), &client);
    assert_eq!(release.id_token, set(&["org"]));
    assert_eq!(release.userinfo, set(&["org", "orgs"]));
    // The list is never put in an ID token, even when asked for.
    let asked = claims(r#"{"id_token":{"orgs":null,"org":null}}"#);
    let release = propose(&Scopes::parse("openid"), &asked, &client);
    assert_eq!(release.id_token, set(&["org"]));
    // A client not registered for the scope gets neither.
    let release = propose(&Scopes::parse("openid"), &asked, &Scopes::parse(ALL_SCOPES));
    assert!(release.id_token.is_empty());
    // Dropping the scope on refresh drops both.
    let narrowed = narrow(&from_scopes(&scopes), &scopes, &Scopes::parse("openid"));
    assert_eq!(narrowed, Release::default());
}
