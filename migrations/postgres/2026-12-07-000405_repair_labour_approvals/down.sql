DROP TABLE repair_labour_approvals;
