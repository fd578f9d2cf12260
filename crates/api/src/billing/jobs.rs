//! The billing domain's scheduled work (registered in `app::job_registry`), on the platform
//! scheduler (exactly once across instances: each line's write is a conditional claim).
//!
//! - `billing.commission_refresh` (BIL-11, HR-F4): keeps every closed commission month in step
//!   with the facts — lines `pending` → `due` once documents and callback, acceptance or year
//!   end come; `withheld` for late documents (with the HR-F4 fine proposal, once); `forfeited`
//!   for people who left — with the audit entries, webhook events and notices of a close.

use crate::billing::service::commission_months;
use crate::kernel::error::ApiError;
use crate::kernel::jobs::{JobHandler, JobRun};
use kefu_store::{DbConnection, write_tx};

pub struct CommissionRefresh;

impl JobHandler for CommissionRefresh {
    fn kind(&self) -> &'static str {
        "billing.commission_refresh"
    }

    fn run(&self, conn: &mut DbConnection, job: &JobRun<'_>) -> Result<(), ApiError> {
        let ctx = job.ctx();
        for month in commission_months::months_to_refresh(conn, job.today)? {
            // One transaction per month: a failure leaves the other months' work done.
            write_tx(conn, |conn| {
                commission_months::refresh(conn, &ctx, month, job.today)
            })?;
        }
        Ok(())
    }
}
