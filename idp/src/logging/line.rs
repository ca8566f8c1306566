//! One event, one line: `TIME LEVEL target: message request_id=… k=v…` or
//! `{"timestamp":…,"level":…,"request_id":…,…,"message":…,"target":…}`.
//! A value can never break its line: control characters (a CR/LF someone
//! put in a header) are escaped, and in JSON quotes and backslashes too.

use std::cell::RefCell;
use std::fmt::{self, Write};

use chrono::Utc;
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_log::NormalizeEvent;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

use super::REQUEST_ID;

/// The format of every line: text, or JSON when `json`.
pub struct Line {
    pub json: bool,
}

impl<S, N> FormatEvent<S, N> for Line
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        _: &FmtContext<'_, S, N>,
        mut out: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        REQUEST_ID
            .try_with(|id| self.write(&mut out, Some(id), event))
            .unwrap_or_else(|_| self.write(&mut out, None, event))
    }
}

impl Line {
    fn write(
        &self,
        out: &mut dyn Write,
        request_id: Option<&str>,
        event: &Event<'_>,
    ) -> fmt::Result {
        // Events of the `log` crate (actix's own) name their real target
        // in `log.*` fields.
        let normalized = event.normalized_metadata();
        let meta = normalized.as_ref().unwrap_or_else(|| event.metadata());
        let level = meta.level().as_str();
        if self.json {
            out.write_str("{\"timestamp\":\"")?;
            timestamp(out)?;
            write!(out, "\",\"level\":\"{level}\"")?;
            if let Some(id) = request_id {
                json_string(out, "request_id", id)?;
            }
            let mut fields = JsonFields {
                out,
                result: Ok(()),
            };
            event.record(&mut fields);
            fields.result?;
            json_string(out, "target", meta.target())?;
            out.write_str("}\n")
        } else {
            timestamp(out)?;
            let pad = if level.len() < 5 { "  " } else { " " };
            write!(out, "{pad}{level} {}:", meta.target())?;
            let mut fields = TextFields {
                out,
                request_id,
                result: Ok(()),
            };
            event.record(&mut fields);
            fields.result?;
            if let Some(id) = fields.request_id {
                write!(out, " request_id={id}")?;
            }
            out.write_char('\n')
        }
    }
}

thread_local! {
    /// The current second as `2026-12-07T05:10:00`, made once a second.
    static SECOND: RefCell<(i64, String)> = const { RefCell::new((i64::MIN, String::new())) };
}

/// Now in UTC as RFC 3339 with milliseconds: `2026-12-07T05:10:00.123Z`.
pub(super) fn timestamp(out: &mut dyn Write) -> fmt::Result {
    let now = Utc::now();
    SECOND.with_borrow_mut(|(second, text)| {
        if *second != now.timestamp() {
            *second = now.timestamp();
            text.clear();
            write!(text, "{}", now.format("%Y-%m-%dT%H:%M:%S"))?;
        }
        out.write_str(text)
    })?;
    // Up to 1999 in a leap second.
    let ms = now.timestamp_subsec_millis().min(999);
    let digits = [
        b'.',
        b'0' + (ms / 100) as u8,
        b'0' + (ms / 10 % 10) as u8,
        b'0' + (ms % 10) as u8,
        b'Z',
    ];
    out.write_str(std::str::from_utf8(&digits).map_err(|_| fmt::Error)?)
}

/// `value` escaped for the inside of a JSON string.
pub(super) fn escape_json(out: &mut dyn Write, value: &str) -> fmt::Result {
    Escape { out, json: true }.write_str(value)
}

/// `,"name":"value"`, the value escaped.
fn json_string(out: &mut dyn Write, name: &str, value: &str) -> fmt::Result {
    write!(out, ",\"{name}\":\"")?;
    Escape { out, json: true }.write_str(value)?;
    out.write_char('"')
}

/// Fields as ` message k=v k="a string"`, the request id after the message.
struct TextFields<'a, 'r> {
    out: &'a mut dyn Write,
    request_id: Option<&'r str>,
    result: fmt::Result,
}

impl TextFields<'_, '_> {
    fn field(&mut self, field: &Field, value: fmt::Arguments<'_>) {
        if self.result.is_err() || field.name().starts_with("log.") {
            return;
        }
        self.result = if field.name() == "message" {
            write!(
                Escape {
                    out: self.out,
                    json: false
                },
                " {value}"
            )
            .and_then(|()| match self.request_id.take() {
                Some(id) => write!(self.out, " request_id={id}"),
                None => Ok(()),
            })
        } else {
            write!(self.out, " {}=", field.name()).and_then(|()| {
                write!(
                    Escape {
                        out: self.out,
                        json: false
                    },
                    "{value}"
                )
            })
        };
    }
}

impl Visit for TextFields<'_, '_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.field(field, format_args!("{value}"));
        } else {
            self.field(field, format_args!("{value:?}"));
        }
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.field(field, format_args!("{}", Chain(value)));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.field(field, format_args!("{value:?}"));
    }
}

/// Fields as `,"k":v`: numbers and booleans bare, the rest as strings.
struct JsonFields<'a> {
    out: &'a mut dyn Write,
    result: fmt::Result,
}

impl JsonFields<'_> {
    fn bare(&mut self, field: &Field, value: fmt::Arguments<'_>) {
        if self.result.is_ok() && !field.name().starts_with("log.") {
            self.result = write!(self.out, ",\"{}\":{value}", field.name());
        }
    }

    fn string(&mut self, field: &Field, value: fmt::Arguments<'_>) {
        if self.result.is_ok() && !field.name().starts_with("log.") {
            self.result = write!(self.out, ",\"{}\":\"", field.name())
                .and_then(|()| {
                    write!(
                        Escape {
                            out: self.out,
                            json: true
                        },
                        "{value}"
                    )
                })
                .and_then(|()| self.out.write_char('"'));
        }
    }
}

impl Visit for JsonFields<'_> {
    fn record_f64(&mut self, field: &Field, value: f64) {
        if value.is_finite() {
            self.bare(field, format_args!("{value}"));
        } else {
            self.string(field, format_args!("{value}"));
        }
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.bare(field, format_args!("{value}"));
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.bare(field, format_args!("{value}"));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.bare(field, format_args!("{value}"));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.string(field, format_args!("{value}"));
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.string(field, format_args!("{}", Chain(value)));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.string(field, format_args!("{value:?}"));
    }
}

/// An error and its sources: `outer: inner: root`.
struct Chain<'a>(&'a (dyn std::error::Error + 'static));

impl fmt::Display for Chain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut source = self.0.source();
        while let Some(error) = source {
            write!(f, ": {error}")?;
            source = error.source();
        }
        Ok(())
    }
}

/// Writes through to `out`, escaping what would break the line: control
/// characters always, `"` and `\` too inside a JSON string.
struct Escape<'a> {
    out: &'a mut dyn Write,
    json: bool,
}

impl Write for Escape<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let mut start = 0;
        for (i, b) in s.bytes().enumerate() {
            let escaped = match b {
                b'\n' => "\\n",
                b'\r' => "\\r",
                b'\t' => "\\t",
                b'"' if self.json => "\\\"",
                b'\\' if self.json => "\\\\",
                0..0x20 | 0x7f => "",
                _ => continue,
            };
            self.out.write_str(&s[start..i])?;
            if escaped.is_empty() {
                write!(self.out, "\\u{b:04x}")?;
            } else {
                self.out.write_str(escaped)?;
            }
            start = i + 1;
        }
        self.out.write_str(&s[start..])
    }
}

#[cfg(test)]
mod tests;
