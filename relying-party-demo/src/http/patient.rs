//! «Моё здоровье»: reference information, appointments, records.

use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::language::Language;
use super::pages::{
    AppointmentsPage, AreaCard, HealthPage, HomePage, Nav, RecordsPage, ReferencePage,
};
use super::{PageError, State};
use crate::access::Area;
use crate::store::{NewAppointment, StoreError};
use crate::{dates, schedule};

pub fn html(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(body)
}

pub async fn home(ctx: State, req: HttpRequest, lang: Language) -> Result<HttpResponse, PageError> {
    let nav = match ctx.session(&req).await {
        Some((_, session)) => Nav::of(&session.person, &lang),
        None => Nav::anonymous(&lang),
    };
    Ok(html(HomePage { t: lang.t, nav }.render()?))
}

pub async fn health(
    ctx: State,
    req: HttpRequest,
    lang: Language,
) -> Result<HttpResponse, PageError> {
    let person = ctx.enter(&req, Area::Reference).await?.person;
    let mut areas = vec![
        Area::Reference,
        Area::Appointments,
        Area::Records,
        Area::MedicalWorker,
    ];
    // People who work for an organization see the staff areas too.
    if person.org.is_some() || !person.orgs.is_empty() {
        areas.extend([
            Area::StaffEmployees,
            Area::StaffReports,
            Area::StaffSchedule,
        ]);
    }
    let areas = areas
        .into_iter()
        .map(|area| AreaCard::new(lang.t, &person, area, &ctx.clinics))
        .collect();
    let page = HealthPage {
        t: lang.t,
        nav: Nav::of(&person, &lang),
        name: person.greeting_name(),
        level: person.level,
        areas,
    };
    Ok(html(page.render()?))
}

pub async fn reference(
    ctx: State,
    req: HttpRequest,
    lang: Language,
) -> Result<HttpResponse, PageError> {
    let person = ctx.enter(&req, Area::Reference).await?.person;
    let mut clinics = Vec::new();
    for (clinic, doctors) in ctx.store.clinics().await? {
        let hours = dates::week(&ctx.store.clinic_days(clinic.id).await?, lang.t.lang);
        clinics.push((clinic, hours, doctors));
    }
    let page = ReferencePage {
        t: lang.t,
        nav: Nav::of(&person, &lang),
        clinics,
    };
    Ok(html(page.render()?))
}

/// How many days ahead a visit may be booked.
const BOOKING_DAYS: usize = 14;

#[derive(Deserialize)]
pub struct Chosen {
    doctor: Option<i32>,
}

async fn appointments_page(
    ctx: &State,
    req: &HttpRequest,
    lang: &Language,
    doctor: Option<i32>,
    notice: Option<String>,
    problem: Option<String>,
) -> Result<HttpResponse, PageError> {
    let person = ctx.enter(req, Area::Appointments).await?.person;
    let doctors = ctx.store.doctors().await?;
    let Some(chosen) = doctors
        .iter()
        .find(|d| Some(d.id) == doctor)
        .or_else(|| doctors.first())
        .cloned()
    else {
        return Err(PageError::NotFound);
    };
    let open = ctx.store.clinic_days(chosen.clinic_id).await?;
    let tomorrow = dates::moscow_today(ctx.clock.utc()) + chrono::Days::new(1);
    let days = schedule::days(&chosen.shift(), &open, tomorrow, BOOKING_DAYS);
    let times = days
        .first()
        .map(|d| schedule::times(&chosen.shift(), &open, *d))
        .unwrap_or_default();
    let page = AppointmentsPage {
        t: lang.t,
        nav: Nav::of(&person, lang),
        appointments: ctx.store.appointments_of(&person.sub).await?,
        doctors,
        doctor: chosen,
        days: days
            .into_iter()
            .map(|d| {
                let label = dates::day_with_weekday(d, lang.t.lang);
                (d.format("%Y-%m-%d").to_string(), label)
            })
            .collect(),
        times,
        notice,
        problem,
    };
    Ok(html(page.render()?))
}

pub async fn appointments(
    ctx: State,
    req: HttpRequest,
    lang: Language,
    chosen: web::Query<Chosen>,
) -> Result<HttpResponse, PageError> {
    appointments_page(&ctx, &req, &lang, chosen.doctor, None, None).await
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
    lang: Language,
    form: web::Form<Booking>,
) -> Result<HttpResponse, PageError> {
    let t = lang.t;
    let person = ctx.enter(&req, Area::Appointments).await?.person;
    let form = form.into_inner();
    let doctors = ctx.store.doctors().await?;
    let Some(doctor) = doctors.iter().find(|d| d.id == form.doctor) else {
        let problem = t.booking.choose_doctor.to_owned();
        return appointments_page(&ctx, &req, &lang, None, None, Some(problem)).await;
    };
    let open = ctx.store.clinic_days(doctor.clinic_id).await?;
    let today = dates::moscow_today(ctx.clock.utc());
    let last = today + chrono::Days::new(60);
    let fits = form.day > today
        && form.day <= last
        && schedule::times(&doctor.shift(), &open, form.day).contains(&form.time);
    if !fits {
        let hours = dates::shift(&doctor.shift(), t.lang);
        let problem = format!("{} {}", doctor.full_name, (t.booking.not_then_rest)(&hours));
        let doctor = Some(doctor.id);
        return appointments_page(&ctx, &req, &lang, doctor, None, Some(problem)).await;
    }
    let notice = (t.booking.booked)(&dates::day_with_weekday(form.day, t.lang), &form.time);
    let new = NewAppointment {
        patient_sub: person.sub.clone(),
        patient_name: person.display_name(),
        doctor_id: form.doctor,
        day: form.day.format("%Y-%m-%d").to_string(),
        time: form.time,
        created_at: ctx.clock.now(),
    };
    let doctor = Some(doctor.id);
    match ctx.store.book(new).await {
        Ok(()) => appointments_page(&ctx, &req, &lang, doctor, Some(notice), None).await,
        Err(StoreError::SlotTaken) => {
            let problem = Some(t.booking.taken.to_owned());
            appointments_page(&ctx, &req, &lang, doctor, None, problem).await
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

pub async fn records(
    ctx: State,
    req: HttpRequest,
    lang: Language,
) -> Result<HttpResponse, PageError> {
    let person = ctx.enter(&req, Area::Records).await?.person;
    let records = match &person.snils {
        Some(snils) => ctx.store.records_of(snils).await?,
        None => Vec::new(),
    };
    let page = RecordsPage {
        t: lang.t,
        nav: Nav::of(&person, &lang),
        records,
    };
    Ok(html(page.render()?))
}
