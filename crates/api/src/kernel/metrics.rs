//! Prometheus text metrics: request counts and latency histograms per route pattern (never
//! per raw path, so ids do not explode the series count), and what each request cost the
//! database: statements sent and time spent.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

const SECONDS: &[f64] = &[
    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
const STATEMENTS: &[f64] = &[
    0.0, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 16.0, 24.0, 32.0, 64.0, 128.0,
];

struct Histogram {
    bounds: &'static [f64],
    count: u64,
    sum: f64,
    buckets: Vec<u64>,
}

impl Histogram {
    fn new(bounds: &'static [f64]) -> Histogram {
        Histogram {
            bounds,
            count: 0,
            sum: 0.0,
            buckets: vec![0; bounds.len()],
        }
    }

    fn add(&mut self, value: f64) {
        self.count += 1;
        self.sum += value;
        for (slot, bound) in self.buckets.iter_mut().zip(self.bounds) {
            if value <= *bound {
                *slot += 1;
            }
        }
    }

    fn render(&self, out: &mut String, name: &str, labels: &str) {
        for (bound, n) in self.bounds.iter().zip(&self.buckets) {
            let _ = writeln!(out, "{name}_bucket{{{labels},le=\"{bound}\"}} {n}");
        }
        let _ = writeln!(out, "{name}_bucket{{{labels},le=\"+Inf\"}} {}", self.count);
        let _ = writeln!(out, "{name}_sum{{{labels}}} {}", self.sum);
        let _ = writeln!(out, "{name}_count{{{labels}}} {}", self.count);
    }
}

/// What a route's requests cost the database.
struct DbSeries {
    statements: Histogram,
    seconds: Histogram,
}

#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), Histogram>>,
    db: Mutex<BTreeMap<(String, String), DbSeries>>,
}

impl Metrics {
    pub fn observe(&self, method: &str, route: &str, status: u16, latency: Duration) {
        let mut map = self.requests.lock().unwrap_or_else(PoisonError::into_inner);
        map.entry((method.to_owned(), route.to_owned(), status))
            .or_insert_with(|| Histogram::new(SECONDS))
            .add(latency.as_secs_f64());
    }

    /// One request's database cost: `statements` sent (every query, `BEGIN` and `COMMIT`)
    /// and the time its calls held a connection.
    pub fn observe_db(&self, method: &str, route: &str, statements: u64, time: Duration) {
        let mut map = self.db.lock().unwrap_or_else(PoisonError::into_inner);
        let series = map
            .entry((method.to_owned(), route.to_owned()))
            .or_insert_with(|| DbSeries {
                statements: Histogram::new(STATEMENTS),
                seconds: Histogram::new(SECONDS),
            });
        series.statements.add(statements as f64);
        series.seconds.add(time.as_secs_f64());
    }

    pub fn render(&self, pool: Option<r2d2::State>) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# HELP kefu_http_requests_total HTTP requests served.");
        let _ = writeln!(out, "# TYPE kefu_http_requests_total counter");
        let map = self.requests.lock().unwrap_or_else(PoisonError::into_inner);
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
            s.render(&mut out, "kefu_http_request_duration_seconds", &labels);
        }
        drop(map);
        let db = self.db.lock().unwrap_or_else(PoisonError::into_inner);
        for (name, help, pick) in [
            (
                "kefu_db_statements_per_request",
                "Database statements a request sent (queries, BEGIN, COMMIT).",
                (|s: &DbSeries| &s.statements) as fn(&DbSeries) -> &Histogram,
            ),
            (
                "kefu_db_seconds_per_request",
                "Time a request's database calls held a connection.",
                |s: &DbSeries| &s.seconds,
            ),
        ] {
            let _ = writeln!(out, "# HELP {name} {help}");
            let _ = writeln!(out, "# TYPE {name} histogram");
            for ((method, route), s) in db.iter() {
                let labels = format!("method=\"{method}\",route=\"{}\"", escape(route));
                pick(s).render(&mut out, name, &labels);
            }
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

    #[test]
    fn renders_the_statements_and_database_time_of_each_route() {
        let m = Metrics::default();
        m.observe_db("GET", "/api/v1/tickets/{id}", 2, Duration::from_millis(3));
        m.observe_db("GET", "/api/v1/tickets/{id}", 5, Duration::from_millis(30));
        let text = m.render(None);
        let labels = "method=\"GET\",route=\"/api/v1/tickets/{id}\"";
        for line in [
            format!("kefu_db_statements_per_request_bucket{{{labels},le=\"2\"}} 1"),
            format!("kefu_db_statements_per_request_bucket{{{labels},le=\"6\"}} 2"),
            format!("kefu_db_statements_per_request_sum{{{labels}}} 7"),
            format!("kefu_db_statements_per_request_count{{{labels}}} 2"),
            format!("kefu_db_seconds_per_request_bucket{{{labels},le=\"0.005\"}} 1"),
        ] {
            assert!(text.contains(&line), "{line} not in {text}");
        }
    }
}
