-- Remediation records: one fix of one CVE or advisory for one device
-- model, from the software vendor's publication through the manufacturer's
-- validation to every device. The dates the clocks count from, the
-- approval and the timeline are in doc (cordon.RemediationRecord without
-- its devices); state, subject and model are columns for filtering.
CREATE TABLE remediations (
	id         INTEGER PRIMARY KEY,
	cve        TEXT    NOT NULL CHECK (length(cve) BETWEEN 1 AND 64),
	model_id   INTEGER NOT NULL REFERENCES device_models (id) ON DELETE CASCADE,
	state      TEXT    NOT NULL CHECK (state IN ('fix_published', 'awaiting_validation', 'approved', 'rejected',
		'not_applicable', 'scheduled', 'applied')),
	doc        TEXT    NOT NULL,
	created_by TEXT    NOT NULL DEFAULT '',
	created_at TEXT    NOT NULL,
	updated_at TEXT    NOT NULL,
	UNIQUE (cve, model_id)
);
CREATE INDEX remediations_model ON remediations (model_id);
CREATE INDEX remediations_state ON remediations (state, id);

-- Where each device of a remediation's model stands. A device that leaves
-- the register leaves its remediations with it.
CREATE TABLE remediation_devices (
	remediation_id INTEGER NOT NULL REFERENCES remediations (id) ON DELETE CASCADE,
	device_id      INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
	state          TEXT    NOT NULL CHECK (state IN ('pending', 'scheduled', 'applied')),
	scheduled      TEXT    NOT NULL DEFAULT '',
	applied        TEXT    NOT NULL DEFAULT '',
	applied_by     TEXT    NOT NULL DEFAULT '',
	PRIMARY KEY (remediation_id, device_id)
);
CREATE INDEX remediation_devices_device ON remediation_devices (device_id);
