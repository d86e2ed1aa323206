-- Alerts: something a person should look at, raised by the governance
-- checks (and, from issue 6, by detections in traffic). While an alert of a
-- kind about a device and subject is open (new or acknowledged), raising it
-- again counts it again: the partial unique index makes that key unique
-- among open alerts, so two writers cannot open the same alert twice.
-- device_id 0 means an alert about no device; it is not a foreign key so
-- that an alert outlives the device it was about (its history matters
-- more than the register's tidiness), and the reader fills the device only
-- when it still exists.
CREATE TABLE alerts (
	id         INTEGER PRIMARY KEY,
	kind       TEXT    NOT NULL CHECK (length(kind) BETWEEN 1 AND 64),
	severity   TEXT    NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low', 'info')),
	device_id  INTEGER NOT NULL DEFAULT 0,
	subject    TEXT    NOT NULL DEFAULT '' CHECK (length(subject) <= 256),
	title      TEXT    NOT NULL CHECK (length(title) BETWEEN 1 AND 512),
	evidence   TEXT    NOT NULL DEFAULT '[]', -- JSON array of strings
	first_seen TEXT    NOT NULL,
	last_seen  TEXT    NOT NULL,
	count      INTEGER NOT NULL DEFAULT 1 CHECK (count >= 1),
	status     TEXT    NOT NULL CHECK (status IN ('new', 'acknowledged', 'resolved', 'false_positive')),
	owner      TEXT    NOT NULL DEFAULT '',
	note       TEXT    NOT NULL DEFAULT '',
	updated_by TEXT    NOT NULL DEFAULT '',
	updated_at TEXT    NOT NULL
);
CREATE UNIQUE INDEX alerts_open_key ON alerts (kind, device_id, subject) WHERE status IN ('new', 'acknowledged');
CREATE INDEX alerts_last_seen ON alerts (last_seen);
CREATE INDEX alerts_device ON alerts (device_id, last_seen);
CREATE INDEX alerts_status ON alerts (status, last_seen);

-- Each device's lifecycle: commissioning, expected life, the planned
-- replacement and its cost, end of support recorded by hand, and where it
-- stands (in service, decommissioned, disposed) with the sanitisation of
-- its storage. A device without a row is in service with nothing recorded.
-- Dates are stored as YYYY-MM-DD (they are days, not instants); '' is not
-- recorded.
CREATE TABLE device_lifecycles (
	device_id          INTEGER PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
	commissioned_on    TEXT    NOT NULL DEFAULT '',
	life_years         INTEGER NOT NULL DEFAULT 0 CHECK (life_years BETWEEN 0 AND 50),
	replace_on         TEXT    NOT NULL DEFAULT '', -- set by hand; '' means commissioning + life
	replacement_cost   INTEGER NOT NULL DEFAULT 0 CHECK (replacement_cost >= 0), -- GBP, whole pounds
	funding_note       TEXT    NOT NULL DEFAULT '',
	end_of_support_on  TEXT    NOT NULL DEFAULT '', -- recorded by hand, with its source
	end_of_support_src TEXT    NOT NULL DEFAULT '',
	state              TEXT    NOT NULL DEFAULT 'in_service' CHECK (state IN ('in_service', 'decommissioned', 'disposed')),
	decommissioned_on  TEXT    NOT NULL DEFAULT '',
	decommission_why   TEXT    NOT NULL DEFAULT '',
	decommissioned_by  TEXT    NOT NULL DEFAULT '',
	disposed_on        TEXT    NOT NULL DEFAULT '',
	disposed_by        TEXT    NOT NULL DEFAULT '',
	sanitisation       TEXT    NOT NULL DEFAULT '', -- cordon.Sanitisation as JSON, '' when none
	updated_by         TEXT    NOT NULL DEFAULT '',
	updated_at         TEXT    NOT NULL
);
CREATE INDEX device_lifecycles_state ON device_lifecycles (state);
