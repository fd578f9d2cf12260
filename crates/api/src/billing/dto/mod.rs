// -- customer-facing money --
pub mod fee_items;
pub mod invoices;
pub mod payments;
pub mod quotes;
pub mod rebates;
pub mod receivables;

// -- commissions and payroll --
pub mod commission_lines;
pub mod commission_months;
pub mod payroll;

// -- expenses --
pub mod advances;
pub mod claims;
pub mod phone;
pub mod travel;
