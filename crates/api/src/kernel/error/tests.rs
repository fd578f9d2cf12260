use super::*;
use crate::kernel::context::RequestContext;
use kefu_store::UniqueViolation;

fn in_english<R>(f: impl FnOnce() -> R) -> R {
    context::sync_scope(
        Some(RequestContext::new(
            Lang::En,
            "req-1".to_owned(),
            "/api/v1/teams".to_owned(),
        )),
        f,
    )
}

#[test]
fn a_state_refusal_is_a_409_conflict_naming_its_rule() {
    let e = ApiError::from(DomainError::State {
        rule: "TKT-3",
        message: "invalid transition resolved → assigned".to_owned(),
    });
    assert_eq!(e.status_code(), StatusCode::CONFLICT);
    let p = in_english(|| e.problem());
    assert_eq!(p.r#type, "urn:kefu:problem:conflict");
    assert_eq!(p.status, 409);
    assert_eq!(p.rule.as_deref(), Some("TKT-3"));
    assert_eq!(p.detail, "TKT-3: invalid transition resolved → assigned");
    // In zh-CN (the default) the rule is named in Chinese, without the English words.
    assert_eq!(
        e.problem().detail,
        "TKT-3（工单生命周期）：记录当前的状态不允许此操作"
    );
    assert!(p.errors.is_none());
    let json = serde_json::to_value(&p).unwrap();
    assert_eq!(json["rule"], "TKT-3");
}

#[test]
fn a_conflict_no_rule_names_has_no_rule() {
    let p = ApiError::from(DomainError::Conflict("already revoked".to_owned())).problem();
    assert_eq!((p.status, p.rule), (409, None));
    assert_eq!(p.r#type, "urn:kefu:problem:conflict");
}

#[test]
fn a_rule_violation_stays_a_422_naming_its_rule() {
    let e = ApiError::from(DomainError::Rule {
        rule: "CON-5",
        message: "checks failed".to_owned(),
    });
    let p = e.problem();
    assert_eq!(p.status, 422);
    assert_eq!(p.r#type, "urn:kefu:problem:rule-violation");
    assert_eq!(p.rule.as_deref(), Some("CON-5"));
}

#[test]
fn a_role_refusal_by_a_domain_rule_is_a_403_naming_its_rule() {
    let p = in_english(|| {
        ApiError::from(DomainError::Forbidden {
            rule: "HR-F0",
            message: "not allowed to run FineDecide".to_owned(),
        })
        .problem()
    });
    assert_eq!((p.status, p.rule.as_deref()), (403, Some("HR-F0")));
    assert_eq!(p.r#type, "urn:kefu:problem:forbidden");
    assert_eq!(p.detail, "Your roles do not allow this operation");
    let p = ApiError::Forbidden.problem();
    assert_eq!((p.status, p.rule), (403, None));
}

#[test]
fn a_duplicate_names_its_field_never_the_database_text() {
    let db_text = "UNIQUE constraint failed: teams.name";
    let e = ApiError::from(StoreError::Duplicate(UniqueViolation::resolve(
        None, db_text,
    )));
    assert_eq!(e.status_code(), StatusCode::CONFLICT);
    let p = e.problem();
    assert_eq!(p.r#type, "urn:kefu:problem:conflict");
    assert!(p.rule.is_none());
    assert!(!p.detail.contains("UNIQUE"), "{}", p.detail);
    let errors = p.errors.unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(
        (errors[0].field.as_str(), errors[0].code.as_str()),
        ("name", "duplicate")
    );
    let en = in_english(|| e.problem());
    assert_eq!(
        en.detail,
        "duplicate record: another record already has this name"
    );
    assert_eq!(
        en.errors.unwrap()[0].message,
        "already used by another record"
    );
}

#[test]
fn an_unknown_unique_key_gets_a_generic_detail() {
    let db_text = "duplicate key value violates unique constraint \"secret_idx\"";
    let e = ApiError::from(StoreError::Duplicate(UniqueViolation::resolve(
        Some("secret_idx"),
        db_text,
    )));
    let p = in_english(|| e.problem());
    assert_eq!(p.status, 409);
    assert!(p.errors.is_none());
    assert!(!p.detail.contains("secret"), "{}", p.detail);
    assert_eq!(
        p.detail,
        "duplicate record: a record with the same key already exists"
    );
}
