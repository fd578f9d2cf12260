//! `test.flaky`, registered only with `KEFU_JOBS_TEST_KINDS=1`: fails its first `fail_times`
//! attempts (payload `{"fail_times": n}`), then succeeds. The black-box tests drive retries,
//! backoff and dead letters through it.

use crate::kernel::error::ApiError;
use crate::kernel::jobs::{JobHandler, JobRun};
use kefu_store::DbConnection;

pub struct Flaky;

impl JobHandler for Flaky {
    fn kind(&self) -> &'static str {
        "test.flaky"
    }

    fn run(&self, _conn: &mut DbConnection, job: &JobRun<'_>) -> Result<(), ApiError> {
        let fail_times = job.payload["fail_times"].as_i64().unwrap_or(0);
        if job.attempt <= fail_times {
            return Err(ApiError::internal(format!(
                "planned failure {} of {fail_times}",
                job.attempt
            )));
        }
        Ok(())
    }
}
