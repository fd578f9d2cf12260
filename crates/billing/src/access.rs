//! Who may run which command or read of the billing domain (ORG-1 roles), as data: [`ROLES`]
//! is what the routes check before loading anything (403 otherwise).
//!
//! Two kinds of record live here. Customer-facing money (fee schedule, quotes, payments,
//! invoices, receivables) belongs to a customer and follows the customer's ORG-5 visibility.
//! People's money (commission lines, expense claims, advances, payroll statements) is private:
//! one's own; finance, HR and management everyone's ([`SEE_ALL`]); a supervisor also their
//! teams' members' commission lines, never salaries. Anything else reads as 404.
//!
//! The table is kept in three sections (customer-facing money, commissions and payroll,
//! expenses) so each part of the domain adds its rows in its own place.

use Role::*;
use kefu_core::{DomainError, Role};

/// The guarded commands and reads of the billing domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    // -- customer-facing money (BIL-1 … BIL-8) --
    /// Read the fee schedule (BIL-1).
    FeeItemRead,
    /// Create, change and retire fee items (BIL-1).
    FeeItemEdit,
    /// Read repair quotes of visible customers (BIL-2).
    QuoteRead,
    /// Draw up, change, issue and cancel repair quotes (BIL-2, BIL-3).
    QuoteEdit,
    /// Approve a quote priced outside the schedule's band (BIL-2).
    QuoteApprove,
    /// Record the customer's acceptance or refusal (BIL-2).
    QuoteAnswer,
    /// Read payments and deposits of visible customers (BIL-4).
    PaymentRead,
    /// Record a payment or a deposit (BIL-4).
    PaymentRecord,
    /// Refund a deposit or convert it to a fee (BIL-4).
    DepositSettle,
    /// Read invoices and credit notes of visible customers (BIL-5).
    InvoiceRead,
    /// Issue invoices and credit notes (BIL-5).
    InvoiceIssue,
    /// Read customer rebates of visible customers (BIL-7).
    RebateRead,
    /// Record a customer rebate (BIL-7).
    RebateRecord,
    /// Cancel a rebate booked by mistake (BIL-7).
    RebateCancel,
    /// Read receivables, arrears and statements of visible customers (BIL-8).
    ReceivableRead,
    /// Read the chasing notes (催缴记录) of visible customers' arrears (BIL-8).
    ChasingNoteRead,
    /// Record a chasing call on a document in arrears (BIL-8).
    ChasingNoteAdd,
    // -- commissions and payroll (BIL-9 … BIL-13) --
    /// Read commission lines: one's own; a supervisor their teams'; SEE_ALL everyone's.
    CommissionLineRead,
    /// Compute a month's commissions without saving them.
    CommissionMonthPreview,
    /// Close a month: write its commission lines (idempotent).
    CommissionMonthClose,
    /// Close a year: write its year-end bonuses (BIL-12c).
    CommissionYearClose,
    /// The manager's approval of a repair's labour share (BIL-12b), first.
    RepairLabourManagerApprove,
    /// The executive's approval of a repair's labour share (BIL-12b), second.
    RepairLabourExecutiveApprove,
    /// Hand a job's unpaid 20% over to the engineer taking the job over (BIL-11).
    CommissionLineTransfer,
    /// Read payroll statements and their lines: one's own; SEE_ALL everyone's (BIL-13).
    PayrollRead,
    /// Preview a payroll month, or read its finance view (BIL-13).
    PayrollPreview,
    /// Generate a payroll month's statements (idempotent, BIL-13).
    PayrollGenerate,
    /// Approve a statement: it becomes immutable (BIL-13).
    PayrollApprove,
    /// Annotate a draft statement, add adjustments (BIL-13).
    PayrollEdit,
    /// Pay money out of the department fund (HR-F0 ledger, BIL-13 finance view).
    FundSpend,
    // -- expenses (BIL-14 … BIL-17) --
    /// Ask for a trip (one's own).
    TravelRequest,
    /// Read travel requests (privacy: one's own, or everyone's for [`SEE_ALL`]).
    TravelRead,
    /// Approve or refuse a travel request.
    TravelDecide,
    /// Claim a trip's expenses (one's own).
    ClaimSubmit,
    ClaimRead,
    /// Approve or refuse a claim.
    ClaimDecide,
    /// Pay a claim.
    ClaimPay,
    /// Ask for a cash advance (one's own).
    AdvanceRequest,
    AdvanceRead,
    /// The GM's approval (or refusal) of an advance.
    AdvanceDecide,
    /// Pay out an advance, or settle it against the claim.
    AdvancePay,
    /// Read the month's phone allowances.
    PhoneAllowanceRead,
}

impl Action {
    pub const ALL: &'static [Action] = &[
        // -- customer-facing money --
        Action::FeeItemRead,
        Action::FeeItemEdit,
        Action::QuoteRead,
        Action::QuoteEdit,
        Action::QuoteApprove,
        Action::QuoteAnswer,
        Action::PaymentRead,
        Action::PaymentRecord,
        Action::DepositSettle,
        Action::InvoiceRead,
        Action::InvoiceIssue,
        Action::RebateRead,
        Action::RebateRecord,
        Action::RebateCancel,
        Action::ReceivableRead,
        Action::ChasingNoteRead,
        Action::ChasingNoteAdd,
        // -- commissions and payroll --
        Action::CommissionLineRead,
        Action::CommissionMonthPreview,
        Action::CommissionMonthClose,
        Action::CommissionYearClose,
        Action::RepairLabourManagerApprove,
        Action::RepairLabourExecutiveApprove,
        Action::CommissionLineTransfer,
        Action::PayrollRead,
        Action::PayrollPreview,
        Action::PayrollGenerate,
        Action::PayrollApprove,
        Action::PayrollEdit,
        Action::FundSpend,
        // -- expenses --
        Action::TravelRequest,
        Action::TravelRead,
        Action::TravelDecide,
        Action::ClaimSubmit,
        Action::ClaimRead,
        Action::ClaimDecide,
        Action::ClaimPay,
        Action::AdvanceRequest,
        Action::AdvanceRead,
        Action::AdvanceDecide,
        Action::AdvancePay,
        Action::PhoneAllowanceRead,
    ];

    /// The rule a refusal of this action names.
    pub fn rule(self) -> &'static str {
        match self {
            // -- customer-facing money --
            Action::FeeItemRead | Action::FeeItemEdit => "BIL-1",
            Action::QuoteRead | Action::QuoteEdit | Action::QuoteApprove | Action::QuoteAnswer => {
                "BIL-2"
            }
            Action::PaymentRead | Action::PaymentRecord | Action::DepositSettle => "BIL-4",
            Action::InvoiceRead | Action::InvoiceIssue => "BIL-5",
            Action::RebateRead | Action::RebateRecord | Action::RebateCancel => "BIL-7",
            Action::ReceivableRead | Action::ChasingNoteRead | Action::ChasingNoteAdd => "BIL-8",
            // -- commissions and payroll --
            Action::CommissionLineRead => "ORG-5",
            Action::CommissionMonthPreview | Action::CommissionMonthClose => "BIL-9",
            Action::CommissionYearClose => "BIL-12c",
            Action::CommissionLineTransfer => "BIL-11",
            Action::RepairLabourManagerApprove | Action::RepairLabourExecutiveApprove => "BIL-12b",
            Action::PayrollRead
            | Action::PayrollPreview
            | Action::PayrollGenerate
            | Action::PayrollApprove
            | Action::PayrollEdit => "BIL-13",
            Action::FundSpend => "HR-F0",
            // -- expenses --
            Action::TravelRequest | Action::TravelRead | Action::TravelDecide => "BIL-14",
            Action::ClaimSubmit | Action::ClaimRead | Action::ClaimDecide | Action::ClaimPay => {
                "BIL-15"
            }
            Action::AdvanceRequest
            | Action::AdvanceRead
            | Action::AdvanceDecide
            | Action::AdvancePay => "BIL-16",
            Action::PhoneAllowanceRead => "BIL-17",
        }
    }
}

/// Everyone who works here: all roles but `customer_contact`.
pub const STAFF: &[Role] = &[
    Admin,
    Manager,
    Supervisor,
    Clerk,
    Engineer,
    CallbackAgent,
    QaInspector,
    Finance,
    Hr,
    Executive,
];

/// Customer-facing money is read by every staff member and by the customer's own contacts,
/// each within ORG-5 (the customer's visibility).
pub const CUSTOMER_FACING: &[Role] = &[
    Admin,
    Manager,
    Supervisor,
    Clerk,
    Engineer,
    CallbackAgent,
    QaInspector,
    Finance,
    Hr,
    Executive,
    CustomerContact,
];

/// Who draws up and issues repair quotes: the repairing side and the office.
pub const QUOTE_EDITORS: &[Role] = &[Admin, Manager, Supervisor, Clerk, Engineer, Finance];

/// Privacy of people's money: the roles that see everyone's commission lines, claims,
/// advances and statements.
pub const SEE_ALL: &[Role] = &[Admin, Manager, Finance, Hr, Executive];

/// Who may run each action. Every [`Action`] has exactly one row (a test checks it).
pub const ROLES: &[(Action, &[Role])] = &[
    // -- customer-facing money --
    (Action::FeeItemRead, STAFF),
    (Action::FeeItemEdit, &[Admin, Manager, Finance]),
    (Action::QuoteRead, CUSTOMER_FACING),
    (Action::QuoteEdit, QUOTE_EDITORS),
    (Action::QuoteApprove, &[Admin, Manager]),
    (
        Action::QuoteAnswer,
        &[
            Admin,
            Manager,
            Supervisor,
            Clerk,
            Engineer,
            Finance,
            CustomerContact,
        ],
    ),
    (Action::PaymentRead, CUSTOMER_FACING),
    (Action::PaymentRecord, &[Admin, Manager, Finance, Clerk]),
    (Action::DepositSettle, &[Admin, Manager, Finance]),
    (Action::InvoiceRead, CUSTOMER_FACING),
    (Action::InvoiceIssue, &[Admin, Manager, Finance]),
    (Action::RebateRead, CUSTOMER_FACING),
    // Money going back to a customer is booked by the office that books money coming in.
    (Action::RebateRecord, &[Admin, Manager, Finance]),
    (Action::RebateCancel, &[Admin, Manager, Finance]),
    // A customer's contacts reconcile their own statement; chasing notes are the staff's.
    (Action::ReceivableRead, CUSTOMER_FACING),
    (Action::ChasingNoteRead, STAFF),
    // The clerks chase arrears (seed 002: 内勤 对帐和欠款催缴), with finance, the customer's
    // engineer and their leads.
    (
        Action::ChasingNoteAdd,
        &[Admin, Manager, Supervisor, Clerk, Engineer, Finance],
    ),
    // -- commissions and payroll --
    (Action::CommissionLineRead, STAFF),
    (Action::CommissionMonthPreview, SEE_ALL),
    (Action::CommissionMonthClose, &[Admin, Manager, Finance]),
    (Action::CommissionYearClose, &[Admin, Manager, Finance]),
    // Seed 002 §5.2 (5): 客户服务部经理及销售副总经理审核 — the manager, then the executive.
    (Action::RepairLabourManagerApprove, &[Admin, Manager]),
    (Action::RepairLabourExecutiveApprove, &[Admin, Executive]),
    // Seed 002 §5.3 (3): the manager arranges who carries on the work (由客服经理安排其他客服人员).
    (Action::CommissionLineTransfer, &[Admin, Manager]),
    (Action::PayrollRead, STAFF),
    (Action::PayrollPreview, SEE_ALL),
    (Action::PayrollGenerate, &[Admin, Manager, Finance]),
    (Action::PayrollApprove, &[Admin, Finance]),
    (Action::PayrollEdit, &[Admin, Finance]),
    (Action::FundSpend, &[Admin, Manager, Finance]),
    // -- expenses --
    (Action::TravelRequest, STAFF),
    (Action::TravelRead, STAFF),
    (Action::TravelDecide, &[Admin, Manager]),
    (Action::ClaimSubmit, STAFF),
    (Action::ClaimRead, STAFF),
    (Action::ClaimDecide, &[Admin, Manager]),
    (Action::ClaimPay, &[Admin, Finance]),
    (Action::AdvanceRequest, STAFF),
    (Action::AdvanceRead, STAFF),
    // The GM (总经理) is the `executive` role.
    (Action::AdvanceDecide, &[Admin, Executive]),
    (Action::AdvancePay, &[Admin, Finance]),
    (Action::PhoneAllowanceRead, STAFF),
];

pub fn may(action: Action, roles: &[Role]) -> bool {
    kefu_core::access::may(ROLES, action, roles)
}

pub fn require(action: Action, roles: &[Role]) -> Result<(), DomainError> {
    kefu_core::access::require(ROLES, action, action.rule(), roles)
}

/// Privacy: whether `roles` see everyone's people-money records.
pub fn sees_everyone(roles: &[Role]) -> bool {
    roles.iter().any(|r| SEE_ALL.contains(r))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_exactly_one_row() {
        for action in Action::ALL {
            assert_eq!(ROLES.iter().filter(|(a, _)| a == action).count(), 1);
        }
        assert_eq!(ROLES.len(), Action::ALL.len());
    }

    #[test]
    fn finance_hr_and_management_see_everyone_engineers_and_supervisors_do_not() {
        assert!(sees_everyone(&[Finance]) && sees_everyone(&[Hr]) && sees_everyone(&[Manager]));
        assert!(!sees_everyone(&[Engineer]) && !sees_everyone(&[Supervisor]));
        assert!(!STAFF.contains(&CustomerContact));
    }
}
