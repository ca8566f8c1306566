//! `/`: the provider's home. A logged-in person sees their account (name,
//! level and what raises it, the account's pages); anyone else the login
//! form. A login that began on an account page (`/orgs`, a deep link)
//! comes back here and is sent on to that page.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::{html, problem, see_other, texts};
use crate::accounts::levels::NextStep;
use crate::accounts::profile;
use crate::ctx::Ctx;
use crate::http::RequestId;
use crate::http::extract::{CurrentSession, RETURN_COOKIE, login_cookie, read_cookie};
use crate::http::i18n::Texts;
use crate::http::routes::paths;
use crate::oidc::authorize::Problem;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    t: &'static Texts,
    name: String,
    level: &'static str,
    next: &'static str,
    /// The page that takes the next step, and its link's text.
    next_link: Option<(&'static str, &'static str)>,
}

pub async fn page(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    CurrentSession(session): CurrentSession,
    id: RequestId,
) -> HttpResponse {
    let Some(session) = session else {
        let login = super::flow::LoginFlow {
            flow: None,
            t: texts(&req, None),
            params: Default::default(),
        };
        return super::login::form(ctx, req, login, id).await;
    };
    if let Some(wanted) = read_cookie(&ctx, &req, RETURN_COOKIE) {
        // Used once, whether or not it passes.
        let mut gone = login_cookie(&ctx, RETURN_COOKIE, "");
        gone.make_removal();
        let mut res = match paths::return_path(wanted.value()) {
            Some(path) => see_other(path),
            None => see_other(paths::HOME),
        };
        let _ = res.add_cookie(&gone);
        return res;
    }
    let t = texts(&req, None);
    let overview = match profile::overview(&ctx, &session.auth.account_id).await {
        Ok(Some(overview)) => overview,
        _ => return problem(t, &id, Problem::Unavailable),
    };
    let h = &t.home;
    let next_link = match overview.next {
        NextStep::SendForCheck => Some((paths::ACCOUNT, h.fill_in)),
        NextStep::FixRefused => Some((paths::ACCOUNT, h.fix)),
        NextStep::AwaitCheck => Some((paths::ACCOUNT, h.see_check)),
        NextStep::Confirm => Some((paths::ACCOUNT_CONFIRM, h.confirm)),
        NextStep::Highest => None,
    };
    let page = HomePage {
        t,
        name: overview.account.given_names(),
        level: (t.say.level)(overview.account.level),
        next: (h.next)(overview.next),
        next_link,
    };
    html(StatusCode::OK, &page)
}
