DROP TABLE calendar_schedules;
