//! The exportable lists of every domain (see `kernel::export` for how an export is made).

use crate::kernel::export::Exportable;
use crate::{billing, contracts, customers, equipment, inventory, org, scoring, tickets};

/// Every exportable list; the OpenAPI document gets their export parameters and media types.
pub const LISTS: &[&Exportable] = &[
    &customers::dto::customers::EXPORT,
    &customers::dto::sites::EXPORT,
    &customers::dto::contacts::EXPORT,
    &equipment::dto::equipment::EXPORT,
    &org::dto::employees::EXPORT,
    &equipment::dto::products::EXPORT,
    &org::dto::teams::EXPORT,
    &org::dto::users::EXPORT,
    &tickets::dto::tickets::EXPORT,
    &tickets::dto::callbacks::SATISFACTION_EXPORT,
    &tickets::dto::complaints::EXPORT,
    &tickets::dto::change_requests::EXPORT,
    &tickets::dto::work_orders::EXPORT,
    &inventory::dto::catalogue::PARTS_EXPORT,
    &inventory::dto::catalogue::LOCATIONS_EXPORT,
    &inventory::dto::stock::LEVELS_EXPORT,
    &inventory::dto::stock::UNITS_EXPORT,
    &inventory::dto::stock::MOVEMENTS_EXPORT,
    &inventory::dto::loans::LOANS_EXPORT,
    &inventory::dto::loans::CHARGES_EXPORT,
    &inventory::dto::counts::COUNTS_EXPORT,
    &inventory::dto::counts::ANOMALIES_EXPORT,
    &inventory::dto::minimums::MINIMUMS_EXPORT,
    &inventory::dto::report::MONTHLY_EXPORT,
    &inventory::dto::rma::RMAS_EXPORT,
    &inventory::dto::intakes::INTAKES_EXPORT,
    &scoring::dto::attendance::ATTENDANCE_EXPORT,
    &scoring::dto::fines::FINES_EXPORT,
    &scoring::dto::fines::LEDGER_EXPORT,
    &scoring::dto::scorecards::EVENTS_EXPORT,
    &scoring::dto::scorecards::CARDS_EXPORT,
    &scoring::dto::scorecards::APPEALS_EXPORT,
    &scoring::dto::leave::LEAVE_EXPORT,
    &billing::dto::travel::TRAVEL_EXPORT,
    &billing::dto::claims::CLAIMS_EXPORT,
    &billing::dto::advances::ADVANCES_EXPORT,
    &billing::dto::phone::PHONE_EXPORT,
    &scoring::dto::exams::SESSIONS_EXPORT,
    &scoring::dto::exams::RESULTS_EXPORT,
    &scoring::dto::probations::PROBATIONS_EXPORT,
    &scoring::dto::promotion::ASSESSMENTS_EXPORT,
    &contracts::dto::contracts::EXPORT,
    &contracts::dto::commissioning::EXPORT,
    &contracts::dto::licences::EXPORT,
    &contracts::dto::maintenance::OVERDUE_EXPORT,
    &contracts::dto::controller_data::EXPORT,
    &billing::dto::commission_lines::LINES_EXPORT,
    &billing::dto::rebates::EXPORT,
    &billing::dto::payroll::STATEMENTS_EXPORT,
    &billing::dto::payroll::LINES_EXPORT,
    &billing::dto::fee_items::EXPORT,
    &billing::dto::quotes::EXPORT,
    &billing::dto::payments::EXPORT,
    &billing::dto::invoices::EXPORT,
    &billing::dto::receivables::RECEIVABLES_EXPORT,
    &billing::dto::receivables::ARREARS_EXPORT,
    &billing::dto::receivables::NOTES_EXPORT,
    &billing::dto::receivables::STATEMENT_EXPORT,
    &billing::dto::rebates::EXPORT,
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::export::{CSV_MIME, XLSX_MIME, spec};
    use serde_json::Value;
    use std::collections::BTreeSet;

    /// Every field of an exportable list's items has a column, and every column a field.
    #[test]
    fn columns_cover_the_items_of_each_list() {
        let doc = serde_json::to_value(crate::app::openapi()).unwrap();
        let schemas = &doc["components"]["schemas"];
        let resolve = |v: &Value| -> Value {
            match v["$ref"].as_str() {
                Some(r) => schemas[r.rsplit('/').next().unwrap()].clone(),
                None => v.clone(),
            }
        };
        for list in LISTS {
            let (path, op) = doc["paths"]
                .as_object()
                .unwrap()
                .iter()
                .find(|(_, p)| p["get"]["operationId"] == list.operation_id)
                .map(|(path, p)| (path.clone(), p["get"].clone()))
                .unwrap_or_else(|| panic!("{} is not an operation", list.operation_id));
            // The list answers only its JSON page; its export is its own operation.
            let ok = &op["responses"]["200"]["content"];
            let types: Vec<&String> = ok.as_object().unwrap().keys().collect();
            assert_eq!(types, ["application/json"], "{}", list.operation_id);
            let export = &doc["paths"][format!("{path}/export")]["get"];
            assert_eq!(export["operationId"], spec::operation_id(list));
            let file = export["responses"]["200"]["content"].as_object().unwrap();
            let mut types: Vec<&String> = file.keys().collect();
            types.sort();
            assert_eq!(types, [XLSX_MIME, CSV_MIME], "{}", list.operation_id);
            let params: Vec<&str> = export["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|p| p["name"].as_str())
                .collect();
            assert!(params.contains(&"format") && params.contains(&"columns"));
            assert!(!params.contains(&"limit") && !params.contains(&"cursor"));
            let page = resolve(&ok["application/json"]["schema"]);
            // A report lists its rows as `groups` or `lines` beside its own fields.
            let props = &page["properties"];
            let rows = props
                .get("items")
                .or_else(|| props.get("lines"))
                .unwrap_or(&props["groups"]);
            let item = resolve(&rows["items"]);
            let mut fields = BTreeSet::new();
            for (name, schema) in item["properties"].as_object().unwrap() {
                let nested = resolve(schema);
                // `Option<Nested>` is `oneOf: [{$ref}, {type: null}]`.
                let nested = match nested["oneOf"].as_array() {
                    Some(alternatives) => alternatives
                        .iter()
                        .find(|a| a["$ref"].is_string())
                        .map_or(nested.clone(), resolve),
                    None => nested,
                };
                match nested["properties"].as_object() {
                    Some(props) => fields.extend(props.keys().map(|k| format!("{name}.{k}"))),
                    None => {
                        fields.insert(name.clone());
                    }
                }
            }
            let columns: BTreeSet<String> =
                list.columns.iter().map(|c| c.field.to_owned()).collect();
            assert_eq!(columns, fields, "columns of {}", list.operation_id);
        }
    }
}
