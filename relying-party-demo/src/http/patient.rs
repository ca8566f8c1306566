//! «Моё здоровье»: reference information, appointments, records.

use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::pages::{
    AppointmentsPage, AreaCard, HealthPage, HomePage, Nav, RecordsPage, ReferencePage,
};
use super::{PageError, State};
use crate::access::Area;
use crate::store::{NewAppointment, StoreError};

pub fn html(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(body)
}

pub async fn home(ctx: State, req: HttpRequest) -> Result<HttpResponse, PageError> {
    let nav = match ctx.session(&req).await {
        Some((_, session)) => Nav::of(&session.person),
        None => Nav::default(),
    };
    Ok(html(HomePage { nav }.render()?))
}

pub async fn health(ctx: State, req: HttpRequest) -> Result<HttpResponse, PageError> {
    let person = ctx.enter(&req, Area::Reference).await?.person;
    let areas = [
        Area::Reference,
        Area::Appointments,
        Area::Records,
        Area::MedicalWorker,
    ]
    .into_iter()
    .map(|area| AreaCard::new(&person, area, &ctx.clinics))
    .collect();
    let page = HealthPage {
        nav: Nav::of(&person),
        name: person.display_name(),
        level: person.level,
        areas,
    };
    Ok(html(page.render()?))
}

pub async fn reference(ctx: State, req: HttpRequest) -> Result<HttpResponse, PageError> {
    let person = ctx.enter(&req, Area::Reference).await?.person;
    let page = ReferencePage {
        nav: Nav::of(&person),
        clinics: ctx.store.clinics().await?,
    };
    Ok(html(page.render()?))
}

/// Hourly slots of a working day.
fn slots() -> Vec<String> {
    (8..20).map(|h| format!("{h:02}:00")).collect()
}

async fn appointments_page(
    ctx: &State,
    req: &HttpRequest,
    notice: Option<String>,
    problem: Option<String>,
) -> Result<HttpResponse, PageError> {
    let person = ctx.enter(req, Area::Appointments).await?.person;
    let tomorrow = ctx.clock.utc().date_naive() + chrono::Days::new(1);
    let page = AppointmentsPage {
        nav: Nav::of(&person),
        appointments: ctx.store.appointments_of(&person.sub).await?,
        doctors: ctx.store.doctors().await?,
        day: tomorrow.format("%Y-%m-%d").to_string(),
        times: slots(),
        notice,
        problem,
    };
    Ok(html(page.render()?))
}

pub async fn appointments(ctx: State, req: HttpRequest) -> Result<HttpResponse, PageError> {
    appointments_page(&ctx, &req, None, None).await
}

#[derive(Deserialize)]
pub struct Booking {
    doctor: i32,
    day: chrono::NaiveDate,
    time: String,
}

pub async fn book(
    ctx: State,
    req: HttpRequest,
    form: web::Form<Booking>,
) -> Result<HttpResponse, PageError> {
    let person = ctx.enter(&req, Area::Appointments).await?.person;
    let form = form.into_inner();
    let today = ctx.clock.utc().date_naive();
    if form.day <= today || !slots().contains(&form.time) {
        let problem = "Выберите день начиная с завтрашнего и время из списка.";
        return appointments_page(&ctx, &req, None, Some(problem.into())).await;
    }
    let new = NewAppointment {
        patient_sub: person.sub.clone(),
        patient_name: person.display_name(),
        doctor_id: form.doctor,
        day: form.day.format("%Y-%m-%d").to_string(),
        time: form.time,
        created_at: ctx.clock.now(),
    };
    match ctx.store.book(new).await {
        Ok(()) => appointments_page(&ctx, &req, Some("Вы записаны.".into()), None).await,
        Err(StoreError::SlotTaken) => {
            let problem = "Это время уже занято — выберите другое.";
            appointments_page(&ctx, &req, None, Some(problem.into())).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn cancel(
    ctx: State,
    req: HttpRequest,
    id: web::Path<i32>,
) -> Result<HttpResponse, PageError> {
    let person = ctx.enter(&req, Area::Appointments).await?.person;
    ctx.store
        .cancel(&person.sub, id.into_inner(), ctx.clock.now())
        .await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((LOCATION, crate::paths::APPOINTMENTS))
        .finish())
}

pub async fn records(ctx: State, req: HttpRequest) -> Result<HttpResponse, PageError> {
    let person = ctx.enter(&req, Area::Records).await?.person;
    let records = match &person.snils {
        Some(snils) => ctx.store.records_of(snils).await?,
        None => Vec::new(),
    };
    let page = RecordsPage {
        nav: Nav::of(&person),
        records,
    };
    Ok(html(page.render()?))
}
