//! The authorize decision without HTTP or a store: a flow, a client, the
//! facts and `now` in, what comes next out.

use super::*;
use crate::model::{Release, Scopes};
use crate::oidc::auth_request::Prompt;
use crate::oidc::claims::ClaimsRequest;

const NOW: UnixTime = 1_700_000_000;

fn client() -> Client {
    Client::for_tests("openid profile organizations")
}

fn request(scope: &str) -> AuthRequest {
    AuthRequest {
        client_id: "portal".into(),
        redirect_uri: "https://portal.example/cb".into(),
        state: Some("st".into()),
        nonce: None,
        scopes: Scopes::parse(scope),
        code_challenge: None,
        prompt: Prompt::default(),
        max_age: None,
        login_hint: None,
        ui_locales: None,
        acr_values: Vec::new(),
        claims: ClaimsRequest::default(),
        hint_sub: None,
        required_aal: Aal::Aal1,
        esia: None,
    }
}

fn flow(scope: &str) -> Flow {
    Flow::new(request(scope), "browser", NOW - 10)
}

fn session(aal: Aal, amr: &[&str]) -> SessionFacts {
    SessionFacts {
        auth: AuthContext {
            account_id: "acc".into(),
            auth_time: NOW - 600,
            aal,
            amr: amr.iter().map(|m| (*m).to_owned()).collect(),
            account_level: AccountLevel::Standard,
            sid: "sid".into(),
            acting_org: None,
        },
        actor_chosen: false,
    }
}

/// A password session and a remembered consent to `openid profile`.
fn facts() -> Facts {
    Facts {
        session: Some(session(Aal::Aal1, &["pwd"])),
        consent: Some(consent("openid profile")),
        ..Facts::default()
    }
}

fn consent(scope: &str) -> Consent {
    Consent {
        account_id: "acc".into(),
        client_id: "portal".into(),
        scopes: Scopes::parse(scope),
        claims: Default::default(),
        granted_at: NOW - 86_400,
    }
}

fn failed(next: Next) -> ErrorCode {
    match next {
        Next::Fail(error) => error.code,
        other => panic!("expected an error back to the portal, got {other:?}"),
    }
}

fn issued(next: Next) -> (AuthContext, Release) {
    match next {
        Next::Issue { auth, release } => (auth, release),
        other => panic!("expected a code, got {other:?}"),
    }
}

#[test]
fn all_good_issues_a_code_with_the_proposed_release() {
    let (flow, client) = (flow("openid profile"), client());
    let (auth, release) = issued(decide(&flow, &client, &facts(), NOW));
    assert_eq!(auth.account_id, "acc");
    assert_eq!(auth.acting_org, None);
    assert_eq!(release, proposed_release(&flow, &client));
    assert!(release.userinfo.contains("family_name"), "{release:?}");
}

#[test]
fn no_session_asks_for_a_login_or_fails_under_prompt_none() {
    let mut flow = flow("openid profile");
    let none = Facts::default();
    assert_eq!(decide(&flow, &client(), &none, NOW), Next::Login);
    flow.request.prompt.none = true;
    assert_eq!(
        failed(decide(&flow, &client(), &none, NOW)),
        ErrorCode::LoginRequired
    );
}

#[test]
fn max_age_exceeded_or_prompt_login_asks_for_a_new_login() {
    let mut flow = flow("openid profile");
    flow.request.max_age = Some(599);
    assert_eq!(decide(&flow, &client(), &facts(), NOW), Next::Login);
    flow.request.max_age = Some(600);
    issued(decide(&flow, &client(), &facts(), NOW));

    let mut flow = self::flow("openid profile");
    flow.request.prompt.login = true;
    assert_eq!(decide(&flow, &client(), &facts(), NOW), Next::Login);
    // A login in this very flow satisfies both.
    flow.login_sid = Some("sid".into());
    flow.request.max_age = Some(0);
    issued(decide(&flow, &client(), &facts(), NOW));
}

#[test]
fn an_id_token_hint_for_someone_else_asks_for_a_login() {
    let mut flow = flow("openid profile");
    flow.request.hint_sub = Some("other".into());
    assert_eq!(decide(&flow, &client(), &facts(), NOW), Next::Login);
    flow.request.hint_sub = Some("acc".into());
    issued(decide(&flow, &client(), &facts(), NOW));
}

#[test]
fn acr_values_above_the_sessions_step_up_or_log_in_again() {
    let mut flow = flow("openid profile");
    flow.request.required_aal = Aal::Aal2;
    // A password session reaches two factors with a code alone.
    assert_eq!(decide(&flow, &client(), &facts(), NOW), Next::StepUp);
    // A certificate level needs a new login.
    flow.request.required_aal = Aal::Aal3;
    assert_eq!(decide(&flow, &client(), &facts(), NOW), Next::Login);
    // Under prompt=none nothing can be asked.
    flow.request.required_aal = Aal::Aal2;
    flow.request.prompt.none = true;
    assert_eq!(
        failed(decide(&flow, &client(), &facts(), NOW)),
        ErrorCode::LoginRequired
    );
    // A session strong enough goes on.
    let mut flow = self::flow("openid profile");
    flow.request.required_aal = Aal::Aal2;
    let strong = Facts {
        session: Some(session(Aal::Aal2, &["pwd", "otp"])),
        ..facts()
    };
    let (auth, _) = issued(decide(&flow, &client(), &strong, NOW));
    assert_eq!(auth.aal, Aal::Aal2);
}

#[test]
fn a_level_below_the_portals_is_refused_unless_the_account_rose_since() {
    let flow = flow("openid profile");
    let mut client = client();
    client.min_account_level = Some(AccountLevel::Confirmed);
    let mut facts = facts();
    facts.level_now = Some(AccountLevel::Standard);
    match decide(&flow, &client, &facts, NOW) {
        Next::LevelTooLow {
            required, current, ..
        } => assert_eq!(
            (required, current),
            (AccountLevel::Confirmed, AccountLevel::Standard)
        ),
        other => panic!("{other:?}"),
    }
    // Raised since the session began: a new login takes the new level.
    facts.level_now = Some(AccountLevel::Confirmed);
    assert_eq!(decide(&flow, &client, &facts, NOW), Next::Login);
    let mut quiet = flow.clone();
    quiet.request.prompt.none = true;
    assert_eq!(
        failed(decide(&quiet, &client, &facts, NOW)),
        ErrorCode::LoginRequired
    );
    // Too low under prompt=none: access_denied back to the portal.
    facts.level_now = Some(AccountLevel::Standard);
    assert_eq!(
        failed(decide(&quiet, &client, &facts, NOW)),
        ErrorCode::AccessDenied
    );
}

#[test]
fn an_essential_account_level_claim_is_a_requirement_too() {
    let mut flow = flow("openid profile");
    flow.request.claims = ClaimsRequest::parse(
        r#"{"id_token":{"account_level":{"essential":true,"values":["confirmed"]}}}"#,
    )
    .unwrap();
    assert_eq!(
        required_level(&client(), &flow.request),
        Some(AccountLevel::Confirmed)
    );
    let mut facts = facts();
    facts.level_now = Some(AccountLevel::Standard);
    assert!(matches!(
        decide(&flow, &client(), &facts, NOW),
        Next::LevelTooLow { .. }
    ));
}

#[test]
fn consent_missing_is_asked_and_fails_under_prompt_none() {
    let mut flow = flow("openid profile");
    let mut facts = facts();
    facts.consent = None;
    assert_eq!(
        decide(&flow, &client(), &facts, NOW),
        Next::Consent {
            account_id: "acc".into()
        }
    );
    // A remembered consent to less than asked does not cover it.
    facts.consent = Some(consent("openid"));
    assert!(matches!(
        decide(&flow, &client(), &facts, NOW),
        Next::Consent { .. }
    ));
    flow.request.prompt.none = true;
    assert_eq!(
        failed(decide(&flow, &client(), &facts, NOW)),
        ErrorCode::ConsentRequired
    );
}

#[test]
fn prompt_consent_asks_again_despite_a_remembered_consent() {
    let mut flow = flow("openid profile");
    flow.request.prompt.consent = true;
    assert!(matches!(
        decide(&flow, &client(), &facts(), NOW),
        Next::Consent { .. }
    ));
}

#[test]
fn a_consent_given_in_the_flow_counts_only_for_who_gave_it() {
    let mut flow = flow("openid profile");
    let release = Release {
        id_token: Default::default(),
        userinfo: ["family_name".to_owned()].into(),
    };
    flow.step = FlowStep::Consented {
        account_id: "acc".into(),
        release: release.clone(),
    };
    let mut facts = facts();
    facts.consent = None;
    let (_, released) = issued(decide(&flow, &client(), &facts, NOW));
    assert_eq!(released, release);
    flow.step = FlowStep::Consented {
        account_id: "someone-else".into(),
        release,
    };
    assert!(matches!(
        decide(&flow, &client(), &facts, NOW),
        Next::Consent { .. }
    ));
}

#[test]
fn a_first_party_portal_skips_consent() {
    let mut client = client();
    client.skip_consent = true;
    let mut facts = facts();
    facts.consent = None;
    issued(decide(&flow("openid profile"), &client, &facts, NOW));
}

fn org_facts(actor_chosen: bool, acting: Option<&str>) -> Facts {
    let mut session = session(Aal::Aal1, &["pwd"]);
    session.actor_chosen = actor_chosen;
    session.auth.acting_org = acting.map(str::to_owned);
    Facts {
        session: Some(session),
        orgs: vec!["clinic".into(), "shop".into()],
        consent: Some(consent("openid organizations")),
        ..Facts::default()
    }
}

#[test]
fn a_person_with_organizations_chooses_whom_to_act_for_once_per_session() {
    let flow = flow("openid organizations");
    let ask = Next::ChooseActor {
        account_id: "acc".into(),
    };
    assert_eq!(decide(&flow, &client(), &org_facts(false, None), NOW), ask);
    let (auth, _) = issued(decide(
        &flow,
        &client(),
        &org_facts(true, Some("clinic")),
        NOW,
    ));
    assert_eq!(auth.acting_org.as_deref(), Some("clinic"));
    let (auth, _) = issued(decide(&flow, &client(), &org_facts(true, None), NOW));
    assert_eq!(auth.acting_org, None);
    // An organization the person left is never acted for.
    assert_eq!(
        decide(&flow, &client(), &org_facts(true, Some("gone")), NOW),
        ask
    );
    // Without organizations, or without the scope, nobody is asked.
    let mut alone = org_facts(false, None);
    alone.orgs.clear();
    issued(decide(&flow, &client(), &alone, NOW));
    let mut facts = org_facts(false, None);
    facts.consent = Some(consent("openid profile"));
    issued(decide(
        &self::flow("openid profile"),
        &client(),
        &facts,
        NOW,
    ));
}

#[test]
fn select_account_asks_again_until_chosen_in_this_flow() {
    let mut flow = flow("openid organizations");
    flow.request.prompt.select_account = true;
    let facts = org_facts(true, Some("clinic"));
    assert!(matches!(
        decide(&flow, &client(), &facts, NOW),
        Next::ChooseActor { .. }
    ));
    flow.actor_chosen_by = Some("acc".into());
    issued(decide(&flow, &client(), &facts, NOW));
    // Under prompt=none the choice cannot be asked.
    let mut quiet = self::flow("openid organizations");
    quiet.request.prompt.none = true;
    assert_eq!(
        failed(decide(&quiet, &client(), &org_facts(false, None), NOW)),
        ErrorCode::AccountSelectionRequired
    );
}

#[test]
fn a_finished_flow_stays_finished() {
    let mut flow = flow("openid profile");
    flow.step = FlowStep::Done;
    assert_eq!(decide(&flow, &client(), &facts(), NOW), Next::Completed);
    assert_eq!(step_of(&Next::Completed), None);
}

#[test]
fn each_question_is_the_step_the_flow_waits_at() {
    assert_eq!(step_of(&Next::Login), Some(FlowStep::Authenticate));
    assert_eq!(step_of(&Next::StepUp), Some(FlowStep::Authenticate));
    assert_eq!(
        step_of(&Next::Consent {
            account_id: "acc".into()
        }),
        Some(FlowStep::Consent {
            account_id: "acc".into()
        })
    );
    let fail = Next::Fail(OAuthError::new(ErrorCode::AccessDenied, "no"));
    assert_eq!(step_of(&fail), Some(FlowStep::Done));
}
