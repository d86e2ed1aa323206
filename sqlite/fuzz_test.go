package sqlite_test

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/sqlite"
)

// FuzzFindDevices feeds arbitrary search text and sort fields to
// FindDevices: nothing a user types may reach SQL as SQL, so the only error
// allowed is EINVALID for a sort field outside the list, and every device
// returned must contain every word searched for.
func FuzzFindDevices(f *testing.F) {
	for _, s := range [][2]string{
		{"ct-00000", ""},
		{"alaris", "-last_seen"},
		{"10.0.0.1", "ip"},
		{"02:00:00:00:00:01", "hostname"},
		{"'; DROP TABLE devices; --", "manufacturer"},
		{"%", "-category"},
		{`_\%`, "id; DROP TABLE devices"},
		{"<script>alert(1)</script>", "-"},
		{"\x00\xff", "first_seen"},
	} {
		f.Add(s[0], s[1])
	}
	db := MustOpenDB(f)
	commitDevices(f, db, "fuzz.pcap", manyDevices(64, 0))
	svc := sqlite.NewDeviceService(db)
	f.Fuzz(func(t *testing.T, query, sort string) {
		ds, n, err := svc.FindDevices(context.Background(), cordon.DeviceFilter{Query: query, Sort: sort, Limit: 100})
		if err != nil {
			if cordon.ErrorCode(err) != cordon.EINVALID {
				t.Fatalf("FindDevices(%q, %q): %v", query, sort, err)
			}
			return
		}
		if n < len(ds) {
			t.Fatalf("total %d below page %d", n, len(ds))
		}
		for _, d := range ds {
			o := d.Observed
			text := strings.ToLower(strings.Join(append(append([]string{o.MAC.String(), o.Vendor, o.Manufacturer, o.Model}, o.IPs...), o.Hostnames...), " "))
			for _, w := range strings.Fields(strings.ReplaceAll(strings.ToLower(query), "\x00", "")) {
				if !strings.Contains(text, w) {
					t.Fatalf("query %q returned %s, which lacks %q", query, d.Key, w)
				}
			}
		}
	})
}

// FuzzUpdateRecorded stores arbitrary text in recorded fields: valid
// records come back byte for byte, invalid ones are EINVALID, and nothing
// else goes wrong.
func FuzzUpdateRecorded(f *testing.F) {
	for _, s := range [][3]string{
		{"RAD-0001", "Radiology 2", "high"},
		{"'; DROP TABLE devices; --", `O'Brien "Bob"`, "low"},
		{"<script>alert(1)</script>", "Côté ☤ 病棟", "life-sustaining"},
		{`\%_`, "\t\r\n", "very"},
	} {
		f.Add(s[0], s[1], s[2])
	}
	db := MustOpenDB(f)
	commitDevices(f, db, "fuzz.pcap", manyDevices(1, 0))
	svc := sqlite.NewDeviceService(db)
	ds, _, err := svc.FindDevices(context.Background(), cordon.DeviceFilter{})
	if err != nil || len(ds) != 1 {
		f.Fatalf("setup: %v", err)
	}
	id := ds[0].ID
	f.Fuzz(func(t *testing.T, tag, ward, criticality string) {
		rec := cordon.Recorded{AssetTag: tag, Ward: ward, Notes: tag + ward, Criticality: criticality}
		got, err := svc.UpdateRecorded(context.Background(), id, rec)
		if err != nil {
			if cordon.ErrorCode(err) != cordon.EINVALID {
				t.Fatalf("UpdateRecorded: %v", err)
			}
			return
		}
		if !utf8.ValidString(tag + ward + criticality) {
			return // JSON replaces invalid UTF-8, so it is not stored verbatim
		}
		again, err := svc.FindDeviceByID(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if again.Recorded != rec || got.Recorded != rec {
			t.Fatalf("stored %+v, want %+v", again.Recorded, rec)
		}
	})
}
