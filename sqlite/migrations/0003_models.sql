-- Device models: a manufacturer's product at one software or firmware
-- version. Manufacturer documents, fixes and plans are kept once per model.
-- key is manufacturer, model and version, each lower-cased with runs of
-- white space collapsed to one space, joined by a newline, which the
-- collapsing removes from the parts: two spellings of one model share a key.
CREATE TABLE device_models (
	id           INTEGER PRIMARY KEY,
	manufacturer TEXT    NOT NULL CHECK (length(manufacturer) BETWEEN 1 AND 200),
	model        TEXT    NOT NULL CHECK (length(model) BETWEEN 1 AND 200),
	version      TEXT    NOT NULL DEFAULT '' CHECK (length(version) <= 200),
	key          TEXT    NOT NULL UNIQUE,
	category     TEXT    NOT NULL DEFAULT '',
	notes        TEXT    NOT NULL DEFAULT '',
	created_at   TEXT    NOT NULL,
	updated_at   TEXT    NOT NULL
);
CREATE INDEX device_models_manufacturer ON device_models (lower(manufacturer));

-- Which model each device belongs to and how. A row with model_id NULL and
-- source 'recorded' means a person said the device belongs to no model, so
-- discovery leaves it alone; a device without a row was never assigned.
CREATE TABLE model_devices (
	device_id INTEGER PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
	model_id  INTEGER REFERENCES device_models (id) ON DELETE SET NULL,
	source    TEXT    NOT NULL CHECK (source IN ('discovered', 'recorded'))
);
CREATE INDEX model_devices_model ON model_devices (model_id);
