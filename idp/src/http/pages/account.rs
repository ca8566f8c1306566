//! The person's own pages: «Мои данные» and the check that makes an account
//! standard; consents given to portals, and withdrawing them. The
//! confirmation of the identity is in `confirm`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::{html, problem, see_other, texts, with_cookie};
use crate::accounts::profile::{self, ProfileError, ProfileField};
use crate::ctx::Ctx;
use crate::dates;
use crate::http::RequestId;
use crate::http::extract::{CsrfForm, RequestParams, SessionUser, csrf_token};
use crate::http::i18n::Texts;
use crate::http::routes::paths;
use crate::identifiers::Invalid;
use crate::model::{AccountLevel, Profile, Verification, VerificationStatus};
use crate::oidc::Params;
use crate::oidc::authorize::Problem;
use crate::oidc::authorize::consent;

struct Item {
    client_id: String,
    client_name: String,
    scopes: Vec<&'static str>,
    granted: String,
}

#[derive(Template)]
#[template(path = "consents.html")]
struct ConsentsPage<'a> {
    t: &'static Texts,
    csrf: &'a str,
    items: Vec<Item>,
    revoked: bool,
}

pub async fn consents(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    params: RequestParams,
    SessionUser(session): SessionUser,
    id: RequestId,
) -> HttpResponse {
    let t = texts(&req, None);
    let Ok(consents) = consent::of_account(&ctx, &session.auth.account_id).await else {
        return problem(t, &id, Problem::Unavailable);
    };
    let items = consents
        .into_iter()
        .map(|(c, client_name)| Item {
            client_name,
            scopes: c
                .scopes
                .iter()
                .filter_map(|s| (t.say.scope)(s))
                .chain(c.claims.iter().map(|n| (t.say.claim)(n)))
                .collect(),
            granted: dates::date_time(c.granted_at, t.lang),
            client_id: c.client_id,
        })
        .collect();
    let revoked = params
        .0
        .ok()
        .and_then(|p| p.get("revoked").ok().flatten().map(|_| ()))
        .is_some();
    let (csrf, cookie) = csrf_token(&ctx, &req);
    let page = ConsentsPage {
        t,
        csrf: &csrf,
        items,
        revoked,
    };
    with_cookie(html(StatusCode::OK, &page), cookie)
}

#[derive(Template)]
#[template(path = "consent_withdraw.html")]
struct WithdrawPage<'a> {
    t: &'static Texts,
    csrf: &'a str,
    client_id: &'a str,
    client_name: &'a str,
}

/// «Отозвать»: first the question, then (`confirm=yes`) the withdrawal.
pub async fn withdraw(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    CsrfForm(params): CsrfForm,
    SessionUser(session): SessionUser,
    id: RequestId,
) -> HttpResponse {
    let t = texts(&req, None);
    let Ok(Some(client_id)) = params.get("client_id") else {
        return see_other(paths::ACCOUNT_CONSENTS);
    };
    if params.get("confirm").ok().flatten() != Some("yes") {
        let Ok(consents) = consent::of_account(&ctx, &session.auth.account_id).await else {
            return problem(t, &id, Problem::Unavailable);
        };
        let Some((_, client_name)) = consents.iter().find(|(c, _)| c.client_id == client_id) else {
            return see_other(paths::ACCOUNT_CONSENTS);
        };
        let (csrf, cookie) = csrf_token(&ctx, &req);
        let page = WithdrawPage {
            t,
            csrf: &csrf,
            client_id,
            client_name,
        };
        return with_cookie(html(StatusCode::OK, &page), cookie);
    }
    match consent::withdraw(&ctx, &session.auth.account_id, client_id, Some(&id.0)).await {
        Ok(_) => see_other(&format!("{}?revoked=1", paths::ACCOUNT_CONSENTS)),
        Err(_) => problem(t, &id, Problem::Unavailable),
    }
}

/// One field of the profile form.
struct ProfileInput {
    name: &'static str,
    label: &'static str,
    value: String,
    optional: bool,
    date: bool,
    invalid: bool,
}

/// One line of the data in force.
struct Line {
    label: &'static str,
    value: String,
    /// The value is the person's data as entered (marked `lang="ru"`), not
    /// a word of the page.
    data: bool,
    /// Where the value stands: checked, not checked, or being checked.
    status: &'static str,
    /// A new value, different from this one, is being checked (the form
    /// below holds it; this list shows only what is in force).
    on_check: bool,
}

#[derive(Template)]
#[template(path = "profile.html")]
struct ProfilePage<'a> {
    t: &'static Texts,
    csrf: &'a str,
    level: &'static str,
    level_since: String,
    /// The data in force: checked (or, on a simplified account, as
    /// registered); what tokens, userinfo and portals get.
    in_force: Vec<Line>,
    checked: bool,
    /// The newest check was refused: the form holds what it refused.
    refused: bool,
    banner: Vec<String>,
    errors: Vec<String>,
    pending: bool,
    fields: Vec<ProfileInput>,
    /// The phone and e-mail the account was registered with, each with
    /// whether it is confirmed.
    contacts: Vec<(String, &'static str)>,
}

/// The stored value of a field.
fn stored(profile: &Profile, field: ProfileField) -> String {
    use ProfileField as F;
    let passport = profile.passport.clone().unwrap_or_default();
    match field {
        F::LastName => profile.family_name.clone(),
        F::FirstName => profile.given_name.clone(),
        F::MiddleName => profile.middle_name.clone().unwrap_or_default(),
        F::Gender => profile.gender.clone().unwrap_or_default(),
        F::Birthdate => profile.birthdate.clone().unwrap_or_default(),
        F::Birthplace => profile.birthplace.clone().unwrap_or_default(),
        F::Snils => profile.snils.clone().unwrap_or_default(),
        F::PassportSeries => passport.series,
        F::PassportNumber => passport.number,
        F::PassportIssued => passport.issued_on,
        F::PassportIssuer => passport.issuer,
        F::PassportIssuerCode => passport.issuer_code,
        F::Inn => profile.inn.clone().unwrap_or_default(),
    }
}

/// A line of the data in force as the person reads it: the gender and
/// the dates in the page's language, the rest as entered.
fn line_in_force(t: &Texts, profile: &Profile, field: ProfileField) -> Line {
    let value = stored(profile, field);
    let p = &t.profile;
    let (value, data) = match (field, value.as_str()) {
        (ProfileField::Gender, "male") => (p.male_value.into(), false),
        (ProfileField::Gender, "female") => (p.female_value.into(), false),
        (ProfileField::Birthdate | ProfileField::PassportIssued, _) => {
            match chrono::NaiveDate::parse_from_str(&value, "%Y-%m-%d") {
                Ok(day) => (dates::day(day, t.lang), false),
                Err(_) => (value, true),
            }
        }
        _ => (value, true),
    };
    Line {
        label: (t.say.profile_field)(field),
        value,
        data,
        status: "",
        on_check: false,
    }
}

/// Each field of the data in force with where it stands, truthfully from
/// what the provider holds: the data in force of a standard or confirmed
/// account is what the registries checked; a simplified account's is as
/// registered. A pending check covers every field it sends on a simplified
/// account, and the changed ones on a checked account (marked beside the
/// value in force).
fn lines_in_force(
    t: &Texts,
    profile: &Profile,
    checked: bool,
    pending: Option<&Profile>,
) -> Vec<Line> {
    let p = &t.profile;
    ProfileField::ALL
        .into_iter()
        .filter_map(|f| {
            let mut line = line_in_force(t, profile, f);
            let new = pending
                .map(|data| line_in_force(t, data, f).value)
                .filter(|v| !v.is_empty());
            let differs = new.as_ref().is_some_and(|v| *v != line.value);
            line.status = match (checked, &new) {
                (true, _) => p.field_checked,
                (false, Some(_)) if !differs => p.field_pending,
                (false, _) => p.field_unchecked,
            };
            line.on_check = differs;
            if line.value.is_empty() {
                // Nothing in force: shown only when a new value is checked.
                if !differs {
                    return None;
                }
                line.value = p.field_none.into();
                line.data = false;
                line.status = "";
            }
            Some(line)
        })
        .collect()
}

/// The «побудительный баннер»: where the account stands, what the next
/// level gives and how to get it.
fn banner(t: &Texts, level: AccountLevel, latest: Option<&Verification>) -> Vec<String> {
    let p = &t.profile;
    let mut lines = Vec::new();
    match latest.map(|v| (v.status, v)) {
        Some((VerificationStatus::Pending, _)) => lines.push(p.check_pending.into()),
        Some((VerificationStatus::Failed, v)) => {
            lines.push((p.check_refused)(&(t.say.check_reasons)(&v.mismatches)))
        }
        Some((VerificationStatus::Passed, _)) if level == AccountLevel::Standard => {
            lines.push(p.check_passed.into())
        }
        _ => {}
    }
    match level {
        AccountLevel::Simplified => lines.push(p.next_standard.into()),
        AccountLevel::Standard => lines.push(p.next_confirmed.into()),
        AccountLevel::Confirmed => {}
    }
    lines
}

async fn profile_page(
    ctx: &Ctx,
    req: &HttpRequest,
    account_id: &str,
    status: StatusCode,
    typed: Option<&Params>,
    errors: &[(ProfileField, Invalid)],
    id: &RequestId,
) -> HttpResponse {
    // `?confirmed=1`: the confirmation page sent the person here.
    let just_confirmed = Params::parse(req.query_string().as_bytes())
        .is_ok_and(|p| p.get("confirmed").ok().flatten().is_some());
    let t = texts(req, None);
    let (Ok(Some(account)), Ok(Some(profile)), Ok(latest)) = (
        ctx.sql.account(account_id).await,
        ctx.sql.profile(account_id).await,
        ctx.sql.latest_verification(account_id).await,
    ) else {
        return problem(t, id, Problem::Unavailable);
    };
    let check = latest.as_ref().map(|v| v.status);
    let pending = check == Some(VerificationStatus::Pending);
    let refused = check == Some(VerificationStatus::Failed);
    // The form holds the edit being checked or refused, else the data in
    // force.
    let shown = match &latest {
        Some(v) if pending || refused => &v.data,
        _ => &profile,
    };
    let in_force = lines_in_force(
        t,
        &profile,
        account.level >= AccountLevel::Standard,
        latest.as_ref().filter(|_| pending).map(|v| &v.data),
    );
    let fields = ProfileField::ALL
        .into_iter()
        .map(|f| ProfileInput {
            name: f.name(),
            label: (t.say.profile_field)(f),
            value: match typed {
                Some(params) => params
                    .get(f.name())
                    .ok()
                    .flatten()
                    .unwrap_or_default()
                    .to_owned(),
                None => stored(shown, f),
            },
            optional: matches!(f, ProfileField::MiddleName | ProfileField::Inn),
            date: matches!(f, ProfileField::Birthdate | ProfileField::PassportIssued),
            invalid: errors.iter().any(|(e, _)| *e == f),
        })
        .collect();
    let (csrf, cookie) = csrf_token(ctx, req);
    let page = ProfilePage {
        t,
        csrf: &csrf,
        level: (t.say.level)(account.level),
        level_since: dates::date(account.level_since, t.lang),
        in_force,
        checked: account.level >= AccountLevel::Standard,
        refused,
        banner: {
            let mut lines = banner(t, account.level, latest.as_ref());
            if just_confirmed && account.level == AccountLevel::Confirmed {
                lines.insert(0, t.confirm.done.to_owned());
            }
            lines
        },
        errors: errors
            .iter()
            .map(|(f, why)| (t.say.field_error)((t.say.profile_field)(*f), &(t.say.invalid)(why)))
            .collect(),
        pending,
        fields,
        contacts: [
            (account.phone.as_deref(), account.phone_verified),
            (account.email.as_deref(), account.email_verified),
        ]
        .into_iter()
        .filter_map(|(contact, verified)| {
            let said = match verified {
                true => t.profile.contact_verified,
                false => t.profile.contact_unverified,
            };
            contact.map(|c| (c.to_owned(), said))
        })
        .collect(),
    };
    with_cookie(html(status, &page), cookie)
}

pub async fn profile(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    SessionUser(session): SessionUser,
    id: RequestId,
) -> HttpResponse {
    profile_page(
        &ctx,
        &req,
        &session.auth.account_id,
        StatusCode::OK,
        None,
        &[],
        &id,
    )
    .await
}

pub async fn update_profile(
    ctx: web::Data<Ctx>,
    req: HttpRequest,
    SessionUser(session): SessionUser,
    CsrfForm(params): CsrfForm,
    id: RequestId,
) -> HttpResponse {
    let account_id = &session.auth.account_id;
    let t = texts(&req, None);
    if params.get("action").ok().flatten() == Some("edit") {
        return match profile::edit(&ctx, account_id).await {
            Ok(()) => see_other(paths::ACCOUNT),
            Err(_) => problem(t, &id, Problem::Unavailable),
        };
    }
    let form = |f: ProfileField| params.get(f.name()).ok().flatten().unwrap_or_default();
    let today = profile::today(ctx.now());
    match profile::submit(&ctx, account_id, &form, today).await {
        Ok(_) => see_other(paths::ACCOUNT),
        Err(ProfileError::Invalid(errors)) => {
            profile_page(
                &ctx,
                &req,
                account_id,
                StatusCode::BAD_REQUEST,
                Some(&params),
                &errors,
                &id,
            )
            .await
        }
        Err(ProfileError::Pending) => {
            let errors = [(ProfileField::LastName, Invalid::ReadOnly)];
            profile_page(
                &ctx,
                &req,
                account_id,
                StatusCode::CONFLICT,
                None,
                &errors,
                &id,
            )
            .await
        }
        Err(ProfileError::Taken) => {
            let errors = [(ProfileField::Snils, Invalid::Taken)];
            profile_page(
                &ctx,
                &req,
                account_id,
                StatusCode::CONFLICT,
                Some(&params),
                &errors,
                &id,
            )
            .await
        }
        Err(ProfileError::Store(_)) => problem(t, &id, Problem::Unavailable),
    }
}
