//! «Войти по сертификату»: the page with this browser's challenge, and the
//! signed answer (fields `certificate` and `signature`, as on the
//! confirmation page). The rules are `login::certificate`'s; this renders.

use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::flow::flow_texts;
use super::login::{client_name, finish, required};
use super::{LoginFlow, Requester, html, problem, with_cookie, with_own_scripts};
use crate::credentials;
use crate::ctx::Ctx;
use crate::http::RequestId;
use crate::http::extract::{browser_id, csrf_token};
use crate::http::i18n::{CertificateTexts, Texts};
use crate::login::certificate::{self, Refusal, Signed};
use crate::login::{self, LoginError};
use crate::oidc::authorize::Problem;
use crate::oidc::flow::Flow;

#[derive(Template)]
#[template(path = "login_certificate.html")]
struct CertificatePage<'a> {
    t: &'static Texts,
    c: &'static CertificateTexts,
    csrf: &'a str,
    flow_id: Option<&'a str>,
    client_name: Option<&'a str>,
    /// What to sign; `None` when certificate login is off.
    challenge: Option<&'a str>,
    /// A password can reach the portal's requirement: offer it too (else
    /// say why only a certificate will do).
    password: bool,
    error: Option<&'a str>,
    /// Demo mode: where the demo certificates are.
    demo_dir: Option<String>,
}

/// This browser's binding cookie value, and the cookie when it is new.
type Browser = (String, Option<Cookie<'static>>);

/// The page with a fresh challenge for this browser; 404 when certificate
/// login is off.
async fn show(
    ctx: &Ctx,
    req: &HttpRequest,
    id: &RequestId,
    flow: Option<&Flow>,
    (browser, browser_cookie): Browser,
    status: StatusCode,
    error: Option<String>,
) -> HttpResponse {
    let t = flow_texts(req, flow);
    let challenge = if credentials::certificate::available(ctx) {
        match credentials::certificate::challenge(ctx, &browser).await {
            Ok(challenge) => Some(challenge),
            Err(_) => return problem(t, id, Problem::Unavailable),
        }
    } else {
        None
    };
    let methods = login::methods(ctx, required(flow));
    let client_name = client_name(ctx, flow).await;
    let (csrf, csrf_cookie) = csrf_token(ctx, req);
    let page = CertificatePage {
        t,
        c: &t.certificate,
        csrf: &csrf,
        flow_id: flow.map(|f| f.id.as_str()),
        client_name: client_name.as_deref(),
        challenge: challenge.as_deref(),
        password: methods.password,
        error: error.as_deref(),
        demo_dir: ctx
            .config
            .demo
            .then(|| ctx.config.data_dir.join("demo-ca").display().to_string()),
    };
    let status = match challenge {
        Some(_) => status,
        None => StatusCode::NOT_FOUND,
    };
    let res = with_cookie(html(status, &page), csrf_cookie);
    with_own_scripts(with_cookie(res, browser_cookie))
}

pub async fn form(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    LoginFlow { flow, .. }: LoginFlow,
    id: RequestId,
) -> HttpResponse {
    let browser = browser_id(&ctx, &req);
    show(
        &ctx,
        &req,
        &id,
        flow.as_ref(),
        browser,
        StatusCode::OK,
        None,
    )
    .await
}

pub async fn submit(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    LoginFlow { flow, t, params }: LoginFlow,
    id: RequestId,
) -> HttpResponse {
    let c = &t.certificate;
    let browser = browser_id(&ctx, &req);
    let again = |status, error| {
        let browser = browser.clone();
        show(&ctx, &req, &id, flow.as_ref(), browser, status, error)
    };
    let field = |name| params.get(name).ok().flatten().unwrap_or_default().trim();
    let signed = Signed {
        certificate_pem: field("certificate"),
        signature: field("signature"),
    };
    let missing = match (signed.certificate_pem, signed.signature) {
        ("", _) => Some(c.certificate_missing),
        (_, "") => Some(c.signature_missing),
        _ => None,
    };
    if let Some(message) = missing {
        return again(StatusCode::BAD_REQUEST, Some(message.to_owned())).await;
    }
    let requester = Requester::of(&req);
    let required = required(flow.as_ref());
    let outcome =
        certificate::login(&ctx, &browser.0, signed, required, &requester.browser(&id)).await;
    match outcome {
        Ok(outcome) => finish(&ctx, t, &id, flow, outcome).await,
        Err(LoginError::Certificate(refusal)) => {
            let message = (t.say.certificate_login)(&refusal);
            again(status_of(&refusal), Some(message)).await
        }
        // Switched off meanwhile: the page says so.
        Err(LoginError::CertificatesOff) => again(StatusCode::OK, None).await,
        Err(_) => problem(t, &id, Problem::Unavailable),
    }
}

/// 400 for what was sent unreadable or stale, 403 for a certificate that
/// was read and is refused.
fn status_of(refusal: &Refusal) -> StatusCode {
    use esign::CertError as E;
    match refusal {
        Refusal::NoChallenge | Refusal::Invalid(E::Malformed { .. } | E::SignatureMismatch) => {
            StatusCode::BAD_REQUEST
        }
        _ => StatusCode::FORBIDDEN,
    }
}
