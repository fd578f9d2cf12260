DELETE FROM payroll_lines WHERE kind = 'year_best_award';
ALTER TABLE payroll_lines DROP CONSTRAINT payroll_lines_kind_check;
ALTER TABLE payroll_lines ADD CONSTRAINT payroll_lines_kind_check
    CHECK (kind IN ('base_salary', 'phone_allowance', 'commission', 'base_salary_cut', 'grade_reward', 'streak_bonus', 'star_reward', 'fine', 'lateness_fine', 'part_charge', 'adjustment'));
ALTER TABLE payroll_lines DROP CONSTRAINT payroll_lines_source_kind_check;
ALTER TABLE payroll_lines ADD CONSTRAINT payroll_lines_source_kind_check
    CHECK (source_kind IN ('employee', 'commission_line', 'scorecard', 'fine', 'part_charge', 'payroll_adjustment'));
