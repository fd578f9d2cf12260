//! Rule sets: seeding, dated versions, audited changes.

use crate::kernel::command::{Ctx, written};
use crate::kernel::error::ApiError;
use crate::kernel::rules::{self, RuleDef};
use chrono::NaiveDate;
use kefu_store::rules::{self as store, RuleSetRecord, RuleVersionRow};
use kefu_store::{DbConnection, to_db_time};
use serde_json::json;

/// Seeds every registered set that the database does not have yet; returns their keys.
pub fn seed_all(conn: &mut DbConnection, ctx: &Ctx) -> Result<Vec<&'static str>, ApiError> {
    let mut seeded = Vec::new();
    for def in rules::REGISTRY {
        let defaults = def.defaults();
        if store::seed(conn, def.key(), &defaults.to_string(), ctx.now)? {
            ctx.audit(
                conn,
                "rule.seed",
                ("rule_set", def.key()),
                None,
                Some(json!({"effective_from": store::seed_date(), "value": defaults})),
            )?;
            seeded.push(def.key());
        }
    }
    Ok(seeded)
}

pub fn get(
    conn: &mut DbConnection,
    key: &str,
) -> Result<(&'static dyn RuleDef, RuleSetRecord), ApiError> {
    let def = rules::find(key).ok_or(ApiError::NotFound)?;
    let record = store::find(conn, key)?.ok_or(ApiError::NotFound)?;
    Ok((def, record))
}

fn snapshot(row: Option<&RuleVersionRow>) -> Option<serde_json::Value> {
    row.map(|r| {
        json!({
            "effective_from": r.effective_from,
            "value": serde_json::from_str::<serde_json::Value>(&r.value_json).unwrap_or_default(),
            "note": r.note,
        })
    })
}

/// Adds or replaces the version in force from `effective_from`.
pub fn put_version(
    conn: &mut DbConnection,
    ctx: &Ctx,
    key: &str,
    expected_version: i64,
    effective_from: NaiveDate,
    value: serde_json::Value,
    note: Option<String>,
) -> Result<RuleSetRecord, ApiError> {
    let (def, before) = get(conn, key)?;
    let value = def.check(value)?;
    let row = RuleVersionRow {
        rule_key: key.to_owned(),
        effective_from,
        value_json: value.to_string(),
        note,
        created_at: to_db_time(ctx.now),
        created_by: ctx.actor_id.clone(),
    };
    written(store::put_version(conn, expected_version, &row, ctx.now)?)?;
    let replaced = before
        .versions
        .iter()
        .find(|v| v.effective_from == effective_from);
    ctx.audit(
        conn,
        "rule.put_version",
        ("rule_set", key),
        snapshot(replaced),
        snapshot(Some(&row)),
    )?;
    get(conn, key).map(|(_, r)| r)
}

/// Removes a version; the last remaining version cannot go (a set is always in force).
pub fn delete_version(
    conn: &mut DbConnection,
    ctx: &Ctx,
    key: &str,
    expected_version: i64,
    effective_from: NaiveDate,
) -> Result<RuleSetRecord, ApiError> {
    let (_, before) = get(conn, key)?;
    let Some(removed) = before
        .versions
        .iter()
        .find(|v| v.effective_from == effective_from)
    else {
        return Err(ApiError::NotFound);
    };
    if before.versions.len() == 1 {
        return Err(ApiError::Conflict(
            "the only version of a rule set cannot be removed; put a new value instead".to_owned(),
        ));
    }
    match store::delete_version(conn, key, expected_version, effective_from, ctx.now)? {
        Ok(_) => {}
        Err(outcome) => written(outcome)?,
    }
    ctx.audit(
        conn,
        "rule.delete_version",
        ("rule_set", key),
        snapshot(Some(removed)),
        None,
    )?;
    get(conn, key).map(|(_, r)| r)
}
