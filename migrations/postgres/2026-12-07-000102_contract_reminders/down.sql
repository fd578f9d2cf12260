DROP TABLE contract_reminders;
