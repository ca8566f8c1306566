//! The line every request ends with. It is written on every request, so it
//! is put together by hand, field by known field, into a buffer the thread
//! keeps, instead of going through `tracing`'s fields and `core::fmt`: that
//! way it costs a JWKS request about 1k of its ~35k instructions, where
//! the general path cost 9k (docs/performance.md). It has the shape of
//! every other line ([`super::line`]), and follows the same filter as a
//! `tracing` event of `idp::http::observe` at INFO.

use std::cell::RefCell;
use std::net::IpAddr;
use std::time::Duration;

use super::line::timestamp;

/// What the line says about one request.
pub struct RequestLine<'a> {
    /// Only `A-Z a-z 0-9 - _ . :` (`http::observe` makes sure).
    pub request_id: &'a str,
    pub method: &'a str,
    /// The route's pattern (`/authorize`), never the path with its values.
    pub route: &'a str,
    pub status: u16,
    pub latency: Duration,
    pub client_id: Option<&'a str>,
    pub client_ip: Option<IpAddr>,
}

thread_local! {
    static BUFFER: RefCell<String> = const { RefCell::new(String::new()) };
}

impl RequestLine<'_> {
    /// Writes the line to the log, unless the filter leaves out INFO lines
    /// of `idp::http::observe` or no log is installed (tests in-process).
    pub fn log(&self) {
        if !tracing::enabled!(target: "idp::http::observe", tracing::Level::INFO) {
            return;
        }
        let Some(output) = super::OUTPUT.get() else {
            return;
        };
        BUFFER.with_borrow_mut(|buffer| {
            buffer.clear();
            self.write(output.json, buffer);
            output.writer.append(buffer.as_bytes());
        });
    }

    fn write(&self, json: bool, out: &mut String) {
        let mut number = itoa::Buffer::new();
        if json {
            out.push_str("{\"timestamp\":\"");
        }
        let _ = timestamp(out);
        if json {
            out.push_str("\",\"level\":\"INFO\",\"request_id\":\"");
            out.push_str(self.request_id);
            out.push_str("\",\"method\":\"");
            out.push_str(self.method);
            out.push_str("\",\"route\":\"");
            json_escaped(out, self.route);
            out.push_str("\",\"status\":");
            out.push_str(number.format(self.status));
            out.push_str(",\"latency_ms\":");
            millis(out, self.latency);
            if let Some(id) = self.client_id {
                out.push_str(",\"client_id\":\"");
                json_escaped(out, id);
                out.push('"');
            }
            if let Some(ip) = self.client_ip {
                out.push_str(",\"client_ip\":\"");
                address(out, ip);
                out.push('"');
            }
            out.push_str(",\"message\":\"request\",\"target\":\"idp::http::observe\"}\n");
        } else {
            out.push_str("  INFO idp::http::observe: request request_id=");
            out.push_str(self.request_id);
            out.push_str(" method=");
            out.push_str(self.method);
            out.push_str(" route=");
            text_value(out, self.route);
            out.push_str(" status=");
            out.push_str(number.format(self.status));
            out.push_str(" latency_ms=");
            millis(out, self.latency);
            if let Some(id) = self.client_id {
                out.push_str(" client_id=");
                text_value(out, id);
            }
            if let Some(ip) = self.client_ip {
                out.push_str(" client_ip=");
                address(out, ip);
            }
            out.push('\n');
        }
    }
}

/// Milliseconds with three decimals: `12.408`.
fn millis(out: &mut String, latency: Duration) {
    let micros = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
    out.push_str(itoa::Buffer::new().format(micros / 1000));
    let fraction = micros % 1000;
    out.push('.');
    if fraction < 100 {
        out.push('0');
    }
    if fraction < 10 {
        out.push('0');
    }
    out.push_str(itoa::Buffer::new().format(fraction));
}

/// An IPv4 address octet by octet (`core::fmt`'s costs ~1.5k instructions);
/// IPv6 through `Display`.
fn address(out: &mut String, ip: IpAddr) {
    match ip {
        IpAddr::V4(v4) => {
            let mut number = itoa::Buffer::new();
            for (i, octet) in v4.octets().into_iter().enumerate() {
                if i > 0 {
                    out.push('.');
                }
                out.push_str(number.format(octet));
            }
        }
        IpAddr::V6(v6) => {
            use std::fmt::Write as _;
            let _ = write!(out, "{v6}");
        }
    }
}

/// A value as is when it is plain (`medcabinet`, `/token`), else quoted
/// and escaped as `Debug` does, so the line stays one `k=v` list.
fn text_value(out: &mut String, value: &str) {
    let plain = !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\' && b != b'=');
    if plain {
        out.push_str(value);
    } else {
        use std::fmt::Write as _;
        let _ = write!(out, "{value:?}");
    }
}

/// `value` inside a JSON string.
fn json_escaped(out: &mut String, value: &str) {
    if value
        .bytes()
        .all(|b| b >= 0x20 && b != b'"' && b != b'\\' && b != 0x7f)
    {
        out.push_str(value);
    } else {
        let _ = super::line::escape_json(out, value);
    }
}

#[cfg(test)]
mod tests;
