-- HR-S5/BIL-13: the year's best total is paid with December's statement, a line of kind
-- `year_best_award` whose source is the year's standing (`score_year`, `YYYY:position`). Keep
-- in step with migrations/sqlite: a test compares the two schemas.
ALTER TABLE payroll_lines DROP CONSTRAINT payroll_lines_kind_check;
ALTER TABLE payroll_lines ADD CONSTRAINT payroll_lines_kind_check
    CHECK (kind IN ('base_salary', 'phone_allowance', 'commission', 'base_salary_cut', 'grade_reward', 'streak_bonus', 'star_reward', 'year_best_award', 'fine', 'lateness_fine', 'part_charge', 'adjustment'));
ALTER TABLE payroll_lines DROP CONSTRAINT payroll_lines_source_kind_check;
ALTER TABLE payroll_lines ADD CONSTRAINT payroll_lines_source_kind_check
    CHECK (source_kind IN ('employee', 'commission_line', 'scorecard', 'fine', 'part_charge', 'payroll_adjustment', 'score_year'));
