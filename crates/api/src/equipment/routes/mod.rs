pub mod equipment;
pub mod products;
