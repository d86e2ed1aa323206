-- Suppliers (guidance step 5): third parties that maintain devices, their
-- contracts and service levels, the remote access they use and what they
-- serve. name_key is the name lower-cased with white space collapsed, so
-- that two spellings of one supplier conflict.
CREATE TABLE suppliers (
	id         INTEGER PRIMARY KEY,
	name       TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	name_key   TEXT    NOT NULL UNIQUE,
	contact    TEXT    NOT NULL DEFAULT '',
	email      TEXT    NOT NULL DEFAULT '',
	phone      TEXT    NOT NULL DEFAULT '',
	notes      TEXT    NOT NULL DEFAULT '',
	created_at TEXT    NOT NULL,
	updated_at TEXT    NOT NULL
);

-- Contracts in the order given. Dates are fixed-width UTC text, '' when not
-- recorded (start) or open-ended (end); 0 service levels mean none set.
CREATE TABLE supplier_contracts (
	supplier_id  INTEGER NOT NULL REFERENCES suppliers (id) ON DELETE CASCADE,
	seq          INTEGER NOT NULL,
	reference    TEXT    NOT NULL,
	start_at     TEXT    NOT NULL DEFAULT '',
	end_at       TEXT    NOT NULL DEFAULT '',
	attend_hours INTEGER NOT NULL DEFAULT 0 CHECK (attend_hours >= 0),
	patch_days   INTEGER NOT NULL DEFAULT 0 CHECK (patch_days >= 0),
	notes        TEXT    NOT NULL DEFAULT '',
	PRIMARY KEY (supplier_id, seq)
);

-- Remote access records in the order given; sources is a JSON array of
-- addresses and CIDR prefixes in canonical form.
CREATE TABLE supplier_access (
	supplier_id INTEGER NOT NULL REFERENCES suppliers (id) ON DELETE CASCADE,
	seq         INTEGER NOT NULL,
	method      TEXT    NOT NULL,
	mode        TEXT    NOT NULL CHECK (mode IN ('on-demand', 'always-on')),
	mfa         BOOLEAN NOT NULL,
	sources     TEXT    NOT NULL DEFAULT '[]',
	notes       TEXT    NOT NULL DEFAULT '',
	PRIMARY KEY (supplier_id, seq)
);

-- What each supplier serves: every device of a model, or single devices.
-- A model or device that goes leaves the supplier's list.
CREATE TABLE supplier_models (
	supplier_id INTEGER NOT NULL REFERENCES suppliers (id) ON DELETE CASCADE,
	model_id    INTEGER NOT NULL REFERENCES device_models (id) ON DELETE CASCADE,
	PRIMARY KEY (supplier_id, model_id)
);
CREATE INDEX supplier_models_model ON supplier_models (model_id);

CREATE TABLE supplier_devices (
	supplier_id INTEGER NOT NULL REFERENCES suppliers (id) ON DELETE CASCADE,
	device_id   INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
	PRIMARY KEY (supplier_id, device_id)
);
CREATE INDEX supplier_devices_device ON supplier_devices (device_id);

