pub mod catalogue;
pub mod counts;
pub mod loans;
pub mod minimums;
pub mod report;
pub mod rma;
pub mod rotation;
pub mod stock;
