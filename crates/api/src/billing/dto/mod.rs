// -- customer-facing money --

// -- commissions and payroll --

// -- expenses --
pub mod advances;
pub mod claims;
pub mod phone;
pub mod travel;
