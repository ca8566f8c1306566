use std::io;
use std::sync::{Arc, Mutex};

use tracing_subscriber::fmt::MakeWriter;

use super::Line;
use crate::logging::in_request;

/// Everything written, shared with the test.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Self;

    fn make_writer(&'a self) -> Self {
        self.clone()
    }
}

/// The lines `emit` logs, formatted as text or JSON.
fn lines(json: bool, emit: impl FnOnce()) -> Vec<String> {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .event_format(Line { json })
        .with_writer(captured.clone())
        .finish();
    tracing::subscriber::with_default(subscriber, emit);
    let bytes = captured.0.lock().unwrap().clone();
    String::from_utf8(bytes)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn request_line() {
    tracing::info!(
        method = %"POST",
        route = "/token",
        status = 200u16,
        latency_ms = 1.5,
        client_id = Some("med\"cabinet"),
        client_ip = tracing::field::display("198.51.100.7"),
        "request"
    );
}

fn in_request_of(id: &str, emit: impl FnOnce()) {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(in_request(id.into(), async { emit() }));
}

#[test]
fn a_json_line_is_one_object_with_typed_fields() {
    let lines = lines(true, || in_request_of("f3K9xQ2mBv1a", request_line));
    assert_eq!(lines.len(), 1, "{lines:?}");
    let line: serde_json::Value = serde_json::from_str(&lines[0]).unwrap();
    assert_eq!(line["level"], "INFO");
    assert_eq!(line["message"], "request");
    assert_eq!(line["request_id"], "f3K9xQ2mBv1a");
    assert_eq!(line["method"], "POST");
    assert_eq!(line["route"], "/token");
    assert_eq!(line["status"], 200);
    assert_eq!(line["latency_ms"], 1.5);
    assert_eq!(line["client_id"], "med\"cabinet");
    assert_eq!(line["client_ip"], "198.51.100.7");
    assert_eq!(line["target"], module_path!());
    let time = line["timestamp"].as_str().unwrap();
    chrono::DateTime::parse_from_rfc3339(time).unwrap();
    assert_eq!(time.len(), "2026-12-07T05:10:00.123Z".len(), "{time}");
}

#[test]
fn a_text_line_has_the_request_id_after_the_message() {
    let lines = lines(false, || in_request_of("abc", request_line));
    let line = &lines[0];
    let (time, rest) = line.split_once(' ').unwrap();
    chrono::DateTime::parse_from_rfc3339(time).unwrap();
    assert_eq!(
        rest,
        format!(
            " INFO {}: request request_id=abc method=POST route=\"/token\" status=200 \
             latency_ms=1.5 client_id=\"med\\\"cabinet\" client_ip=198.51.100.7",
            module_path!()
        )
    );
}

#[test]
fn outside_a_request_there_is_no_request_id() {
    let text = lines(false, || tracing::warn!(port = 8080, "cannot listen"));
    assert!(
        text[0].ends_with(" WARN idp::logging::line::tests: cannot listen port=8080"),
        "{text:?}"
    );
    let json = lines(true, || tracing::warn!(port = 8080, "cannot listen"));
    let line: serde_json::Value = serde_json::from_str(&json[0]).unwrap();
    assert!(line.get("request_id").is_none(), "{line}");
    assert_eq!(line["port"], 8080);
}

#[test]
fn no_value_breaks_its_line() {
    // What a header or a form could carry into a logged value.
    let hostile = "a\r\nINFO forged: line\u{1b}[31m\"\\\0";
    for json in [false, true] {
        let lines = lines(json, || {
            tracing::error!(detail = %hostile, also = hostile, "bad {}", hostile);
        });
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(
            !lines[0].contains('\u{1b}') && !lines[0].contains('\0'),
            "{lines:?}"
        );
        if json {
            let line: serde_json::Value = serde_json::from_str(&lines[0]).unwrap();
            assert_eq!(line["detail"], hostile);
            assert_eq!(line["also"], hostile);
            assert_eq!(line["message"], format!("bad {hostile}"));
        }
    }
}

#[test]
fn errors_are_written_with_their_sources() {
    let inner = io::Error::other("connection refused");
    let outer = anyhow::Error::new(inner).context("cannot reach redis");
    let error: &(dyn std::error::Error + 'static) = outer.as_ref();
    let json = lines(true, || tracing::error!(error, "store down"));
    let line: serde_json::Value = serde_json::from_str(&json[0]).unwrap();
    assert_eq!(line["error"], "cannot reach redis: connection refused");
}
