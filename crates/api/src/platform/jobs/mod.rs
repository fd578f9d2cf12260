pub mod purge;
pub mod testing;
