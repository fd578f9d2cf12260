DROP INDEX tickets_resolution_due_idx;
DROP INDEX tickets_response_due_idx;
DROP TABLE ticket_sla_marks;
