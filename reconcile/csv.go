// Package reconcile brings a trust's existing register (a CMMS or EBME
// export, an IT asset list) together with what the network shows: it reads
// the register as CSV through a column mapping, matches its rows to
// discovered devices by MAC, serial number, host name or IP address, and
// lists what one side has and the other lacks.
package reconcile

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/cordonsec/cordon"
)

// Fields are the fields a column can map to, in form order: the recorded
// fields, then KeyField.
var Fields = []string{
	"asset_tag", "serial", "mac", "ip", "hostname", "manufacturer", "model", "category", "os",
	"site", "building", "ward", "room", "department", "owner", "contact", "criticality",
	"patient_data", "vendor", "maintenance", "supplier_access_method", "supplier_access_mode",
	"supplier_mfa", "zone", "notes", KeyField,
}

// KeyField is the pseudo-field of a column holding Cordon's own register
// key ("mac:…", "rec:12"), as Export writes it, so that an exported register
// edited in a spreadsheet imports back onto the same devices.
const KeyField = "key"

// Mapping maps a CSV column header to a recorded field; unmapped columns are
// ignored.
type Mapping map[string]string

// maxRows bounds an import, so that a mistaken upload cannot exhaust memory.
const maxRows = 200_000

// Row is one register row read through the mapping.
type Row struct {
	Line     int    // line number in the file, for messages
	Key      string // Cordon's register key, from a column mapped to KeyField
	Recorded cordon.Recorded
}

// RowError is a row that could not be read, with the reason.
type RowError struct {
	Line    int    `json:"line"`
	Message string `json:"message"`
}

// Headers reads the header row and the first rows of a CSV for a preview,
// and suggests a mapping from the header names.
func Headers(r io.Reader, preview int) (headers []string, rows [][]string, suggested Mapping, err error) {
	cr := newReader(r)
	headers, err = cr.Read()
	if err != nil {
		return nil, nil, nil, csvError(err)
	}
	cells(headers)
	for len(rows) < preview {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, nil, csvError(err)
		}
		rows = append(rows, cells(rec))
	}
	return headers, rows, Suggest(headers), nil
}

// Parse reads every row of a CSV through the mapping. Rows that fail
// validation are returned as RowErrors and left out; a file that is not CSV
// at all is an EINVALID error.
func Parse(r io.Reader, m Mapping) ([]Row, []RowError, error) {
	for col, field := range m {
		if field != "" && !validField(field) {
			return nil, nil, cordon.Errorf(cordon.EINVALID, "Column %q maps to unknown field %q.", col, field)
		}
	}
	cr := newReader(r)
	headers, err := cr.Read()
	if err != nil {
		return nil, nil, csvError(err)
	}
	cells(headers)
	if err := checkMapping(headers, m); err != nil {
		return nil, nil, err
	}
	var rows []Row
	var bad []RowError
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, csvError(err)
		}
		if len(rows)+len(bad) >= maxRows {
			return nil, nil, cordon.Errorf(cordon.EINVALID, "The register has more than %d rows.", maxRows)
		}
		var rc cordon.Recorded
		var key string
		empty := true
		for i, v := range rec {
			if i >= len(headers) {
				break
			}
			v = unescapeCell(strings.TrimSpace(cell(v)))
			if field := m[headers[i]]; field != "" && v != "" {
				empty = false
				if field == KeyField {
					key = v
					continue
				}
				if err := set(&rc, field, v); err != nil {
					bad = append(bad, RowError{Line: line, Message: err.Error()})
					empty = true
					break
				}
			}
		}
		if empty {
			continue
		}
		if err := rc.Validate(); err != nil {
			bad = append(bad, RowError{Line: line, Message: cordon.ErrorMessage(err)})
			continue
		}
		rows = append(rows, Row{Line: line, Key: key, Recorded: rc})
	}
	return rows, bad, nil
}

// checkMapping refuses a mapping that names a column the file lacks (a
// typing mistake would otherwise import nothing, silently) or maps two
// columns to one field (one would silently win).
func checkMapping(headers []string, m Mapping) error {
	have := map[string]bool{}
	for _, h := range headers {
		have[h] = true
	}
	cols := make([]string, 0, len(m))
	for col := range m {
		cols = append(cols, col)
	}
	sort.Strings(cols) // the same message for the same mistake
	by := map[string]string{}
	for _, col := range cols {
		field := m[col]
		if field == "" {
			continue
		}
		if !have[col] {
			return cordon.Errorf(cordon.EINVALID, "The mapping names column %q, which the file does not have.", col)
		}
		if prev, ok := by[field]; ok {
			return cordon.Errorf(cordon.EINVALID, "Columns %q and %q both map to %s; map one of them to another field or ignore it.", prev, col, field)
		}
		by[field] = col
	}
	return nil
}

func newReader(r io.Reader) *csv.Reader {
	br := bufio.NewReader(r)
	// Excel's "CSV UTF-8" starts with a byte order mark, which would
	// otherwise become part of the first header's name.
	if b, err := br.Peek(3); err == nil && string(b) == "\ufeff" {
		br.Discard(3)
	}
	cr := csv.NewReader(&textReader{r: br})
	cr.FieldsPerRecord = -1 // registers exported from spreadsheets are ragged
	cr.ReuseRecord = false
	cr.TrimLeadingSpace = true
	cr.LazyQuotes = true // hand-edited exports carry bare quotes
	return cr
}

func csvError(err error) error {
	var bin errBinary
	if errors.As(err, &bin) {
		return cordon.Errorf(cordon.EINVALID, "The file is not a CSV text file: it holds binary data at line %d, column %d. Export the register as CSV and upload that.", bin.line, bin.col)
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return cordon.Errorf(cordon.EINVALID, "The register is not valid CSV: line %d, column %d: %v.", pe.Line, pe.Column, pe.Err)
	}
	if err == io.EOF {
		return cordon.Errorf(cordon.EINVALID, "The register is empty.")
	}
	return fmt.Errorf("reconcile: read csv: %w", err)
}

func validField(f string) bool {
	for _, x := range Fields {
		if x == f {
			return true
		}
	}
	return false
}

// set stores one cell in its recorded field.
func set(r *cordon.Recorded, field, v string) error {
	str := map[string]*string{
		"asset_tag": &r.AssetTag, "serial": &r.Serial, "mac": &r.MAC, "ip": &r.IP, "hostname": &r.Hostname,
		"manufacturer": &r.Manufacturer, "model": &r.Model, "category": &r.Category, "os": &r.OS,
		"site": &r.Site, "building": &r.Building, "ward": &r.Ward, "room": &r.Room,
		"department": &r.Department, "owner": &r.Owner, "contact": &r.Contact,
		"criticality": &r.Criticality, "vendor": &r.Vendor, "maintenance": &r.Maintenance,
		"supplier_access_method": &r.SupplierAccessMethod, "supplier_access_mode": &r.SupplierAccessMode,
		"zone": &r.Zone, "notes": &r.Notes,
	}
	if p, ok := str[field]; ok {
		if field == "mac" {
			// One spelling in the register, whatever the export used
			// (98-E7-43-…, 98e7.4301.…), so that a re-import compares
			// equal; an unparsable MAC stays as written for Validate to
			// name.
			if m, err := cordon.ParseMAC(v); err == nil {
				v = m.String()
			}
		}
		if field == "criticality" || field == "supplier_access_mode" || field == "category" {
			v = strings.ToLower(strings.ReplaceAll(v, " ", "-"))
			if field == "category" {
				v = strings.ReplaceAll(v, "-", "_")
			}
		}
		*p = v
		return nil
	}
	b, err := parseBool(v)
	if err != nil {
		return fmt.Errorf("%s: %w", field, err)
	}
	switch field {
	case "patient_data":
		r.PatientData = &b
	case "supplier_mfa":
		r.SupplierMFA = &b
	}
	return nil
}

func parseBool(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "yes", "y", "true", "1":
		return true, nil
	case "no", "n", "false", "0":
		return false, nil
	}
	return false, fmt.Errorf("%q is not yes or no", v)
}

// synonyms maps normalised header words to fields, for the suggestion.
var synonyms = map[string]string{
	"asset": "asset_tag", "assettag": "asset_tag", "assetno": "asset_tag", "assetnumber": "asset_tag", "assetid": "asset_tag", "equipmentid": "asset_tag", "equipmentno": "asset_tag", "tag": "asset_tag",
	"serial": "serial", "serialno": "serial", "serialnumber": "serial", "sn": "serial",
	"mac": "mac", "macaddress": "mac", "hardwareaddress": "mac",
	"ip": "ip", "ipaddress": "ip", "ipv4": "ip",
	"hostname": "hostname", "host": "hostname", "devicename": "hostname", "computername": "hostname", "networkname": "hostname",
	"manufacturer": "manufacturer", "make": "manufacturer", "maker": "manufacturer",
	"model": "model", "modelname": "model",
	"category": "category", "devicetype": "category", "type": "category",
	"os": "os", "operatingsystem": "os",
	"site": "site", "hospital": "site", "building": "building", "ward": "ward", "location": "ward", "room": "room",
	"department": "department", "dept": "department", "owner": "owner", "responsible": "owner", "contact": "contact",
	"criticality": "criticality", "riskclass": "criticality", "risk": "criticality",
	"patientdata": "patient_data", "pii": "patient_data",
	"vendor": "vendor", "supplier": "vendor", "maintenance": "maintenance", "contract": "maintenance", "servicecontract": "maintenance",
	"remoteaccess": "supplier_access_method", "supplieraccess": "supplier_access_method",
	"mfa": "supplier_mfa", "zone": "zone", "vlan": "zone", "notes": "notes", "comments": "notes",
}

// fieldKeys maps each field's normalised name to the field, so that a
// register exported by Cordon maps back to itself.
var fieldKeys = func() map[string]string {
	m := map[string]string{}
	for _, f := range Fields {
		m[strings.ReplaceAll(f, "_", "")] = f
	}
	return m
}()

// Suggest maps each header whose name it recognises to a field, each field
// at most once (the first column wins).
func Suggest(headers []string) Mapping {
	m := Mapping{}
	used := map[string]bool{}
	for _, h := range headers {
		key := strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, strings.ToLower(h))
		f := synonyms[key]
		if f == "" {
			f = fieldKeys[key] // "supplier_access_method", as Cordon exports it
		}
		if f != "" && !used[f] {
			m[h] = f
			used[f] = true
		}
	}
	return m
}
