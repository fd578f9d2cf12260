//! BIL-1: the fee schedule (客户服务部收费标准): priced items with a list price and a floor price.

use kefu_core::{DomainError, FieldError};
use utoipa::ToSchema;

kefu_core::string_enum! {
    /// BIL-1: what a fee item charges for. `travel` and `lodging` are what BIL-3 adds on top
    /// of a remote out-of-warranty repair; the floor price of a repair (BIL-12b) counts the
    /// other kinds only.
    #[derive(ToSchema)]
    pub enum FeeItemKind {
        Labour = "labour",
        Part = "part",
        Travel = "travel",
        Lodging = "lodging",
        Other = "other",
    }
}

impl FeeItemKind {
    /// Travel and lodging: charged on top of the repair fee (BIL-3), outside its floor price.
    pub fn is_trip(self) -> bool {
        matches!(self, FeeItemKind::Travel | FeeItemKind::Lodging)
    }
}

/// The largest price of one item, 10 million yuan in fen: keeps every quote total far from
/// `i64` overflow.
pub const MAX_PRICE_FEN: i64 = 1_000_000_000;

/// BIL-1: a floor price is what the item may be sold for at the least, so it is not above the
/// list price (422 naming `floor_price_fen` and `BIL-1`).
pub fn check_prices(list_price_fen: i64, floor_price_fen: i64) -> Result<(), DomainError> {
    if floor_price_fen > list_price_fen {
        return Err(DomainError::Invalid(vec![
            FieldError::new(
                "floor_price_fen",
                "above_list",
                "the floor price is not above the list price",
            )
            .by_rule("BIL-1"),
        ]));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bil_1_the_floor_price_is_not_above_the_list_price() {
        assert!(check_prices(50_000, 40_000).is_ok());
        assert!(check_prices(50_000, 50_000).is_ok());
        match check_prices(50_000, 50_001) {
            Err(DomainError::Invalid(e)) => {
                assert_eq!(e[0].field, "floor_price_fen");
                assert_eq!(e[0].rule, Some("BIL-1"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn bil_1_travel_and_lodging_are_trip_kinds() {
        assert!(FeeItemKind::Travel.is_trip() && FeeItemKind::Lodging.is_trip());
        assert!(!FeeItemKind::Labour.is_trip() && !FeeItemKind::Part.is_trip());
        assert!(!FeeItemKind::Other.is_trip());
    }
}
