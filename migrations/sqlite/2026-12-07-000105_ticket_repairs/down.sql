DROP INDEX tickets_equipment_idx;
DROP TABLE ticket_repairs;
