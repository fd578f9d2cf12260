//! Spare parts (INV-1, INV-4): the catalogue and locations ([`catalogue`]), and stock levels,
//! serialised units and the ledger ([`stock`]), changed by conditional updates only.

pub mod catalogue;
pub mod counts;
pub mod intakes;
pub mod loans;
pub mod rma;
pub mod stock;

/// ORG-5 for stock: everything, or the locations in the caller's own hands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StockScope {
    pub all: bool,
    /// The caller's own locations (an engineer's hands).
    pub location_ids: Vec<String>,
}

impl StockScope {
    pub fn everything() -> StockScope {
        StockScope {
            all: true,
            location_ids: Vec::new(),
        }
    }

    /// Whether stock kept at `location_id` is visible.
    pub fn sees_stock_at(&self, location_id: &str) -> bool {
        self.all || self.location_ids.iter().any(|l| l == location_id)
    }
}
