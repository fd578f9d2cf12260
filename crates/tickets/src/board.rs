//! The orders the dispatcher's board pages tickets in (issue 18): newest first for the intake
//! desk, oldest first for a backlog review, most urgent resolution first for the SLA watch.
//! Each pages by (column, id), so a page boundary is exact however many tickets share an
//! instant, and each has an index on both databases.

use utoipa::ToSchema;

kefu_core::string_enum! {
    /// The order of a ticket list: a column, `-` first for descending. Ties go by id in the
    /// same direction.
    #[derive(ToSchema)]
    pub enum TicketSort {
        CreatedAt = "created_at",
        NewestFirst = "-created_at",
        ResolutionDueAt = "resolution_due_at",
    }
}
