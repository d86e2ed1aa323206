-- Exceptions: a device, or every device of a model, that cannot be fixed
-- (no validated patch yet, end of support, a clinical constraint), with who
-- owns the risk, until when, and the compensating controls that protect it.
-- Exactly one of device_id and model_id is set. Dates are 'YYYY-MM-DD' (a
-- day in UTC), so they compare as text with the store's today; expires is
-- the last day the exception holds. The state is not stored: revoked when
-- revoked_at is set, otherwise expired once today is after expires.
CREATE TABLE exceptions (
	id            INTEGER PRIMARY KEY,
	device_id     INTEGER REFERENCES devices (id) ON DELETE CASCADE,
	model_id      INTEGER REFERENCES device_models (id) ON DELETE CASCADE,
	reason        TEXT    NOT NULL CHECK (reason IN ('no_validated_patch', 'end_of_support', 'clinical_constraint', 'other')),
	reason_text   TEXT    NOT NULL DEFAULT '',
	cves          TEXT    NOT NULL DEFAULT '[]', -- JSON array of CVE IDs; [] covers all
	risk_ref      TEXT    NOT NULL CHECK (length(risk_ref) BETWEEN 1 AND 100),
	owner         TEXT    NOT NULL CHECK (length(owner) BETWEEN 1 AND 200),
	expires       TEXT    NOT NULL CHECK (length(expires) = 10),
	revoked_at    TEXT    NOT NULL DEFAULT '',
	revoked_by    TEXT    NOT NULL DEFAULT '',
	revoke_reason TEXT    NOT NULL DEFAULT '',
	created_by    TEXT    NOT NULL DEFAULT '',
	updated_by    TEXT    NOT NULL DEFAULT '',
	created_at    TEXT    NOT NULL,
	updated_at    TEXT    NOT NULL,
	CHECK ((device_id IS NULL) <> (model_id IS NULL))
);
CREATE INDEX exceptions_device ON exceptions (device_id);
CREATE INDEX exceptions_model ON exceptions (model_id);
CREATE INDEX exceptions_expires ON exceptions (expires);

-- The compensating controls of an exception, in the order given.
CREATE TABLE exception_controls (
	exception_id INTEGER NOT NULL REFERENCES exceptions (id) ON DELETE CASCADE,
	position     INTEGER NOT NULL,
	kind         TEXT    NOT NULL,
	class        TEXT    NOT NULL CHECK (class IN ('likelihood', 'impact')),
	status       TEXT    NOT NULL CHECK (status IN ('planned', 'in_place', 'verified')),
	evidence     TEXT    NOT NULL DEFAULT '',
	review_date  TEXT    NOT NULL CHECK (length(review_date) = 10),
	PRIMARY KEY (exception_id, position)
);
CREATE INDEX exception_controls_review ON exception_controls (review_date);
