DROP TABLE rule_versions;
DROP TABLE rule_sets;
