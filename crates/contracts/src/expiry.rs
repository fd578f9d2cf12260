//! CON-3 expiry: the reminder one month (a rule-table value) before a contract's end for the
//! responsible engineer, the notice to the customer, and the customer's answer.

use crate::contract::{ContractStatus, RenewalMode};
use crate::deadlines::ContractRules;
use chrono::NaiveDate;
use kefu_core::DomainError;
use utoipa::ToSchema;

kefu_core::string_enum! {
    #[derive(ToSchema)]
    pub enum ReminderAnswer {
        /// The customer will renew.
        Renew = "renew",
        /// The customer will not renew.
        Decline = "decline",
        /// The customer has not decided yet.
        Undecided = "undecided",
    }
}

/// CON-3: whether a contract in `status` ending on `period_end` is due for its expiry reminder
/// on `today`: signed or active, from the reminder day to its last day (a job that missed the
/// day catches up; an ended contract is past reminding).
pub fn reminder_due(
    rules: &ContractRules,
    status: ContractStatus,
    period_end: NaiveDate,
    today: NaiveDate,
) -> bool {
    matches!(status, ContractStatus::Signed | ContractStatus::Active)
        && rules.expiry_reminder_on(period_end) <= today
        && today <= period_end
}

/// CON-3: an answer is recorded once; a second one is a conflict (the first stands in the
/// audit log and on the reminder).
pub fn check_answer(already: Option<ReminderAnswer>) -> Result<(), DomainError> {
    match already {
        None | Some(ReminderAnswer::Undecided) => Ok(()),
        Some(a) => Err(DomainError::State {
            rule: "CON-3",
            message: format!("the customer answered `{a}` already"),
        }),
    }
}

/// What the customer notice says, as facts; the API renders it as JSON or printable HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeFacts<'a> {
    pub customer_name: &'a str,
    pub title: &'a str,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub amount_fen: i64,
    pub renewal_mode: RenewalMode,
    /// Tacit renewal: the last day it can be cancelled.
    pub cancel_by: Option<NaiveDate>,
}

fn yuan(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, (fen % 100).abs())
}

/// The notice's paragraphs (the seeds: 售后服务到期通知函, faxed a month before the end).
pub fn notice_paragraphs(f: &NoticeFacts<'_>) -> Vec<String> {
    let mut out = vec![
        format!("{}：", f.customer_name),
        format!(
            "贵单位与我公司签订的《{}》服务期为 {} 至 {}，合同金额人民币 {} 元，即将到期。",
            f.title,
            f.period_start,
            f.period_end,
            yuan(f.amount_fen)
        ),
    ];
    out.push(match (f.renewal_mode, f.cancel_by) {
        (RenewalMode::Tacit, Some(by)) => format!(
            "按合同约定，如贵单位不再续约，请于 {by} 前书面通知我公司；逾期未通知的，合同自动续期。"
        ),
        _ => "为保证服务不中断，请贵单位尽快与我公司续签服务协议。".to_owned(),
    });
    out.push("请将续约意向回复我公司客户服务部。".to_owned());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use kefu_core::rules::RuleSet;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn con_3_the_reminder_is_due_from_one_month_before_the_end_until_the_end() {
        let rules = ContractRules::defaults();
        let end = d("2026-12-31");
        assert!(!reminder_due(
            &rules,
            ContractStatus::Active,
            end,
            d("2026-11-30")
        ));
        assert!(reminder_due(
            &rules,
            ContractStatus::Active,
            end,
            d("2026-12-01")
        ));
        assert!(reminder_due(
            &rules,
            ContractStatus::Signed,
            end,
            d("2026-12-31")
        ));
        assert!(!reminder_due(
            &rules,
            ContractStatus::Active,
            end,
            d("2027-01-01")
        ));
        assert!(!reminder_due(
            &rules,
            ContractStatus::Terminated,
            end,
            d("2026-12-01")
        ));
        assert!(!reminder_due(
            &rules,
            ContractStatus::Draft,
            end,
            d("2026-12-01")
        ));
        let two = ContractRules {
            expiry_reminder_months: 2,
            ..rules
        };
        assert!(reminder_due(
            &two,
            ContractStatus::Active,
            end,
            d("2026-11-01")
        ));
    }

    #[test]
    fn con_3_an_answer_is_recorded_once_unless_the_customer_was_undecided() {
        assert!(check_answer(None).is_ok());
        assert!(check_answer(Some(ReminderAnswer::Undecided)).is_ok());
        assert!(matches!(
            check_answer(Some(ReminderAnswer::Renew)),
            Err(DomainError::State { rule: "CON-3", .. })
        ));
    }

    #[test]
    fn con_3_the_notice_names_the_period_the_amount_and_a_tacit_deadline() {
        let facts = NoticeFacts {
            customer_name: "甲公司",
            title: "维保合同",
            period_start: d("2026-01-01"),
            period_end: d("2026-12-31"),
            amount_fen: 1_200_050,
            renewal_mode: RenewalMode::Tacit,
            cancel_by: Some(d("2026-12-01")),
        };
        let text = notice_paragraphs(&facts).join("\n");
        assert!(text.contains("2026-01-01 至 2026-12-31"), "{text}");
        assert!(text.contains("12000.50 元"), "{text}");
        assert!(text.contains("2026-12-01 前书面通知"), "{text}");
        let express = NoticeFacts {
            renewal_mode: RenewalMode::Express,
            cancel_by: None,
            ..facts
        };
        assert!(
            notice_paragraphs(&express)
                .join("\n")
                .contains("续签服务协议")
        );
    }
}
