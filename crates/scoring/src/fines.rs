//! Fines (HR-F*, HR-C1) and lateness fines (HR-A2) as configurable tables.

use kefu_core::DomainError;
use kefu_core::rules::{RuleSet, check_non_negative};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Fine {
    /// The rule id of domain.md, e.g. `HR-F3`.
    pub rule: String,
    pub title: String,
    pub amount_fen: i64,
    /// A higher amount when the person fined is a manager; `null` for the same amount.
    pub manager_amount_fen: Option<i64>,
    /// Whether the breach also raises a dismissal flag.
    pub dismissal: bool,
}

/// HR-F* and HR-C1: the fine catalogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FineCatalogue {
    pub fines: Vec<Fine>,
}

fn fine(rule: &str, title: &str, yuan: i64, manager_yuan: Option<i64>, dismissal: bool) -> Fine {
    Fine {
        rule: rule.to_owned(),
        title: title.to_owned(),
        amount_fen: yuan * 100,
        manager_amount_fen: manager_yuan.map(|y| y * 100),
        dismissal,
    }
}

impl RuleSet for FineCatalogue {
    const KEY: &'static str = "fines";
    const TITLE: &'static str = "HR-F* and HR-C1 fine amounts";

    fn defaults() -> Self {
        FineCatalogue {
            fines: vec![
                fine("HR-C1", "有效投诉", 100, None, false),
                fine("HR-F2", "客户在空白服务单上签字", 500, None, true),
                fine("HR-F3", "签字后涂改服务单", 20, None, false),
                fine("HR-F4", "资料迟交（提成暂扣）", 20, None, false),
                fine("HR-F5", "格式不符", 20, None, false),
                fine("HR-F6", "伪造客户签名", 0, None, true),
                fine("HR-F7", "非授权人签字", 20, None, false),
                fine("HR-F8", "服务反馈单迟交（每份）", 20, None, false),
                fine("HR-F9", "内勤当日未回访", 20, None, false),
                fine("HR-F10", "现场未解决且未上报", 100, None, false),
                fine("HR-F12", "无指令修改报警主机数据", 200, Some(300), false),
                fine("HR-F14", "备品遗留公共区域", 20, None, false),
                fine("HR-F20", "收款未上交（双倍扣除）", 0, Some(500), true),
                fine("HR-F21", "私自接活（全部收入）", 1_000, Some(1_000), true),
            ],
        }
    }

    fn validate(&self) -> Result<(), DomainError> {
        let mut seen = std::collections::BTreeSet::new();
        for (i, f) in self.fines.iter().enumerate() {
            check_non_negative(&format!("fines[{i}].amount_fen"), f.amount_fen)?;
            if let Some(m) = f.manager_amount_fen {
                check_non_negative(&format!("fines[{i}].manager_amount_fen"), m)?;
            }
            if f.rule.trim().is_empty() || !seen.insert(f.rule.clone()) {
                return Err(DomainError::invalid(
                    format!("fines[{i}].rule"),
                    "format",
                    "each fine needs a rule id, once",
                ));
            }
        }
        Ok(())
    }
}

impl FineCatalogue {
    pub fn find(&self, rule: &str) -> Option<&Fine> {
        self.fines.iter().find(|f| f.rule == rule)
    }
}

/// HR-A2: lateness fines per month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LatenessFines {
    /// Up to this many late days in a month, each costs `small_fen`.
    pub small_up_to_days: i64,
    pub small_fen: i64,
    /// Up to this many late days, every late day of the month costs `large_fen`.
    pub large_up_to_days: i64,
    pub large_fen: i64,
    /// Beyond `large_up_to_days`, this share of the monthly base salary.
    pub beyond_base_salary_bp: i64,
    /// This many consecutive months beyond the limit raise a dismissal flag.
    pub dismissal_after_months: i64,
}

impl RuleSet for LatenessFines {
    const KEY: &'static str = "lateness-fines";
    const TITLE: &'static str = "HR-A2 monthly lateness fines";

    fn defaults() -> Self {
        LatenessFines {
            small_up_to_days: 3,
            small_fen: 500,
            large_up_to_days: 7,
            large_fen: 2_000,
            beyond_base_salary_bp: 5_000,
            dismissal_after_months: 2,
        }
    }

    fn validate(&self) -> Result<(), DomainError> {
        for (field, v) in [
            ("small_up_to_days", self.small_up_to_days),
            ("small_fen", self.small_fen),
            ("large_up_to_days", self.large_up_to_days),
            ("large_fen", self.large_fen),
            ("beyond_base_salary_bp", self.beyond_base_salary_bp),
            ("dismissal_after_months", self.dismissal_after_months),
        ] {
            check_non_negative(field, v)?;
        }
        if self.large_up_to_days < self.small_up_to_days {
            return Err(DomainError::invalid(
                "large_up_to_days",
                "range",
                "must not be below small_up_to_days",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_seed_002_and_are_valid() {
        let f = FineCatalogue::defaults();
        assert!(f.validate().is_ok());
        assert_eq!(f.find("HR-C1").unwrap().amount_fen, 10_000);
        assert_eq!(f.find("HR-F12").unwrap().manager_amount_fen, Some(30_000));
        let l = LatenessFines::defaults();
        assert!(l.validate().is_ok());
        assert_eq!((l.small_fen, l.large_fen), (500, 2_000), "HR-A2");
    }

    #[test]
    fn a_rule_listed_twice_is_refused() {
        let mut f = FineCatalogue::defaults();
        f.fines.push(f.fines[0].clone());
        assert!(f.validate().is_err());
    }
}
