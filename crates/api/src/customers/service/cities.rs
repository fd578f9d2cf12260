//! ORG-3: the cities the company serves and where its stations are.

use crate::customers::dto::cities::{CityOut, CreateCity, UpdateCity};
use crate::kernel::command::{Ctx, snapshot, written};
use crate::kernel::error::ApiError;
use kefu_store::cities::{self, CityChanges, CityRow};
use kefu_store::{DbConnection, new_id, to_db_time};

fn counties_json(counties: &[String]) -> Result<String, ApiError> {
    let mut names: Vec<String> = counties.iter().map(|c| c.trim().to_owned()).collect();
    names.retain(|c| !c.is_empty());
    names.sort();
    names.dedup();
    serde_json::to_string(&names).map_err(ApiError::internal)
}

pub fn create(conn: &mut DbConnection, ctx: &Ctx, input: CreateCity) -> Result<CityRow, ApiError> {
    if cities::find_by_name(conn, &input.name)?.is_some() {
        return Err(ApiError::duplicate("cities_name_key"));
    }
    let now = to_db_time(ctx.now);
    let row = CityRow {
        id: new_id(),
        name: input.name,
        province: input.province,
        has_station: input.has_station,
        counties: counties_json(&input.counties)?,
        created_at: now,
        updated_at: now,
        version: 1,
    };
    cities::insert(conn, &row)?;
    ctx.audit(
        conn,
        "city.create",
        ("city", &row.id),
        None,
        snapshot(&CityOut::from(&row)),
    )?;
    Ok(row)
}

pub fn get(conn: &mut DbConnection, id: &str) -> Result<CityRow, ApiError> {
    cities::find(conn, id)?.ok_or(ApiError::NotFound)
}

pub fn update(
    conn: &mut DbConnection,
    ctx: &Ctx,
    id: &str,
    expected_version: i64,
    input: UpdateCity,
) -> Result<CityRow, ApiError> {
    let before = get(conn, id)?;
    if let Some(name) = &input.name
        && cities::find_by_name(conn, name)?.is_some_and(|c| c.id != id)
    {
        return Err(ApiError::duplicate("cities_name_key"));
    }
    if input.name.as_ref().is_some_and(|n| *n != before.name)
        && kefu_store::sites::count_in_city(conn, &before.name)? > 0
    {
        return Err(ApiError::Conflict(
            "sites are recorded in this city under its name; it cannot be renamed".to_owned(),
        ));
    }
    let changes = CityChanges {
        name: input.name,
        province: input.province,
        has_station: input.has_station,
        counties: input.counties.as_deref().map(counties_json).transpose()?,
    };
    written(cities::update(
        conn,
        id,
        expected_version,
        &changes,
        ctx.now,
    )?)?;
    let after = get(conn, id)?;
    ctx.audit(
        conn,
        "city.update",
        ("city", id),
        snapshot(&CityOut::from(&before)),
        snapshot(&CityOut::from(&after)),
    )?;
    Ok(after)
}
