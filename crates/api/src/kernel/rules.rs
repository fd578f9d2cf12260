//! The registry of configurable rule sets: every `RuleSet` of the domain crates, seeded on
//! first start and validated against its type on every change.

use crate::kernel::error::ApiError;
use crate::kernel::extract::json::missing_member;
use kefu_billing::commissioning::{CommissioningRates, MonthlyMultiplier};
use kefu_billing::expenses::ExpensePolicy;
use kefu_billing::receivables::ReceivablesPolicy;
use kefu_billing::repair::RepairLabourShare;
use kefu_billing::shares::{CommissionShares, YearEndBonuses};
use kefu_billing::travel::TravelStandards;
use kefu_contracts::deadlines::ContractRules;
use kefu_contracts::reminders::WarrantyReminders;
use kefu_core::rules::{RuleSet, RuleVersion, in_force};
use kefu_core::{DomainError, FieldError, WorkHours};
use kefu_inventory::loans::LoanPolicy;
use kefu_inventory::rma::RmaPolicy;
use kefu_scoring::attendance::AttendanceTimes;
use kefu_scoring::complaint_flags::ComplaintThresholds;
use kefu_scoring::exams::TrainingRules;
use kefu_scoring::fines::{FineCatalogue, LatenessFines};
use kefu_scoring::grades::{GradeRules, StarRules};
use kefu_scoring::leave::LeaveApproval;
use kefu_scoring::scorecard::ScorecardTemplates;
use kefu_store::rules::RuleSetRecord;
use kefu_tickets::deadlines::ServiceDeadlines;
use kefu_tickets::sla::SlaPolicy;
use std::marker::PhantomData;

/// A rule set seen without its type: what the registry and the generic endpoints need.
pub trait RuleDef: Send + Sync {
    fn key(&self) -> &'static str;
    fn title(&self) -> &'static str;
    fn defaults(&self) -> serde_json::Value;
    /// Parses `value` as the set's type (unknown fields refused) and checks it; returns the
    /// normalised JSON to store.
    fn check(&self, value: serde_json::Value) -> Result<serde_json::Value, ApiError>;
    /// A stored version as the service reads it: fields added since it was stored show their
    /// defaults, so what a client reads is what the rules compute with. A value that no longer
    /// parses is shown as stored.
    fn shown(&self, stored: &str) -> serde_json::Value;
}

struct Typed<T>(PhantomData<fn() -> T>);

impl<T: RuleSet> RuleDef for Typed<T> {
    fn key(&self) -> &'static str {
        T::KEY
    }

    fn title(&self) -> &'static str {
        T::TITLE
    }

    fn defaults(&self) -> serde_json::Value {
        serde_json::to_value(T::defaults()).unwrap_or_default()
    }

    fn check(&self, value: serde_json::Value) -> Result<serde_json::Value, ApiError> {
        let typed: T = serde_path_to_error::deserialize(value).map_err(|e| {
            let field = format!("value.{}", e.path()).replace("value..", "value");
            let message = e.into_inner().to_string();
            // A missing member is `required` naming it, as in any body.
            match missing_member(&message) {
                Some(name) => ApiError::Invalid(vec![FieldError::new(
                    crate::kernel::extract::json::join_path(&field, &name),
                    "required",
                    "",
                )]),
                None => ApiError::Invalid(vec![FieldError::new(field, "invalid_type", message)]),
            }
        })?;
        typed.validate().map_err(|e| match e {
            DomainError::Invalid(errors) => ApiError::Invalid(
                errors
                    .into_iter()
                    .map(|f| FieldError {
                        field: format!("value.{}", f.field),
                        ..f
                    })
                    .collect(),
            ),
            other => ApiError::from(other),
        })?;
        serde_json::to_value(typed).map_err(ApiError::internal)
    }

    fn shown(&self, stored: &str) -> serde_json::Value {
        serde_json::from_str::<T>(stored)
            .ok()
            .and_then(|typed| serde_json::to_value(typed).ok())
            .or_else(|| serde_json::from_str(stored).ok())
            .unwrap_or_default()
    }
}

const fn def<T: RuleSet + 'static>() -> &'static dyn RuleDef {
    &Typed::<T>(PhantomData)
}

pub static REGISTRY: [&dyn RuleDef; 24] = [
    def::<CommissioningRates>(),
    def::<MonthlyMultiplier>(),
    def::<CommissionShares>(),
    def::<YearEndBonuses>(),
    def::<ContractRules>(),
    def::<LoanPolicy>(),
    def::<RmaPolicy>(),
    def::<FineCatalogue>(),
    def::<LatenessFines>(),
    def::<ComplaintThresholds>(),
    def::<LeaveApproval>(),
    def::<TrainingRules>(),
    def::<GradeRules>(),
    def::<StarRules>(),
    def::<WorkHours>(),
    def::<SlaPolicy>(),
    def::<AttendanceTimes>(),
    def::<ScorecardTemplates>(),
    def::<TravelStandards>(),
    def::<ExpensePolicy>(),
    def::<RepairLabourShare>(),
    def::<WarrantyReminders>(),
    def::<ServiceDeadlines>(),
    def::<ReceivablesPolicy>(),
];

pub fn find(key: &str) -> Option<&'static dyn RuleDef> {
    REGISTRY.iter().copied().find(|d| d.key() == key)
}

/// The typed versions of a stored set, for computations.
pub fn typed_versions<T: RuleSet>(record: &RuleSetRecord) -> Result<Vec<RuleVersion<T>>, ApiError> {
    record
        .versions
        .iter()
        .map(|v| {
            serde_json::from_str(&v.value_json)
                .map(|value| RuleVersion {
                    effective_from: v.effective_from,
                    value,
                })
                .map_err(|e| ApiError::internal(format!("stored rule {} is corrupt: {e}", T::KEY)))
        })
        .collect()
}

/// The value of `T` in force on `day`, loaded from the store.
pub fn load_in_force<T: RuleSet>(
    conn: &mut kefu_store::DbConnection,
    day: chrono::NaiveDate,
) -> Result<RuleVersion<T>, ApiError> {
    let record = kefu_store::rules::find(conn, T::KEY)?
        .ok_or_else(|| ApiError::internal(format!("rule set {} was never seeded", T::KEY)))?;
    let versions = typed_versions::<T>(&record)?;
    in_force(&versions, day).cloned().ok_or(ApiError::NotFound)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_defaults_pass_their_own_checks() {
        let mut keys = std::collections::BTreeSet::new();
        for def in REGISTRY {
            assert!(keys.insert(def.key()), "duplicate key {}", def.key());
            let checked = def.check(def.defaults()).unwrap();
            assert_eq!(checked, def.defaults(), "{}", def.key());
        }
    }

    #[test]
    fn a_bad_value_names_the_field_inside_value() {
        let rates = find("commissioning-rates").unwrap();
        let mut v = rates.defaults();
        v["local"][1]["min_points"] = serde_json::json!(0);
        match rates.check(v) {
            Err(ApiError::Invalid(e)) => assert_eq!(e[0].field, "value.local[1]"),
            other => panic!("{other:?}"),
        }
        let mut v = rates.defaults();
        v["local"][0]["fen_per_pt"] = serde_json::json!(1);
        match rates.check(v) {
            Err(ApiError::Invalid(e)) => assert!(e[0].message.contains("fen_per_pt"), "{e:?}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_version_stored_before_a_field_existed_shows_the_fields_default() {
        let stars = find("star-ratings").unwrap();
        let mut old = stars.defaults();
        let fields = old.as_object_mut().unwrap();
        for added in [
            "team_lead_floor_score",
            "team_lead_floor_months",
            "first_place_months",
        ] {
            fields.remove(added);
        }
        let shown = stars.shown(&old.to_string());
        assert_eq!(shown["first_place_months"], 3);
        assert_eq!(shown["team_lead_floor_score"], 90);
        assert_eq!(shown, stars.defaults());
        // Something that no longer parses is shown as stored, not hidden.
        assert_eq!(
            stars.shown(r#"{"legacy": 1}"#),
            serde_json::json!({"legacy": 1})
        );
    }
}
