-- Vulnerability intelligence and the findings matched from it. Same
-- conventions as 0001: portable SQL, times as fixed-width UTC text, JSON
-- documents as TEXT, '' rather than NULL in columns that are filtered or
-- sorted.

-- NVD's part of a CVE. The columns are what queries select or order by;
-- everything else NVD says (scores, configurations, references) is one
-- document, because it is only ever read whole (by the matcher) and one
-- encode per record keeps a 300,000-record import quick.
CREATE TABLE vulnerabilities (
	id          TEXT PRIMARY KEY,
	published   TEXT NOT NULL DEFAULT '',
	modified    TEXT NOT NULL DEFAULT '',
	description TEXT NOT NULL DEFAULT '',
	doc         TEXT NOT NULL -- cvss, configurations, references
);
-- Feed status asks for the newest modification.
CREATE INDEX vulnerabilities_modified ON vulnerabilities (modified);

-- CISA KEV listings, by CVE: a CVE may be listed before NVD describes it,
-- so there is no foreign key to vulnerabilities.
CREATE TABLE kev (
	cve             TEXT    PRIMARY KEY,
	vendor_project  TEXT    NOT NULL DEFAULT '',
	product         TEXT    NOT NULL DEFAULT '',
	name            TEXT    NOT NULL DEFAULT '',
	date_added      TEXT    NOT NULL DEFAULT '',
	due_date        TEXT    NOT NULL DEFAULT '',
	required_action TEXT    NOT NULL DEFAULT '',
	ransomware      BOOLEAN NOT NULL DEFAULT FALSE,
	notes           TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX kev_date_added ON kev (date_added);

-- EPSS scores with their history: one row per CVE and score date. A daily
-- file scores about 300,000 CVEs, so the history grows by that much a day
-- it is imported.
CREATE TABLE epss (
	cve        TEXT NOT NULL,
	date       TEXT NOT NULL,
	score      REAL NOT NULL,
	percentile REAL NOT NULL,
	model      TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (cve, date)
);
-- The latest score of each CVE, kept up to date by PutEPSS: reading the
-- latest of a growing history per CVE for every vulnerability the matcher
-- streams would cost a search each, and a table of its own costs one
-- extra upsert per score imported.
CREATE TABLE epss_latest (
	cve        TEXT PRIMARY KEY,
	date       TEXT NOT NULL,
	score      REAL NOT NULL,
	percentile REAL NOT NULL,
	model      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX epss_latest_date ON epss_latest (date);

-- CSAF advisories as documents: they are read whole, and few (hundreds).
CREATE TABLE advisories (
	id      TEXT PRIMARY KEY,
	updated TEXT NOT NULL DEFAULT '',
	doc     TEXT NOT NULL -- cordon.Advisory
);
CREATE INDEX advisories_updated ON advisories (updated);

CREATE TABLE lifecycles (
	product TEXT NOT NULL,
	release TEXT NOT NULL,
	doc     TEXT NOT NULL, -- cordon.Lifecycle
	PRIMARY KEY (product, release)
);

-- One row per file or download imported. The same bytes imported twice
-- are one import: UNIQUE (source, sha256) makes a repeat a conflict.
CREATE TABLE feed_imports (
	id          INTEGER PRIMARY KEY,
	source      TEXT    NOT NULL CHECK (source IN ('nvd', 'kev', 'epss', 'csaf', 'lifecycle')),
	name        TEXT    NOT NULL,
	sha256      TEXT    NOT NULL,
	records     INTEGER NOT NULL DEFAULT 0,
	changed     INTEGER NOT NULL DEFAULT 0,
	imported_at TEXT    NOT NULL,
	imported_by TEXT    NOT NULL,
	UNIQUE (source, sha256)
);
CREATE INDEX feed_imports_source ON feed_imports (source, id);

-- The intelligence version: one row, increased by every import, compared
-- by caches of derived data. A counter rather than the newest import's ID
-- so that it never goes back, whatever happens to the imports table.
CREATE TABLE intel_version (
	id      INTEGER PRIMARY KEY CHECK (id = 1),
	version INTEGER NOT NULL
);
INSERT INTO intel_version (id, version) VALUES (1, 0);

-- Findings: one row per device and CVE, kept across assessments so that a
-- finding keeps its ID, status and first-found time. The columns are what
-- filters and sorts use; the rest of the match data is one document.
-- gone is '' while the finding applies, so "applies" is an equality that
-- leads every index. epss and cvss are 0 when unknown.
--
-- A re-assessment almost always produces what is stored, so a row is
-- written only when its match data changes: digest (of everything
-- ReplaceFindings stores of the finding) tells without reading the
-- document. last_found is therefore not kept up to date while the finding
-- applies; reads take the device's assessments.assessed_at instead, and
-- last_found holds the last time the finding was produced once it is gone.
CREATE TABLE findings (
	id          INTEGER PRIMARY KEY,
	device_id   INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
	cve         TEXT    NOT NULL,
	match_kind  TEXT    NOT NULL CHECK (match_kind IN ('confirmed', 'possible')),
	severity    TEXT    NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low', 'none', 'unknown')),
	kev         BOOLEAN NOT NULL DEFAULT FALSE,
	epss        REAL    NOT NULL DEFAULT 0,
	cvss        REAL    NOT NULL DEFAULT 0,
	status      TEXT    NOT NULL CHECK (status IN ('open', 'risk_accepted', 'mitigated', 'not_affected', 'fixed')),
	status_doc  TEXT    NOT NULL, -- cordon.FindingStatus
	first_found TEXT    NOT NULL,
	last_found  TEXT    NOT NULL,
	gone        TEXT    NOT NULL DEFAULT '',
	digest      INTEGER NOT NULL, -- of the match data, see sqlite/finding_digest.go
	doc         TEXT    NOT NULL, -- title, criteria, software, evidence, sources, KEV dates, EPSS, CVSS, fix
	UNIQUE (device_id, cve) -- also the index of a device's findings
);
-- "Which devices does CVE-X affect": the 48-hour alert question. It
-- carries the priority columns so that one CVE's findings come in priority
-- order straight from the index, with no look-up of 50,000 table rows to
-- sort them (1.5 s at 2.5 million findings without them).
CREATE INDEX findings_cve ON findings (cve, gone, kev DESC, epss DESC, cvss DESC);
-- The default (priority) order, read in index order so that a page of the
-- whole table needs no sort. SQLite appends the rowid (id, ascending) to
-- every index, which orders ties by id as the sort requires.
CREATE INDEX findings_priority ON findings (gone, kev DESC, epss DESC, cvss DESC);
-- The same order within a status: the open worklist is the common view,
-- and a rare status (fixed) is found without a walk past the open ones.
CREATE INDEX findings_status ON findings (status, gone, kev DESC, epss DESC, cvss DESC);

-- Exposure of each assessed device: the worklist. The counts are the
-- store's own tally of the device's findings (kept in step with every
-- status change), including open findings by severity and findings by
-- status, so that the dashboard's summary reads one row per device rather
-- than millions of findings.
CREATE TABLE exposures (
	device_id     INTEGER PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
	score         INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100),
	unsupported   BOOLEAN NOT NULL DEFAULT FALSE,
	ending        BOOLEAN NOT NULL DEFAULT FALSE,
	findings      INTEGER NOT NULL DEFAULT 0,
	open          INTEGER NOT NULL DEFAULT 0,
	kev           INTEGER NOT NULL DEFAULT 0,
	critical      INTEGER NOT NULL DEFAULT 0,
	confirmed     INTEGER NOT NULL DEFAULT 0,
	open_critical INTEGER NOT NULL DEFAULT 0,
	open_high     INTEGER NOT NULL DEFAULT 0,
	open_medium   INTEGER NOT NULL DEFAULT 0,
	open_low      INTEGER NOT NULL DEFAULT 0,
	open_none     INTEGER NOT NULL DEFAULT 0,
	open_unknown  INTEGER NOT NULL DEFAULT 0,
	risk_accepted INTEGER NOT NULL DEFAULT 0,
	mitigated     INTEGER NOT NULL DEFAULT 0,
	not_affected  INTEGER NOT NULL DEFAULT 0,
	fixed         INTEGER NOT NULL DEFAULT 0,
	doc           TEXT    NOT NULL -- risk and support
);
CREATE INDEX exposures_score ON exposures (score DESC);

-- When each device was last assessed, with digests of what the assessment
-- produced. It is the one row an unchanged re-assessment writes per
-- device, and it is narrow so that 50,000 of them fill a few hundred
-- pages. findings_digest combines the digests of the findings the device
-- was assessed with; exposure_digest is of the exposures row's score,
-- flags and document. Anything that changes a device's findings other than
-- through ReplaceFindings (a status aside) must delete its row here, or
-- the next assessment will take the stored findings as current.
CREATE TABLE assessments (
	device_id       INTEGER PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
	assessed_at     TEXT    NOT NULL,
	findings_digest INTEGER NOT NULL,
	exposure_digest INTEGER NOT NULL
);
