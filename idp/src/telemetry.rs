//! Metrics in Prometheus' text format, through the `metrics` facade: code
//! anywhere counts with `metrics::counter!` and friends (free when no
//! recorder is installed), and [`install`] puts the Prometheus recorder
//! under them once per process. `http::metrics` serves [`render`] on the
//! separate `metrics_bind` listener, after refreshing the gauges read from
//! the stores.
//!
//! The series (all prefixed `vhod_`): `http_requests_total{route,method,status}`,
//! `http_request_duration_seconds{route}`, `logins_total{method,outcome}`,
//! `tokens_total{grant,outcome}`, `lockouts_total`,
//! `rate_limit_refusals_total{limit}`, `busy_refusals_total` (password
//! checks refused because the hashing pool was full), `audit_events_total{event}`,
//! `jobs_run_total{kind,outcome}` (back-channel logouts are kind
//! `backchannel_logout`), `jobs_waiting`, `jobs_given_up`,
//! `signing_keys{alg,state}`, `signing_key_age_seconds{alg,state}`,
//! `db_pool_connections{state}`.

use std::sync::OnceLock;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Latency buckets, in seconds: from a cached JWKS to a slow login.
const BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Installs the Prometheus recorder (once; later calls return the same
/// handle).
pub fn install() -> &'static PrometheusHandle {
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), BUCKETS)
            .map(PrometheusBuilder::build_recorder)
            .unwrap_or_else(|_| PrometheusBuilder::new().build_recorder());
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("a metrics recorder was already installed");
        }
        handle
    })
}

/// Every series in Prometheus' text format.
pub fn render() -> String {
    let handle = install();
    handle.run_upkeep();
    handle.render()
}
