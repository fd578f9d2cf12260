use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection, SqliteConnection};
use std::path::PathBuf;

/// A fresh, empty database for one test, removed when dropped.
pub struct TestDb {
    pub url: String,
    pub backend: &'static str,
    sqlite_dir: Option<PathBuf>,
    pg: Option<(String, String)>,
    /// Only the owner removes the database when dropped (see [`TestDb::alias`]).
    owner: bool,
}

fn pg_base_url() -> Option<String> {
    match std::env::var("KEFU_TEST_DB").as_deref() {
        Ok("postgres") => Some(
            std::env::var("KEFU_TEST_PG_URL")
                .expect("KEFU_TEST_DB=postgres needs KEFU_TEST_PG_URL"),
        ),
        _ => None,
    }
}

fn with_database(base: &str, name: &str) -> String {
    let (prefix, rest) = base.split_at(base.find("://").map_or(0, |i| i + 3));
    let (authority, query) = match rest.find(['/', '?']) {
        Some(i) => {
            let tail = &rest[i..];
            let query = tail.find('?').map_or("", |q| &tail[q..]);
            (&rest[..i], query)
        }
        None => (rest, ""),
    };
    format!("{prefix}{authority}/{name}{query}")
}

impl TestDb {
    pub fn fresh() -> TestDb {
        let id = uuid::Uuid::new_v4().simple().to_string();
        if let Some(base) = pg_base_url() {
            let name = format!("kefu_test_{id}");
            let mut admin = PgConnection::establish(&base).expect("connect to KEFU_TEST_PG_URL");
            admin
                .batch_execute(&format!("CREATE DATABASE {name}"))
                .expect("create test database");
            TestDb {
                url: with_database(&base, &name),
                backend: "postgres",
                sqlite_dir: None,
                pg: Some((base, name)),
                owner: true,
            }
        } else {
            let dir = std::env::temp_dir().join(format!("kefu-test-{id}"));
            std::fs::create_dir_all(&dir).unwrap();
            TestDb {
                url: format!("sqlite://{}", dir.join("kefu.db").display()),
                backend: "sqlite",
                sqlite_dir: Some(dir),
                pg: None,
                owner: true,
            }
        }
    }

    /// The same database for a second server instance; it stays when the alias is dropped.
    pub fn alias(&self) -> TestDb {
        TestDb {
            url: self.url.clone(),
            backend: self.backend,
            sqlite_dir: self.sqlite_dir.clone(),
            pg: self.pg.clone(),
            owner: false,
        }
    }

    /// Runs SQL on the PostgreSQL server's maintenance connection (outage tests).
    pub fn admin_execute(&self, sql: &str) {
        let (base, _) = self.pg.as_ref().expect("a PostgreSQL test database");
        PgConnection::establish(base)
            .unwrap()
            .batch_execute(sql)
            .unwrap();
    }

    /// Runs raw SQL against the database behind the application's back (tampering tests).
    pub fn execute(&self, sql: &str) {
        if self.pg.is_some() {
            PgConnection::establish(&self.url)
                .unwrap()
                .batch_execute(sql)
                .unwrap();
        } else {
            let path = self.url.trim_start_matches("sqlite://");
            let mut conn = SqliteConnection::establish(path).unwrap();
            // The server may be writing too (its background jobs run every minute): wait for
            // its lock as the server itself does, instead of failing at once.
            conn.batch_execute("PRAGMA busy_timeout = 10000").unwrap();
            conn.batch_execute(sql).unwrap();
        }
    }
}

/// Master-data rows written straight into the database, for tests of resources that hang off
/// customers and sites before those have endpoints of their own.
impl TestDb {
    fn sql_text(value: Option<&str>) -> String {
        value.map_or_else(
            || "NULL".to_owned(),
            |v| format!("'{}'", v.replace('\'', "''")),
        )
    }

    /// A customer owned by `owner_user_id` and assigned to `team_id` (ORG-5 visibility).
    pub fn insert_customer(
        &self,
        id: &str,
        name: &str,
        owner_user_id: Option<&str>,
        team_id: Option<&str>,
    ) {
        self.execute(&format!(
            "INSERT INTO customers (id, name, owner_user_id, team_id, created_at, updated_at, version) \
             VALUES ({}, {}, {}, {}, '2026-11-23 00:00:00', '2026-11-23 00:00:00', 1)",
            Self::sql_text(Some(id)),
            Self::sql_text(Some(name)),
            Self::sql_text(owner_user_id),
            Self::sql_text(team_id),
        ));
    }

    /// A site of `customer_id` in `city`.
    pub fn insert_site(&self, id: &str, customer_id: &str, city: &str) {
        self.execute(&format!(
            "INSERT INTO sites (id, customer_id, name, address, city, created_at, updated_at, version) \
             VALUES ({}, {}, {}, {}, {}, '2026-11-23 00:00:00', '2026-11-23 00:00:00', 1)",
            Self::sql_text(Some(id)),
            Self::sql_text(Some(customer_id)),
            Self::sql_text(Some(&format!("{city} site {id}"))),
            Self::sql_text(Some(&format!("{city} 1 号"))),
            Self::sql_text(Some(city)),
        ));
    }

    /// A contact of `customer_id`, with the login `user_id` when given (a customer_contact).
    pub fn insert_contact(&self, id: &str, customer_id: &str, user_id: Option<&str>) {
        self.execute(&format!(
            "INSERT INTO contacts (id, customer_id, name, phone, user_id, created_at, updated_at, version) \
             VALUES ({}, {}, 'contact {id}', '13800138000', {}, '2026-11-23 00:00:00', '2026-11-23 00:00:00', 1)",
            Self::sql_text(Some(id)),
            Self::sql_text(Some(customer_id)),
            Self::sql_text(user_id),
        ));
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if !self.owner {
            return;
        }
        if let Some((base, name)) = &self.pg
            && let Ok(mut admin) = PgConnection::establish(base)
        {
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
        if let Some(dir) = &self.sqlite_dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_name_is_replaced() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/test", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            with_database("postgres://u:p@h/test?sslmode=disable", "x"),
            "postgres://u:p@h/x?sslmode=disable"
        );
        assert_eq!(
            with_database("postgres://h:5432", "x"),
            "postgres://h:5432/x"
        );
    }
}
