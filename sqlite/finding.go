package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
)

// FindingService stores findings and their workflow.
type FindingService struct {
	db *DB
}

var _ cordon.FindingService = (*FindingService)(nil)

// NewFindingService returns the findings store of db.
func NewFindingService(db *DB) *FindingService { return &FindingService{db: db} }

// findingDoc is the match data of a finding that no query filters or sorts
// by, stored as one document.
type findingDoc struct {
	Title         string            `json:"title,omitempty"`
	Criteria      string            `json:"criteria,omitempty"`
	Software      string            `json:"software,omitempty"`
	Evidence      []string          `json:"evidence,omitempty"`
	Sources       []string          `json:"sources,omitempty"`
	KEVDateAdded  time.Time         `json:"kev_date_added,omitzero"`
	KEVDueDate    time.Time         `json:"kev_due_date,omitzero"`
	KEVRansomware bool              `json:"kev_ransomware,omitempty"`
	EPSS          *cordon.EPSSScore `json:"epss,omitempty"`
	CVSS          *cordon.CVSS      `json:"cvss,omitempty"`
	Fix           cordon.Fix        `json:"fix"`
}

// Match kinds of a finding.
var findingMatches = []string{"confirmed", "possible"}

// severities lists the severities in the order of the exposures columns
// that count open findings by severity.
var severities = []string{cordon.SeverityCritical, cordon.SeverityHigh, cordon.SeverityMedium,
	cordon.SeverityLow, cordon.SeverityNone, cordon.SeverityUnknown}

// deviceRef selects the columns of a FindingDevice from the devices row d:
// the identity columns (which prefer what the network shows and fall back
// to the record) and, from the recorded document, where the device is and
// who owns it.
const deviceRef = `d.id, d.key, d.mac, d.ip, d.hostname, d.manufacturer, d.model, d.category, d.site,
	coalesce(json_extract(d.recorded, '$.building'), ''), coalesce(json_extract(d.recorded, '$.ward'), ''),
	coalesce(json_extract(d.recorded, '$.room'), ''), coalesce(json_extract(d.recorded, '$.owner'), '')`

// deviceRefDest returns the scan destinations of deviceRef and a function
// that completes fd once the row is scanned.
func deviceRefDest(fd *cordon.FindingDevice) ([]any, func()) {
	var building, ward, room string
	dest := []any{&fd.ID, &fd.Key, &fd.MAC, &fd.IP, &fd.Hostname, &fd.Manufacturer, &fd.Model, &fd.Category,
		&fd.Site, &building, &ward, &room, &fd.Owner}
	return dest, func() {
		var parts []string
		for _, p := range []string{building, ward, room} {
			if p != "" {
				parts = append(parts, p)
			}
		}
		fd.Location = strings.Join(parts, ", ")
	}
}

// selectFindings reads findings with their devices, in the order
// scanFinding expects. A finding that applies was last produced by its
// device's latest assessment: ReplaceFindings does not rewrite an
// unchanged finding to move its last_found, which holds the time only
// once the finding is gone.
const selectFindings = `SELECT f.id, f.cve, f.match_kind, f.severity, f.kev, f.status_doc, f.first_found,
	CASE WHEN f.gone = '' THEN coalesce(a.assessed_at, f.last_found) ELSE f.last_found END,
	f.gone, f.doc, ` + deviceRef + `
	FROM findings f JOIN devices d ON d.id = f.device_id LEFT JOIN assessments a ON a.device_id = f.device_id`

func scanFinding(row interface{ Scan(...any) error }) (*cordon.Finding, error) {
	var f cordon.Finding
	var status, first, last, gone, doc string
	dev, done := deviceRefDest(&f.Device)
	dest := append([]any{&f.ID, &f.CVE, &f.Match, &f.Severity, &f.KEV, &status, &first, &last, &gone, &doc}, dev...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	done()
	var err error
	if f.FirstFound, err = parseTime(first); err != nil {
		return nil, err
	}
	if f.LastFound, err = parseTime(last); err != nil {
		return nil, err
	}
	if f.Gone, err = parseTime(gone); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(status), &f.Status); err != nil {
		return nil, fmt.Errorf("finding %d: status: %w", f.ID, err)
	}
	var d findingDoc
	if err := json.Unmarshal([]byte(doc), &d); err != nil {
		return nil, fmt.Errorf("finding %d: %w", f.ID, err)
	}
	f.Title, f.Criteria, f.Software = d.Title, d.Criteria, d.Software
	f.Evidence, f.Sources = d.Evidence, d.Sources
	// Empty lists rather than null, as the JSON API shows them.
	if f.Evidence == nil {
		f.Evidence = []string{}
	}
	if f.Sources == nil {
		f.Sources = []string{}
	}
	f.KEVDateAdded, f.KEVDueDate, f.KEVRansomware = d.KEVDateAdded, d.KEVDueDate, d.KEVRansomware
	f.EPSS, f.CVSS, f.Fix = d.EPSS, d.CVSS, d.Fix
	return &f, nil
}

// FindFindingByID returns a finding, or ENOTFOUND.
func (s *FindingService) FindFindingByID(ctx context.Context, id int64) (*cordon.Finding, error) {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, wrap("find finding", err)
	}
	defer tx.Rollback()
	f, err := findFindingByID(ctx, tx, id)
	return f, wrap("find finding", err)
}

func findFindingByID(ctx context.Context, tx *Tx, id int64) (*cordon.Finding, error) {
	f, err := scanFinding(tx.QueryRowContext(ctx, selectFindings+` WHERE f.id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, cordon.Errorf(cordon.ENOTFOUND, "Finding %d not found.", id)
	}
	return f, err
}

// findingSorts maps the sorts callers may name to ORDER BY expressions,
// each ending in a unique key so that pages do not overlap.
var findingSorts = map[string]string{
	"":             "f.kev DESC, f.epss DESC, f.cvss DESC, f.id",
	"priority":     "f.kev DESC, f.epss DESC, f.cvss DESC, f.id",
	"cve":          "f.cve, f.device_id",
	"device":       "f.device_id, f.cve",
	"-first_found": "f.first_found DESC, f.id DESC",
}

// findingWhere checks a filter and builds its WHERE clause; join is true
// when the clause refers to the devices table.
func findingWhere(f cordon.FindingFilter) (cond string, args []any, join bool, err error) {
	var where []string
	if !f.Gone {
		where = append(where, "f.gone = ''")
	}
	if f.DeviceID != 0 {
		where, args = append(where, "f.device_id = ?"), append(args, f.DeviceID)
	}
	if f.MAC != "" {
		m, err := cordon.ParseMAC(f.MAC)
		if err != nil {
			return "", nil, false, cordon.Errorf(cordon.EINVALID, "Invalid MAC address %q.", clip(f.MAC))
		}
		where, args, join = append(where, "d.mac = ?"), append(args, m.String()), true
	}
	if len(f.CVEs) > 1000 {
		return "", nil, false, cordon.Errorf(cordon.EINVALID, "At most 1000 CVEs may be given.")
	}
	if len(f.CVEs) > 0 {
		where = append(where, "f.cve IN (?"+strings.Repeat(", ?", len(f.CVEs)-1)+")")
		for _, c := range f.CVEs {
			args = append(args, normCVE(c))
		}
	}
	if f.Status != "" {
		if !slices.Contains(cordon.FindingStatuses, f.Status) {
			return "", nil, false, cordon.Errorf(cordon.EINVALID, "Unknown finding status %q.", clip(f.Status))
		}
		where, args = append(where, "f.status = ?"), append(args, f.Status)
	}
	if f.Match != "" {
		if !slices.Contains(findingMatches, f.Match) {
			return "", nil, false, cordon.Errorf(cordon.EINVALID, "A match is confirmed or possible, not %q.", clip(f.Match))
		}
		where, args = append(where, "f.match_kind = ?"), append(args, f.Match)
	}
	if f.Severity != "" {
		if !slices.Contains(severities, f.Severity) {
			return "", nil, false, cordon.Errorf(cordon.EINVALID, "Unknown severity %q.", clip(f.Severity))
		}
		where, args = append(where, "f.severity = ?"), append(args, f.Severity)
	}
	if f.KEV != nil {
		where, args = append(where, "f.kev = ?"), append(args, *f.KEV)
	}
	if f.Site != "" {
		where, args, join = append(where, "lower(d.site) = ?"), append(args, strings.ToLower(f.Site)), true
	}
	if f.Category != "" {
		where, args, join = append(where, "d.category = ?"), append(args, f.Category), true
	}
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	return cond, args, join, nil
}

// FindFindings returns a page of matching findings and the total that match.
func (s *FindingService) FindFindings(ctx context.Context, f cordon.FindingFilter) ([]*cordon.Finding, int, error) {
	offset, limit, err := pageBounds(f.Offset, f.Limit)
	if err != nil {
		return nil, 0, err
	}
	order, ok := findingSorts[f.Sort]
	if !ok {
		return nil, 0, cordon.Errorf(cordon.EINVALID, "Findings cannot be sorted by %q: use priority, cve, device or -first_found.", clip(f.Sort))
	}
	cond, args, join, err := findingWhere(f)
	if err != nil {
		return nil, 0, err
	}
	from := ` FROM findings f`
	if join {
		from += ` JOIN devices d ON d.id = f.device_id`
	}
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, 0, wrap("find findings", err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*)`+from+cond, args...).Scan(&n); err != nil {
		return nil, 0, wrap("find findings", err)
	}
	if n == 0 || offset >= n {
		return []*cordon.Finding{}, n, nil
	}
	// The page is chosen on the narrow columns; only its rows' documents
	// and devices are read.
	inner := order
	if f.DeviceID != 0 || f.MAC != "" || len(f.CVEs) > 1 {
		// A device or a few CVEs select at most some tens of thousands of
		// rows: a unary + keeps SQLite from walking the sort's index over
		// millions of findings to find them, and it sorts them instead.
		// (One CVE's findings come in priority order from findings_cve.)
		inner = "+" + strings.ReplaceAll(order, ", ", ", +")
	}
	rows, err := tx.QueryContext(ctx, selectFindings+` WHERE f.id IN (SELECT f.id`+from+cond+
		` ORDER BY `+inner+` LIMIT ? OFFSET ?) ORDER BY `+order, append(args, limit, offset)...)
	if err != nil {
		return nil, 0, wrap("find findings", err)
	}
	defer rows.Close()
	fs := make([]*cordon.Finding, 0, min(limit, n-offset))
	for rows.Next() {
		f, err := scanFinding(rows)
		if err != nil {
			return nil, 0, wrap("find findings", err)
		}
		fs = append(fs, f)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, wrap("find findings", err)
	}
	return fs, n, nil
}

// UpdateFindingStatus moves a finding in the workflow, records who did it
// and when, updates its device's exposure counts and audits the change.
func (s *FindingService) UpdateFindingStatus(ctx context.Context, id int64, st cordon.FindingStatus) (*cordon.Finding, error) {
	if err := st.Validate(); err != nil {
		return nil, err
	}
	tx, err := s.db.beginWrite(ctx)
	if err != nil {
		return nil, wrap("update finding status", err)
	}
	defer tx.Rollback()
	f, err := findFindingByID(ctx, tx, id)
	if err != nil {
		return nil, wrap("update finding status", err)
	}
	before := f.Status
	st.By, st.At = cordon.Actor(ctx), tx.now
	doc, err := json.Marshal(st)
	if err != nil {
		return nil, wrap("update finding status", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE findings SET status = ?, status_doc = ? WHERE id = ?`, st.Status, string(doc), id); err != nil {
		return nil, wrap("update finding status", err)
	}
	if err := retally(ctx, tx, f.Device.ID); err != nil {
		return nil, wrap("update finding status", err)
	}
	if err := insertAudit(ctx, tx, "finding.status", "finding:"+strconv.FormatInt(id, 10), before, st); err != nil {
		return nil, wrap("update finding status", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, wrap("update finding status", err)
	}
	f.Status = st
	return f, nil
}
