//! The clinic staff's cabinet, by role in the acting organization, and the
//! medical worker's (accreditation) cabinet, by the register ФРМР.

use actix_web::{HttpRequest, HttpResponse};
use askama::Template;

use super::language::Language;
use super::pages::{
    AreaCard, EmployeesPage, MedicalWorkerPage, Nav, ReportsPage, SchedulePage, StaffPage,
    relogin_for_level,
};
use super::patient::html;
use super::{PageError, State};
use crate::access::{Area, Decision};
use crate::frmr;
use crate::person::{Level, Person};

const AREAS: [Area; 3] = [
    Area::StaffEmployees,
    Area::StaffReports,
    Area::StaffSchedule,
];

pub async fn home(ctx: State, req: HttpRequest, lang: Language) -> Result<HttpResponse, PageError> {
    let Some((_, session)) = ctx.session(&req).await else {
        return Err(PageError::NeedLogin(req.path().to_owned()));
    };
    let person = &session.person;
    // Without an organization, or for one that is not a clinic of this
    // cabinet, the refusal explains how to act for the clinic.
    let org = match person.org.clone() {
        Some(org) if ctx.clinics.contains(&org.ogrn) => org,
        org => {
            let decision = match org {
                Some(org) => Decision::NotOurClinic { org: org.name },
                None => Decision::NeedOrganization,
            };
            return Err(PageError::Refused {
                area: Area::StaffEmployees,
                decision,
                links: ctx.links().await,
                clinics: ctx.clinics.clone(),
                session: Box::new(session),
            });
        }
    };
    let page = StaffPage {
        t: lang.t,
        nav: Nav::of(person, &lang),
        areas: AREAS
            .iter()
            .map(|a| AreaCard::new(lang.t, person, *a, &ctx.clinics))
            .collect(),
        org,
    };
    Ok(html(page.render()?))
}

pub async fn employees(
    ctx: State,
    req: HttpRequest,
    lang: Language,
) -> Result<HttpResponse, PageError> {
    let staff = ctx.enter_staff(&req, Area::StaffEmployees).await?;
    let hours = crate::dates::week(&ctx.store.clinic_days(staff.clinic.id).await?, lang.t.lang);
    let page = EmployeesPage {
        t: lang.t,
        nav: Nav::of(&staff.session.person, &lang),
        org: staff.org,
        clinic: staff.clinic,
        hours,
        doctors: staff.doctors,
    };
    Ok(html(page.render()?))
}

pub async fn reports(
    ctx: State,
    req: HttpRequest,
    lang: Language,
) -> Result<HttpResponse, PageError> {
    let staff = ctx.enter_staff(&req, Area::StaffReports).await?;
    let (per_doctor, per_day) = ctx.store.report(staff.clinic.id).await?;
    let page = ReportsPage {
        t: lang.t,
        nav: Nav::of(&staff.session.person, &lang),
        org: staff.org,
        per_doctor,
        per_day,
    };
    Ok(html(page.render()?))
}

pub async fn schedule(
    ctx: State,
    req: HttpRequest,
    lang: Language,
) -> Result<HttpResponse, PageError> {
    let staff = ctx.enter_staff(&req, Area::StaffSchedule).await?;
    let person: &Person = &staff.session.person;
    let name = person.display_name();
    let page = SchedulePage {
        t: lang.t,
        nav: Nav::of(person, &lang),
        org: staff.org.clone(),
        worker: person
            .acting_membership()
            .and_then(|m| m.medical_worker.clone()),
        appointments: ctx.store.schedule_of(staff.clinic.id, &name).await?,
        name,
    };
    Ok(html(page.render()?))
}

pub async fn medical_worker(
    ctx: State,
    req: HttpRequest,
    lang: Language,
) -> Result<HttpResponse, PageError> {
    let person = ctx.enter(&req, Area::MedicalWorker).await?.person;
    // No SNILS, nothing to look up: the page says it was not passed.
    let check = match &person.snils {
        Some(snils) => frmr::check(&person, ctx.store.frmr_entry(snils).await?),
        None => frmr::Check::Missing(frmr::Field::Snils),
    };
    let page = MedicalWorkerPage {
        t: lang.t,
        nav: Nav::of(&person, &lang),
        check,
        account_url: ctx.links().await.account,
        relogin_url: relogin_for_level(Level::Confirmed, crate::paths::MEDICAL_WORKER),
    };
    Ok(html(page.render()?))
}
