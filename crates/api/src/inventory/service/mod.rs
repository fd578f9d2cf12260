pub mod catalogue;
pub mod loans;
pub mod stock;
