DROP TABLE change_request_delays;
DROP TABLE change_request_events;
DROP TABLE change_requests;
DROP TABLE complaints;
