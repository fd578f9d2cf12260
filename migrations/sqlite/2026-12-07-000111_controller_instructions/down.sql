DROP TABLE controller_instructions;
