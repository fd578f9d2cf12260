pub mod catalogue;
pub mod stock;
