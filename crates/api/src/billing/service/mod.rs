pub mod privacy;

// -- customer-facing money --

// -- commissions and payroll --

// -- expenses --
