// -- customer-facing money --

// -- commissions and payroll --

// -- expenses --
