//! INV-1: the closed sets of the parts catalogue, its locations and its ledger.

use utoipa::ToSchema;

kefu_core::string_enum! {
    /// INV-1: how a part is tracked.
    #[derive(ToSchema)]
    pub enum PartKind {
        /// Each physical unit carries a serial number and is tracked one by one.
        Serialised = "serialised",
        /// Counted by quantity only.
        Bulk = "bulk",
    }
}

kefu_core::string_enum! {
    /// INV-1: where stock is kept.
    #[derive(ToSchema)]
    pub enum LocationKind {
        /// 仓库.
        Warehouse = "warehouse",
        /// 故障服务中心: the fault-service centre.
        ServiceCentre = "service_centre",
        /// The stock in one engineer's hands (one location per engineer).
        Engineer = "engineer",
    }
}

kefu_core::string_enum! {
    /// INV-1: what a ledger row records. Every change of stock is one row of one kind; `loan`
    /// and the RMA kinds are written by the loan (INV-2) and RMA (INV-6) records.
    #[derive(ToSchema)]
    pub enum MovementKind {
        /// Stock arrives from outside (a purchase): into a location.
        Receipt = "receipt",
        /// The warehouse hands stock to another location (an engineer, the service centre).
        Issue = "issue",
        /// Issued to an engineer on a loan (INV-2).
        Loan = "loan",
        /// Back from one location to another (an engineer returns to the warehouse).
        Return = "return",
        /// Used up on a job: out of stock.
        Consumption = "consumption",
        /// Lost (INV-3): out of stock.
        Loss = "loss",
        /// Damaged beyond use (INV-3): out of stock.
        Damage = "damage",
        /// A count found more (into the location) or less (out of it) than the books.
        CountAdjustment = "count_adjustment",
        /// Sent to the manufacturer (INV-6).
        RmaOut = "rma_out",
        /// Back from the manufacturer (INV-6).
        RmaIn = "rma_in",
    }
}

kefu_core::string_enum! {
    /// Where a serialised unit stands.
    #[derive(ToSchema)]
    pub enum UnitStatus {
        /// At a location (`location_id`).
        InStock = "in_stock",
        Consumed = "consumed",
        Lost = "lost",
        Damaged = "damaged",
        /// Written off: a count did not find it, or its manufacturer neither repaired nor
        /// replaced it (INV-6).
        WrittenOff = "written_off",
        /// Sent to its manufacturer (INV-6): out of stock until it comes back.
        AtManufacturer = "at_manufacturer",
    }
}
