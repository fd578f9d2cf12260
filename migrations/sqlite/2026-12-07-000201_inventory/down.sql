DROP TABLE stock_movements;
DROP TABLE serial_units;
DROP TABLE stock_levels;
DROP TABLE stock_locations;
DROP TABLE parts;
