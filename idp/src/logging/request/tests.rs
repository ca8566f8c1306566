use std::net::IpAddr;
use std::time::Duration;

use super::RequestLine;

fn line<'a>(client_id: Option<&'a str>, client_ip: Option<&str>, micros: u64) -> RequestLine<'a> {
    RequestLine {
        request_id: "f3K9xQ2mBv1a",
        method: "POST",
        route: "/token",
        status: 200,
        latency: Duration::from_micros(micros),
        client_id,
        client_ip: client_ip.map(|ip| ip.parse::<IpAddr>().unwrap()),
    }
}

fn written(line: &RequestLine<'_>, json: bool) -> String {
    let mut out = String::new();
    line.write(json, &mut out);
    assert!(
        out.ends_with('\n') && out.matches('\n').count() == 1,
        "{out:?}"
    );
    out
}

#[test]
fn the_json_line_has_every_field_typed() {
    let out = written(
        &line(Some("med\"cabinet"), Some("198.51.100.7"), 12_408),
        true,
    );
    let value: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(value["level"], "INFO");
    assert_eq!(value["message"], "request");
    assert_eq!(value["target"], "idp::http::observe");
    assert_eq!(value["request_id"], "f3K9xQ2mBv1a");
    assert_eq!(value["method"], "POST");
    assert_eq!(value["route"], "/token");
    assert_eq!(value["status"], 200);
    assert_eq!(value["latency_ms"], 12.408);
    assert_eq!(value["client_id"], "med\"cabinet");
    assert_eq!(value["client_ip"], "198.51.100.7");
    let time = value["timestamp"].as_str().unwrap();
    chrono::DateTime::parse_from_rfc3339(time).unwrap();
    // Without a portal or an address, the fields are left out.
    let out = written(&line(None, None, 5), true);
    let value: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(value.get("client_id").is_none() && value.get("client_ip").is_none());
    assert_eq!(value["latency_ms"], 0.005);
}

#[test]
fn the_text_line_reads_like_every_other_line() {
    let out = written(&line(Some("medcabinet"), Some("2001:db8::7"), 1_000), false);
    let (time, rest) = out.trim_end().split_once(' ').unwrap();
    chrono::DateTime::parse_from_rfc3339(time).unwrap();
    assert_eq!(
        rest,
        " INFO idp::http::observe: request request_id=f3K9xQ2mBv1a method=POST route=/token \
         status=200 latency_ms=1.000 client_id=medcabinet client_ip=2001:db8::7"
    );
    // A value that is not plain is quoted, and cannot break the line.
    let out = written(&line(Some("a b\r\nWARN x=y"), None, 99_012_345), false);
    assert!(out.contains(r#" client_id="a b\r\nWARN x=y""#), "{out}");
    assert!(out.contains(" latency_ms=99012.345 "), "{out}");
}
