DROP TABLE commissioning_jobs;
