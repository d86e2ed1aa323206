-- The network policy (issue 6): the latest learning run with its zones and
-- zone-to-zone matrix, the learned baselines, the rules (suggested,
-- approved, rejected) and the flows held back for review. The policy
-- package's structures are kept as JSON; the columns beside them are what
-- the review workflow selects and checks on.

CREATE TABLE policy_learnings (
	id            INTEGER PRIMARY KEY,
	window_start  TEXT    NOT NULL,
	window_end    TEXT    NOT NULL,
	days          INTEGER NOT NULL CHECK (days >= 0),
	conversations INTEGER NOT NULL CHECK (conversations >= 0),
	skipped       INTEGER NOT NULL CHECK (skipped >= 0),
	zones         TEXT    NOT NULL CHECK (json_valid(zones)),
	matrix        TEXT    NOT NULL CHECK (json_valid(matrix)),
	zone_specs    TEXT    NOT NULL CHECK (json_valid(zone_specs)),
	learned_by    TEXT    NOT NULL DEFAULT '',
	learned_at    TEXT    NOT NULL
);

-- One rule. signature names the flow it allows, so that learning again
-- does not suggest a rule already decided.
CREATE TABLE policy_rules (
	id        INTEGER PRIMARY KEY,
	state     TEXT    NOT NULL CHECK (state IN ('suggested', 'approved', 'rejected')),
	signature TEXT    NOT NULL,
	body      TEXT    NOT NULL CHECK (json_valid(body))
);
CREATE INDEX policy_rules_state ON policy_rules (state);
CREATE INDEX policy_rules_signature ON policy_rules (signature);

-- A flow held back for review; rule_id is the rule an analyst approved it
-- into (never for a forbidden one: checked in Go).
CREATE TABLE policy_review (
	id        INTEGER PRIMARY KEY,
	forbidden INTEGER NOT NULL CHECK (forbidden IN (0, 1)),
	rule_id   INTEGER NOT NULL DEFAULT 0,
	body      TEXT    NOT NULL CHECK (json_valid(body))
);

CREATE TABLE policy_baselines (
	scope TEXT NOT NULL CHECK (scope IN ('device', 'model')),
	key   TEXT NOT NULL,
	data  TEXT NOT NULL CHECK (json_valid(data)),
	PRIMARY KEY (scope, key)
);
