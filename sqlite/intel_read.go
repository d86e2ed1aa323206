package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/cordonsec/cordon"
)

// selectVulnerabilities reads a vulnerability with its KEV listing and
// latest EPSS score, in the order scanVulnerability expects.
const selectVulnerabilities = `SELECT v.id, v.published, v.modified, v.description, v.doc,
	k.vendor_project, k.product, k.name, k.date_added, k.due_date, k.required_action, k.ransomware, k.notes,
	e.date, e.score, e.percentile, e.model
	FROM vulnerabilities v
	LEFT JOIN kev k ON k.cve = v.id
	LEFT JOIN epss_latest e ON e.cve = v.id`

// scanVulnerability reads a row of selectVulnerabilities, or of the same
// columns with the vulnerabilities part NULL (a CVE known only from KEV or
// EPSS).
func scanVulnerability(row interface{ Scan(...any) error }) (*cordon.Vulnerability, error) {
	var (
		id, published, modified, desc, doc sql.NullString
		kVendor, kProduct, kName, kAdded   sql.NullString
		kDue, kAction, kNotes              sql.NullString
		kRansom                            sql.NullBool
		eDate, eModel                      sql.NullString
		eScore, ePct                       sql.NullFloat64
	)
	if err := row.Scan(&id, &published, &modified, &desc, &doc,
		&kVendor, &kProduct, &kName, &kAdded, &kDue, &kAction, &kRansom, &kNotes,
		&eDate, &eScore, &ePct, &eModel); err != nil {
		return nil, err
	}
	v := &cordon.Vulnerability{ID: id.String, Description: desc.String, CVSS: []cordon.CVSS{},
		Configurations: []cordon.Configuration{}, References: []string{}}
	var err error
	if v.Published, err = parseTime(published.String); err != nil {
		return nil, err
	}
	if v.Modified, err = parseTime(modified.String); err != nil {
		return nil, err
	}
	if doc.Valid {
		var d vulnDoc
		if err := json.Unmarshal([]byte(doc.String), &d); err != nil {
			return nil, fmt.Errorf("vulnerability %s: %w", v.ID, err)
		}
		if d.CVSS != nil {
			v.CVSS = d.CVSS
		}
		if d.Configurations != nil {
			v.Configurations = d.Configurations
		}
		v.Patches = d.Patches
		if d.References != nil {
			v.References = d.References
		}
	}
	if kAdded.Valid {
		k := &cordon.KEVEntry{VendorProject: kVendor.String, Product: kProduct.String, Name: kName.String,
			RequiredAction: kAction.String, Ransomware: kRansom.Bool, Notes: kNotes.String}
		if k.DateAdded, err = parseTime(kAdded.String); err != nil {
			return nil, err
		}
		if k.DueDate, err = parseTime(kDue.String); err != nil {
			return nil, err
		}
		v.KEV = k
	}
	if eDate.Valid {
		e := &cordon.EPSSScore{Score: eScore.Float64, Percentile: ePct.Float64, Model: eModel.String}
		if e.Date, err = parseTime(eDate.String); err != nil {
			return nil, err
		}
		v.EPSS = e
	}
	return v, nil
}

// FindVulnerability returns a vulnerability with its KEV listing and latest
// EPSS score, or ENOTFOUND.
func (s *IntelService) FindVulnerability(ctx context.Context, id string) (*cordon.Vulnerability, error) {
	id = normCVE(id)
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return nil, wrap("find vulnerability", err)
	}
	defer tx.Rollback()
	v, err := scanVulnerability(tx.QueryRowContext(ctx, selectVulnerabilities+` WHERE v.id = ?`, id))
	if err == sql.ErrNoRows {
		// Known only from KEV or EPSS: the same columns, NVD's part NULL.
		v, err = scanVulnerability(tx.QueryRowContext(ctx, `SELECT ?, NULL, NULL, NULL, NULL,
			k.vendor_project, k.product, k.name, k.date_added, k.due_date, k.required_action, k.ransomware, k.notes,
			e.date, e.score, e.percentile, e.model
			FROM (SELECT ? AS cve) c
			LEFT JOIN kev k ON k.cve = c.cve
			LEFT JOIN epss_latest e ON e.cve = c.cve
			WHERE k.cve IS NOT NULL OR e.cve IS NOT NULL`, id, id))
	}
	if err == sql.ErrNoRows {
		return nil, cordon.Errorf(cordon.ENOTFOUND, "Vulnerability %s not found.", clip(id))
	}
	if err != nil {
		return nil, wrap("find vulnerability", err)
	}
	return v, nil
}

// EachVulnerability streams every vulnerability NVD described, in ID
// order, from one read snapshot.
func (s *IntelService) EachVulnerability(ctx context.Context, fn func(v *cordon.Vulnerability) error) error {
	tx, err := s.db.beginRead(ctx)
	if err != nil {
		return wrap("each vulnerability", err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, selectVulnerabilities+` ORDER BY v.id`)
	if err != nil {
		return wrap("each vulnerability", err)
	}
	defer rows.Close()
	for rows.Next() {
		v, err := scanVulnerability(rows)
		if err != nil {
			return wrap("each vulnerability", err)
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	return wrap("each vulnerability", rows.Err())
}

// EPSSHistory returns a CVE's scores, oldest first; none for a CVE never
// scored.
func (s *IntelService) EPSSHistory(ctx context.Context, cve string) ([]cordon.EPSSScore, error) {
	rows, err := s.db.read.QueryContext(ctx, `SELECT date, score, percentile, model FROM epss WHERE cve = ? ORDER BY date`, normCVE(cve))
	if err != nil {
		return nil, wrap("epss history", err)
	}
	defer rows.Close()
	out := []cordon.EPSSScore{}
	for rows.Next() {
		var e cordon.EPSSScore
		var date string
		if err := rows.Scan(&date, &e.Score, &e.Percentile, &e.Model); err != nil {
			return nil, wrap("epss history", err)
		}
		if e.Date, err = parseTime(date); err != nil {
			return nil, wrap("epss history", err)
		}
		out = append(out, e)
	}
	return out, wrap("epss history", rows.Err())
}

// FindAdvisories returns every advisory, newest update first.
func (s *IntelService) FindAdvisories(ctx context.Context) ([]*cordon.Advisory, error) {
	rows, err := s.db.read.QueryContext(ctx, `SELECT doc FROM advisories ORDER BY updated DESC, id`)
	if err != nil {
		return nil, wrap("find advisories", err)
	}
	defer rows.Close()
	out := []*cordon.Advisory{}
	for rows.Next() {
		var doc string
		if err := rows.Scan(&doc); err != nil {
			return nil, wrap("find advisories", err)
		}
		var a cordon.Advisory
		if err := json.Unmarshal([]byte(doc), &a); err != nil {
			return nil, wrap("find advisories", err)
		}
		out = append(out, &a)
	}
	return out, wrap("find advisories", rows.Err())
}

// FindAdvisory returns one advisory by ID, or ENOTFOUND.
func (s *IntelService) FindAdvisory(ctx context.Context, id string) (*cordon.Advisory, error) {
	var doc string
	err := s.db.read.QueryRowContext(ctx, `SELECT doc FROM advisories WHERE id = ?`, id).Scan(&doc)
	if err == sql.ErrNoRows {
		return nil, cordon.Errorf(cordon.ENOTFOUND, "Advisory %s not found.", clip(id))
	}
	if err != nil {
		return nil, wrap("find advisory", err)
	}
	var a cordon.Advisory
	if err := json.Unmarshal([]byte(doc), &a); err != nil {
		return nil, wrap("find advisory", err)
	}
	return &a, nil
}

// FindLifecycles returns every lifecycle, by product then release.
func (s *IntelService) FindLifecycles(ctx context.Context) ([]cordon.Lifecycle, error) {
	rows, err := s.db.read.QueryContext(ctx, `SELECT doc FROM lifecycles ORDER BY product, release`)
	if err != nil {
		return nil, wrap("find lifecycles", err)
	}
	defer rows.Close()
	out := []cordon.Lifecycle{}
	for rows.Next() {
		var doc string
		if err := rows.Scan(&doc); err != nil {
			return nil, wrap("find lifecycles", err)
		}
		var l cordon.Lifecycle
		if err := json.Unmarshal([]byte(doc), &l); err != nil {
			return nil, wrap("find lifecycles", err)
		}
		out = append(out, l)
	}
	return out, wrap("find lifecycles", rows.Err())
}
