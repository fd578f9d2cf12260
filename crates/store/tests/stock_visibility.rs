//! ORG-5 for stock: the SQL filters of the location, level, unit and ledger lists accept
//! exactly the rows their Rust twins (`location_visible`, `StockScope::sees_stock_at`) accept,
//! for every scope over a small world (see-all, and every subset of its locations plus one
//! that names nothing), on SQLite and, when `KEFU_TEST_PG_URL` is set, PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::NaiveDateTime;
use common::fresh_databases;
use diesel::prelude::*;
use kefu_inventory::catalogue::{LocationKind, MovementKind, PartKind, UnitStatus};
use kefu_store::delta::ListMode;
use kefu_store::inventory::StockScope;
use kefu_store::inventory::catalogue::{
    self as catalogue, LocationFilter, LocationRow, PartRow, location_visible,
};
use kefu_store::inventory::stock::{
    self as stock, LevelFilter, MovementFilter, MovementRow, UnitFilter, UnitRow,
};
use kefu_store::products::{self, ProductRow};
use kefu_store::schema::users;
use kefu_store::users::UserRow;
use kefu_store::{DbConnection, new_id};
use std::collections::BTreeSet;

fn t0() -> NaiveDateTime {
    "2026-03-09T02:00:00".parse().unwrap()
}

fn user(conn: &mut DbConnection, id: &str) {
    let row = UserRow {
        id: id.to_owned(),
        username: id.to_owned(),
        display_name: id.to_owned(),
        email: None,
        phone: None,
        kind: "human".to_owned(),
        password_hash: None,
        disabled: false,
        must_change_password: false,
        created_at: t0(),
        updated_at: t0(),
        version: 1,
        session_version: 0,
        scope_changed_at: None,
    };
    diesel::insert_into(users::table)
        .values(&row)
        .execute(conn)
        .unwrap();
}

fn location(conn: &mut DbConnection, id: &str, engineer: Option<&str>) {
    let kind = if engineer.is_some() {
        LocationKind::Engineer
    } else {
        LocationKind::Warehouse
    };
    catalogue::insert_location(
        conn,
        &LocationRow {
            id: id.to_owned(),
            kind,
            name: id.to_owned(),
            engineer_id: engineer.map(str::to_owned),
            created_at: t0(),
            updated_at: t0(),
            version: 1,
            deleted_at: None,
        },
    )
    .unwrap();
}

fn movement(conn: &mut DbConnection, unit: &UnitRow, from: Option<&str>, to: Option<&str>) {
    stock::insert_movement(
        conn,
        &MovementRow {
            id: new_id(),
            kind: MovementKind::Issue,
            part_id: unit.part_id.clone(),
            serial_unit_id: Some(unit.id.clone()),
            serial: Some(unit.serial.clone()),
            quantity: 1,
            from_location_id: from.map(str::to_owned),
            to_location_id: to.map(str::to_owned),
            note: None,
            actor_id: None,
            created_at: t0(),
            rotation_passed_over: None,
            ticket_id: None,
        },
    )
    .unwrap();
}

/// Two engineers' hands, a warehouse, stock at each, a unit at each and one off the books,
/// and ledger rows between every pair.
fn world(conn: &mut DbConnection) {
    for id in ["e0", "e1"] {
        user(conn, id);
    }
    location(conn, "w", None);
    location(conn, "h0", Some("e0"));
    location(conn, "h1", Some("e1"));
    products::insert(
        conn,
        &ProductRow {
            id: "p".into(),
            model: "M".into(),
            name: "M".into(),
            category: None,
            unit_price_fen: 1,
            unit_cost_fen: 1,
            floor_price_fen: 1,
            created_at: t0(),
            updated_at: t0(),
            version: 1,
            deleted_at: None,
        },
    )
    .unwrap();
    catalogue::insert_part(
        conn,
        &PartRow {
            id: "part".into(),
            product_id: "p".into(),
            code: "C".into(),
            name: "C".into(),
            kind: PartKind::Serialised,
            sale_price_fen: 1,
            unit_cost_fen: 1,
            min_stock: 0,
            created_at: t0(),
            updated_at: t0(),
            version: 1,
            deleted_at: None,
        },
    )
    .unwrap();
    let now = t0().and_utc();
    let places = [Some("w"), Some("h0"), Some("h1"), None];
    for (i, at) in places.iter().enumerate() {
        let unit = UnitRow {
            id: format!("u{i}"),
            part_id: "part".into(),
            serial: format!("S{i}"),
            status: if at.is_some() {
                UnitStatus::InStock
            } else {
                UnitStatus::Lost
            },
            location_id: at.map(str::to_owned),
            created_at: t0(),
            updated_at: t0(),
        };
        stock::insert_unit(conn, &unit).unwrap();
        if let Some(at) = at {
            stock::put(conn, "part", at, 1, now).unwrap();
        }
        for from in places {
            for to in places {
                if from.is_some() || to.is_some() {
                    movement(conn, &unit, from, to);
                }
            }
        }
    }
}

/// Every scope: see-all, and each subset of the locations plus one that names nothing.
fn scopes() -> Vec<StockScope> {
    let ids = ["w", "h0", "h1", "ghost"];
    let mut out = vec![StockScope::everything()];
    for mask in 0..(1u32 << ids.len()) {
        let location_ids = ids
            .iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, id)| (*id).to_owned())
            .collect();
        out.push(StockScope {
            all: false,
            location_ids,
        });
    }
    out
}

#[test]
fn org_5_stock_lists_agree_with_their_rust_twins() {
    for db in fresh_databases() {
        let mut conn = db.conn();
        world(&mut conn);
        let live = ListMode::Live { after_id: None };
        let all = StockScope::everything();
        let every_location =
            catalogue::list_locations(&mut conn, &all, &LocationFilter::default(), &live, 1000)
                .unwrap();
        let every_level =
            stock::list_levels(&mut conn, &all, &LevelFilter::default(), None, 1000).unwrap();
        let every_unit =
            stock::list_units(&mut conn, &all, &UnitFilter::default(), None, 1000).unwrap();
        let every_row =
            stock::list_movements(&mut conn, &all, &MovementFilter::default(), None, 1000).unwrap();
        assert_eq!(
            (
                every_location.len(),
                every_level.len(),
                every_unit.len(),
                every_row.len()
            ),
            (3, 3, 4, 4 * 15),
            "{}",
            db.name()
        );
        for scope in scopes() {
            let ids = |v: Vec<String>| v.into_iter().collect::<BTreeSet<_>>();
            let sql = ids(catalogue::list_locations(
                &mut conn,
                &scope,
                &LocationFilter::default(),
                &live,
                1000,
            )
            .unwrap()
            .into_iter()
            .map(|l| l.id)
            .collect());
            let twin = ids(every_location
                .iter()
                .filter(|l| location_visible(l, &scope))
                .map(|l| l.id.clone())
                .collect());
            assert_eq!(sql, twin, "{}: locations, {scope:?}", db.name());

            let sql =
                ids(
                    stock::list_levels(&mut conn, &scope, &LevelFilter::default(), None, 1000)
                        .unwrap()
                        .into_iter()
                        .map(|l| l.id)
                        .collect(),
                );
            let twin = ids(every_level
                .iter()
                .filter(|l| scope.sees_stock_at(&l.location_id))
                .map(|l| l.id.clone())
                .collect());
            assert_eq!(sql, twin, "{}: levels, {scope:?}", db.name());

            let sql = ids(
                stock::list_units(&mut conn, &scope, &UnitFilter::default(), None, 1000)
                    .unwrap()
                    .into_iter()
                    .map(|u| u.id)
                    .collect(),
            );
            let twin = ids(every_unit
                .iter()
                .filter(|u| {
                    scope.all
                        || u.location_id
                            .as_deref()
                            .is_some_and(|l| scope.sees_stock_at(l))
                })
                .map(|u| u.id.clone())
                .collect());
            assert_eq!(sql, twin, "{}: units, {scope:?}", db.name());

            let sql = ids(stock::list_movements(
                &mut conn,
                &scope,
                &MovementFilter::default(),
                None,
                1000,
            )
            .unwrap()
            .into_iter()
            .map(|m| m.id)
            .collect());
            let sees = |l: &Option<String>| l.as_deref().is_some_and(|l| scope.sees_stock_at(l));
            let twin = ids(every_row
                .iter()
                .filter(|m| scope.all || sees(&m.from_location_id) || sees(&m.to_location_id))
                .map(|m| m.id.clone())
                .collect());
            assert_eq!(sql, twin, "{}: ledger, {scope:?}", db.name());
        }
    }
}
