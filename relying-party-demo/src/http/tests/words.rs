//! The pages' language and words: the language is chosen as at the
//! provider (the switch, then the browser), and every page of either
//! language keeps to the editor's rules.

use actix_web::test::TestRequest;
use scraper::{ElementRef, Html, Node, Selector};

use super::*;

/// The page's language (`<html lang>`), the text of its body that is not
/// marked as another language (data such as names carry `lang="ru"`) nor
/// left untranslated on purpose (`translate="no"`: a code for support),
/// and the cabinet's own prose alone (without any marked data or cards).
fn texts(html: &str) -> (String, String, String) {
    let page = Html::parse_document(html);
    let lang = page
        .root_element()
        .value()
        .attr("lang")
        .unwrap_or_default()
        .to_owned();
    let body = page
        .select(&Selector::parse("body").unwrap())
        .next()
        .expect("a body");
    let (mut text, mut own) = (String::new(), String::new());
    collect(
        body,
        &|e| e.attr("lang").is_some_and(|l| l != lang),
        &mut text,
    );
    // A card's state («Закрыто. Нужна подтверждённая учётная запись.») may
    // repeat from card to card; prose may not.
    collect(
        body,
        &|e| e.attr("lang").is_some() || e.attr("class").is_some_and(|c| c.contains("card")),
        &mut own,
    );
    (lang, text, own)
}

/// The text under `element`, without the elements `skip` names and those
/// marked `translate="no"`.
fn collect(element: ElementRef, skip: &dyn Fn(&scraper::node::Element) -> bool, out: &mut String) {
    for child in element.children() {
        match child.value() {
            Node::Text(t) => out.push_str(t),
            Node::Element(e) if skip(e) || e.attr("translate") == Some("no") => out.push(' '),
            Node::Element(_) => {
                if let Some(child) = ElementRef::wrap(child) {
                    collect(child, skip, out);
                }
            }
            _ => {}
        }
    }
}

/// Latin words a careful Russian editor keeps (the provider writes «SMS»).
const LATIN_KEPT: [&str; 1] = ["SMS"];

/// What the editor's eye finds wrong on a page, if anything.
fn problems(path: &str, html: &str) -> Vec<String> {
    let (lang, text, own) = texts(html);
    let mut found = Vec::new();
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| !w.is_empty())
        .collect();
    match lang.as_str() {
        "ru" => {
            for w in &words {
                if w.chars().any(|c| c.is_ascii_alphabetic()) && !LATIN_KEPT.contains(w) {
                    found.push(format!("{path}: a Latin word on a Russian page: {w}"));
                }
            }
        }
        "en" => {
            for w in &words {
                if w.chars()
                    .any(|c| matches!(c, 'а'..='я' | 'А'..='Я' | 'ё' | 'Ё'))
                {
                    found.push(format!("{path}: a Cyrillic word on an English page: {w}"));
                }
            }
        }
        other => found.push(format!("{path}: <html lang={other:?}>")),
    }
    for bad in ["««", "»»", "«“", "”»", "“«", "»”", "(секунд)", "!!", ".."] {
        if own.contains(bad) {
            found.push(format!("{path}: {bad:?} in {own}"));
        }
    }
    // «Вход — Вход»: the title's halves differ.
    let title = Html::parse_document(html)
        .select(&Selector::parse("title").unwrap())
        .next()
        .map(|t| t.text().collect::<String>())
        .unwrap_or_default();
    if let Some((page, site)) = title.split_once(" — ")
        && page.trim() == site.trim()
    {
        found.push(format!("{path}: the title {title:?}"));
    }
    // A sentence said twice on one page.
    let mut seen = std::collections::HashSet::new();
    for sentence in own
        .split(['.', '!', '?'])
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
    {
        if sentence.len() > 30 && !seen.insert(sentence.clone()) {
            found.push(format!("{path}: said twice: {sentence}"));
        }
    }
    found
}

/// Every page of the cabinet as each kind of visitor sees it.
fn visits() -> Vec<(Person, &'static str)> {
    let mut lab_admin = acting(r#"["admin"]"#);
    let org = lab_admin.org.as_mut().unwrap();
    org.ogrn = "1027700000020".into();
    org.name = "ООО «Лаборатория «Анализ»»".into();
    let mut stranger = person(Level::Confirmed);
    stranger.snils = Some("112-233-448 98".into());
    let mut nurse = person(Level::Confirmed);
    nurse.snils = Some("112-233-446 96".into());
    nurse.birthdate = Some("1981-02-11".into());
    let mut everything = Vec::new();
    for who in [
        person(Level::Simplified),
        person(Level::Standard),
        person(Level::Confirmed),
        acting(r#"["admin"]"#),
        acting(r#"["manager"]"#),
        acting(r#"["specialist"]"#),
        acting("[]"),
        lab_admin,
    ] {
        for path in [
            HOME,
            HEALTH,
            REFERENCE,
            APPOINTMENTS,
            RECORDS,
            STAFF,
            STAFF_EMPLOYEES,
            STAFF_REPORTS,
            STAFF_SCHEDULE,
            MEDICAL_WORKER,
            "/no-such-page",
            "/callback?error=access_denied&state=x",
        ] {
            everything.push((who.clone(), path));
        }
    }
    everything.push((stranger, MEDICAL_WORKER));
    everything.push((nurse, MEDICAL_WORKER));
    everything
}

#[actix_web::test]
async fn every_page_keeps_to_the_editors_rules_in_both_languages() {
    let f = fixture();
    // A visit booked, so dates show on the patient's and the staff's pages.
    let monday = next(chrono::Weekday::Mon).format("%Y-%m-%d").to_string();
    let form = [("doctor", "1"), ("day", monday.as_str()), ("time", "09:00")];
    let (_, body) = f.post(acting(r#"["admin"]"#), APPOINTMENTS, &form).await;
    assert!(body.contains("id=\"notice\""), "{body}");
    let mut found = Vec::new();
    for (accept, lang) in [("ru-RU,ru", "ru"), ("en-GB,en", "en")] {
        for (who, path) in visits() {
            let req = TestRequest::get()
                .uri(path)
                .cookie(f.cookie(who))
                .insert_header(("Accept-Language", accept));
            let (_, body, _) = f.call(req).await;
            assert!(
                body.contains(&format!("<html lang=\"{lang}\">")),
                "{path} in {lang}: {body}"
            );
            found.extend(problems(path, &body));
        }
    }
    found.sort();
    found.dedup();
    assert!(found.is_empty(), "{found:#?}");
}

#[actix_web::test]
async fn the_switch_then_the_cookie_then_the_browser_choose_the_language() {
    let f = fixture();
    let patient = person(Level::Standard);
    let get = |path: &str, accept: &str| {
        TestRequest::get()
            .uri(path)
            .cookie(f.cookie(patient.clone()))
            .insert_header(("Accept-Language", accept))
    };
    // As at the provider: the browser's language, else Russian.
    let (_, body, cookies) = f.call(get(HEALTH, "en-GB,en;q=0.9")).await;
    assert!(body.contains("<html lang=\"en\">") && body.contains("Hello, "));
    assert!(cookies.is_empty(), "nothing chosen, nothing remembered");
    let (_, body, _) = f.call(get(HEALTH, "de-DE")).await;
    assert!(body.contains("<html lang=\"ru\">") && body.contains("Здравствуйте, "));
    // The switch keeps the page and its query, and is remembered.
    let (_, body, _) = f.call(get(&format!("{APPOINTMENTS}?doctor=2"), "ru")).await;
    assert!(
        body.contains("href=\"/health/appointments?doctor=2&#38;lang=en\""),
        "{body}"
    );
    let (_, body, cookies) = f
        .call(get(&format!("{APPOINTMENTS}?doctor=2&lang=en"), "ru"))
        .await;
    assert!(body.contains("<html lang=\"en\">"), "{body}");
    assert!(
        body.contains("Mon, ") && body.contains("Visiting hours: Mon, Wed, Fri 14:00–20:00"),
        "{body}"
    );
    assert!(
        cookies.iter().any(|c| c.starts_with("lang=en;")),
        "{cookies:?}"
    );
    let (_, body, _) = f
        .call(get(STAFF_REPORTS, "ru-RU").cookie(Cookie::new("lang", "en")))
        .await;
    assert!(
        body.contains("<html lang=\"en\">"),
        "the cookie beats the browser"
    );
    assert!(
        body.contains("Account level too low"),
        "a refusal in English: {body}"
    );
    assert!(
        body.contains(
            "needs a <strong>confirmed</strong> account; yours is <strong>standard</strong>"
        ),
        "{body}"
    );
    // Error pages too, though an error knows nothing of the request.
    let (status, body, _) = f.call(get("/no-such-page", "en")).await;
    assert_eq!(status, 404);
    assert!(
        body.contains("<html lang=\"en\">") && body.contains("Page not found"),
        "{body}"
    );
    let (_, body, _) = f
        .call(get("/callback?error=access_denied&state=x", "en"))
        .await;
    assert!(
        body.contains("id=\"retry\"") && body.contains("Log in again"),
        "{body}"
    );
    // The answer at the callback is used once: its switch leads home.
    assert!(body.contains("href=\"/?lang=ru\""), "{body}");
}
