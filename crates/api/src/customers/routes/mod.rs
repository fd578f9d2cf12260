pub mod cities;
pub mod contacts;
pub mod customers;
pub mod sites;
