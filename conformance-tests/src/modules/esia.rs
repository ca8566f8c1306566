//! The `esia` module set: ESIA's dialect of OAuth 2.0 (the methodological
//! recommendations v3.x) as a portal speaks it. The client signs its
//! requests with `openssl cms -sign -binary -outform DER`, as real portals
//! do; each module checks one thing a portal relies on.

use std::process::Command;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::Value;
use url::Url;

use super::{Ctx, Module};
use crate::browser::Landing;
use crate::check::{self, OrFail, Outcome, Res};
use crate::config::EsiaClient;
use crate::ensure;
use crate::http::Reply;

const PLAN: &str = "esia";
const SPEC: &str = "ESIA methodological recommendations v3.x, OAuth 2.0 / OpenID Connect";

macro_rules! module {
    ($name:literal, $run:expr) => {
        Module {
            name: $name,
            plan: PLAN,
            spec: SPEC,
            run: $run,
        }
    };
}

pub fn modules() -> Vec<Module> {
    vec![
        module!("esia-v2-authorization", |c| login(c, true).map(|_| {
            Outcome::pass("a signed v2 request logs the person in; code and state come back")
        })),
        module!("esia-v1-token", |c| tokens(c, false)),
        module!("esia-v3-token", |c| tokens(c, true)),
        module!("esia-bad-signature", bad_signature),
        module!("esia-stale-timestamp", stale_timestamp),
        module!("esia-code-replay", code_replay),
        module!("esia-rs-prns", rs_prns),
    ]
}

fn client<'a>(ctx: &'a Ctx) -> Result<&'a EsiaClient, Outcome> {
    ctx.cfg
        .esia
        .as_ref()
        .ok_or_else(|| Outcome::skipped("needs an ESIA client: pass --esia-client-id"))
}

/// `yyyy.MM.dd HH:mm:ss +0000`, `offset` seconds from now.
fn timestamp(offset: i64) -> String {
    let secs = check::now() + offset;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Howard Hinnant's days-to-civil.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}.{m:02}.{d:02} {:02}:{:02}:{:02} +0000",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// The detached CMS signature of `text` by the client, base64url.
fn sign(esia: &EsiaClient, text: &str) -> Result<String, Outcome> {
    let dir = std::env::temp_dir().join(format!("esia-sign-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).or_fail("a temporary directory")?;
    let input = dir.join("text");
    std::fs::write(&input, text).or_fail("writing the text to sign")?;
    let out = Command::new("openssl")
        .args(["cms", "-sign", "-binary", "-outform", "DER", "-in"])
        .arg(&input)
        .arg("-signer")
        .arg(&esia.cert_file)
        .arg("-inkey")
        .arg(&esia.key_file)
        .output();
    let _ = std::fs::remove_dir_all(&dir);
    let out = out.or_fail("running openssl")?;
    ensure!(
        out.status.success(),
        "openssl cms -sign failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(URL_SAFE_NO_PAD.encode(out.stdout))
}

/// The client's `client_certificate_hash`: Streebog-256 of the DER, hex.
fn certificate_hash(esia: &EsiaClient) -> Result<String, Outcome> {
    use streebog::Digest;
    let pem = std::fs::read_to_string(&esia.cert_file).or_fail("reading the certificate")?;
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = STANDARD.decode(b64).or_fail("the certificate is not PEM")?;
    let hash = streebog::Streebog256::digest(der);
    Ok(hash.iter().map(|b| format!("{b:02X}")).collect())
}

/// A signed authorization request (v1 or v2) for `scope`.
struct Ac {
    v2: bool,
    scope: String,
    state: String,
    timestamp: String,
}

impl Ac {
    fn new(v2: bool) -> Ac {
        Ac {
            v2,
            scope: "openid fullname".into(),
            state: uuid::Uuid::new_v4().to_string(),
            timestamp: timestamp(0),
        }
    }

    fn url(&self, ctx: &Ctx, esia: &EsiaClient, secret: Option<&str>) -> Result<Url, Outcome> {
        let redirect = &ctx.cfg.redirect_uri;
        let text = if self.v2 {
            [
                &*esia.id,
                &self.scope,
                &self.timestamp,
                &self.state,
                redirect,
            ]
            .concat()
        } else {
            [&*self.scope, &self.timestamp, &esia.id, &self.state].concat()
        };
        let secret = match secret {
            Some(s) => s.to_owned(),
            None => sign(esia, &text)?,
        };
        let path = if self.v2 {
            "/aas/oauth2/v2/ac"
        } else {
            "/aas/oauth2/ac"
        };
        let mut url = Url::parse(&format!("{}{path}", ctx.op.issuer)).or_fail("issuer")?;
        url.query_pairs_mut()
            .append_pair("client_id", &esia.id)
            .append_pair("client_secret", &secret)
            .append_pair("redirect_uri", redirect)
            .append_pair("scope", &self.scope)
            .append_pair("response_type", "code")
            .append_pair("state", &self.state)
            .append_pair("timestamp", &self.timestamp)
            .append_pair("access_type", "online");
        if self.v2 {
            url.query_pairs_mut()
                .append_pair("client_certificate_hash", &certificate_hash(esia)?);
        }
        Ok(url)
    }
}

/// A login through a signed request; the code.
fn login(ctx: &Ctx, v2: bool) -> Result<String, Outcome> {
    let esia = client(ctx)?;
    let ac = Ac::new(v2);
    let ua = ctx.browser();
    let landing = ua
        .open(
            &ac.url(ctx, esia, None)?,
            ctx.driver,
            &ctx.cfg.login,
            &ctx.cfg.password,
        )
        .or_fail("authorization request")?;
    let callback = ctx.callback(landing)?;
    if let Some(error) = check::param(&callback, "error") {
        return Err(Outcome::fail(format!(
            "the provider answered {error}: {}",
            check::param(&callback, "error_description").unwrap_or_default()
        )));
    }
    check::check_state(&callback, Some(&ac.state))?;
    check::param(&callback, "code").or_fail("the authorization response has no code")
}

/// A signed token request for `code`.
fn te(ctx: &Ctx, v3: bool, code: &str) -> Result<Reply, Outcome> {
    let esia = client(ctx)?;
    let (scope, state, ts) = (
        "openid fullname",
        uuid::Uuid::new_v4().to_string(),
        timestamp(0),
    );
    let redirect = ctx.cfg.redirect_uri.as_str();
    let text = if v3 {
        [&*esia.id, scope, &ts, &state, redirect, code].concat()
    } else {
        [scope, &*ts, &esia.id, &state].concat()
    };
    let secret = sign(esia, &text)?;
    let mut form = vec![
        ("client_id", esia.id.clone()),
        ("code", code.to_owned()),
        ("grant_type", "authorization_code".into()),
        ("client_secret", secret),
        ("state", state),
        ("redirect_uri", redirect.to_owned()),
        ("scope", scope.to_owned()),
        ("timestamp", ts),
        ("token_type", "Bearer".into()),
    ];
    if v3 {
        form.push(("client_certificate_hash", certificate_hash(esia)?));
    }
    let path = if v3 {
        "/aas/oauth2/v3/te"
    } else {
        "/aas/oauth2/te"
    };
    let res = crate::http::client()
        .post(format!("{}{path}", ctx.op.issuer))
        .form(&form)
        .send()
        .or_fail("token request")?;
    Reply::read(res).or_fail("token response")
}

fn claims(jwt: &str) -> Result<Value, Outcome> {
    let payload = jwt.split('.').nth(1).or_fail("a JWT")?;
    let bytes = URL_SAFE_NO_PAD.decode(payload).or_fail("JWT payload")?;
    serde_json::from_slice(&bytes).or_fail("JWT claims")
}

/// The ESIA tokens of a fresh login.
fn fresh_tokens(ctx: &Ctx, v3: bool) -> Result<Value, Outcome> {
    let code = login(ctx, v3)?;
    let reply = te(ctx, v3, &code)?;
    ensure!(
        reply.status == 200,
        "the token endpoint answered HTTP {}: {}",
        reply.status,
        check::short(&reply.body)
    );
    reply.json().or_fail("the token response is not JSON")
}

fn tokens(ctx: &Ctx, v3: bool) -> Res {
    let esia = client(ctx)?;
    let json = fresh_tokens(ctx, v3)?;
    let id = claims(json["id_token"].as_str().or_fail("no id_token")?)?;
    let access = claims(json["access_token"].as_str().or_fail("no access_token")?)?;
    ensure!(json["state"].is_string(), "the token response has no state");
    ensure!(
        id["iss"] == esia.issuer.as_str(),
        "ID token iss is {}, not {}",
        id["iss"],
        esia.issuer
    );
    ensure!(
        id["aud"] == esia.id.as_str(),
        "ID token aud is {}",
        id["aud"]
    );
    let oid = id["sub"]
        .as_i64()
        .or_fail("ID token sub is not a numeric oid")?;
    let sbj = &id["urn:esia:sbj"];
    ensure!(
        sbj["urn:esia:sbj:oid"] == oid && sbj["urn:esia:sbj:typ"] == "P",
        "urn:esia:sbj is {sbj}"
    );
    ensure!(
        sbj["urn:esia:sbj:nam"] == format!("OID.{oid}"),
        "urn:esia:sbj:nam is {}",
        sbj["urn:esia:sbj:nam"]
    );
    ensure!(
        access["urn:esia:sbj_id"] == oid,
        "the access token's urn:esia:sbj_id is {}",
        access["urn:esia:sbj_id"]
    );
    ensure!(
        access["scope"]
            .as_str()
            .is_some_and(|s| s.contains(&format!("fullname?oid={oid}"))),
        "the access token's scope is {}",
        access["scope"]
    );
    Ok(Outcome::pass("ESIA-shaped ID and access tokens"))
}

/// Expects the request to come back to the portal with `esia_code`.
fn refused(ctx: &Ctx, url: &Url, esia_code: &str) -> Res {
    let landing = ctx.browser().visit(url).or_fail("authorization request")?;
    let callback = match landing {
        Landing::Redirect(url) => url,
        Landing::Page { url, reply } => {
            return Err(Outcome::fail(format!(
                "stayed at {url} (HTTP {})",
                reply.status
            )));
        }
    };
    ensure!(
        check::param(&callback, "code").is_none(),
        "a code was issued: {callback}"
    );
    let description = check::param(&callback, "error_description").unwrap_or_default();
    ensure!(
        description.starts_with(esia_code),
        "expected {esia_code}, got error_description `{description}`"
    );
    Ok(Outcome::pass(format!("refused with {esia_code}")))
}

fn bad_signature(ctx: &Ctx) -> Res {
    let esia = client(ctx)?;
    let ac = Ac::new(true);
    let forged = sign(esia, "some other text")?;
    refused(ctx, &ac.url(ctx, esia, Some(&forged))?, "ESIA-007053")
}

fn stale_timestamp(ctx: &Ctx) -> Res {
    let esia = client(ctx)?;
    let mut ac = Ac::new(true);
    ac.timestamp = timestamp(-24 * 3600);
    refused(ctx, &ac.url(ctx, esia, None)?, "ESIA-007055")
}

fn code_replay(ctx: &Ctx) -> Res {
    let code = login(ctx, true)?;
    let first = te(ctx, true, &code)?;
    ensure!(
        first.status == 200,
        "the first use answered HTTP {}",
        first.status
    );
    let second = te(ctx, true, &code)?;
    ensure!(
        second.status == 400,
        "a second use answered HTTP {}, not 400",
        second.status
    );
    ensure!(
        second.field("error").as_deref() == Some("invalid_grant"),
        "a second use answered {}",
        check::short(&second.body)
    );
    Ok(Outcome::pass("a code is single use"))
}

fn rs_prns(ctx: &Ctx) -> Res {
    let json = fresh_tokens(ctx, true)?;
    let token = json["access_token"].as_str().or_fail("no access_token")?;
    let id = claims(json["id_token"].as_str().or_fail("no id_token")?)?;
    let oid = id["sub"].as_i64().or_fail("no numeric sub")?;
    let get = |oid: i64| -> Result<Reply, Outcome> {
        let res = crate::http::client()
            .get(format!("{}/rs/prns/{oid}", ctx.op.issuer))
            .bearer_auth(token)
            .send()
            .or_fail("GET /rs/prns")?;
        Reply::read(res).or_fail("the REST answer")
    };
    let own = get(oid)?;
    ensure!(
        own.status == 200,
        "/rs/prns/{oid} answered HTTP {}",
        own.status
    );
    let person = own.json().or_fail("the person is not JSON")?;
    ensure!(
        person["firstName"].is_string() && person["lastName"].is_string(),
        "no names under `fullname`: {person}"
    );
    let other = get(oid + 1)?;
    ensure!(
        other.status == 403,
        "another person's /rs/prns answered HTTP {}, not 403",
        other.status
    );
    Ok(Outcome::pass("the person's own data only"))
}
