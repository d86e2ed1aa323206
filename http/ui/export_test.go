package ui

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
)

func TestDeviceCSVExport(t *testing.T) {
	e := newTestEnv(t)
	r := e.get("viewer1", "/devices.csv?sort=hostname")
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("status %d, type %q", r.status, r.header.Get("Content-Type"))
	}
	rows, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 5 {
		t.Fatalf("%d rows, want header and 4", len(rows))
	}
	if strings.Join(rows[0][:17], ",") != "mac,ips,hostnames,vendor,manufacturer,model,category,modality,medical,os_name,os_version,software,services,patient_data,confidence,first_seen,last_seen" {
		t.Errorf("header %v", rows[0])
	}
	found := false
	for _, row := range rows[1:] {
		for _, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
				t.Errorf("formula cell %q", cell)
			}
		}
		found = found || row[4] == `'=HYPERLINK("http://evil.example/")`
	}
	if !found {
		t.Errorf("hostile manufacturer not exported as text")
	}
	// Filters apply to the export.
	r = e.get("viewer1", "/devices.csv?category=infusion_pump")
	if rows, _ := csv.NewReader(strings.NewReader(r.body)).ReadAll(); len(rows) != 2 {
		t.Errorf("filtered export has %d rows", len(rows))
	}
}

func TestDeviceJSONExport(t *testing.T) {
	e := newTestEnv(t)
	r := e.get("viewer1", "/devices.json?medical=yes")
	var ds []cordon.DeviceRecord
	if err := json.Unmarshal([]byte(r.body), &ds); err != nil {
		t.Fatalf("%v:\n%s", err, r.body)
	}
	if len(ds) != 2 {
		t.Fatalf("%d medical devices, want 2", len(ds))
	}
	for _, d := range ds {
		if d.Observed == nil || !d.Observed.Medical {
			t.Errorf("device %s is not medical", d.Key)
		}
	}
}
