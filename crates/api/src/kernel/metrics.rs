//! Prometheus text metrics: request counts and latency histograms per route pattern (never
//! per raw path, so ids do not explode the series count).

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Default)]
struct Series {
    count: u64,
    sum: f64,
    buckets: [u64; BUCKETS.len()],
}

#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), Series>>,
}

impl Metrics {
    pub fn observe(&self, method: &str, route: &str, status: u16, latency: Duration) {
        let secs = latency.as_secs_f64();
        let Ok(mut map) = self.requests.lock() else {
            return;
        };
        let series = map
            .entry((method.to_owned(), route.to_owned(), status))
            .or_default();
        series.count += 1;
        series.sum += secs;
        for (slot, bound) in series.buckets.iter_mut().zip(BUCKETS) {
            if secs <= bound {
                *slot += 1;
            }
        }
    }

    pub fn render(&self, pool: Option<r2d2::State>) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# HELP kefu_http_requests_total HTTP requests served.");
        let _ = writeln!(out, "# TYPE kefu_http_requests_total counter");
        let map = match self.requests.lock() {
            Ok(map) => map,
            Err(poisoned) => poisoned.into_inner(),
        };
        for ((method, route, status), s) in map.iter() {
            let _ = writeln!(
                out,
                "kefu_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {}",
                escape(route),
                s.count
            );
        }
        let _ = writeln!(
            out,
            "# HELP kefu_http_request_duration_seconds Request latency."
        );
        let _ = writeln!(out, "# TYPE kefu_http_request_duration_seconds histogram");
        for ((method, route, status), s) in map.iter() {
            let labels = format!(
                "method=\"{method}\",route=\"{}\",status=\"{status}\"",
                escape(route)
            );
            for (bound, n) in BUCKETS.iter().zip(s.buckets) {
                let _ = writeln!(
                    out,
                    "kefu_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {n}"
                );
            }
            let _ = writeln!(
                out,
                "kefu_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                s.count
            );
            let _ = writeln!(
                out,
                "kefu_http_request_duration_seconds_sum{{{labels}}} {}",
                s.sum
            );
            let _ = writeln!(
                out,
                "kefu_http_request_duration_seconds_count{{{labels}}} {}",
                s.count
            );
        }
        if let Some(state) = pool {
            let _ = writeln!(
                out,
                "# HELP kefu_db_pool_connections Open database connections."
            );
            let _ = writeln!(out, "# TYPE kefu_db_pool_connections gauge");
            let _ = writeln!(out, "kefu_db_pool_connections {}", state.connections);
            let _ = writeln!(
                out,
                "# HELP kefu_db_pool_idle_connections Idle database connections."
            );
            let _ = writeln!(out, "# TYPE kefu_db_pool_idle_connections gauge");
            let _ = writeln!(
                out,
                "kefu_db_pool_idle_connections {}",
                state.idle_connections
            );
        }
        out
    }
}

fn escape(label: &str) -> String {
    label.replace('\\', "\\\\").replace('"', "\\\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counts_and_cumulative_buckets() {
        let m = Metrics::default();
        m.observe("GET", "/api/v1/users/{id}", 200, Duration::from_millis(20));
        m.observe("GET", "/api/v1/users/{id}", 200, Duration::from_millis(300));
        let text = m.render(None);
        assert!(text.contains(
            "kefu_http_requests_total{method=\"GET\",route=\"/api/v1/users/{id}\",status=\"200\"} 2"
        ));
        assert!(text.contains("le=\"0.025\"} 1"));
        assert!(text.contains("le=\"0.5\"} 2"));
        assert!(text.contains("le=\"+Inf\"} 2"));
    }
}
