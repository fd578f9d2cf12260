pub mod catalogue;
pub mod counts;
pub mod intakes;
pub mod loans;
pub mod minimums;
pub mod report;
pub mod rma;
pub mod rotation;
pub mod stock;

crate::kernel::fields::text_item!(
    /// A serial number named in a list (INV-1).
    SerialItem,
    1,
    kefu_inventory::movements::MAX_SERIAL_CHARS
);

crate::kernel::fields::text_item!(
    /// An accessory received with a device (INV-5).
    AccessoryItem,
    1,
    kefu_inventory::intake::MAX_ACCESSORY_CHARS
);
