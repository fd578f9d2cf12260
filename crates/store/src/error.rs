use diesel::result::{DatabaseErrorKind, Error as DieselError};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No connection could be had in time: the database is down or saturated (503).
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// A unique constraint or index refused the write; names the key, not the database's
    /// text (409).
    #[error("duplicate: {0}")]
    Duplicate(UniqueViolation),
    #[error("database error: {0}")]
    Database(DieselError),
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

impl From<DieselError> for StoreError {
    fn from(e: DieselError) -> Self {
        match e {
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                StoreError::Duplicate(UniqueViolation::resolve(
                    info.constraint_name(),
                    info.message(),
                ))
            }
            DieselError::DatabaseError(DatabaseErrorKind::UnableToSendCommand, info)
            | DieselError::DatabaseError(DatabaseErrorKind::ClosedConnection, info) => {
                StoreError::Unavailable(info.message().to_owned())
            }
            // A value the row's type refuses (a status that is no wire name): the data is
            // wrong, not the query.
            DieselError::DeserializationError(e) => StoreError::Corrupt(e.to_string()),
            other => StoreError::Database(other),
        }
    }
}

impl From<r2d2::Error> for StoreError {
    fn from(e: r2d2::Error) -> Self {
        StoreError::Unavailable(e.to_string())
    }
}

/// Which unique key refused a write, resolved against the schema's known keys: PostgreSQL names
/// the constraint or index; SQLite names the table and columns (`UNIQUE constraint failed:
/// table.col, ...`) or the index (`... failed: index 'name'`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UniqueViolation {
    /// The key's name as the PostgreSQL migrations create it (e.g. `users_username_key`); `None`
    /// when the key is not one of [`UNIQUE_KEYS`].
    pub key: Option<&'static str>,
    /// The record field a client writes whose value is taken (e.g. `username`); `None` for an
    /// unknown key or one no client writes (token hashes, counters, dedupe keys).
    pub field: Option<&'static str>,
    /// The database's own message: for the log only, never shown to a client.
    pub db_message: String,
}

impl std::fmt::Display for UniqueViolation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.field, self.key) {
            (Some(field), Some(key)) => write!(f, "`{field}` is taken (unique key `{key}`)"),
            (_, Some(key)) => write!(f, "unique key `{key}` is taken"),
            (_, None) => write!(f, "a unique key is taken ({})", self.db_message),
        }
    }
}

/// A unique key of the schema (a `UNIQUE` column or table constraint, a primary key, or a
/// `CREATE UNIQUE INDEX`), the same in `migrations/postgres` and `migrations/sqlite`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UniqueKey {
    /// PostgreSQL's name: the index name, or `{table}_{columns}_key` / `{table}_pkey`.
    pub name: &'static str,
    pub table: &'static str,
    pub columns: &'static [&'static str],
    /// The field a client sees the key as; `None` when no client writes it.
    pub field: Option<&'static str>,
}

const fn key(
    name: &'static str,
    table: &'static str,
    columns: &'static [&'static str],
    field: Option<&'static str>,
) -> UniqueKey {
    UniqueKey {
        name,
        table,
        columns,
        field,
    }
}

const ID: Option<&str> = Some("id");

/// Every unique key of the migrations. A record whose id a client may supply or that a client
/// names maps its primary key to `id`; internal keys map to no field.
pub const UNIQUE_KEYS: &[UniqueKey] = &[
    // 000001_chassis
    key("users_pkey", "users", &["id"], ID),
    key(
        "users_username_key",
        "users",
        &["username"],
        Some("username"),
    ),
    key(
        "user_roles_pkey",
        "user_roles",
        &["user_id", "role"],
        Some("roles"),
    ),
    key("refresh_tokens_pkey", "refresh_tokens", &["id"], None),
    key(
        "refresh_tokens_token_hash_key",
        "refresh_tokens",
        &["token_hash"],
        None,
    ),
    key("api_keys_pkey", "api_keys", &["id"], ID),
    key("api_keys_key_hash_key", "api_keys", &["key_hash"], None),
    key(
        "login_throttle_pkey",
        "login_throttle",
        &["throttle_key"],
        None,
    ),
    key("audit_log_pkey", "audit_log", &["seq"], None),
    key("audit_log_id_key", "audit_log", &["id"], None),
    key("audit_head_pkey", "audit_head", &["id"], None),
    key(
        "idempotency_keys_pkey",
        "idempotency_keys",
        &["actor_id", "idem_key"],
        None,
    ),
    // 000002_rule_tables
    key("rule_sets_pkey", "rule_sets", &["rule_key"], None),
    key(
        "rule_versions_pkey",
        "rule_versions",
        &["rule_key", "effective_from"],
        Some("effective_from"),
    ),
    // 000003_work_calendar
    key("calendar_days_pkey", "calendar_days", &["day"], Some("day")),
    key("calendar_meta_pkey", "calendar_meta", &["id"], None),
    // 000018_calendar_schedules
    key(
        "calendar_schedules_pkey",
        "calendar_schedules",
        &["year"],
        Some("year"),
    ),
    // 000004_master_data
    key("cities_pkey", "cities", &["id"], ID),
    key("cities_name_key", "cities", &["name"], Some("name")),
    key("teams_pkey", "teams", &["id"], ID),
    key("teams_name_key", "teams", &["name"], Some("name")),
    key("employees_pkey", "employees", &["id"], ID),
    key(
        "employees_user_id_key",
        "employees",
        &["user_id"],
        Some("user_id"),
    ),
    key("employment_events_pkey", "employment_events", &["id"], None),
    key("customers_pkey", "customers", &["id"], ID),
    key("sites_pkey", "sites", &["id"], ID),
    key("contacts_pkey", "contacts", &["id"], ID),
    key(
        "contacts_user_id_key",
        "contacts",
        &["user_id"],
        Some("user_id"),
    ),
    key("products_pkey", "products", &["id"], ID),
    key("products_model_key", "products", &["model"], Some("model")),
    key("equipment_pkey", "equipment", &["id"], ID),
    key(
        "equipment_serial_key",
        "equipment",
        &["product_id", "serial"],
        Some("serial"),
    ),
    // 000005_attachments
    key("attachments_pkey", "attachments", &["id"], ID),
    // 000006_jobs_notifications
    key("jobs_pkey", "jobs", &["id"], None),
    key("jobs_dedupe_key", "jobs", &["dedupe_key"], None),
    key("notifications_pkey", "notifications", &["id"], None),
    key(
        "notifications_dedupe_key",
        "notifications",
        &["user_id", "dedupe_key"],
        None,
    ),
    // 000007_webhooks
    key(
        "webhook_subscriptions_pkey",
        "webhook_subscriptions",
        &["id"],
        ID,
    ),
    key(
        "webhook_deliveries_pkey",
        "webhook_deliveries",
        &["id"],
        None,
    ),
    key("webhook_attempts_pkey", "webhook_attempts", &["id"], None),
    key(
        "webhook_attempts_delivery_id_attempt_key",
        "webhook_attempts",
        &["delivery_id", "attempt"],
        None,
    ),
    // 000010_tickets
    key("ticket_counters_pkey", "ticket_counters", &["day"], None),
    key("tickets_pkey", "tickets", &["id"], ID),
    key("tickets_number_key", "tickets", &["number"], Some("number")),
    key(
        "ticket_transitions_pkey",
        "ticket_transitions",
        &["id"],
        None,
    ),
    key("visits_pkey", "visits", &["id"], ID),
    key("service_records_pkey", "service_records", &["id"], ID),
    // 000011_feedback_forms
    key("feedback_forms_pkey", "feedback_forms", &["id"], ID),
    key(
        "feedback_forms_visit_id_key",
        "feedback_forms",
        &["visit_id"],
        Some("visit_id"),
    ),
    key(
        "feedback_form_versions_pkey",
        "feedback_form_versions",
        &["id"],
        None,
    ),
    key(
        "feedback_form_versions_form_id_version_no_key",
        "feedback_form_versions",
        &["form_id", "version_no"],
        None,
    ),
    // 000012_callbacks
    key("callbacks_pkey", "callbacks", &["id"], ID),
    key(
        "callbacks_form_idx",
        "callbacks",
        &["feedback_form_id"],
        Some("feedback_form_id"),
    ),
    key(
        "callback_follow_ups_pkey",
        "callback_follow_ups",
        &["id"],
        None,
    ),
    key(
        "callback_follow_ups_callback_id_key",
        "callback_follow_ups",
        &["callback_id"],
        None,
    ),
    // 000013_complaints_change_requests
    key("complaints_pkey", "complaints", &["id"], ID),
    key("change_requests_pkey", "change_requests", &["id"], ID),
    key(
        "change_request_events_pkey",
        "change_request_events",
        &["id"],
        None,
    ),
    key(
        "change_request_delays_pkey",
        "change_request_delays",
        &["id"],
        None,
    ),
    // 000014_work_orders_kb
    key("kb_articles_pkey", "kb_articles", &["id"], ID),
    key(
        "kb_article_versions_pkey",
        "kb_article_versions",
        &["id"],
        None,
    ),
    key(
        "kb_article_versions_article_id_version_no_key",
        "kb_article_versions",
        &["article_id", "version_no"],
        None,
    ),
    key("work_orders_pkey", "work_orders", &["id"], ID),
    // 000201_inventory
    key("parts_pkey", "parts", &["id"], ID),
    key("parts_code_key", "parts", &["code"], Some("code")),
    key("stock_locations_pkey", "stock_locations", &["id"], ID),
    key(
        "stock_locations_engineer_id_key",
        "stock_locations",
        &["engineer_id"],
        Some("engineer_id"),
    ),
    key("stock_levels_pkey", "stock_levels", &["id"], None),
    key(
        "stock_levels_part_id_location_id_key",
        "stock_levels",
        &["part_id", "location_id"],
        None,
    ),
    key("serial_units_pkey", "serial_units", &["id"], None),
    key(
        "serial_units_part_id_serial_key",
        "serial_units",
        &["part_id", "serial"],
        Some("serials"),
    ),
    key("stock_movements_pkey", "stock_movements", &["id"], None),
    // 000202_part_loans
    key("part_loans_pkey", "part_loans", &["id"], ID),
    key("part_charges_pkey", "part_charges", &["id"], ID),
    // 000203_stock_counts
    key("stock_minimums_pkey", "stock_minimums", &["id"], ID),
    key(
        "stock_minimums_part_id_location_id_key",
        "stock_minimums",
        &["part_id", "location_id"],
        Some("part_id"),
    ),
    key("stock_counts_pkey", "stock_counts", &["id"], ID),
    key(
        "stock_counts_location_id_count_day_kind_key",
        "stock_counts",
        &["location_id", "count_day", "kind"],
        Some("kind"),
    ),
    key(
        "stock_count_anomalies_pkey",
        "stock_count_anomalies",
        &["id"],
        None,
    ),
    key(
        "stock_count_anomalies_occurrence_key_key",
        "stock_count_anomalies",
        &["occurrence_key"],
        None,
    ),
    // 000204_part_rmas
    key("part_rmas_pkey", "part_rmas", &["id"], ID),
    // 000206_repair_intakes
    key("repair_intakes_pkey", "repair_intakes", &["id"], ID),
    // 000024_ticket_sla_marks: one mark per ticket target, replaced by the watch.
    key(
        "ticket_sla_marks_pkey",
        "ticket_sla_marks",
        &["ticket_id", "target"],
        None,
    ),
    // 000301_attendance: one attendance day per person and date.
    key("attendance_days_pkey", "attendance_days", &["id"], ID),
    key(
        "attendance_days_user_date_key",
        "attendance_days",
        &["user_id", "work_date"],
        None,
    ),
    // 000321_fines: a source (a complaint, a lateness month) proposes one fine; a fine pays
    // into and out of the fund once each.
    key("fines_pkey", "fines", &["id"], ID),
    key("fines_source_key", "fines", &["source_key"], None),
    key("fund_ledger_pkey", "fund_ledger", &["id"], ID),
    key(
        "fund_ledger_fine_entry_key",
        "fund_ledger",
        &["fine_id", "entry"],
        None,
    ),
    // 000310_scorecards: one set of measured scores and one finalised card per person and
    // month, one appeal per event.
    key("score_events_pkey", "score_events", &["id"], ID),
    key("scorecard_inputs_pkey", "scorecard_inputs", &["id"], ID),
    key(
        "scorecard_inputs_user_month_key",
        "scorecard_inputs",
        &["user_id", "month"],
        None,
    ),
    key("scorecards_pkey", "scorecards", &["id"], ID),
    key(
        "scorecards_user_month_key",
        "scorecards",
        &["user_id", "month"],
        None,
    ),
    key("score_appeals_pkey", "score_appeals", &["id"], ID),
    key(
        "score_appeals_event_key",
        "score_appeals",
        &["event_id"],
        None,
    ),
    // 000322_leave
    key("leave_requests_pkey", "leave_requests", &["id"], ID),
    // 000330_exams: one result per person and session.
    key("exam_sessions_pkey", "exam_sessions", &["id"], ID),
    key("exam_results_pkey", "exam_results", &["id"], ID),
    key(
        "exam_results_session_user_key",
        "exam_results",
        &["session_id", "user_id"],
        Some("user_id"),
    ),
    // 000331_probations: one probation per person.
    key("probations_pkey", "probations", &["id"], ID),
    key(
        "probations_user_key",
        "probations",
        &["user_id"],
        Some("user_id"),
    ),
    // 000400_fee_items: one item per code (BIL-1).
    key("fee_items_pkey", "fee_items", &["id"], ID),
    key("fee_items_code_key", "fee_items", &["code"], Some("code")),
    // 000401_repair_quotes
    key("repair_quotes_pkey", "repair_quotes", &["id"], ID),
    key(
        "repair_quote_lines_pkey",
        "repair_quote_lines",
        &["id"],
        None,
    ),
    key(
        "repair_quote_lines_position_key",
        "repair_quote_lines",
        &["quote_id", "position"],
        None,
    ),
    // 000402_customer_payments
    key("customer_payments_pkey", "customer_payments", &["id"], ID),
    // 000403_invoices: invoice and credit-note numbers are unique (BIL-5).
    key("invoices_pkey", "invoices", &["id"], ID),
    key(
        "invoices_number_key",
        "invoices",
        &["number"],
        Some("number"),
    ),
    key("credit_notes_pkey", "credit_notes", &["id"], None),
    key(
        "credit_notes_number_key",
        "credit_notes",
        &["number"],
        Some("number"),
    ),
    // 000404_rebates, 000405_repair_labour_approvals (one row per repair quote)
    key("rebates_pkey", "rebates", &["id"], ID),
    key(
        "repair_labour_approvals_pkey",
        "repair_labour_approvals",
        &["quote_id"],
        None,
    ),
    // 000480_chasing_notes (BIL-8): append-only, keyed by id only.
    key("chasing_notes_pkey", "chasing_notes", &["id"], None),
    // 000332_promotion_assessments
    key(
        "promotion_assessments_pkey",
        "promotion_assessments",
        &["id"],
        ID,
    ),
    // 000420_commission_lines: one line per source, kind, person and month, so a month closed
    // twice writes each line once (BIL-11).
    key("commission_lines_pkey", "commission_lines", &["id"], None),
    key(
        "commission_lines_key",
        "commission_lines",
        &[
            "source_kind",
            "source_id",
            "kind",
            "person_id",
            "earned_month",
        ],
        None,
    ),
    key(
        "commission_months_pkey",
        "commission_months",
        &["month"],
        None,
    ),
    // 000460_payroll: one statement per person and month, one line per statement, source and
    // kind, so a month generated twice, or on two instances at once, writes each once (BIL-13).
    key("payroll_statements_pkey", "payroll_statements", &["id"], ID),
    key(
        "payroll_statements_person_month_key",
        "payroll_statements",
        &["person_id", "month"],
        None,
    ),
    key("payroll_lines_pkey", "payroll_lines", &["id"], None),
    key(
        "payroll_lines_key",
        "payroll_lines",
        &["statement_id", "source_kind", "source_id", "kind"],
        None,
    ),
    key(
        "payroll_adjustments_pkey",
        "payroll_adjustments",
        &["id"],
        ID,
    ),
    // 000440_expenses: one live claim per trip, one open advance per person (BIL-16).
    key("travel_requests_pkey", "travel_requests", &["id"], ID),
    key("expense_claims_pkey", "expense_claims", &["id"], ID),
    key(
        "expense_claims_trip_key",
        "expense_claims",
        &["travel_request_id"],
        Some("travel_request_id"),
    ),
    key("cash_advances_pkey", "cash_advances", &["id"], ID),
    key(
        "cash_advances_open_key",
        "cash_advances",
        &["user_id"],
        None,
    ),
    // 000101_contracts
    key("contracts_pkey", "contracts", &["id"], ID),
    // CON-1: a contract is renewed at most once.
    key(
        "contracts_predecessor_idx",
        "contracts",
        &["predecessor_id"],
        None,
    ),
    key(
        "contract_items_pkey",
        "contract_items",
        &["contract_id", "kind", "item_id"],
        None,
    ),
    // 000102_contract_reminders
    key("contract_reminders_pkey", "contract_reminders", &["id"], ID),
    // CON-3: one reminder per contract period, however often the job runs.
    key(
        "contract_reminders_contract_id_period_end_key",
        "contract_reminders",
        &["contract_id", "period_end"],
        None,
    ),
    // 000103_contract_payments
    key("contract_payments_pkey", "contract_payments", &["id"], ID),
    // 000104_commissioning_jobs
    key("commissioning_jobs_pkey", "commissioning_jobs", &["id"], ID),
    // 000105_ticket_repairs: one repair record per ticket.
    key(
        "ticket_repairs_pkey",
        "ticket_repairs",
        &["ticket_id"],
        None,
    ),
    // 000106_maintenance_acceptance: one acceptance per contract, replaced in place.
    key(
        "maintenance_acceptances_pkey",
        "maintenance_acceptances",
        &["contract_id"],
        None,
    ),
    // 000107_maintenance_steps: one programme per contract, each step once.
    key("maintenance_steps_pkey", "maintenance_steps", &["id"], ID),
    key(
        "maintenance_steps_slot_idx",
        "maintenance_steps",
        &["contract_id", "kind", "seq"],
        None,
    ),
    // 000110_licences: a serial names one licence; an installation is licensed once per
    // contract; a licence is replaced once.
    key("licences_pkey", "licences", &["id"], ID),
    key("licences_serial_idx", "licences", &["serial"], None),
    key(
        "licences_contract_equipment_idx",
        "licences",
        &["contract_id", "equipment_id"],
        None,
    ),
    key("licences_replaces_idx", "licences", &["replaces_id"], None),
    // 000111_controller_instructions
    key(
        "controller_instructions_pkey",
        "controller_instructions",
        &["id"],
        ID,
    ),
];

impl UniqueViolation {
    /// The violation `key` (a name of [`UNIQUE_KEYS`]) would raise: for a duplicate found by
    /// reading before the write, so it answers as the database would.
    pub fn of(key: &'static str) -> Self {
        let known = UNIQUE_KEYS.iter().find(|k| k.name == key);
        UniqueViolation {
            key: known.map(|k| k.name),
            field: known.and_then(|k| k.field),
            db_message: format!("{key} (checked before writing)"),
        }
    }

    /// Resolves a unique violation from PostgreSQL's constraint name or, without one, from
    /// SQLite's message.
    pub fn resolve(constraint: Option<&str>, message: &str) -> Self {
        let known = match constraint {
            Some(name) => UNIQUE_KEYS.iter().find(|k| k.name == name),
            None => sqlite_key(message),
        };
        UniqueViolation {
            key: known.map(|k| k.name),
            field: known.and_then(|k| k.field),
            db_message: message.to_owned(),
        }
    }
}

/// `UNIQUE constraint failed: equipment.product_id, equipment.serial` (columns in index order)
/// or `UNIQUE constraint failed: index 'equipment_serial_key'`.
fn sqlite_key(message: &str) -> Option<&'static UniqueKey> {
    let rest = message.strip_prefix("UNIQUE constraint failed: ")?.trim();
    if let Some(index) = rest.strip_prefix("index '") {
        let name = index.strip_suffix('\'')?;
        return UNIQUE_KEYS.iter().find(|k| k.name == name);
    }
    let mut table = None;
    let mut columns = Vec::new();
    for part in rest.split(',') {
        let (t, c) = part.trim().split_once('.')?;
        if table.is_some_and(|known| known != t) {
            return None;
        }
        table = Some(t);
        columns.push(c);
    }
    let table = table?;
    UNIQUE_KEYS
        .iter()
        .find(|k| k.table == table && k.columns == columns.as_slice())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_keys_resolve_by_constraint_name() {
        let v = UniqueViolation::resolve(
            Some("users_username_key"),
            "duplicate key value violates unique constraint \"users_username_key\"",
        );
        assert_eq!(v.key, Some("users_username_key"));
        assert_eq!(v.field, Some("username"));
        let v = UniqueViolation::resolve(Some("equipment_serial_key"), "whatever");
        assert_eq!(v.field, Some("serial"));
        let v = UniqueViolation::resolve(Some("tickets_pkey"), "whatever");
        assert_eq!(v.field, Some("id"));
        let v = UniqueViolation::resolve(Some("no_such_key"), "secret text");
        assert_eq!((v.key, v.field), (None, None));
    }

    #[test]
    fn sqlite_keys_resolve_by_table_and_columns() {
        let v = UniqueViolation::resolve(None, "UNIQUE constraint failed: users.username");
        assert_eq!(v.key, Some("users_username_key"));
        assert_eq!(v.field, Some("username"));
        let v = UniqueViolation::resolve(
            None,
            "UNIQUE constraint failed: equipment.product_id, equipment.serial",
        );
        assert_eq!(v.key, Some("equipment_serial_key"));
        let v = UniqueViolation::resolve(
            None,
            "UNIQUE constraint failed: index 'equipment_serial_key'",
        );
        assert_eq!(v.key, Some("equipment_serial_key"));
        let v = UniqueViolation::resolve(None, "UNIQUE constraint failed: tickets.id");
        assert_eq!((v.key, v.field), (Some("tickets_pkey"), Some("id")));
        let v = UniqueViolation::resolve(
            None,
            "UNIQUE constraint failed: user_roles.user_id, user_roles.role",
        );
        assert_eq!(v.key, Some("user_roles_pkey"));
        // Columns in another order, another table, or an unknown shape: unmapped.
        for m in [
            "UNIQUE constraint failed: equipment.serial, equipment.product_id",
            "UNIQUE constraint failed: users.username, teams.name",
            "UNIQUE constraint failed: nowhere.x",
            "something else",
        ] {
            assert_eq!(UniqueViolation::resolve(None, m).key, None, "{m}");
        }
    }

    #[test]
    fn a_key_checked_before_writing_names_its_field() {
        let v = UniqueViolation::of("teams_name_key");
        assert_eq!((v.key, v.field), (Some("teams_name_key"), Some("name")));
    }

    #[test]
    fn every_key_is_listed_once() {
        let mut names: Vec<_> = UNIQUE_KEYS.iter().map(|k| k.name).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(names.len(), before);
        let mut shapes: Vec<_> = UNIQUE_KEYS.iter().map(|k| (k.table, k.columns)).collect();
        shapes.sort_unstable();
        shapes.dedup();
        assert_eq!(shapes.len(), before);
    }
}
