//! Customer sites (ORG-3): the location class follows the city and county unless overridden.

use crate::customers::dto::sites::{CreateSite, SiteOut, UpdateSite};
use crate::kernel::access;
use crate::kernel::command::{Ctx, snapshot, written};
use crate::kernel::error::ApiError;
use kefu_core::{Actor, FieldError, LocationClass};
use kefu_store::cities::{self, CityRow};
use kefu_store::sites::{self, SiteChanges, SiteRow};
use kefu_store::{DbConnection, customers, new_id, to_db_time};
use std::collections::HashMap;

fn field(name: &str, code: &'static str, message: &str) -> ApiError {
    ApiError::Invalid(vec![FieldError::new(name, code, message)])
}

fn derive(city: Option<&CityRow>, county: Option<&str>) -> LocationClass {
    match city {
        Some(c) => LocationClass::derive(c.has_station, county.is_some()),
        None => LocationClass::Remote,
    }
}

/// Checks the city is one the company knows and the county one of its counties.
fn check_place(
    conn: &mut DbConnection,
    city: &str,
    county: Option<&str>,
) -> Result<LocationClass, ApiError> {
    let Some(row) = cities::find_by_name(conn, city)? else {
        return Err(field(
            "city",
            "unknown_city",
            "not a city of GET /api/v1/cities: an admin adds it first",
        ));
    };
    if let Some(county) = county
        && !row.county_names().iter().any(|c| c == county)
    {
        return Err(field(
            "county",
            "unknown_county",
            "not a county of this city",
        ));
    }
    Ok(derive(Some(&row), county))
}

/// The API view of sites, deriving each one's class from its city.
pub fn outs(conn: &mut DbConnection, rows: &[SiteRow]) -> Result<Vec<SiteOut>, ApiError> {
    let mut names: Vec<String> = rows.iter().map(|r| r.city.clone()).collect();
    names.sort();
    names.dedup();
    let by_name: HashMap<String, CityRow> = cities::by_names(conn, &names)?
        .into_iter()
        .map(|c| (c.name.clone(), c))
        .collect();
    Ok(rows
        .iter()
        .map(|r| SiteOut::new(r, derive(by_name.get(&r.city), r.county.as_deref())))
        .collect())
}

pub fn out(conn: &mut DbConnection, row: &SiteRow) -> Result<SiteOut, ApiError> {
    outs(conn, std::slice::from_ref(row)).map(|mut v| v.remove(0))
}

/// Ids of the customers the actor may see; `None` for everyone's.
pub fn visible_customers(
    conn: &mut DbConnection,
    actor: &Actor,
) -> Result<Option<Vec<String>>, ApiError> {
    let visible = access::visible(conn, actor)?;
    Ok(customers::visible_ids(conn, &visible)?)
}

pub fn get_visible(conn: &mut DbConnection, actor: &Actor, id: &str) -> Result<SiteRow, ApiError> {
    let scope = visible_customers(conn, actor)?;
    sites::find_live(conn, id, scope.as_deref())?.ok_or(ApiError::NotFound)
}

pub fn create(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    input: CreateSite,
) -> Result<(SiteRow, bool), ApiError> {
    let scope = visible_customers(conn, actor)?;
    if let Some(id) = &input.id
        && sites::exists(conn, id)?
    {
        return match sites::find_live(conn, id, scope.as_deref())? {
            Some(row) => Ok((row, false)),
            // Another record, not visible to the caller, has the id.
            None => Err(ApiError::duplicate("sites_pkey")),
        };
    }
    let visible = access::visible(conn, actor)?;
    if customers::find_visible(conn, &input.customer_id, &visible)?.is_none() {
        return Err(field("customer_id", "not_found", "no such customer"));
    }
    check_place(conn, &input.city, input.county.as_deref())?;
    let now = to_db_time(ctx.now);
    let row = SiteRow {
        id: input.id.unwrap_or_else(new_id),
        customer_id: input.customer_id,
        name: input.name,
        address: input.address,
        city: input.city,
        county: input.county,
        location_class_override: input.location_class_override.map(|c| c.as_str().to_owned()),
        created_at: now,
        updated_at: now,
        version: 1,
        deleted_at: None,
    };
    sites::insert(conn, &row)?;
    let after = out(conn, &row)?;
    ctx.audit(
        conn,
        "site.create",
        ("site", &row.id),
        None,
        snapshot(&after),
    )?;
    Ok((row, true))
}

pub fn update(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    id: &str,
    expected_version: i64,
    input: UpdateSite,
) -> Result<SiteRow, ApiError> {
    let before = get_visible(conn, actor, id)?;
    let city = input.city.clone().unwrap_or_else(|| before.city.clone());
    let county = match &input.county {
        Some(c) => c.clone(),
        None => before.county.clone(),
    };
    check_place(conn, &city, county.as_deref())?;
    let changes = SiteChanges {
        name: input.name,
        address: input.address,
        city: input.city,
        county: input.county,
        location_class_override: input
            .location_class_override
            .map(|o| o.map(|c| c.as_str().to_owned())),
    };
    written(sites::update(
        conn,
        id,
        expected_version,
        &changes,
        ctx.now,
    )?)?;
    let after = sites::find_live(conn, id, None)?.ok_or(ApiError::NotFound)?;
    let (b, a) = (out(conn, &before)?, out(conn, &after)?);
    ctx.audit(
        conn,
        "site.update",
        ("site", id),
        snapshot(&b),
        snapshot(&a),
    )?;
    Ok(after)
}

pub fn delete(
    conn: &mut DbConnection,
    ctx: &Ctx,
    actor: &Actor,
    id: &str,
    expected_version: i64,
) -> Result<SiteRow, ApiError> {
    let before = get_visible(conn, actor, id)?;
    written(sites::soft_delete(conn, id, expected_version, ctx.now)?)?;
    let mut after = before.clone();
    after.deleted_at = Some(to_db_time(ctx.now));
    after.updated_at = to_db_time(ctx.now);
    after.version = before.version + 1;
    let (b, a) = (out(conn, &before)?, out(conn, &after)?);
    ctx.audit(
        conn,
        "site.delete",
        ("site", id),
        snapshot(&b),
        snapshot(&a),
    )?;
    Ok(after)
}
