//! First start: an empty database gets an `admin` user, so the system can be used at all.

use crate::kernel::command::Ctx;
use crate::kernel::error::ApiError;
use crate::org::dto::users::{CreateUser, UserKind};
use crate::org::service::users;
use kefu_core::Role;
use kefu_store::{DbConnection, write_tx};

/// Seeds the rule sets the database does not have yet (new sets appear with new releases).
pub fn seed_rules(
    conn: &mut DbConnection,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<&'static str>, ApiError> {
    let ctx = Ctx::system(now);
    write_tx(conn, |conn| {
        crate::platform::service::rules::seed_all(conn, &ctx)
    })
}

/// Creates `admin` when there are no users yet. Returns the generated password (to print
/// once) when `KEFU_ADMIN_PASSWORD` was not given, `None` otherwise.
pub fn ensure_admin(
    conn: &mut DbConnection,
    admin_password: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<String>, ApiError> {
    if kefu_store::users::count(conn)? > 0 {
        return Ok(None);
    }
    let new = users::prepare(
        CreateUser {
            username: "admin".to_owned(),
            display_name: "Administrator".to_owned(),
            email: None,
            phone: None,
            kind: UserKind::Human,
            roles: vec![Role::Admin],
            password: admin_password.map(str::to_owned),
        },
        now,
    )?;
    let generated = new.generated_password.clone();
    let ctx = Ctx::system(now);
    let created = write_tx(conn, |conn| {
        if kefu_store::users::count(conn)? > 0 {
            return Ok(false);
        }
        users::create(conn, &ctx, new).map(|_| true)
    });
    match created {
        Ok(true) => Ok(generated),
        Ok(false) => Ok(None),
        // Another instance bootstrapped at the same moment.
        Err(ApiError::Conflict(_) | ApiError::Duplicate(_)) => Ok(None),
        Err(e) => Err(e),
    }
}
