pub mod callbacks;
pub mod change_requests;
pub mod complaints;
pub mod feedback_forms;
pub mod kb;
pub mod tickets;
pub mod visits;
pub mod work_orders;
