pub mod audit_checkpoint;
pub mod purge;
pub mod testing;
