//! The claim sets of ID and access tokens, from plain values: no keys, no
//! store, no clock.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::*;
use crate::model::{Aal, AccountLevel};

const ISSUER: &str = "https://vhod.example";
const NOW: UnixTime = 1_700_000_000;

fn client() -> Client {
    Client::for_tests("openid profile organizations")
}

fn auth() -> AuthContext {
    AuthContext {
        account_id: "acc-1".into(),
        auth_time: NOW - 300,
        aal: Aal::Aal2,
        amr: vec!["pwd".into(), "otp".into()],
        account_level: AccountLevel::Standard,
        sid: "sid-1".into(),
        acting_org: Some("org-1".into()),
    }
}

fn lifetime(ttl_secs: i64) -> Lifetime {
    Lifetime { now: NOW, ttl_secs }
}

fn org() -> Value {
    json!({"id": "org-1", "ogrn": "1027700000001", "inn": "7701000001",
           "name": "Клиника", "roles": ["admin", "specialist"]})
}

#[test]
fn an_access_token_for_a_person_carries_the_login_the_grant_and_the_org() {
    let auth = auth();
    let userinfo: BTreeSet<String> = ["family_name".to_owned()].into();
    let org = org();
    let holder = Holder::Person {
        auth: &auth,
        grant_id: "grant-1",
        userinfo_claims: &userinfo,
        org: Some(&org),
    };
    let scopes = Scopes::parse("openid profile organizations");
    let claims = access_claims(ISSUER, &client(), &scopes, holder, lifetime(600), "jti-1");
    assert_eq!(claims.iss, ISSUER);
    assert_eq!(claims.sub, "acc-1");
    assert_eq!(claims.aud, "portal");
    assert_eq!(claims.client_id, "portal");
    assert_eq!((claims.iat, claims.exp), (NOW, NOW + 600));
    assert_eq!(claims.jti, "jti-1");
    assert_eq!(claims.scope, "openid organizations profile");
    assert_eq!(claims.auth_time, Some(NOW - 300));
    assert_eq!(claims.acr.as_deref(), Some("urn:vhod:aal2"));
    assert_eq!(claims.amr, Some(vec!["pwd".to_owned(), "otp".to_owned()]));
    assert_eq!(claims.account_level.as_deref(), Some("standard"));
    assert_eq!(claims.sid.as_deref(), Some("sid-1"));
    assert_eq!(claims.grant_id.as_deref(), Some("grant-1"));
    assert_eq!(claims.userinfo_claims, userinfo);
    assert_eq!(claims.org.unwrap()["roles"], json!(["admin", "specialist"]));
}

#[test]
fn an_access_token_for_the_client_itself_names_only_the_client() {
    let scopes = Scopes::parse("reports");
    let claims = access_claims(
        ISSUER,
        &client(),
        &scopes,
        Holder::Client,
        lifetime(60),
        "jti-2",
    );
    assert_eq!(claims.sub, "portal");
    assert_eq!(claims.exp, NOW + 60);
    assert!(claims.auth_time.is_none() && claims.acr.is_none() && claims.amr.is_none());
    assert!(claims.sid.is_none() && claims.grant_id.is_none() && claims.org.is_none());
    assert!(claims.userinfo_claims.is_empty());
    // Absent claims are left out of the token, not sent as null.
    let json = serde_json::to_value(&claims).unwrap();
    for absent in [
        "auth_time",
        "acr",
        "amr",
        "account_level",
        "sid",
        "grant_id",
        "org",
    ] {
        assert!(json.get(absent).is_none(), "{absent} in {json}");
    }
}

fn id_input<'a>(
    client: &'a Client,
    auth: &'a AuthContext,
    nonce: Option<&'a str>,
    access_token: Option<&'a str>,
) -> IdTokenInput<'a> {
    let mut personal = Map::new();
    personal.insert("family_name".into(), json!("Иванова"));
    personal.insert("org".into(), org());
    IdTokenInput {
        client,
        auth,
        personal,
        nonce,
        access_token,
    }
}

#[test]
fn an_id_token_names_the_client_the_login_and_the_released_claims() {
    let (client, auth) = (client(), auth());
    let input = id_input(&client, &auth, Some("n-0S6_WzA2Mj"), Some("access"));
    let claims = id_claims(ISSUER, input, Algorithm::ES256, lifetime(3600));
    assert_eq!(claims["iss"], ISSUER);
    assert_eq!(claims["sub"], "acc-1");
    assert_eq!(claims["aud"], "portal");
    assert_eq!(claims["azp"], "portal");
    assert_eq!(claims["iat"], NOW);
    assert_eq!(claims["exp"], NOW + 3600);
    assert_eq!(claims["auth_time"], NOW - 300);
    assert_eq!(claims["acr"], "urn:vhod:aal2");
    assert_eq!(claims["amr"], json!(["pwd", "otp"]));
    assert_eq!(claims["sid"], "sid-1");
    assert_eq!(claims["account_level"], "standard");
    assert_eq!(claims["nonce"], "n-0S6_WzA2Mj");
    assert_eq!(claims["at_hash"], at_hash(Algorithm::ES256, "access"));
    assert_eq!(claims["family_name"], "Иванова");
    assert_eq!(claims["org"]["roles"], json!(["admin", "specialist"]));
}

#[test]
fn an_id_token_without_nonce_or_access_token_has_neither_claim() {
    let (client, auth) = (client(), auth());
    let input = id_input(&client, &auth, None, None);
    let claims = id_claims(ISSUER, input, Algorithm::RS256, lifetime(60));
    assert!(!claims.contains_key("nonce"));
    assert!(!claims.contains_key("at_hash"));
    assert_eq!(claims["exp"], NOW + 60);
}

#[test]
fn the_protocol_claims_win_over_a_released_claim_of_the_same_name() {
    let (client, auth) = (client(), auth());
    let mut input = id_input(&client, &auth, None, None);
    input.personal.insert("sub".into(), json!("someone-else"));
    input.personal.insert("aud".into(), json!("other-portal"));
    let claims = id_claims(ISSUER, input, Algorithm::RS256, lifetime(60));
    assert_eq!(claims["sub"], "acc-1");
    assert_eq!(claims["aud"], "portal");
}

#[test]
fn at_hash_is_the_left_half_of_the_algorithms_hash() {
    // Core §3.1.3.8's example is for RS256 over this access token.
    assert_eq!(
        at_hash(
            Algorithm::RS256,
            "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"
        ),
        "77QmUPtjPfzWtF2AnpK9RQ"
    );
    // Ed25519 hashes with SHA-512: 32 bytes, 43 characters.
    assert_eq!(at_hash(Algorithm::EdDSA, "token").len(), 43);
}
