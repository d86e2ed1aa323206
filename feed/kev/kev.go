// Package kev reads CISA's Known Exploited Vulnerabilities (KEV) catalogue,
// the JSON file published at
// https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json
// (schema: known_exploited_vulnerabilities_schema.json in cisagov/kev-data).
//
// Parsing is strict, because a half-read catalogue silently drops the
// "actively exploited" flag from findings: a missing required field, a
// malformed CVE id or date, a duplicate CVE, a field of the wrong JSON type
// or a count that disagrees with the list is an error naming the entry.
// Fields the schema may gain later (as it gained "cwes") are ignored.
package kev

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"time"

	"github.com/cordonsec/cordon"
)

// Catalog is one release of the KEV catalogue.
type Catalog struct {
	Title    string
	Version  string    // catalogVersion, "2025.08.25"
	Released time.Time // dateReleased
	// Entries holds the listing of each CVE, keyed by CVE id
	// ("CVE-2017-0144").
	Entries map[string]cordon.KEVEntry
}

// maxSize bounds what Parse reads: the 2025 catalogue is 1.5 MB, so 64 MB
// leaves decades of growth while refusing a runaway input.
const maxSize = 64 << 20

// catalogJSON mirrors the top level of the file. Pointers tell a missing
// required field from an empty one.
type catalogJSON struct {
	Title           *string           `json:"title"`
	CatalogVersion  *string           `json:"catalogVersion"`
	DateReleased    *string           `json:"dateReleased"`
	Count           *int              `json:"count"`
	Vulnerabilities []json.RawMessage `json:"vulnerabilities"`
}

// entryJSON mirrors one element of "vulnerabilities".
type entryJSON struct {
	CVEID                      *string  `json:"cveID"`
	VendorProject              *string  `json:"vendorProject"`
	Product                    *string  `json:"product"`
	VulnerabilityName          *string  `json:"vulnerabilityName"`
	DateAdded                  *string  `json:"dateAdded"`
	ShortDescription           *string  `json:"shortDescription"`
	RequiredAction             *string  `json:"requiredAction"`
	DueDate                    *string  `json:"dueDate"`
	KnownRansomwareCampaignUse *string  `json:"knownRansomwareCampaignUse"`
	Notes                      *string  `json:"notes"`
	CWEs                       []string `json:"cwes"`
}

// cveID is the schema's pattern for cveID.
var cveID = regexp.MustCompile(`^CVE-[0-9]{4}-[0-9]{4,19}$`)

// Parse reads a KEV catalogue.
func Parse(r io.Reader) (*Catalog, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxSize+1))
	if err != nil {
		return nil, fmt.Errorf("kev: read: %w", err)
	}
	if len(data) > maxSize {
		return nil, fmt.Errorf("kev: file larger than %d bytes", maxSize)
	}
	return ParseBytes(data)
}

// ParseBytes reads a KEV catalogue held in memory.
func ParseBytes(data []byte) (*Catalog, error) {
	var raw catalogJSON
	if err := strictUnmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("kev: catalog: %w", err)
	}
	switch {
	case raw.CatalogVersion == nil:
		return nil, fmt.Errorf("kev: catalog: missing catalogVersion")
	case raw.DateReleased == nil:
		return nil, fmt.Errorf("kev: catalog: missing dateReleased")
	case raw.Count == nil:
		return nil, fmt.Errorf("kev: catalog: missing count")
	case raw.Vulnerabilities == nil:
		return nil, fmt.Errorf("kev: catalog: missing vulnerabilities")
	}
	released, err := time.Parse(time.RFC3339Nano, *raw.DateReleased)
	if err != nil {
		return nil, fmt.Errorf("kev: catalog: dateReleased %q is not a date-time", *raw.DateReleased)
	}
	if *raw.Count != len(raw.Vulnerabilities) {
		return nil, fmt.Errorf("kev: catalog: count is %d but %d vulnerabilities are listed", *raw.Count, len(raw.Vulnerabilities))
	}
	c := &Catalog{
		Version:  *raw.CatalogVersion,
		Released: released.UTC(),
		Entries:  make(map[string]cordon.KEVEntry, len(raw.Vulnerabilities)),
	}
	if raw.Title != nil {
		c.Title = *raw.Title
	}
	for i, msg := range raw.Vulnerabilities {
		id, e, err := parseEntry(msg)
		if err != nil {
			if id != "" {
				return nil, fmt.Errorf("kev: entry %d (%s): %w", i, id, err)
			}
			return nil, fmt.Errorf("kev: entry %d: %w", i, err)
		}
		if _, dup := c.Entries[id]; dup {
			return nil, fmt.Errorf("kev: entry %d (%s): duplicate cveID", i, id)
		}
		c.Entries[id] = e
	}
	return c, nil
}

// parseEntry decodes one vulnerability. It returns the CVE id whenever it
// could read one, so that errors name the entry.
func parseEntry(msg json.RawMessage) (string, cordon.KEVEntry, error) {
	var raw entryJSON
	if err := strictUnmarshal(msg, &raw); err != nil {
		// Try for the id alone so the error can still name the entry.
		var idOnly struct {
			CVEID string `json:"cveID"`
		}
		_ = json.Unmarshal(msg, &idOnly)
		if !cveID.MatchString(idOnly.CVEID) {
			idOnly.CVEID = ""
		}
		return idOnly.CVEID, cordon.KEVEntry{}, err
	}
	if raw.CVEID == nil {
		return "", cordon.KEVEntry{}, fmt.Errorf("missing cveID")
	}
	id := *raw.CVEID
	if !cveID.MatchString(id) {
		return "", cordon.KEVEntry{}, fmt.Errorf("cveID %q is not a CVE id", id)
	}
	for _, f := range []struct {
		name string
		v    *string
	}{
		{"vendorProject", raw.VendorProject},
		{"product", raw.Product},
		{"vulnerabilityName", raw.VulnerabilityName},
		{"dateAdded", raw.DateAdded},
		{"shortDescription", raw.ShortDescription},
		{"requiredAction", raw.RequiredAction},
		{"dueDate", raw.DueDate},
	} {
		if f.v == nil {
			return id, cordon.KEVEntry{}, fmt.Errorf("missing %s", f.name)
		}
	}
	added, err := parseDate("dateAdded", *raw.DateAdded)
	if err != nil {
		return id, cordon.KEVEntry{}, err
	}
	due, err := parseDate("dueDate", *raw.DueDate)
	if err != nil {
		return id, cordon.KEVEntry{}, err
	}
	// dueDate may precede dateAdded: CVE-2021-34527 (PrintNightmare) was
	// added on 2021-11-03 with the due date of an earlier directive,
	// 2021-07-20. So no ordering is enforced.
	ransomware := false
	if raw.KnownRansomwareCampaignUse != nil {
		switch *raw.KnownRansomwareCampaignUse {
		case "Known":
			ransomware = true
		case "Unknown":
		default:
			return id, cordon.KEVEntry{}, fmt.Errorf("knownRansomwareCampaignUse %q is neither Known nor Unknown", *raw.KnownRansomwareCampaignUse)
		}
	}
	e := cordon.KEVEntry{
		VendorProject:  *raw.VendorProject,
		Product:        *raw.Product,
		Name:           *raw.VulnerabilityName,
		DateAdded:      added,
		DueDate:        due,
		RequiredAction: *raw.RequiredAction,
		Ransomware:     ransomware,
	}
	if raw.Notes != nil {
		e.Notes = *raw.Notes
	}
	return id, e, nil
}

// parseDate reads a schema "date" (YYYY-MM-DD) as midnight UTC.
func parseDate(field, v string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s %q is not a date (YYYY-MM-DD)", field, v)
	}
	return t, nil
}

// strictUnmarshal decodes one JSON value and refuses trailing data, so that
// two concatenated catalogues are not read as the first.
func strictUnmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		return describe(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("trailing data after the JSON value")
	}
	return nil
}

// describe rewords encoding/json's type errors to name the field and the
// expected shape.
func describe(err error) error {
	if te, ok := err.(*json.UnmarshalTypeError); ok {
		field := te.Field
		if field == "" {
			field = "value"
		}
		return fmt.Errorf("%s is a JSON %s, want %s", field, te.Value, te.Type)
	}
	return err
}
