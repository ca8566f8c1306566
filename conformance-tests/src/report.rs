//! Results: a table for the terminal, JSON and JUnit XML.

use std::fmt::Write;

use serde::Serialize;

use crate::check::Status;

#[derive(Debug, Clone, Serialize)]
pub struct ModuleResult {
    pub name: String,
    pub plan: String,
    pub status: Status,
    pub reason: String,
    pub spec: String,
    #[serde(skip)]
    pub seconds: f64,
}

#[derive(Debug, Default, Clone)]
pub struct Report {
    pub results: Vec<ModuleResult>,
}

impl Report {
    pub fn count(&self, status: Status) -> usize {
        self.results.iter().filter(|r| r.status == status).count()
    }

    pub fn failed(&self) -> bool {
        self.count(Status::Fail) > 0
    }

    pub fn get(&self, name: &str) -> Option<&ModuleResult> {
        self.results.iter().find(|r| r.name == name)
    }

    pub fn table(&self) -> String {
        let width = self
            .results
            .iter()
            .map(|r| r.name.len())
            .max()
            .unwrap_or(10);
        let mut out = String::new();
        for r in &self.results {
            let _ = writeln!(
                out,
                "{:<width$}  {:<7}  {}  [{}]",
                r.name,
                r.status.to_string(),
                r.reason,
                r.spec
            );
        }
        let _ = writeln!(
            out,
            "\n{} modules: {} passed, {} failed, {} warnings, {} skipped",
            self.results.len(),
            self.count(Status::Pass),
            self.count(Status::Fail),
            self.count(Status::Warning),
            self.count(Status::Skipped)
        );
        out
    }

    /// One object per module: `name`, `status`, `reason` (and `plan`, `spec`).
    pub fn json(&self) -> String {
        serde_json::to_string_pretty(&self.results).expect("results serialize")
    }

    pub fn junit(&self) -> String {
        let esc = |s: &str| {
            s.replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&quot;")
        };
        let total: f64 = self.results.iter().map(|r| r.seconds).sum();
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(
            out,
            "<testsuite name=\"openid-conformance\" tests=\"{}\" failures=\"{}\" skipped=\"{}\" time=\"{total:.3}\">",
            self.results.len(),
            self.count(Status::Fail),
            self.count(Status::Skipped)
        );
        for r in &self.results {
            let _ = write!(
                out,
                "  <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\">",
                esc(&r.plan),
                esc(&r.name),
                r.seconds
            );
            match r.status {
                Status::Fail => {
                    let _ = write!(
                        out,
                        "<failure message=\"{}\">{}</failure>",
                        esc(&r.reason),
                        esc(&r.spec)
                    );
                }
                Status::Skipped => {
                    let _ = write!(out, "<skipped message=\"{}\"/>", esc(&r.reason));
                }
                Status::Warning => {
                    let _ = write!(out, "<system-out>WARNING: {}</system-out>", esc(&r.reason));
                }
                Status::Pass => {}
            }
            out.push_str("</testcase>\n");
        }
        out.push_str("</testsuite>\n");
        out
    }
}
