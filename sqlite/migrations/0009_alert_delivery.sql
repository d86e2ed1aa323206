-- Alert delivery (issue 6): the destinations alerts are queued for, the
-- outbox the delivery worker drains, per-destination delivery counts for
-- /metrics, and suppression rules with the alerts they held back.

-- The destination names of the running delivery configuration; the
-- outbox gets one entry per name for each alert raised.
CREATE TABLE delivery_destinations (
	name TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 64)
);

-- One alert to deliver to one destination. Written in the transaction that
-- raises the alert, so nothing is lost across restarts. Delivered entries
-- are kept a while for the record, then pruned; failed ones (given up
-- after the last retry) stay until a person looks.
CREATE TABLE outbox (
	id           INTEGER PRIMARY KEY,
	alert_id     INTEGER NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
	destination  TEXT    NOT NULL CHECK (length(destination) BETWEEN 1 AND 64),
	status       TEXT    NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
	attempts     INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
	next_attempt TEXT    NOT NULL,
	last_error   TEXT    NOT NULL DEFAULT '',
	created_at   TEXT    NOT NULL,
	updated_at   TEXT    NOT NULL
);
CREATE INDEX outbox_due ON outbox (status, next_attempt);
CREATE INDEX outbox_alert ON outbox (alert_id);

-- Counters survive the pruning of delivered entries.
CREATE TABLE delivery_counts (
	destination TEXT    PRIMARY KEY,
	ok          INTEGER NOT NULL DEFAULT 0,
	failed      INTEGER NOT NULL DEFAULT 0
);

-- Suppression rules: '' and 0 match anything; at least one field narrows
-- (checked in Go). Deleting a rule keeps the record of what it suppressed.
CREATE TABLE suppression_rules (
	id             INTEGER PRIMARY KEY,
	kind           TEXT    NOT NULL DEFAULT '' CHECK (length(kind) <= 64),
	device_id      INTEGER NOT NULL DEFAULT 0,
	model_id       INTEGER NOT NULL DEFAULT 0,
	subject_prefix TEXT    NOT NULL DEFAULT '' CHECK (length(subject_prefix) <= 256),
	reason         TEXT    NOT NULL CHECK (length(reason) BETWEEN 1 AND 1024),
	expires_at     TEXT    NOT NULL,
	created_by     TEXT    NOT NULL DEFAULT '',
	created_at     TEXT    NOT NULL
);
CREATE INDEX suppression_rules_expires ON suppression_rules (expires_at);

-- Which rule held an alert back from delivery, with its reason copied so
-- the record outlives the rule.
CREATE TABLE alert_suppressions (
	alert_id INTEGER PRIMARY KEY REFERENCES alerts (id) ON DELETE CASCADE,
	rule_id  INTEGER NOT NULL,
	reason   TEXT    NOT NULL,
	at       TEXT    NOT NULL
);
