pub mod attendance;
