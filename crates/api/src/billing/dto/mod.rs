// -- customer-facing money --

// -- commissions and payroll --

// -- expenses --
pub mod claims;
pub mod travel;
