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
    pub trust_forwarded_for: bool,
    pub workers: Option<usize>,
    pub idempotency_ttl: Duration,
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
