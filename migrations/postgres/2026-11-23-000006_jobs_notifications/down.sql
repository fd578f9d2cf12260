DROP INDEX equipment_warranty_end_idx;
DROP TABLE notifications;
DROP TABLE jobs;
