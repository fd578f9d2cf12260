DROP TABLE contract_items;
DROP TABLE contracts;
