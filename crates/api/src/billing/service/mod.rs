pub mod privacy;

// -- customer-facing money --
pub mod fee_items;
pub mod invoices;
pub mod payments;
pub mod quotes;

// -- commissions and payroll --

// -- expenses --
