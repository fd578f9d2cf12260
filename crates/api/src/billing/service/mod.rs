pub mod privacy;
pub mod tidings;

// -- customer-facing money --
pub mod chasing_notes;
pub mod fee_items;
pub mod invoices;
pub mod payments;
pub mod quotes;
pub mod rebates;
pub mod receivables;
pub mod repair_labour;
pub mod transfers;

// -- commissions and payroll --
pub mod commission_lines;
pub mod commission_months;
pub mod ledger_kinds;
pub mod payroll;
pub mod payroll_statements;

// -- expenses --
pub mod advances;
pub mod claims;
pub mod expense_pages;
pub mod phone;
pub mod travel;
