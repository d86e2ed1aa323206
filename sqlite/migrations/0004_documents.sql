-- Manufacturer documents of device models (SBOM, MDS2, VEX): the file as
-- received and a summary, with what each says in the tables below. A model
-- holds one document per digest: the same bytes imported again change
-- nothing. current marks the newest SBOM of a model, whose components are
-- the model's software.
CREATE TABLE model_documents (
	id           INTEGER PRIMARY KEY,
	model_id     INTEGER NOT NULL REFERENCES device_models (id) ON DELETE CASCADE,
	kind         TEXT    NOT NULL CHECK (kind IN ('sbom', 'mds2', 'vex')),
	format       TEXT    NOT NULL,
	spec_version TEXT    NOT NULL DEFAULT '',
	file_name    TEXT    NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
	sha256       TEXT    NOT NULL CHECK (length(sha256) = 64),
	size         INTEGER NOT NULL,
	title        TEXT    NOT NULL DEFAULT '',
	components   INTEGER NOT NULL DEFAULT 0,
	unsupported  INTEGER NOT NULL DEFAULT 0,
	answers      INTEGER NOT NULL DEFAULT 0,
	statements   INTEGER NOT NULL DEFAULT 0,
	current      BOOLEAN NOT NULL DEFAULT FALSE,
	warnings     TEXT    NOT NULL DEFAULT '[]', -- JSON array of strings
	imported_by  TEXT    NOT NULL,
	imported_at  TEXT    NOT NULL,
	UNIQUE (model_id, sha256)
);
CREATE INDEX model_documents_model ON model_documents (model_id, kind);

-- SBOM components, in document order.
CREATE TABLE document_components (
	document_id        INTEGER NOT NULL REFERENCES model_documents (id) ON DELETE CASCADE,
	seq                INTEGER NOT NULL,
	ref                TEXT    NOT NULL,
	type               TEXT    NOT NULL,
	supplier           TEXT    NOT NULL,
	name               TEXT    NOT NULL,
	version            TEXT    NOT NULL,
	cpe                TEXT    NOT NULL,
	purl               TEXT    NOT NULL,
	end_of_support     TEXT    NOT NULL DEFAULT '',
	end_of_support_raw TEXT    NOT NULL DEFAULT '',
	level_of_support   TEXT    NOT NULL DEFAULT '',
	PRIMARY KEY (document_id, seq)
);

-- MDS2 answers, in form order.
CREATE TABLE document_answers (
	document_id   INTEGER NOT NULL REFERENCES model_documents (id) ON DELETE CASCADE,
	seq           INTEGER NOT NULL,
	section       TEXT    NOT NULL,
	section_title TEXT    NOT NULL,
	question_id   TEXT    NOT NULL,
	question      TEXT    NOT NULL,
	answer        TEXT    NOT NULL,
	note          TEXT    NOT NULL,
	PRIMARY KEY (document_id, seq)
);

-- VEX statements, one per vulnerability and product, in document order.
CREATE TABLE document_statements (
	document_id   INTEGER NOT NULL REFERENCES model_documents (id) ON DELETE CASCADE,
	seq           INTEGER NOT NULL,
	cve           TEXT    NOT NULL,
	status        TEXT    NOT NULL CHECK (status IN ('not_affected', 'affected', 'fixed', 'under_investigation')),
	justification TEXT    NOT NULL,
	detail        TEXT    NOT NULL,
	product       TEXT    NOT NULL,
	version       TEXT    NOT NULL,
	PRIMARY KEY (document_id, seq)
);

-- Contradictions between a model's MDS2 and its devices' traffic, as last
-- computed; each computation replaces the model's rows.
CREATE TABLE model_contradictions (
	model_id    INTEGER NOT NULL REFERENCES device_models (id) ON DELETE CASCADE,
	seq         INTEGER NOT NULL,
	document_id INTEGER NOT NULL REFERENCES model_documents (id) ON DELETE CASCADE,
	question_id TEXT    NOT NULL,
	declared    TEXT    NOT NULL,
	observed    TEXT    NOT NULL,
	severity    TEXT    NOT NULL,
	explanation TEXT    NOT NULL,
	devices     TEXT    NOT NULL DEFAULT '[]', -- JSON array of device IDs
	found_at    TEXT    NOT NULL,
	PRIMARY KEY (model_id, seq)
);
