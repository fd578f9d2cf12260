DROP TABLE service_records;
DROP TABLE visits;
DROP TABLE ticket_transitions;
DROP TABLE tickets;
DROP TABLE ticket_counters;
