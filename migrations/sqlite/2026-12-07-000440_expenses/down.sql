DROP TABLE cash_advances;
DROP TABLE expense_claims;
DROP TABLE travel_requests;
