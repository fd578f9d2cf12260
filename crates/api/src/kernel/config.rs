//! Typed configuration from the environment (12-factor), optionally preceded by a
//! `KEY=VALUE` file named by `KEFU_CONFIG`; the environment wins over the file.

use std::collections::HashMap;
use std::time::Duration;

/// Signs development tokens only; `serve` refuses it when `KEFU_ENV=production`.
pub const DEV_JWT_SECRET: &str = "kefu-development-secret-do-not-use-in-production";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

#[derive(Clone)]
pub struct Config {
    pub environment: Environment,
    pub bind: String,
    pub database_url: String,
    pub db_pool_size: u32,
    pub db_timeout: Duration,
    pub jwt_secret: String,
    pub jwt_issuer: String,
    pub jwt_audience: String,
    pub access_token_ttl: Duration,
    /// How long a spent refresh token may be presented again to get the same successor once
    /// (a retry after a lost response) instead of revoking the login.
    pub refresh_grace: Duration,
    pub refresh_token_ttl: Duration,
    pub timezone: chrono_tz::Tz,
    pub log_filter: String,
    pub cors_origins: Vec<String>,
    pub admin_password: Option<String>,
    pub json_limit_bytes: usize,
    pub login_max_failures_per_account: i64,
    pub login_max_failures_per_ip: i64,
    pub login_failure_window: Duration,
    pub login_lockout: Duration,
    /// Password hashes and verifications running at once (argon2id takes ~19 MiB each).
    pub password_hash_concurrency: usize,
    /// How long a login or password change waits for a hashing slot before a 503.
    pub password_hash_wait: Duration,
    pub trust_forwarded_for: bool,
    pub workers: Option<usize>,
    pub idempotency_ttl: Duration,
    /// How long an unfinished request holds its `Idempotency-Key`: past it, the request is
    /// taken to have died with its process and a retry runs the command afresh. Longer than
    /// any command runs.
    pub idempotency_lease: Duration,
    /// How often the audit chain's head is signed and published (`audit.checkpoint`).
    pub audit_checkpoint_every: Duration,
    /// Where attachments are stored: a local directory, unless `storage_url` names an
    /// S3-compatible bucket (`s3://bucket/prefix`, credentials from the usual `AWS_*`
    /// variables).
    pub storage_dir: String,
    pub storage_url: Option<String>,
    /// Largest file per attachment kind, in bytes (413 above it).
    pub attachment_max_photo_bytes: u64,
    pub attachment_max_document_bytes: u64,
    pub attachment_max_signature_bytes: u64,
    /// The largest canvas an uploaded image may declare, in pixels: a small file can declare
    /// a huge one (a decompression bomb), and its thumbnail would be decoded in memory.
    pub attachment_max_image_pixels: u64,
    /// Test-only: `KEFU_CLOCK_FIXED` / `KEFU_CLOCK_FILE` (see `crate::kernel::clock`).
    pub clock: crate::kernel::clock::ClockSource,
    pub sync_max_commands: usize,
    pub rate_limit_per_token: u32,
    pub rate_limit_per_ip: u32,
    /// CON-4: licence checks per minute per API key, on top of the per-caller limit; 0
    /// switches it off.
    pub licence_check_per_key: u32,
    pub export_xlsx_max_rows: usize,
    /// Hosts and networks webhooks may reach beyond the public internet.
    pub webhook_targets: crate::kernel::webhook_target::TargetPolicy,
    pub webhook_timeout: Duration,
    pub jobs: JobsConfig,
}

/// The background job runner (see `crate::kernel::jobs`).
#[derive(Debug, Clone)]
pub struct JobsConfig {
    /// Whether this instance runs jobs at all (several may; each job runs once).
    pub enabled: bool,
    /// How long an idle runner waits before looking for due jobs again.
    pub poll_interval: Duration,
    /// How long a leased job is reserved for its instance before another may take it over.
    pub lease: Duration,
    /// Retry delays: `backoff_base` doubled per failed attempt, at most `backoff_cap`.
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
    /// Succeeded jobs are deleted after this long.
    pub retention: Duration,
    /// Registers the `test.flaky` kind, for the black-box tests of retries and dead letters.
    pub test_kinds: bool,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("environment", &self.environment)
            .field("bind", &self.bind)
            .field("database_url", &"<redacted>")
            .field("jwt_secret", &"<redacted>")
            .field("timezone", &self.timezone)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name}: {message}")]
    Invalid { name: &'static str, message: String },
    #[error("cannot read {path}: {source}")]
    File {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

fn invalid(name: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        name,
        message: message.into(),
    }
}

impl Config {
    /// How long idempotency keys and their claims last.
    pub fn idempotency_terms(&self) -> kefu_store::idempotency::Terms {
        // Configured in seconds, so only an absurd value fails to convert: a decade is forever.
        let seconds =
            |d: Duration| chrono::Duration::from_std(d).unwrap_or(chrono::Duration::days(3650));
        kefu_store::idempotency::Terms {
            ttl: seconds(self.idempotency_ttl),
            lease: seconds(self.idempotency_lease),
        }
    }

    /// Reads the process environment (and the `KEFU_CONFIG` file, if set).
    pub fn from_env() -> Result<Config, ConfigError> {
        let mut vars: HashMap<String, String> = HashMap::new();
        if let Ok(path) = std::env::var("KEFU_CONFIG") {
            let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::File {
                path: path.clone(),
                source,
            })?;
            vars.extend(parse_env_file(&text));
        }
        vars.extend(std::env::vars().filter(|(k, _)| k.starts_with("KEFU_")));
        Config::from_lookup(|name| vars.get(name).cloned())
    }

    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let get = |name: &str| get(name).filter(|v| !v.trim().is_empty());
        let environment = match get("KEFU_ENV").as_deref() {
            None | Some("development") => Environment::Development,
            Some("production") => Environment::Production,
            Some(other) => {
                return Err(invalid(
                    "KEFU_ENV",
                    format!("`{other}` is neither development nor production"),
                ));
            }
        };
        let jwt_secret = match (get("KEFU_JWT_SECRET"), get("KEFU_JWT_SECRET_FILE")) {
            (Some(secret), _) => secret,
            (None, Some(path)) => std::fs::read_to_string(&path)
                .map_err(|source| ConfigError::File { path, source })?
                .trim()
                .to_owned(),
            (None, None) => DEV_JWT_SECRET.to_owned(),
        };
        if environment == Environment::Production {
            if jwt_secret == DEV_JWT_SECRET {
                return Err(invalid(
                    "KEFU_JWT_SECRET",
                    "production refuses the development secret: set KEFU_JWT_SECRET or KEFU_JWT_SECRET_FILE",
                ));
            }
            if jwt_secret.len() < 32 {
                return Err(invalid(
                    "KEFU_JWT_SECRET",
                    "must be at least 32 bytes in production",
                ));
            }
        }
        let timezone_name = get("KEFU_TIMEZONE").unwrap_or_else(|| "Asia/Shanghai".to_owned());
        let timezone = timezone_name.parse::<chrono_tz::Tz>().map_err(|_| {
            invalid(
                "KEFU_TIMEZONE",
                format!("unknown time zone `{timezone_name}`"),
            )
        })?;
        let clock = match (get("KEFU_CLOCK_FIXED"), get("KEFU_CLOCK_FILE")) {
            (None, None) => crate::kernel::clock::ClockSource::System,
            _ if environment == Environment::Production => {
                return Err(invalid(
                    "KEFU_CLOCK_FIXED",
                    "a fixed clock is for tests only; production runs on the system clock",
                ));
            }
            (Some(raw), _) => crate::kernel::clock::ClockSource::Fixed(
                crate::kernel::clock::parse_instant(&raw)
                    .ok_or_else(|| invalid("KEFU_CLOCK_FIXED", "must be an RFC 3339 instant"))?,
            ),
            (None, Some(path)) => crate::kernel::clock::ClockSource::File(path.into()),
        };
        let secs = |name: &'static str, default: u64| -> Result<Duration, ConfigError> {
            number(get(name), name, default).map(Duration::from_secs)
        };
        Ok(Config {
            environment,
            bind: get("KEFU_BIND").unwrap_or_else(|| "127.0.0.1:8080".to_owned()),
            database_url: get("KEFU_DATABASE_URL")
                .unwrap_or_else(|| "sqlite://./data/kefu.db".to_owned()),
            db_pool_size: number(get("KEFU_DB_POOL_SIZE"), "KEFU_DB_POOL_SIZE", 8)?,
            db_timeout: Duration::from_millis(number(
                get("KEFU_DB_TIMEOUT_MS"),
                "KEFU_DB_TIMEOUT_MS",
                3_000,
            )?),
            jwt_secret,
            jwt_issuer: get("KEFU_JWT_ISSUER").unwrap_or_else(|| "kefu".to_owned()),
            jwt_audience: get("KEFU_JWT_AUDIENCE").unwrap_or_else(|| "kefu-api".to_owned()),
            access_token_ttl: secs("KEFU_ACCESS_TOKEN_TTL_SECS", 15 * 60)?,
            refresh_grace: secs("KEFU_REFRESH_GRACE_SECS", 60)?,
            refresh_token_ttl: secs("KEFU_REFRESH_TOKEN_TTL_SECS", 30 * 24 * 3600)?,
            timezone,
            log_filter: get("KEFU_LOG").unwrap_or_else(|| "info".to_owned()),
            cors_origins: get("KEFU_CORS_ORIGINS")
                .map(|v| {
                    v.split(',')
                        .map(|o| o.trim().to_owned())
                        .filter(|o| !o.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            admin_password: get("KEFU_ADMIN_PASSWORD"),
            json_limit_bytes: number(
                get("KEFU_JSON_LIMIT_BYTES"),
                "KEFU_JSON_LIMIT_BYTES",
                1 << 20,
            )?,
            login_max_failures_per_account: number(
                get("KEFU_LOGIN_MAX_FAILURES_PER_ACCOUNT"),
                "KEFU_LOGIN_MAX_FAILURES_PER_ACCOUNT",
                5,
            )?,
            login_max_failures_per_ip: number(
                get("KEFU_LOGIN_MAX_FAILURES_PER_IP"),
                "KEFU_LOGIN_MAX_FAILURES_PER_IP",
                50,
            )?,
            login_failure_window: secs("KEFU_LOGIN_FAILURE_WINDOW_SECS", 15 * 60)?,
            login_lockout: secs("KEFU_LOGIN_LOCKOUT_SECS", 15 * 60)?,
            // One argon2 verification keeps a core busy, so more at once than there are cores
            // only adds memory (19 MiB each), never throughput.
            password_hash_concurrency: match number(
                get("KEFU_PASSWORD_HASH_CONCURRENCY"),
                "KEFU_PASSWORD_HASH_CONCURRENCY",
                std::thread::available_parallelism().map_or(2, |n| n.get()),
            )? {
                0 => {
                    return Err(invalid(
                        "KEFU_PASSWORD_HASH_CONCURRENCY",
                        "must be a positive integer",
                    ));
                }
                n => n,
            },
            password_hash_wait: secs("KEFU_PASSWORD_HASH_WAIT_SECS", 10)?,
            trust_forwarded_for: number(
                get("KEFU_TRUST_FORWARDED_FOR"),
                "KEFU_TRUST_FORWARDED_FOR",
                0u8,
            )? == 1,
            workers: get("KEFU_WORKERS")
                .map(|v| {
                    v.parse()
                        .map_err(|_| invalid("KEFU_WORKERS", "must be a positive integer"))
                })
                .transpose()?,
            idempotency_ttl: secs("KEFU_IDEMPOTENCY_TTL_SECS", 24 * 3600)?,
            idempotency_lease: secs("KEFU_IDEMPOTENCY_LEASE_SECS", 60)?,
            audit_checkpoint_every: secs("KEFU_AUDIT_CHECKPOINT_SECS", 24 * 3600).and_then(
                |every| {
                    if every < Duration::from_secs(60) {
                        Err(invalid("KEFU_AUDIT_CHECKPOINT_SECS", "at least 60 seconds"))
                    } else {
                        Ok(every)
                    }
                },
            )?,
            storage_dir: get("KEFU_STORAGE_DIR").unwrap_or_else(|| "./data/objects".to_owned()),
            storage_url: get("KEFU_STORAGE_URL")
                .map(|url| {
                    if url.starts_with("s3://") && url.len() > "s3://".len() {
                        Ok(url)
                    } else {
                        Err(invalid("KEFU_STORAGE_URL", "must be s3://bucket[/prefix]"))
                    }
                })
                .transpose()?,
            attachment_max_photo_bytes: bytes_limit(
                get("KEFU_ATTACHMENT_MAX_PHOTO_BYTES"),
                "KEFU_ATTACHMENT_MAX_PHOTO_BYTES",
                10 << 20,
            )?,
            attachment_max_document_bytes: bytes_limit(
                get("KEFU_ATTACHMENT_MAX_DOCUMENT_BYTES"),
                "KEFU_ATTACHMENT_MAX_DOCUMENT_BYTES",
                20 << 20,
            )?,
            attachment_max_signature_bytes: bytes_limit(
                get("KEFU_ATTACHMENT_MAX_SIGNATURE_BYTES"),
                "KEFU_ATTACHMENT_MAX_SIGNATURE_BYTES",
                2 << 20,
            )?,
            attachment_max_image_pixels: pixels_limit(get("KEFU_ATTACHMENT_MAX_IMAGE_PIXELS"))?,
            clock,
            sync_max_commands: number(
                get("KEFU_SYNC_MAX_COMMANDS"),
                "KEFU_SYNC_MAX_COMMANDS",
                crate::kernel::sync::dto::DEFAULT_MAX_COMMANDS,
            )?,
            rate_limit_per_token: number(
                get("KEFU_RATE_LIMIT_PER_TOKEN"),
                "KEFU_RATE_LIMIT_PER_TOKEN",
                1200,
            )?,
            rate_limit_per_ip: number(
                get("KEFU_RATE_LIMIT_PER_IP"),
                "KEFU_RATE_LIMIT_PER_IP",
                6000,
            )?,
            licence_check_per_key: number(
                get("KEFU_LICENCE_CHECK_PER_KEY"),
                "KEFU_LICENCE_CHECK_PER_KEY",
                60,
            )?,
            export_xlsx_max_rows: number(
                get("KEFU_EXPORT_XLSX_MAX_ROWS"),
                "KEFU_EXPORT_XLSX_MAX_ROWS",
                50_000,
            )?,
            webhook_targets: crate::kernel::webhook_target::TargetPolicy::parse(
                &get("KEFU_WEBHOOK_ALLOWED_HOSTS")
                    .map(|v| v.split(',').map(str::to_owned).collect::<Vec<_>>())
                    .unwrap_or_default(),
            )
            .map_err(|m| invalid("KEFU_WEBHOOK_ALLOWED_HOSTS", m))?,
            webhook_timeout: secs("KEFU_WEBHOOK_TIMEOUT_SECS", 10)?,
            jobs: JobsConfig {
                enabled: number(get("KEFU_JOBS_ENABLED"), "KEFU_JOBS_ENABLED", 1u8)? == 1,
                poll_interval: Duration::from_millis(number(
                    get("KEFU_JOBS_POLL_MS"),
                    "KEFU_JOBS_POLL_MS",
                    5_000u64,
                )?)
                .max(Duration::from_millis(10)),
                lease: secs("KEFU_JOBS_LEASE_SECS", 300)?.max(Duration::from_secs(1)),
                backoff_base: secs("KEFU_JOBS_BACKOFF_BASE_SECS", 30)?,
                backoff_cap: secs("KEFU_JOBS_BACKOFF_CAP_SECS", 3_600)?,
                retention: secs("KEFU_JOBS_RETENTION_DAYS", 7)? * 24 * 3600,
                test_kinds: number(get("KEFU_JOBS_TEST_KINDS"), "KEFU_JOBS_TEST_KINDS", 0u8)? == 1,
            },
        })
    }
}

fn number<T: std::str::FromStr>(
    raw: Option<String>,
    name: &'static str,
    default: T,
) -> Result<T, ConfigError> {
    match raw {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse()
            .map_err(|_| invalid(name, format!("`{v}` is not a valid number"))),
    }
}

/// A file size limit: at least 1 byte, at most 1 GiB (a limit beyond that is a typo).
fn bytes_limit(raw: Option<String>, name: &'static str, default: u64) -> Result<u64, ConfigError> {
    let n = number(raw, name, default)?;
    if (1..=1 << 30).contains(&n) {
        Ok(n)
    } else {
        Err(invalid(name, "must be between 1 and 1073741824 bytes"))
    }
}

/// 40 megapixels by default: a phone camera's photo, and at most about 160 MB to decode.
fn pixels_limit(raw: Option<String>) -> Result<u64, ConfigError> {
    const NAME: &str = "KEFU_ATTACHMENT_MAX_IMAGE_PIXELS";
    let n = number(raw, NAME, 40_000_000)?;
    if (1..=400_000_000).contains(&n) {
        Ok(n)
    } else {
        Err(invalid(NAME, "must be between 1 and 400000000 pixels"))
    }
}

fn parse_env_file(text: &str) -> Vec<(String, String)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| {
            let v = v.trim();
            let v = v
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(v);
            (k.trim().to_owned(), v.to_owned())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_run_locally_on_sqlite() {
        let c = config(&[]).unwrap();
        assert_eq!(c.database_url, "sqlite://./data/kefu.db");
        assert_eq!(c.bind, "127.0.0.1:8080");
        assert_eq!(c.timezone, chrono_tz::Asia::Shanghai);
        assert_eq!(c.access_token_ttl, Duration::from_secs(900));
        assert_eq!(c.environment, Environment::Development);
        assert_eq!(c.storage_dir, "./data/objects");
        assert_eq!(c.storage_url, None);
        assert_eq!(c.attachment_max_photo_bytes, 10 << 20);
        assert_eq!(c.attachment_max_image_pixels, 40_000_000);
    }

    #[test]
    fn production_refuses_the_development_secret() {
        let err = config(&[("KEFU_ENV", "production")]).unwrap_err();
        assert!(err.to_string().contains("KEFU_JWT_SECRET"), "{err}");
        let err = config(&[("KEFU_ENV", "production"), ("KEFU_JWT_SECRET", "short")]).unwrap_err();
        assert!(err.to_string().contains("32 bytes"), "{err}");
        let ok = config(&[
            ("KEFU_ENV", "production"),
            (
                "KEFU_JWT_SECRET",
                "a-long-enough-production-secret-0123456789",
            ),
        ]);
        assert!(ok.is_ok());
    }

    #[test]
    fn bad_values_name_the_variable() {
        let err = config(&[("KEFU_TIMEZONE", "Mars/Olympus")]).unwrap_err();
        assert!(err.to_string().starts_with("KEFU_TIMEZONE"), "{err}");
        let err = config(&[("KEFU_DB_POOL_SIZE", "many")]).unwrap_err();
        assert!(err.to_string().starts_with("KEFU_DB_POOL_SIZE"), "{err}");
        let err = config(&[("KEFU_STORAGE_URL", "ftp://x")]).unwrap_err();
        assert!(err.to_string().starts_with("KEFU_STORAGE_URL"), "{err}");
        let err = config(&[("KEFU_ATTACHMENT_MAX_PHOTO_BYTES", "0")]).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("KEFU_ATTACHMENT_MAX_PHOTO_BYTES"),
            "{err}"
        );
    }

    #[test]
    fn jobs_run_by_default_and_take_their_timings() {
        let c = config(&[]).unwrap();
        assert!(c.jobs.enabled);
        assert!(!c.jobs.test_kinds);
        assert_eq!(c.jobs.lease, Duration::from_secs(300));
        let c = config(&[
            ("KEFU_JOBS_ENABLED", "0"),
            ("KEFU_JOBS_POLL_MS", "200"),
            ("KEFU_JOBS_BACKOFF_BASE_SECS", "2"),
            ("KEFU_JOBS_RETENTION_DAYS", "1"),
        ])
        .unwrap();
        assert!(!c.jobs.enabled);
        assert_eq!(c.jobs.poll_interval, Duration::from_millis(200));
        assert_eq!(c.jobs.backoff_base, Duration::from_secs(2));
        assert_eq!(c.jobs.retention, Duration::from_secs(86_400));
        let err = config(&[("KEFU_JOBS_LEASE_SECS", "soon")]).unwrap_err();
        assert!(err.to_string().starts_with("KEFU_JOBS_LEASE_SECS"), "{err}");
    }

    #[test]
    fn env_file_lines_parse() {
        let vars = parse_env_file("# comment\nKEFU_BIND=0.0.0.0:80\nKEFU_LOG=\"debug\"\n\n");
        assert_eq!(
            vars,
            vec![
                ("KEFU_BIND".to_owned(), "0.0.0.0:80".to_owned()),
                ("KEFU_LOG".to_owned(), "debug".to_owned())
            ]
        );
    }
}
