package reconcile

import (
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
)

func TestParseHostile(t *testing.T) {
	tests := []struct {
		name    string
		csv     string
		mapping Mapping
		want    string // part of the EINVALID message; "" for success
	}{
		{"BinaryFile", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", Mapping{}, "binary data at line 3, column 1"},
		{"Capture", "\xd4\xc3\xb2\xa1\x02\x00\x04\x00", Mapping{}, "binary data at line 1, column 6"},
		{"UnknownColumn", "MAC Address,Ward\n00:1b:63:84:45:e6,ICU\n", Mapping{"MAC": "mac"}, `column "MAC"`},
		{"TwoColumnsOneField", "Location,Room\nICU,4\n", Mapping{"Location": "ward", "Room": "ward"}, "both map to ward"},
		{"UnknownField", "a\n1\n", Mapping{"a": "password"}, "unknown field"},
		{"BadQuote", "Asset No,Ward\n\"EQ-1\"x\"\n", Mapping{"Asset No": "asset_tag"}, ""},
		{"Script", "Asset No,Comments\nEQ-1,<script>alert(1)</script>\n", Mapping{"Asset No": "asset_tag", "Comments": "notes"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, _, err := Parse(strings.NewReader(tt.csv), tt.mapping)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				for _, r := range rows {
					if err := r.Recorded.Validate(); err != nil {
						t.Errorf("invalid row %+v", r)
					}
				}
				return
			}
			if cordon.ErrorCode(err) != cordon.EINVALID || !strings.Contains(cordon.ErrorMessage(err), tt.want) {
				t.Errorf("err = %v, want EINVALID containing %q", err, tt.want)
			}
		})
	}
}

func TestHeadersEncodings(t *testing.T) {
	tests := []struct {
		name, csv  string
		wantHeader string
		wantCell   string
	}{
		{"ByteOrderMark", "\ufeffAsset No,Location\nEQ-1,Café\n", "Asset No", "Café"},
		{"Windows1252", "Asset No,Location\nEQ-1,Caf\xe9 \x80\x93 \x92\n", "Asset No", "Café €“ ’"},
		{"Latin1Header", "N\xba Serie,Location\n1,2\n", "Nº Serie", "2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, rows, _, err := Headers(strings.NewReader(tt.csv), 1)
			if err != nil {
				t.Fatal(err)
			}
			if h[0] != tt.wantHeader || rows[0][1] != tt.wantCell {
				t.Errorf("header %q, cell %q", h[0], rows[0][1])
			}
		})
	}
	// Parse reads the same header names, so the suggested mapping applies.
	_, _, m, err := Headers(strings.NewReader("\ufeffAsset No,Location\nEQ-1,Caf\xe9\n"), 0)
	if err != nil {
		t.Fatal(err)
	}
	rows, _, err := Parse(strings.NewReader("\ufeffAsset No,Location\nEQ-1,Caf\xe9\n"), m)
	if err != nil || len(rows) != 1 || rows[0].Recorded.AssetTag != "EQ-1" || rows[0].Recorded.Ward != "Café" {
		t.Errorf("rows %+v, err %v", rows, err)
	}
}

func TestParseCanonicalMAC(t *testing.T) {
	for _, mac := range []string{"00-1B-63-84-45-E6", "001b.6384.45e6", "00:1b:63:84:45:e6"} {
		rows, bad, err := Parse(strings.NewReader("MAC\n"+mac+"\n"), Mapping{"MAC": "mac"})
		if err != nil || len(bad) != 0 || rows[0].Recorded.MAC != "00:1b:63:84:45:e6" {
			t.Errorf("%s: rows %+v, bad %v, err %v", mac, rows, bad, err)
		}
	}
}

func TestParseUnescapesExport(t *testing.T) {
	rows, _, err := Parse(strings.NewReader("asset_tag,notes,contact\nEQ-1,'=1+1,'+44 20 7946 0000\n"), Mapping{"asset_tag": "asset_tag", "notes": "notes", "contact": "contact"})
	if err != nil || rows[0].Recorded.Notes != "=1+1" || rows[0].Recorded.Contact != "+44 20 7946 0000" {
		t.Errorf("rows %+v, err %v", rows, err)
	}
}

func TestParseManyRows(t *testing.T) {
	var b strings.Builder
	b.WriteString("Asset No,Comments\n")
	for i := range 10_000 {
		b.WriteString("EQ-")
		b.WriteString(strings.Repeat("9", i%7+1))
		b.WriteString(",=cmd|' /C calc'!A0\n")
	}
	rows, bad, err := Parse(strings.NewReader(b.String()), Mapping{"Asset No": "asset_tag", "Comments": "notes"})
	if err != nil || len(rows) != 10_000 || len(bad) != 0 {
		t.Fatalf("%d rows, %d bad, err %v", len(rows), len(bad), err)
	}
}
