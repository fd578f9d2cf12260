//! The billing domain's scheduled work (registered in `app::job_registry`).
