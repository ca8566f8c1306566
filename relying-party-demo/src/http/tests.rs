//! The staff and medical-worker pages for people whose claims follow the
//! `org`/`orgs` contract of issue 11, served in process (the provider does
//! not issue those claims yet; the end-to-end test waits for it).

use actix_web::test::{TestRequest, call_service, init_service, read_body};
use openidconnect::AccessToken;

use super::*;
use crate::person::testing::{acting, person};
use crate::person::{Level, Person};
use crate::session::Tokens;

struct Fixture {
    ctx: State,
    _dir: tempfile::TempDir,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        // Nothing listens there: the provider is never reached.
        issuer: "http://127.0.0.1:9".parse().unwrap(),
        database: dir.path().join("cabinet.sqlite"),
        ..Config::demo()
    };
    let ctx = web::Data::new(App::build(config, Clock::default()).unwrap());
    Fixture { ctx, _dir: dir }
}

impl Fixture {
    /// The session cookie of a session of `person`.
    fn cookie(&self, person: Person) -> Cookie<'static> {
        let now = self.ctx.clock.now();
        let session = Session {
            person,
            sid: Some("sid".into()),
            tokens: Tokens {
                access: AccessToken::new("at".into()),
                refresh: None,
                expires_at: now + 600,
                id_token: "id".into(),
            },
            expires_at: now + 600,
        };
        let id = self.ctx.sessions.start(session, now);
        self.ctx.cookie(SESSION_COOKIE, &id)
    }

    /// The status and body of `path` for `person`.
    async fn get(&self, person: Person, path: &str) -> (u16, String) {
        let (status, body, _) = self
            .call(TestRequest::get().uri(path).cookie(self.cookie(person)))
            .await;
        (status, body)
    }

    /// The status, body and `Set-Cookie` headers of a request.
    async fn call(&self, req: TestRequest) -> (u16, String, Vec<String>) {
        let service = init_service(
            actix_web::App::new()
                .app_data(self.ctx.clone())
                .configure(routes),
        )
        .await;
        let res = call_service(&service, req.to_request()).await;
        let status = res.status().as_u16();
        let cookies = res
            .headers()
            .get_all(actix_web::http::header::SET_COOKIE)
            .map(|v| v.to_str().unwrap().to_owned())
            .collect();
        let body = String::from_utf8(read_body(res).await.to_vec()).unwrap();
        (status, body, cookies)
    }
}

impl Fixture {
    /// The status and body of a form posted to `path` by `person`.
    async fn post(&self, person: Person, path: &str, form: &[(&str, &str)]) -> (u16, String) {
        let service = init_service(
            actix_web::App::new()
                .app_data(self.ctx.clone())
                .configure(routes),
        )
        .await;
        let req = TestRequest::post()
            .uri(path)
            .cookie(self.cookie(person))
            .set_form(form)
            .to_request();
        let res = call_service(&service, req).await;
        let status = res.status().as_u16();
        let body = String::from_utf8(read_body(res).await.to_vec()).unwrap();
        (status, body)
    }
}

/// The visible text of a page's body.
fn text(html: &str) -> String {
    let page = scraper::Html::parse_document(html);
    let body = scraper::Selector::parse("body").unwrap();
    page.select(&body)
        .flat_map(|b| b.text())
        .collect::<String>()
}

/// The next date after tomorrow (Moscow) that falls on `weekday`.
fn next(weekday: chrono::Weekday) -> chrono::NaiveDate {
    use chrono::Datelike;
    let tomorrow = crate::dates::moscow_today(chrono::Utc::now()) + chrono::Days::new(1);
    tomorrow
        .iter_days()
        .find(|d| d.weekday() == weekday)
        .unwrap()
}

#[actix_web::test]
async fn booking_keeps_to_the_doctors_days_and_hours_and_dates_read_in_russian() {
    let f = fixture();
    let patient = person(Level::Standard);
    // The cardiologist receives пн, ср, пт 14:00–20:00.
    let (status, body) = f
        .get(patient.clone(), &format!("{APPOINTMENTS}?doctor=2"))
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("<option value=\"") && !body.contains("type=\"date\""));
    let month = [
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ];
    assert!(month.iter().any(|m| body.contains(m)), "{body}");
    assert!(
        !body.contains(">вт, ") && !body.contains(">сб, "),
        "only his days: {body}"
    );
    assert!(!body.contains("<option>09:00</option>"), "only his hours");

    let tuesday = next(chrono::Weekday::Tue).format("%Y-%m-%d").to_string();
    let form = [
        ("doctor", "2"),
        ("day", tuesday.as_str()),
        ("time", "15:00"),
    ];
    let (_, body) = f.post(patient.clone(), APPOINTMENTS, &form).await;
    assert!(
        body.contains("Сердцев Олег Иванович принимает пн, ср, пт 14:00–20:00"),
        "{body}"
    );
    let monday = next(chrono::Weekday::Mon).format("%Y-%m-%d").to_string();
    let form = [("doctor", "2"), ("day", monday.as_str()), ("time", "09:00")];
    let (_, body) = f.post(patient.clone(), APPOINTMENTS, &form).await;
    assert!(body.contains("id=\"problem\""), "before his shift: {body}");
    let form = [("doctor", "2"), ("day", monday.as_str()), ("time", "15:00")];
    let (_, body) = f.post(patient, APPOINTMENTS, &form).await;
    assert!(body.contains("Вы записаны: пн, "), "{body}");
}

#[actix_web::test]
async fn pages_greet_by_name_and_patronymic_and_show_no_english_words() {
    let f = fixture();
    let (_, body) = f.get(person(Level::Confirmed), HEALTH).await;
    assert!(
        body.contains("Здравствуйте, <span lang=\"ru\" id=\"name\">Иван Сергеевич</span>!"),
        "{body}"
    );
    assert!(!body.contains("Подтверждёнов Иван Сергеевич!"));
    // The provider's demo passes the specialty as typed: «therapist».
    let mut doctor = acting(r#"["specialist"]"#);
    doctor.orgs[0].medical_worker.as_mut().unwrap().specialty = "therapist".into();
    let (status, body) = f.get(doctor, STAFF_SCHEDULE).await;
    assert_eq!(status, 200, "{body}");
    assert!(
        text(&body).contains("врач-терапевт") && !body.contains("therapist"),
        "{body}"
    );
    let (_, body) = f.get(person(Level::Confirmed), RECORDS).await;
    assert!(
        body.contains("3 марта 2026") && !body.contains("2026-03-03"),
        "{body}"
    );
}

#[actix_web::test]
async fn the_hub_marks_what_this_person_may_open_and_refusals_offer_the_fix() {
    let f = fixture();
    let (_, body) = f.get(acting(r#"["manager"]"#), HEALTH).await;
    assert!(
        body.contains("data-open=\"true\"") && body.contains("Отчёты"),
        "{body}"
    );
    assert!(
        body.contains("Закрыто. Нужна роль «администратор»."),
        "{body}"
    );
    // A level refusal: the profile is the action, a new login comes after.
    let (_, body) = f.get(person(Level::Standard), RECORDS).await;
    assert!(body.contains("id=\"account-link\""), "{body}");
    assert!(!body.contains("Подтверждёнов Иван Сергеевич!"));
    // A role refusal with no other clinic to switch to: no login offered.
    let (_, body) = f.get(acting(r#"["specialist"]"#), STAFF_EMPLOYEES).await;
    assert!(body.contains("Попросите его назначить вам роль"), "{body}");
    assert!(!body.contains("id=\"relogin\""), "{body}");
}

#[actix_web::test]
async fn each_role_opens_its_staff_area_and_is_refused_the_others_by_name() {
    let f = fixture();
    let (status, body) = f.get(acting(r#"["admin"]"#), STAFF_EMPLOYEES).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Лечащева Мария Петровна") && body.contains("Настройки"));
    // The administrator opens every staff area.
    for path in [STAFF_REPORTS, STAFF_SCHEDULE] {
        let (status, body) = f.get(acting(r#"["admin"]"#), path).await;
        assert_eq!(status, 200, "{path}: {body}");
    }
    let (status, body) = f.get(acting(r#"["specialist"]"#), STAFF_REPORTS).await;
    assert_eq!(status, 403);
    assert!(
        body.contains("нужна роль «руководитель» или «администратор»"),
        "{body}"
    );

    let (status, body) = f.get(acting(r#"["manager"]"#), STAFF_REPORTS).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("Приёмы по врачам"));

    let (status, body) = f.get(acting(r#"["specialist"]"#), STAFF_SCHEDULE).await;
    assert_eq!(status, 200, "{body}");
    assert!(
        text(&body).contains("врач-терапевт (терапия)"),
        "the medical_worker entry"
    );
    let (status, body) = f.get(acting(r#"["specialist"]"#), STAFF_EMPLOYEES).await;
    assert_eq!(status, 403);
    assert!(body.contains("нужна роль «администратор»"), "{body}");
    assert!(
        body.contains("Ваши роли: сотрудник."),
        "the provider's word"
    );

    let (status, body) = f.get(acting(r#"["admin", "manager"]"#), STAFF).await;
    assert_eq!(status, 200);
    assert!(
        body.contains("ГБУЗ «Городская поликлиника № 1»") && body.contains("ОГРН 1027700000019")
    );
}

#[actix_web::test]
async fn another_organizations_admin_never_sees_the_clinics_data() {
    let f = fixture();
    let mut lab_admin = acting(r#"["admin"]"#);
    let org = lab_admin.org.as_mut().unwrap();
    org.ogrn = "1027700000020".into();
    org.name = "ООО «Лаборатория «Анализ»»".into();
    for path in [STAFF, STAFF_EMPLOYEES, STAFF_REPORTS, STAFF_SCHEDULE] {
        let (status, body) = f.get(lab_admin.clone(), path).await;
        assert_eq!(status, 403, "{path}: {body}");
        assert!(body.contains("id=\"not-our-clinic\""), "{path}: {body}");
        assert!(!body.contains("Лечащева"), "{path}: the clinic's doctors");
        assert!(body.contains("choose=org"), "{path}: switching is offered");
    }
}

#[actix_web::test]
async fn a_private_person_is_told_to_act_for_the_organization() {
    let f = fixture();
    let (status, body) = f.get(person(Level::Confirmed), STAFF).await;
    assert_eq!(status, 403);
    assert!(body.contains("id=\"need-org\""), "{body}");
    let (status, _) = f.get(person(Level::Confirmed), STAFF_SCHEDULE).await;
    assert_eq!(status, 403);
}

#[actix_web::test]
async fn the_register_check_shows_found_not_found_and_the_field_that_differs() {
    let f = fixture();
    let (status, body) = f.get(person(Level::Confirmed), MEDICAL_WORKER).await;
    assert_eq!(status, 200);
    assert!(body.contains("id=\"frmr-found\""), "{body}");

    let mut stranger = person(Level::Confirmed);
    stranger.snils = Some("112-233-448 98".into());
    let (_, body) = f.get(stranger, MEDICAL_WORKER).await;
    assert!(body.contains("Пользователь не найден"));

    // The register has her with another birth date (the demo's seed).
    let mut nurse = person(Level::Confirmed);
    nurse.snils = Some("112-233-446 96".into());
    nurse.name = Some(crate::person::FullName {
        family: "Стандартова".into(),
        given: "Анна".into(),
        middle: Some("Ивановна".into()),
    });
    nurse.birthdate = Some("1981-02-11".into());
    let (_, body) = f.get(nurse, MEDICAL_WORKER).await;
    assert!(
        body.contains("Данные не совпадают: дата рождения"),
        "{body}"
    );

    let (status, body) = f.get(person(Level::Standard), MEDICAL_WORKER).await;
    assert_eq!(status, 403);
    assert!(body.contains("id=\"need-level\""));
}

mod words;
