//! Periodic kinds leave one succeeded job per period behind; they are deleted after the
//! retention time. Dead jobs stay until an admin re-runs them.

use crate::kernel::error::ApiError;
use crate::kernel::jobs::{JobHandler, JobRun};
use kefu_store::{DbConnection, to_db_time};
use std::time::Duration;

pub struct PurgeJobs {
    pub retention: Duration,
}

impl JobHandler for PurgeJobs {
    fn kind(&self) -> &'static str {
        "jobs.purge"
    }

    fn run(&self, conn: &mut DbConnection, job: &JobRun<'_>) -> Result<(), ApiError> {
        let retention = chrono::Duration::from_std(self.retention).map_err(ApiError::internal)?;
        let purged = kefu_store::jobs::purge_succeeded(conn, to_db_time(job.now - retention))?;
        if purged > 0 {
            tracing::info!(purged, "succeeded jobs purged");
        }
        Ok(())
    }
}
