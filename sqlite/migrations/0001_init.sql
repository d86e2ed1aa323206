-- The register's schema. Plain SQL that PostgreSQL also understands where
-- that costs nothing: times are fixed-width UTC text (RFC 3339 with
-- nanoseconds) so that they sort as text, booleans are BOOLEAN, and JSON
-- documents are TEXT (jsonb in PostgreSQL). INTEGER PRIMARY KEY is SQLite's
-- identity column (BIGINT GENERATED ALWAYS AS IDENTITY in PostgreSQL).

-- devices holds one row per device of the register: its recorded fields as
-- a JSON document, and copies of fields of both documents (observed and
-- recorded) made for filtering, sorting and search, rewritten whenever
-- either document changes. The copies are NOT NULL with '' for "none" so
-- that sorting puts empty values first in SQLite and PostgreSQL alike.
CREATE TABLE devices (
	id           INTEGER PRIMARY KEY,
	key          TEXT    NOT NULL UNIQUE CHECK (length(key) BETWEEN 1 AND 255),
	mac          TEXT    NOT NULL DEFAULT '',
	ip           TEXT    NOT NULL DEFAULT '', -- first address, as shown
	ip_sort      TEXT    NOT NULL DEFAULT '', -- the same as 32 hex digits (IPv4 mapped), sorts numerically
	hostname     TEXT    NOT NULL DEFAULT '', -- first host name, lower case
	category     TEXT    NOT NULL DEFAULT '',
	manufacturer TEXT    NOT NULL DEFAULT '',
	model        TEXT    NOT NULL DEFAULT '',
	medical      BOOLEAN NOT NULL DEFAULT FALSE,
	site         TEXT    NOT NULL DEFAULT '',
	first_seen   TEXT    NOT NULL DEFAULT '',
	last_seen    TEXT    NOT NULL DEFAULT '',
	search       TEXT    NOT NULL DEFAULT '', -- lower-case words that free-text search matches
	created_at   TEXT    NOT NULL,
	updated_at   TEXT    NOT NULL,
	recorded     TEXT    NOT NULL DEFAULT '{}' -- cordon.Recorded
);

CREATE INDEX devices_mac ON devices (mac);
CREATE INDEX devices_ip_sort ON devices (ip_sort);
CREATE INDEX devices_hostname ON devices (hostname);
CREATE INDEX devices_category ON devices (category, last_seen);
CREATE INDEX devices_manufacturer ON devices (lower(manufacturer));
CREATE INDEX devices_site ON devices (lower(site));
CREATE INDEX devices_medical ON devices (medical, last_seen);
CREATE INDEX devices_first_seen ON devices (first_seen);
CREATE INDEX devices_last_seen ON devices (last_seen);
-- A covering index for free-text search: counting matches scans this narrow
-- index instead of the table with its documents.
CREATE INDEX devices_search ON devices (search);

-- The observed device (cordon.Device as JSON, a few kilobytes with its
-- evidence) lives beside its devices row rather than in it: with it, a
-- device row spans most of a page and a scan for a text search or a deep
-- page reads fifty thousand pages; without it, a few thousand. A device the
-- network never showed has no row here.
CREATE TABLE device_observed (
	device_id INTEGER PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
	observed  TEXT    NOT NULL
);

-- Address and host-name history: DHCP churn extends a device's history
-- rather than creating devices.
CREATE TABLE device_ips (
	device_id  INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
	ip         TEXT    NOT NULL,
	first_seen TEXT    NOT NULL,
	last_seen  TEXT    NOT NULL,
	PRIMARY KEY (device_id, ip)
);
CREATE INDEX device_ips_ip ON device_ips (ip);

CREATE TABLE device_hostnames (
	device_id  INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
	name       TEXT    NOT NULL,
	first_seen TEXT    NOT NULL,
	last_seen  TEXT    NOT NULL,
	PRIMARY KEY (device_id, name)
);
CREATE INDEX device_hostnames_name ON device_hostnames (name);

-- Flows aggregated per device pair, transport port, application and hour.
-- Client and server are device keys, not IDs: an address outside the
-- hospital has no device row.
CREATE TABLE conversations (
	client  TEXT    NOT NULL,
	server  TEXT    NOT NULL,
	proto   TEXT    NOT NULL,
	port    INTEGER NOT NULL CHECK (port BETWEEN 0 AND 65535),
	app     TEXT    NOT NULL,
	hour    TEXT    NOT NULL,
	flows   INTEGER NOT NULL DEFAULT 0,
	packets INTEGER NOT NULL DEFAULT 0,
	bytes   INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (client, server, proto, port, app, hour)
);
CREATE INDEX conversations_server ON conversations (server);
CREATE INDEX conversations_hour ON conversations (hour);

CREATE TABLE captures (
	id          INTEGER PRIMARY KEY,
	name        TEXT    NOT NULL,
	sha256      TEXT    NOT NULL UNIQUE,
	size        INTEGER NOT NULL,
	status      TEXT    NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
	progress    REAL    NOT NULL DEFAULT 0,
	error       TEXT    NOT NULL DEFAULT '',
	stats       TEXT    NOT NULL DEFAULT '{}', -- cordon.IngestStats
	created_by  TEXT    NOT NULL,
	created_at  TEXT    NOT NULL,
	started_at  TEXT,
	finished_at TEXT
);
CREATE INDEX captures_status ON captures (status);

CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	name          TEXT    NOT NULL,
	role          TEXT    NOT NULL CHECK (role IN ('admin', 'analyst', 'viewer')),
	password_hash TEXT    NOT NULL DEFAULT '',
	disabled      BOOLEAN NOT NULL DEFAULT FALSE,
	created_at    TEXT    NOT NULL,
	updated_at    TEXT    NOT NULL
);
-- User names are unique regardless of case: "Alice" and "alice" are one
-- person to the people reading the audit log.
CREATE UNIQUE INDEX users_name ON users (lower(name));

CREATE TABLE tokens (
	id           INTEGER PRIMARY KEY,
	user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	name         TEXT    NOT NULL,
	hash         TEXT    NOT NULL UNIQUE,
	prefix       TEXT    NOT NULL DEFAULT '',
	created_at   TEXT    NOT NULL,
	last_used_at TEXT,
	expires_at   TEXT
);
CREATE INDEX tokens_user ON tokens (user_id);

CREATE TABLE sessions (
	hash       TEXT    PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	csrf       TEXT    NOT NULL,
	created_at TEXT    NOT NULL,
	expires_at TEXT    NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

-- The audit log is append-only: nothing updates or deletes its rows.
CREATE TABLE audit (
	id     INTEGER PRIMARY KEY,
	at     TEXT    NOT NULL,
	actor  TEXT    NOT NULL,
	action TEXT    NOT NULL,
	object TEXT    NOT NULL,
	before TEXT,
	after  TEXT
);
CREATE INDEX audit_at ON audit (at, id);
CREATE INDEX audit_object ON audit (object, at, id);
CREATE INDEX audit_actor ON audit (actor, at, id);
