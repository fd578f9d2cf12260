//! The notices of the expense workflows (BIL-14 … BIL-16): who is told what about a record,
//! once per person and record version however often the command is retried.

use crate::kernel::command::Ctx;
use crate::kernel::error::ApiError;
use crate::kernel::notify::{Notice, notify};
use kefu_core::Role;
use kefu_store::DbConnection;

/// What a notice says about one version of one record.
#[derive(Clone, Copy)]
pub struct Tidings<'a> {
    pub kind: &'static str,
    pub title: &'a str,
    pub body: &'a str,
    /// The record: entity, id, version.
    pub about: (&'a str, &'a str, i64),
}

impl<'a> Tidings<'a> {
    /// The same record told as another kind of notice.
    pub fn as_kind(self, kind: &'static str, title: &'a str) -> Self {
        Tidings {
            kind,
            title,
            ..self
        }
    }

    /// Tells `user`.
    pub fn tell(&self, conn: &mut DbConnection, ctx: &Ctx, user: &str) -> Result<(), ApiError> {
        let (entity, id, version) = self.about;
        let key = format!("{}:{id}@{version}:{user}", self.kind);
        notify(
            conn,
            ctx.now,
            user,
            &Notice {
                kind: self.kind,
                title: self.title,
                body: self.body,
                entity: Some((entity, id)),
                dedupe_key: Some(&key),
            },
        )?;
        Ok(())
    }

    /// Tells every enabled holder of `role`.
    pub fn tell_role(
        &self,
        conn: &mut DbConnection,
        ctx: &Ctx,
        role: Role,
    ) -> Result<(), ApiError> {
        for user in kefu_store::users::enabled_with_role(conn, role)? {
            self.tell(conn, ctx, &user)?;
        }
        Ok(())
    }
}
