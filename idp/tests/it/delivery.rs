//! Delivery of codes, links and letters through real transports on
//! loopback: the dev outbox read over HTTP, a real SMTP server (aiosmtpd,
//! installed by scripts/test) and an HTTP SMS gateway that is down before
//! it is up. Sending is a durable job: a failure is retried, not lost.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use idp::delivery::{Kind, Message};

use crate::harness::*;

fn message(kind: Kind, to: &str) -> Message {
    Message {
        kind,
        to: to.into(),
        subject: "Код подтверждения".into(),
        text: "Ваш код: 123456. Никому его не сообщайте.".into(),
        code: Some("123456".into()),
        link: None,
    }
}

#[actix_web::test]
async fn the_dev_outbox_serves_messages_newest_first_by_any_notation() {
    let app = TestApp::spawn().await;
    let mut first = message(Kind::Sms, "+79991234567");
    first.code = Some("111111".into());
    app.state.queue_message(&first).await.unwrap();
    let url = format!("{}/dev/outbox?to=8%20(999)%20123-45-67", app.url);
    eventually("the first message", async || {
        let list: serde_json::Value = reqwest::get(&url).await.ok()?.json().await.ok()?;
        (list.as_array()?.len() == 1).then_some(())
    })
    .await;
    app.state
        .queue_message(&message(Kind::Sms, "+79991234567"))
        .await
        .unwrap();
    let list = eventually("the second message", async || {
        let list: serde_json::Value = reqwest::get(&url).await.ok()?.json().await.ok()?;
        (list.as_array()?.len() == 2).then_some(list)
    })
    .await;
    assert_eq!(list[0]["code"], "123456", "newest first: {list}");
    assert_eq!(list[1]["code"], "111111");
    assert_eq!(list[0]["kind"], "sms");
    assert_eq!(list[0]["to"], "+79991234567");
    assert_eq!(list[0]["subject"], "Код подтверждения");
    assert!(list[0]["text"].as_str().unwrap().contains("123456"));
    // Nobody else's messages.
    let other: serde_json::Value =
        reqwest::get(format!("{}/dev/outbox?to=%2B79990000000", app.url))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(other, serde_json::json!([]));
    // And the files are where the admin guide says.
    let files = std::fs::read_dir(app.state.config.data_dir.join("outbox"))
        .unwrap()
        .count();
    assert_eq!(files, 2);
}

#[actix_web::test]
async fn the_dev_outbox_is_not_served_outside_dev_mode() {
    let app = TestApp::builder()
        .config(|c| c.dev_outbox = false)
        .spawn()
        .await;
    app.state
        .queue_message(&message(Kind::Sms, "+79991234567"))
        .await
        .unwrap();
    let res = reqwest::get(format!("{}/dev/outbox?to=%2B79991234567", app.url))
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}

/// What the gateway received: the `Authorization` header and the body.
type Received = Arc<std::sync::Mutex<Vec<(Option<String>, serde_json::Value)>>>;

/// An HTTP SMS gateway on loopback that answers 503 to its first `down`
/// requests and 200 after, recording what it was sent.
struct Gateway {
    url: String,
    requests: Received,
}

async fn gateway(down: usize) -> Gateway {
    let requests: Received = Arc::default();
    let seen = Arc::new(AtomicUsize::new(0));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/send", listener.local_addr().unwrap());
    let recorded = requests.clone();
    let server = HttpServer::new(move || {
        let (recorded, seen) = (recorded.clone(), seen.clone());
        App::new().route(
            "/send",
            web::post().to(
                move |req: HttpRequest, body: web::Json<serde_json::Value>| {
                    let (recorded, seen) = (recorded.clone(), seen.clone());
                    async move {
                        let auth = req
                            .headers()
                            .get("authorization")
                            .map(|v| v.to_str().unwrap().to_owned());
                        recorded.lock().unwrap().push((auth, body.into_inner()));
                        if seen.fetch_add(1, Ordering::SeqCst) < down {
                            HttpResponse::ServiceUnavailable().finish()
                        } else {
                            HttpResponse::Ok().json(serde_json::json!({"status": "queued"}))
                        }
                    }
                },
            ),
        )
    })
    .workers(1)
    .listen(listener)
    .unwrap()
    .run();
    actix_web::rt::spawn(server);
    Gateway { url, requests }
}

#[actix_web::test]
async fn sms_go_through_the_gateway_and_a_gateway_that_is_down_gets_them_later() {
    let gw = gateway(1).await;
    let url = gw.url.clone();
    let app = TestApp::builder()
        .config(move |c| {
            c.sms_gateway_url = Some(url.parse().unwrap());
            c.sms_gateway_token = Some(idp::config::SecretString("gw-token".into()));
        })
        .spawn()
        .await;
    app.state
        .queue_message(&message(Kind::Sms, "+79991234567"))
        .await
        .unwrap();
    // The first attempt meets a 503: the job stays, with the reason.
    let job = eventually("a failed first attempt", async || {
        let jobs = app
            .state
            .sql
            .jobs_of_kind(idp::delivery::DELIVER)
            .await
            .ok()?;
        jobs.into_iter()
            .find(|j| j.attempts == 1 && j.last_error.is_some())
    })
    .await;
    assert!(!job.failed);
    assert!(job.last_error.unwrap().contains("503"));
    assert_eq!(gw.requests.lock().unwrap().len(), 1);
    // Once its backoff has passed, it is sent.
    app.clock.advance(idp::jobs::backoff(1) + 1);
    eventually("the retry", async || {
        let jobs = app
            .state
            .sql
            .jobs_of_kind(idp::delivery::DELIVER)
            .await
            .ok()?;
        jobs.is_empty().then_some(())
    })
    .await;
    let requests = gw.requests.lock().unwrap().clone();
    assert_eq!(requests.len(), 2);
    let (auth, body) = &requests[1];
    assert_eq!(auth.as_deref(), Some("Bearer gw-token"));
    assert_eq!(body["to"], "+79991234567");
    assert!(body["text"].as_str().unwrap().contains("123456"));
    // Nothing went to the dev outbox.
    assert!(
        app.state
            .delivery
            .outbox
            .as_ref()
            .unwrap()
            .to("+79991234567")
            .is_empty()
    );
}

#[actix_web::test]
async fn a_job_another_node_finishes_after_this_one_failed() {
    // The first node's gateway refuses for good; a second node on the same
    // stores, with a working gateway, picks the job up after its backoff.
    let broken = gateway(usize::MAX).await;
    let working = gateway(0).await;
    let url = broken.url.clone();
    let a = TestApp::builder()
        .config(move |c| c.sms_gateway_url = Some(url.parse().unwrap()))
        .spawn()
        .await;
    a.state
        .queue_message(&message(Kind::Sms, "+79991234567"))
        .await
        .unwrap();
    eventually("a failed attempt", async || {
        let jobs = a
            .state
            .sql
            .jobs_of_kind(idp::delivery::DELIVER)
            .await
            .ok()?;
        jobs.into_iter().find(|j| j.attempts >= 1)
    })
    .await;
    let url = working.url.clone();
    let b = TestApp::builder()
        .sharing(&a)
        .config(move |c| c.sms_gateway_url = Some(url.parse().unwrap()))
        .spawn()
        .await;
    // Node a stops trying (its clock stands still); b's clock passes the backoff.
    b.clock.advance(idp::jobs::backoff(1) + 1);
    eventually("delivery by the second node", async || {
        (!working.requests.lock().unwrap().is_empty()).then_some(())
    })
    .await;
}

/// A real SMTP server (aiosmtpd) on loopback, keeping mail in a Maildir.
struct SmtpServer {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
    maildir: std::path::PathBuf,
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn smtp_server() -> SmtpServer {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let maildir = dir.path().join("mail");
    let child = Command::new("python3")
        .args([
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            &format!("127.0.0.1:{port}"),
            "-c",
            "aiosmtpd.handlers.Mailbox",
        ])
        .arg(&maildir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs (scripts/test installs aiosmtpd)");
    let server = SmtpServer {
        child,
        port,
        _dir: dir,
        maildir,
    };
    eventually(
        "aiosmtpd to listen (scripts/test installs it with pip)",
        async || {
            std::net::TcpStream::connect(("127.0.0.1", port))
                .ok()
                .map(|_| ())
        },
    )
    .await;
    server
}

fn delivered(maildir: &Path) -> Vec<String> {
    std::fs::read_dir(maildir.join("new"))
        .map(|files| {
            files
                .flatten()
                .map(|f| std::fs::read_to_string(f.path()).unwrap())
                .collect()
        })
        .unwrap_or_default()
}

#[actix_web::test]
async fn e_mail_and_postal_letters_go_through_a_real_smtp_server() {
    let smtp = smtp_server().await;
    let url = format!("smtp://127.0.0.1:{}", smtp.port);
    let app = TestApp::builder()
        .config(move |c| {
            c.smtp_url = Some(idp::config::SecretString(url));
            c.mail_from = "Вход <noreply@vhod.test>".into();
            c.postal_mailbox = Some("letters@post.test".into());
        })
        .spawn()
        .await;
    let mut mail = message(Kind::Email, "ivanov@example.ru");
    mail.link = Some("http://127.0.0.1/register/confirm?token=abc".into());
    mail.text = "Подтвердите адрес: http://127.0.0.1/register/confirm?token=abc".into();
    app.state.queue_message(&mail).await.unwrap();
    let mut letter = message(
        Kind::Letter,
        "101000, г. Москва, ул. Мясницкая, д. 1, кв. 2",
    );
    letter.text = "Код подтверждения личности: 7SK2-9QX4".into();
    app.state.queue_message(&letter).await.unwrap();
    let messages = eventually("two messages in the mailbox", async || {
        let found = delivered(&smtp.maildir);
        (found.len() == 2).then_some(found)
    })
    .await;
    let mail = messages
        .iter()
        .find(|m| m.contains("ivanov@example.ru"))
        .expect("the e-mail");
    assert!(mail.contains("noreply@vhod.test"), "{mail}");
    let parsed = mailparse::parse_mail(mail.as_bytes()).unwrap();
    use mailparse::MailHeaderMap;
    assert_eq!(
        parsed.headers.get_first_value("Subject").as_deref(),
        Some("Код подтверждения")
    );
    let letter = messages
        .iter()
        .find(|m| m.contains("letters@post.test"))
        .expect("the letter");
    assert!(!letter.contains("ivanov@example.ru"));
    // Bodies are encoded (UTF-8, quoted-printable or base64): decode before
    // looking at the Cyrillic text.
    let body = decode_body(letter);
    assert!(body.contains("ул. Мясницкая"), "{body}");
    assert!(body.contains("7SK2-9QX4"), "{body}");
    assert!(decode_body(mail).contains("register/confirm?token=abc"));
    // Sent jobs go (the worker deletes each once the server took it).
    eventually("the sent jobs to go", async || {
        let jobs = app
            .state
            .sql
            .jobs_of_kind(idp::delivery::DELIVER)
            .await
            .ok()?;
        jobs.is_empty().then_some(())
    })
    .await;
}

/// The text body of a message, its transfer encoding and charset decoded.
fn decode_body(raw: &str) -> String {
    mailparse::parse_mail(raw.as_bytes())
        .and_then(|mail| mail.get_body())
        .expect("a well-formed message")
}
