//! CON-7 commissioning jobs (工程调试) and CON-8 points: a job is created from a commissioning
//! notice (工程调试通知及结算单) and waits for the executive's approval (销售副总经理审核);
//! the engineer records the work's start and end; the project file, the satisfaction
//! questionnaire and the settlement notice are due a rule-table number of calendar days after
//! the end (the seeds: 调试完成3日内, calendar days — they say 工作日 where they mean working
//! days); the clerk's confirming callback needs all three; a job over the rule's points gets the
//! manager's re-check call the next day; the acceptance date (检测验收) is recorded when it
//! happens. A capacity addition is a job of its own, linked to the original, with only the
//! added points.

use crate::deadlines::ContractRules;
use chrono::{Days, NaiveDate};
use kefu_core::DomainError;
use utoipa::ToSchema;

kefu_core::string_enum! {
    #[derive(ToSchema)]
    pub enum CommissioningStatus {
        /// The notice is in; the executive has not approved it yet.
        PendingApproval = "pending_approval",
        /// Approved: the engineer may commission.
        Approved = "approved",
        /// The work is done (start and end recorded); documents and the callback are due.
        Commissioned = "commissioned",
        /// The clerk confirmed by callback; the manager's re-check call is due (over the
        /// rule's points).
        AwaitingRecheck = "awaiting_recheck",
        /// Confirmed (and re-checked where needed): complete for billing.
        Completed = "completed",
    }
}

kefu_core::string_enum! {
    #[derive(ToSchema)]
    pub enum CommissioningDocument {
        /// 工程档案
        ProjectFile = "project_file",
        /// 顾客满意度调查问卷
        SatisfactionQuestionnaire = "satisfaction_questionnaire",
        /// 工程调试通知及结算单
        SettlementNotice = "settlement_notice",
    }
}

/// What the rules need of a job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub status: CommissioningStatus,
    pub billable_points: i64,
    pub started_on: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
    pub documents_due_on: Option<NaiveDate>,
    /// The hand-in day of each of [`CommissioningDocument::ALL`], in that order.
    pub handed_in: [Option<NaiveDate>; 3],
    pub callback_confirmed_on: Option<NaiveDate>,
    pub acceptance_on: Option<NaiveDate>,
}

impl Job {
    pub fn handed_in_on(&self, doc: CommissioningDocument) -> Option<NaiveDate> {
        let i = CommissioningDocument::ALL
            .iter()
            .position(|d| *d == doc)
            .unwrap_or(0);
        self.handed_in[i]
    }
}

/// A command on a job, with what the caller sent (dates defaulted to today by the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobCommand {
    Approve {
        approved_on: NaiveDate,
    },
    Commission {
        started_on: NaiveDate,
        ended_on: NaiveDate,
    },
    HandIn {
        documents: Vec<CommissioningDocument>,
        handed_in_on: NaiveDate,
    },
    ConfirmCallback {
        confirmed_on: NaiveDate,
    },
    Recheck {
        rechecked_on: NaiveDate,
    },
    RecordAcceptance {
        accepted_on: NaiveDate,
    },
}

/// The changes a command makes; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobOutcome {
    pub status: Option<CommissioningStatus>,
    pub approved_on: Option<NaiveDate>,
    pub started_on: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
    pub documents_due_on: Option<NaiveDate>,
    pub handed_in: Vec<(CommissioningDocument, NaiveDate)>,
    pub callback_confirmed_on: Option<NaiveDate>,
    pub recheck_required: Option<bool>,
    pub recheck_due_on: Option<NaiveDate>,
    pub rechecked_on: Option<NaiveDate>,
    pub acceptance_on: Option<NaiveDate>,
}

/// CON-8: the points billing uses — a pure alarm controller counts as the rule's points (127)
/// whatever its entered size; any other job as entered. A capacity addition enters only the
/// added points.
pub fn billable_points(rules: &ContractRules, entered: i64, pure_alarm_controller: bool) -> i64 {
    if pure_alarm_controller {
        rules.pure_alarm_controller_points
    } else {
        entered
    }
}

/// CON-7: the documents are due the rule's number of calendar days after the work's end.
pub fn documents_due(rules: &ContractRules, ended_on: NaiveDate) -> NaiveDate {
    let days = u64::try_from(rules.commissioning_documents_days).unwrap_or(0);
    ended_on
        .checked_add_days(Days::new(days))
        .unwrap_or(ended_on)
}

/// CON-7: whether a job needs the manager's re-check call (over the rule's points).
pub fn recheck_required(rules: &ContractRules, billable_points: i64) -> bool {
    billable_points > rules.recheck_call_over_points
}

/// CON-7 timeliness of one document: late when handed in after its due day, or not handed in
/// and the due day is past on `today`; by how many days (so far, while missing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeliness {
    pub late: bool,
    pub late_days: i64,
}

pub fn timeliness(
    due: Option<NaiveDate>,
    handed_in: Option<NaiveDate>,
    today: NaiveDate,
) -> Timeliness {
    let Some(due) = due else {
        return Timeliness {
            late: false,
            late_days: 0,
        };
    };
    let day = handed_in.unwrap_or(today);
    let late_days = (day - due).num_days().max(0);
    Timeliness {
        late: late_days > 0,
        late_days,
    }
}

/// CON-7: the documents still missing after their due day on `today` (what the late-documents
/// job reports).
pub fn late_documents(job: &Job, today: NaiveDate) -> Vec<CommissioningDocument> {
    match job.documents_due_on {
        Some(due) if today > due => CommissioningDocument::ALL
            .into_iter()
            .filter(|d| job.handed_in_on(*d).is_none())
            .collect(),
        _ => Vec::new(),
    }
}

fn state(message: impl Into<String>) -> DomainError {
    DomainError::State {
        rule: "CON-7",
        message: message.into(),
    }
}

fn not_future(field: &str, day: NaiveDate, today: NaiveDate) -> Result<(), DomainError> {
    if day > today {
        return Err(DomainError::invalid(
            field,
            "range",
            "must not lie in the future",
        ));
    }
    Ok(())
}

fn not_before(
    field: &str,
    day: NaiveDate,
    earliest: Option<NaiveDate>,
    what: &str,
) -> Result<(), DomainError> {
    match earliest {
        Some(e) if day < e => Err(DomainError::invalid(
            field,
            "range",
            format!("must not be before {what} ({e})"),
        )),
        _ => Ok(()),
    }
}

/// Decides a command on `job` on `today`: the changes to save, or the refusal naming its rule
/// (409 `CON-7` for a state that does not allow it, 422 for a rule or a bad date).
pub fn decide(
    job: &Job,
    command: &JobCommand,
    rules: &ContractRules,
    today: NaiveDate,
) -> Result<JobOutcome, DomainError> {
    use CommissioningStatus as S;
    let mut out = JobOutcome::default();
    match command {
        JobCommand::Approve { approved_on } => {
            if job.status != S::PendingApproval {
                return Err(state(format!("the job is {} already", job.status)));
            }
            not_future("approved_on", *approved_on, today)?;
            out.status = Some(S::Approved);
            out.approved_on = Some(*approved_on);
        }
        JobCommand::Commission {
            started_on,
            ended_on,
        } => {
            if job.status != S::Approved {
                return Err(state(format!(
                    "only an approved job is commissioned; this one is {}",
                    job.status
                )));
            }
            not_future("ended_on", *ended_on, today)?;
            not_before("ended_on", *ended_on, Some(*started_on), "started_on")?;
            out.status = Some(S::Commissioned);
            out.started_on = Some(*started_on);
            out.ended_on = Some(*ended_on);
            out.documents_due_on = Some(documents_due(rules, *ended_on));
        }
        JobCommand::HandIn {
            documents,
            handed_in_on,
        } => {
            if job.status != S::Commissioned {
                return Err(state(format!(
                    "documents are handed in after the work and before the callback; the job is {}",
                    job.status
                )));
            }
            not_future("handed_in_on", *handed_in_on, today)?;
            not_before("handed_in_on", *handed_in_on, job.ended_on, "ended_on")?;
            let mut seen = Vec::new();
            for doc in documents {
                if job.handed_in_on(*doc).is_some() {
                    return Err(state(format!("the {doc} is handed in already")));
                }
                if !seen.contains(doc) {
                    seen.push(*doc);
                    out.handed_in.push((*doc, *handed_in_on));
                }
            }
            if out.handed_in.is_empty() {
                return Err(DomainError::invalid(
                    "documents",
                    "length",
                    "name at least one document",
                ));
            }
        }
        JobCommand::ConfirmCallback { confirmed_on } => {
            if job.status != S::Commissioned {
                return Err(state(format!(
                    "the callback confirms a commissioned job; this one is {}",
                    job.status
                )));
            }
            let missing: Vec<String> = CommissioningDocument::ALL
                .into_iter()
                .filter(|d| job.handed_in_on(*d).is_none())
                .map(|d| d.to_string())
                .collect();
            if !missing.is_empty() {
                return Err(DomainError::Rule {
                    rule: "CON-7",
                    message: format!(
                        "the callback confirms the job once all three documents are in; missing: {}",
                        missing.join(", ")
                    ),
                });
            }
            not_future("confirmed_on", *confirmed_on, today)?;
            let last = job.handed_in.iter().flatten().max().copied();
            not_before("confirmed_on", *confirmed_on, last, "the last hand-in")?;
            let recheck = recheck_required(rules, job.billable_points);
            out.callback_confirmed_on = Some(*confirmed_on);
            out.recheck_required = Some(recheck);
            if recheck {
                out.status = Some(S::AwaitingRecheck);
                out.recheck_due_on = confirmed_on.succ_opt();
            } else {
                out.status = Some(S::Completed);
            }
        }
        JobCommand::Recheck { rechecked_on } => {
            if job.status != S::AwaitingRecheck {
                return Err(state(format!(
                    "no re-check is awaited; the job is {}",
                    job.status
                )));
            }
            not_future("rechecked_on", *rechecked_on, today)?;
            not_before(
                "rechecked_on",
                *rechecked_on,
                job.callback_confirmed_on,
                "the callback",
            )?;
            out.status = Some(S::Completed);
            out.rechecked_on = Some(*rechecked_on);
        }
        JobCommand::RecordAcceptance { accepted_on } => {
            if matches!(job.status, S::PendingApproval | S::Approved) {
                return Err(state(format!(
                    "acceptance follows the commissioning; the job is {}",
                    job.status
                )));
            }
            if job.acceptance_on.is_some() {
                return Err(state("the acceptance is recorded already"));
            }
            not_future("accepted_on", *accepted_on, today)?;
            not_before("accepted_on", *accepted_on, job.ended_on, "ended_on")?;
            out.acceptance_on = Some(*accepted_on);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
