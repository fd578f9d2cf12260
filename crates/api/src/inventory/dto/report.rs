use crate::kernel::export::{Column, Exportable};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// INV-9: the month, and optionally one location (default: all, the company's stock).
/// `/export` (XLSX or CSV) downloads the lines.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MonthlyReportQuery {
    /// `YYYY-MM`.
    #[param(example = "2026-03")]
    pub month: String,
    /// Only the stock at this location: movements to and from other locations count as in
    /// and out.
    pub location_id: Option<String>,
}

impl crate::kernel::export::Paged for MonthlyReportQuery {
    // The report is one page: nothing to restart.
    fn restart(&mut self, _cursor: Option<String>, _limit: u32) {}
}

/// INV-9: one part's line.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MonthlyLine {
    /// The part.
    pub part_id: String,
    /// The part's code.
    pub code: String,
    /// The part's name.
    pub name: String,
    /// The stock when the month began.
    pub opening: i64,
    /// Units that came in during the month.
    pub received: i64,
    /// Units that went out during the month.
    pub sent: i64,
    /// Units lent to engineers during the month (INV-2).
    pub loans: i64,
    /// Of `sent`, the units lost or damaged (INV-3).
    pub losses: i64,
    /// `opening + received − sent`: the stock when the month ended (for the month in progress, the
    /// live stock).
    pub closing: i64,
}

/// INV-9: the monthly spare-parts report (备品统计月报表).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MonthlyReport {
    /// The month, `YYYY-MM`.
    #[schema(example = "2026-03")]
    pub month: String,
    /// First day of the month.
    pub from: NaiveDate,
    /// Last day of the month.
    pub to: NaiveDate,
    /// The location reported on; none for all of them.
    pub location_id: Option<String>,
    /// One line per part.
    pub lines: Vec<MonthlyLine>,
}

const fn col(field: &'static str, zh: &'static str) -> Column {
    Column { field, zh }
}

pub const MONTHLY_EXPORT: Exportable = Exportable {
    operation_id: "getSparePartsMonthlyReport",
    file: "spare-parts-monthly",
    columns: &[
        col("part_id", "备件编号"),
        col("code", "备件代码"),
        col("name", "备件名称"),
        col("opening", "期初"),
        col("received", "入库"),
        col("sent", "出库"),
        col("loans", "借出"),
        col("losses", "丢失损坏"),
        col("closing", "期末"),
    ],
};
