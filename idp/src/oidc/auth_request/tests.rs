//! The authorization request's rules, without HTTP.

use super::*;
use crate::model::AccountLevel;

fn params(query: &str) -> Params {
    Params::parse(query.as_bytes()).unwrap()
}

fn client(public: bool) -> Client {
    Client {
        id: "portal".into(),
        name: "Portal".into(),
        secret_hash: (!public).then(|| "digest".into()),
        redirect_uris: vec!["https://portal.example/cb".into()],
        post_logout_redirect_uris: Vec::new(),
        scopes: Scopes::parse("openid profile"),
        skip_consent: false,
        min_account_level: None::<AccountLevel>,
        min_aal: None,
        id_token_alg: "RS256".into(),
        access_token_alg: None,
        backchannel_logout_uri: None,
        created_at: 0,
    }
}

const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

#[test]
fn prompt_values() {
    let p = parse_prompt(Some("login consent select_account")).unwrap();
    assert!(p.login && p.consent && p.select_account && !p.none);
    assert!(!parse_prompt(Some("login")).unwrap().select_account);
    assert!(parse_prompt(Some("none")).unwrap().none);
    assert!(parse_prompt(Some("none login")).is_err());
    assert_eq!(parse_prompt(None).unwrap(), Prompt::default());
}

#[test]
fn max_age_counts_from_the_login() {
    assert!(!max_age_exceeded(None, 0, 1_000_000));
    assert!(!max_age_exceeded(Some(60), 1000, 1060));
    assert!(max_age_exceeded(Some(60), 1000, 1061));
    assert!(max_age_exceeded(Some(0), 1000, 1001));
}

#[test]
fn pkce_is_s256_and_required_for_public_clients() {
    let ok = format!("code_challenge={CHALLENGE}&code_challenge_method=S256");
    assert_eq!(
        pkce(&params(&ok), &client(true)).unwrap().as_deref(),
        Some(CHALLENGE)
    );
    assert!(pkce(&params(""), &client(true)).is_err());
    assert_eq!(pkce(&params(""), &client(false)).unwrap(), None);
    for bad in [
        format!("code_challenge={CHALLENGE}"),
        format!("code_challenge={CHALLENGE}&code_challenge_method=plain"),
        "code_challenge=short&code_challenge_method=S256".to_owned(),
        "code_challenge_method=S256".to_owned(),
    ] {
        assert!(pkce(&params(&bad), &client(false)).is_err(), "{bad}");
    }
}

#[test]
fn redirect_uris_match_exactly() {
    let c = client(false);
    let trusted = params("client_id=portal&redirect_uri=https%3A%2F%2Fportal.example%2Fcb&state=s");
    assert_eq!(
        trusted_redirect(&trusted, Some(&c)).unwrap(),
        ("https://portal.example/cb", Some("s"))
    );
    for uri in [
        "https://portal.example/cb/",
        "https://portal.example/cb?x=1",
        "https://PORTAL.example/cb",
        "https://portal.example/c",
    ] {
        let query = format!("client_id=portal&redirect_uri={}", urlencode(uri));
        assert!(
            trusted_redirect(&params(&query), Some(&c)).is_err(),
            "{uri}"
        );
    }
    assert!(trusted_redirect(&params("client_id=x&redirect_uri=y"), None).is_err());
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[test]
fn the_strongest_requirement_wins() {
    let none = ClaimsRequest::default();
    assert_eq!(required_aal(None, &[], &none).unwrap(), Aal::Aal1);
    // acr_values: the weakest level listed that Vhod knows.
    let values = ["urn:vhod:aal3".to_owned(), "urn:vhod:aal2".to_owned()];
    assert_eq!(required_aal(None, &values, &none).unwrap(), Aal::Aal2);
    // Unknown acr_values are voluntary and ignored.
    assert_eq!(
        required_aal(None, &["1".to_owned()], &none).unwrap(),
        Aal::Aal1
    );
    // The client's policy raises it.
    assert_eq!(
        required_aal(Some(Aal::Aal3), &values, &none).unwrap(),
        Aal::Aal3
    );
    let essential = ClaimsRequest::parse(
        r#"{"id_token":{"acr":{"essential":true,"values":["urn:vhod:aal2"]}}}"#,
    )
    .unwrap();
    assert_eq!(required_aal(None, &[], &essential).unwrap(), Aal::Aal2);
    let unknown =
        ClaimsRequest::parse(r#"{"id_token":{"acr":{"essential":true,"value":"gold"}}}"#).unwrap();
    assert_eq!(
        required_aal(None, &[], &unknown).unwrap_err().code,
        ErrorCode::UnmetAuthenticationRequirements
    );
}

#[test]
fn flow_fields_are_capped() {
    let c = client(false);
    let long_state = format!(
        "client_id=portal&redirect_uri={}&response_type=code&scope=openid&state={}",
        urlencode("https://portal.example/cb"),
        "s".repeat(1025)
    );
    let p = params(&long_state);
    // The overlong state is neither kept nor echoed.
    assert_eq!(trusted_redirect(&p, Some(&c)).unwrap().1, None);
    let e = validate(&p, &c, "https://portal.example/cb", |_| None).unwrap_err();
    assert!(e.description.contains("`state`"), "{e}");
}

#[test]
fn claims_parameter_is_parsed_strictly() {
    let parsed = ClaimsRequest::parse(
        r#"{"userinfo":{"snils":null,"account_level":{"essential":true,"values":["standard","confirmed"]}}}"#,
    )
    .unwrap();
    assert_eq!(
        parsed.required_account_level(),
        Some(AccountLevel::Standard)
    );
    assert_eq!(
        parsed.names().collect::<Vec<_>>(),
        ["account_level", "snils"]
    );
    for bad in [
        "[1]",
        "{\"userinfo\":[]}",
        "{\"id_token\":{\"x\":5}}",
        "not json",
    ] {
        assert!(ClaimsRequest::parse(bad).is_err(), "{bad}");
    }
}
