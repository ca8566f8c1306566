//! The prologue the login steps' pages share, as extractors: read `flow`
//! (from the query of a GET, from the CSRF-checked form of a POST), open
//! it for this browser, pick the texts, and turn a flow that is missing,
//! expired, finished or another browser's into the page shown instead —
//! so the handlers start where their own work does.

use actix_web::dev::Payload;
use actix_web::http::Method;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, web};

use super::{decision, problem, texts, with_cookie};
use crate::ctx::Ctx;
use crate::http::RequestId;
use crate::http::extract::{CsrfForm, RequestParams, browser_id};
use crate::http::i18n::Texts;
use crate::oidc::authorize::{self, Problem};
use crate::oidc::flow::{Flow, FlowStep};
use crate::oidc::{OAuthError, Params};
use crate::sessions::Session;

type LocalFuture<T> = std::pin::Pin<Box<dyn std::future::Future<Output = T>>>;

/// A login step's flow as this browser may use it (none outside a flow or
/// when a GET's query is unreadable), the texts in its language, and the
/// request's parameters. Anything else is answered by the extractor: the
/// CSRF or bad-form page, or the flow's own decision (with the browser
/// cookie when it is new).
pub struct LoginFlow {
    pub flow: Option<Flow>,
    pub t: &'static Texts,
    pub params: Params,
}

impl FromRequest for LoginFlow {
    type Error = actix_web::Error;
    type Future = LocalFuture<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let params = params(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let params = params.await?.unwrap_or_default();
            let ctx = req.app_data::<web::Data<Ctx>>().cloned();
            let flow = match (ctx, params.get("flow")) {
                (Some(ctx), Ok(Some(flow_id))) => {
                    let (browser, cookie) = browser_id(&ctx, &req);
                    match authorize::open(&ctx, flow_id, Some(&browser)).await {
                        Ok(flow) => Some(flow),
                        Err(next) => {
                            let page = decision(texts(&req, None), &request_id(&req), next);
                            return Err(refused(with_cookie(page, cookie)));
                        }
                    }
                }
                _ => None,
            };
            let t = flow_texts(&req, flow.as_ref());
            Ok(LoginFlow { flow, t, params })
        })
    }
}

/// The texts in the language the flow asked for, else the browser's.
pub(super) fn flow_texts(req: &HttpRequest, flow: Option<&Flow>) -> &'static Texts {
    texts(req, flow.and_then(|f| f.request.ui_locales.as_deref()))
}

/// A request that names a flow (`flow`, for the use case to open), with
/// the browser's texts and the request's parameters. No readable `flow` is
/// answered with the expired-flow page.
pub struct NamedFlow {
    pub flow_id: String,
    pub t: &'static Texts,
    pub params: Params,
}

impl FromRequest for NamedFlow {
    type Error = actix_web::Error;
    type Future = LocalFuture<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let params = params(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let params = params.await?;
            let t = texts(&req, None);
            let flow_id = match params.as_ref().map(|p| p.get("flow")) {
                Ok(Ok(Some(flow))) => flow.to_owned(),
                _ => return Err(refused(problem(t, &request_id(&req), Problem::FlowExpired))),
            };
            let params = params.unwrap_or_default();
            Ok(NamedFlow { flow_id, t, params })
        })
    }
}

/// A GET's query as read (it may be unreadable); a POST's form only when
/// its CSRF token matches.
fn params(
    req: &HttpRequest,
    payload: &mut Payload,
) -> LocalFuture<Result<Result<Params, OAuthError>, actix_web::Error>> {
    if req.method() == Method::POST {
        let form = CsrfForm::from_request(req, payload);
        Box::pin(async move { Ok(Ok(form.await?.0)) })
    } else {
        let query = RequestParams::from_request(req, payload);
        Box::pin(async move {
            let Ok(RequestParams(parsed)) = query.await;
            Ok(parsed)
        })
    }
}

fn request_id(req: &HttpRequest) -> RequestId {
    req.extensions()
        .get::<RequestId>()
        .cloned()
        .unwrap_or_default()
}

fn refused(page: HttpResponse) -> actix_web::Error {
    actix_web::error::InternalError::from_response("flow page", page).into()
}

/// The flow a step's page shows as it waits at `step` for this browser's
/// person, with the texts in the flow's language; or the page to show
/// instead (the flow decides again for anyone else).
pub async fn step_page(
    ctx: &Ctx,
    req: &HttpRequest,
    named: &NamedFlow,
    session: Option<Session>,
    id: &RequestId,
    step: impl FnOnce(&str) -> FlowStep,
) -> Result<(Flow, Session, &'static Texts), HttpResponse> {
    let (browser, cookie) = browser_id(ctx, req);
    match authorize::open_at(ctx, &named.flow_id, Some(&browser), session, step).await {
        Ok((flow, session)) => {
            let t = flow_texts(req, Some(&flow));
            Ok((flow, session, t))
        }
        Err(next) => Err(with_cookie(decision(named.t, id, next), cookie)),
    }
}
