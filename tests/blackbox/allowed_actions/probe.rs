//! The probe the issue-17 walks share: read what a caller may do, try every action, compare.

use crate::tickets::{World, id};
use kefu_blackbox::Resp;
use serde_json::Value;

/// Every action of a resource: its name in `allowed_actions`, the method and the path after
/// the record's own.
pub(super) type Actions = &'static [(&'static str, &'static str, &'static str)];

pub(super) struct Probe<'a> {
    pub w: &'a World,
    /// The collection: `/api/v1/tickets`.
    pub base: &'static str,
    pub actions: Actions,
    /// A valid body for the action on the record.
    pub body: &'a dyn Fn(&str, &Value) -> Value,
}

pub(super) fn names(v: &Value) -> Vec<String> {
    v["allowed_actions"]
        .as_array()
        .unwrap_or_else(|| panic!("no allowed_actions in {v}"))
        .iter()
        .map(|a| a.as_str().unwrap().to_owned())
        .collect()
}

impl Probe<'_> {
    /// The record as `token` reads it, or `None` when it is not theirs to see (404).
    pub fn read(&self, token: &str, rec: &Value) -> Option<Value> {
        let res = self
            .w
            .app
            .get(&format!("{}/{}", self.base, id(rec)))
            .bearer(token)
            .send();
        match res.status {
            200 => Some(res.json()),
            404 => None,
            other => panic!("GET {}: {other} {}", self.base, res.body),
        }
    }

    /// What `token` may do with `rec`, checked against the list page's item.
    fn listed(&self, token: &str, rec: &Value) -> Vec<String> {
        let Some(read) = self.read(token, rec) else {
            return Vec::new();
        };
        let page = self
            .w
            .app
            .get(&format!("{}?limit=200", self.base))
            .bearer(token)
            .send();
        if page.status == 200 {
            let page = page.json();
            let item = page["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|i| i["id"] == read["id"])
                .unwrap_or_else(|| panic!("{} {} not in the list", self.base, id(rec)));
            assert_eq!(names(item), names(&read), "list item vs read of {read}");
        }
        names(&read)
    }

    fn send(&self, token: &str, rec: &Value, action: &str) -> Resp {
        let &(_, method, suffix) = self.actions.iter().find(|a| a.0 == action).unwrap();
        let version = match &rec["version"] {
            Value::Null => rec["request"]["version"].clone(),
            v => v.clone(),
        };
        self.w
            .app
            .req(method, &format!("{}/{}{suffix}", self.base, id(rec)))
            .bearer(token)
            .if_match(&format!("\"{version}\""))
            .json(&(self.body)(action, rec))
            .send()
    }

    /// One state: `make` builds a fresh record in it; `callers` are (who, token).
    pub fn walk(&self, state: &str, make: &dyn Fn() -> Value, callers: &[(&str, &str)]) -> usize {
        let shared = make();
        let mut accepted = 0;
        for &(who, token) in callers {
            let listed = self.listed(token, &shared);
            for &(action, _, _) in self.actions {
                let at = format!(
                    "{} {state} as {who}: {action} (listed {listed:?})",
                    self.base
                );
                if listed.iter().any(|a| a == action) {
                    let fresh = make();
                    assert_eq!(self.listed(token, &fresh), listed, "{at}: a twin differs");
                    let res = self.send(token, &fresh, action);
                    assert!(
                        (200..300).contains(&res.status),
                        "{at}: {} {}",
                        res.status,
                        res.body
                    );
                    // The answer carries the caller's actions on the record as it is now.
                    if let Some(after) = self.read(token, &fresh) {
                        assert_eq!(names(&res.json()), names(&after), "{at}: answer vs read");
                    }
                    accepted += 1;
                } else {
                    let res = self.send(token, &shared, action);
                    assert!(
                        [403, 404, 409, 422].contains(&res.status),
                        "{at}: not listed but {} {}",
                        res.status,
                        res.body
                    );
                    let now = self.read(&self.w.admin, &shared).unwrap();
                    assert_eq!(
                        (now["version"].clone(), now["updated_at"].clone()),
                        (shared["version"].clone(), shared["updated_at"].clone()),
                        "{at}: a refusal changed the record"
                    );
                }
            }
        }
        accepted
    }
}

pub(super) fn created(res: Resp) -> Value {
    assert!(
        [200, 201].contains(&res.status),
        "{} {}",
        res.status,
        res.body
    );
    res.json()
}

/// Runs `verb` on `rec` under `base` as `token` and returns the record after it.
pub(super) fn step(
    w: &World,
    token: &str,
    base: &str,
    rec: &Value,
    verb: &str,
    body: Value,
) -> Value {
    let version = match &rec["version"] {
        Value::Null => rec["request"]["version"].clone(),
        v => v.clone(),
    };
    created(
        w.app
            .post(&format!("{base}/{}/{verb}", id(rec)))
            .bearer(token)
            .if_match(&format!("\"{version}\""))
            .json(&body)
            .send(),
    )
}

const CLERK: (&str, &str) = ("kefu", "Clerk-pass-1");

pub(super) fn clerk(w: &World) -> String {
    w.app.create_user(&w.admin, CLERK.0, &["clerk"], CLERK.1);
    w.app.token(CLERK.0, CLERK.1)
}
