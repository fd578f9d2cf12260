DROP TABLE callback_follow_ups;
DROP TABLE callbacks;
