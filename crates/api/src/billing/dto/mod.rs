// -- customer-facing money --

// -- commissions and payroll --
pub mod commission_lines;
pub mod commission_months;

// -- expenses --
pub mod advances;
pub mod claims;
pub mod phone;
pub mod travel;
