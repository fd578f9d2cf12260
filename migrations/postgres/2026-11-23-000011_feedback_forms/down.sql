DROP TABLE feedback_form_versions;
DROP TABLE feedback_forms;
