-- Whether a learning split the automatic zones by /24 subnet, so that
-- learning again from the zone editor keeps the analyst's choice.
ALTER TABLE policy_learnings ADD COLUMN by_subnet INTEGER NOT NULL DEFAULT 0 CHECK (by_subnet IN (0, 1));
