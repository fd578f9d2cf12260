//! TKT-6: a service record for every remote or on-site service, with the fields its kind
//! requires.

use chrono::NaiveDate;
use kefu_core::{DomainError, FieldError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

kefu_core::string_enum! {
    #[derive(ToSchema)]
    pub enum ServiceMode {
        Remote = "remote",
        Onsite = "onsite",
    }
}

kefu_core::string_enum! {
    #[derive(ToSchema)]
    pub enum ServiceKind {
        /// Any other service: only the work done.
        General = "general",
        DataClearing = "data_clearing",
        AdminPassword = "admin_password",
        ReportProblem = "report_problem",
        Bug = "bug",
    }
}

/// The type-specific part of a record, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ServiceDetails {
    General,
    /// The tool and the SQL used to clear the data.
    DataClearing {
        tool: String,
        sql: String,
    },
    /// The customer's written application and the contact who was told the password.
    AdminPassword {
        application_ref: String,
        contact_told: String,
    },
    ReportProblem {
        report_name: String,
        analysis: String,
        solution: String,
    },
    /// Escalated as a change request (TKT-12) with the date promised to the customer.
    Bug {
        reproduction_steps: String,
        error_text: String,
        promised_date: NaiveDate,
    },
}

/// The optional fields a client sends; which are required depends on `kind`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceFields {
    pub tool: Option<String>,
    pub sql: Option<String>,
    pub application_ref: Option<String>,
    pub contact_told: Option<String>,
    pub report_name: Option<String>,
    pub analysis: Option<String>,
    pub solution: Option<String>,
    pub reproduction_steps: Option<String>,
    pub error_text: Option<String>,
    pub promised_date: Option<NaiveDate>,
}

impl ServiceDetails {
    pub fn kind(&self) -> ServiceKind {
        match self {
            ServiceDetails::General => ServiceKind::General,
            ServiceDetails::DataClearing { .. } => ServiceKind::DataClearing,
            ServiceDetails::AdminPassword { .. } => ServiceKind::AdminPassword,
            ServiceDetails::ReportProblem { .. } => ServiceKind::ReportProblem,
            ServiceDetails::Bug { .. } => ServiceKind::Bug,
        }
    }

    /// TKT-6: the details of a record of `kind`, or every missing required field named
    /// (422). A field that does not belong to the kind is refused too, so it is not lost.
    pub fn build(kind: ServiceKind, f: ServiceFields) -> Result<ServiceDetails, DomainError> {
        let mut errors = Vec::new();
        let mut take = |name: &str, v: Option<String>| -> String {
            match v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()) {
                Some(s) => s,
                None => {
                    errors.push(required(name, kind));
                    String::new()
                }
            }
        };
        let details = match kind {
            ServiceKind::General => ServiceDetails::General,
            ServiceKind::DataClearing => ServiceDetails::DataClearing {
                tool: take("tool", f.tool.clone()),
                sql: take("sql", f.sql.clone()),
            },
            ServiceKind::AdminPassword => ServiceDetails::AdminPassword {
                application_ref: take("application_ref", f.application_ref.clone()),
                contact_told: take("contact_told", f.contact_told.clone()),
            },
            ServiceKind::ReportProblem => ServiceDetails::ReportProblem {
                report_name: take("report_name", f.report_name.clone()),
                analysis: take("analysis", f.analysis.clone()),
                solution: take("solution", f.solution.clone()),
            },
            ServiceKind::Bug => {
                let steps = take("reproduction_steps", f.reproduction_steps.clone());
                let error_text = take("error_text", f.error_text.clone());
                if f.promised_date.is_none() {
                    errors.push(required("promised_date", kind));
                }
                ServiceDetails::Bug {
                    reproduction_steps: steps,
                    error_text,
                    promised_date: f.promised_date.unwrap_or_default(),
                }
            }
        };
        for (name, present) in [
            ("tool", f.tool.is_some()),
            ("sql", f.sql.is_some()),
            ("application_ref", f.application_ref.is_some()),
            ("contact_told", f.contact_told.is_some()),
            ("report_name", f.report_name.is_some()),
            ("analysis", f.analysis.is_some()),
            ("solution", f.solution.is_some()),
            ("reproduction_steps", f.reproduction_steps.is_some()),
            ("error_text", f.error_text.is_some()),
            ("promised_date", f.promised_date.is_some()),
        ] {
            if present && !belongs(name, kind) {
                errors.push(
                    FieldError::new(
                        name,
                        "not_allowed",
                        format!("TKT-6: not a field of a {} record", kind_name(kind)),
                    )
                    .by_rule("TKT-6"),
                );
            }
        }
        if errors.is_empty() {
            Ok(details)
        } else {
            Err(DomainError::Invalid(errors))
        }
    }
}

/// The type-specific fields of a record of `kind`, every one required (TKT-6); the API's
/// schema states one request shape per kind from this table.
pub fn fields_of(kind: ServiceKind) -> &'static [&'static str] {
    match kind {
        ServiceKind::General => &[],
        ServiceKind::DataClearing => &["tool", "sql"],
        ServiceKind::AdminPassword => &["application_ref", "contact_told"],
        ServiceKind::ReportProblem => &["report_name", "analysis", "solution"],
        ServiceKind::Bug => &["reproduction_steps", "error_text", "promised_date"],
    }
}

fn belongs(field: &str, kind: ServiceKind) -> bool {
    fields_of(kind).contains(&field)
}

fn kind_name(kind: ServiceKind) -> &'static str {
    match kind {
        ServiceKind::General => "general",
        ServiceKind::DataClearing => "data_clearing",
        ServiceKind::AdminPassword => "admin_password",
        ServiceKind::ReportProblem => "report_problem",
        ServiceKind::Bug => "bug",
    }
}

fn required(field: &str, kind: ServiceKind) -> FieldError {
    FieldError::new(
        field,
        "required",
        format!("TKT-6: a {} record needs {field}", kind_name(kind)),
    )
    .by_rule("TKT-6")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields_of(e: DomainError) -> Vec<String> {
        match e {
            DomainError::Invalid(errors) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn tkt_6_data_clearing_needs_the_tool_and_the_sql() {
        let e = ServiceDetails::build(
            ServiceKind::DataClearing,
            ServiceFields {
                tool: Some("Navicat".into()),
                sql: Some("  ".into()),
                ..ServiceFields::default()
            },
        )
        .unwrap_err();
        assert_eq!(e.rule(), Some("TKT-6"));
        assert_eq!(fields_of(e), vec!["sql"]);
        let ok = ServiceDetails::build(
            ServiceKind::DataClearing,
            ServiceFields {
                tool: Some("Navicat".into()),
                sql: Some("DELETE FROM alarm_log".into()),
                ..ServiceFields::default()
            },
        )
        .unwrap();
        assert_eq!(ok.kind(), ServiceKind::DataClearing);
        let json = serde_json::to_value(&ok).unwrap();
        assert_eq!(json["kind"], "data_clearing");
    }

    #[test]
    fn tkt_6_every_kind_names_its_missing_fields() {
        let missing =
            |k| fields_of(ServiceDetails::build(k, ServiceFields::default()).unwrap_err());
        assert_eq!(
            missing(ServiceKind::AdminPassword),
            vec!["application_ref", "contact_told"]
        );
        assert_eq!(
            missing(ServiceKind::ReportProblem),
            vec!["report_name", "analysis", "solution"]
        );
        assert_eq!(
            missing(ServiceKind::Bug),
            vec!["reproduction_steps", "error_text", "promised_date"]
        );
        assert_eq!(
            ServiceDetails::build(ServiceKind::General, ServiceFields::default()),
            Ok(ServiceDetails::General)
        );
    }

    #[test]
    fn tkt_6_a_field_of_another_kind_is_refused() {
        let e = ServiceDetails::build(
            ServiceKind::General,
            ServiceFields {
                sql: Some("x".into()),
                ..ServiceFields::default()
            },
        )
        .unwrap_err();
        assert_eq!(e.rule(), Some("TKT-6"));
        assert_eq!(fields_of(e), vec!["sql"]);
    }
}
