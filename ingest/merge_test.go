package ingest

import (
	"fmt"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/classify"
)

var t0 = time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)

func ev(fact, value string, first time.Time, count int) cordon.Evidence {
	return cordon.Evidence{Fact: fact, Value: value, FirstSeen: first, LastSeen: first, Count: count}
}

func TestMerge(t *testing.T) {
	cl, err := classify.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	mac := cordon.MAC{0x98, 0xe7, 0x43, 1, 2, 3}
	// Monday's capture saw a DICOM association; Tuesday's, after DHCP gave
	// the console a new address, saw its SMB session.
	monday := &cordon.Device{
		MAC: mac, IPs: []string{"10.30.1.11"}, Hostnames: []string{"CT-SCAN-01"},
		FirstSeen: t0, LastSeen: t0.Add(time.Hour),
		Evidence: []cordon.Evidence{
			ev("dicom.implementation_class_uid", "1.3.12.2.1107.5.1.4", t0, 2),
			ev("dicom.sop_class", "1.2.840.10008.5.1.4.1.1.2", t0, 2),
			ev("hostname", "CT-SCAN-01", t0, 1),
		},
		Services: []cordon.Service{{Proto: "tcp", Port: 104, App: "dicom", Role: "client"}},
	}
	tuesday := &cordon.Device{
		MAC: mac, IPs: []string{"10.30.1.57"}, Hostnames: []string{"CT-SCAN-01"},
		FirstSeen: t0.Add(24 * time.Hour), LastSeen: t0.Add(25 * time.Hour),
		Evidence: []cordon.Evidence{
			ev("smb.native_os", "Windows 7 Professional 7601 Service Pack 1", t0.Add(24*time.Hour), 1),
			ev("hostname", "CT-SCAN-01", t0.Add(24*time.Hour), 1),
		},
		Services: []cordon.Service{{Proto: "tcp", Port: 445, App: "smb", Role: "client"}},
	}
	d := Merge(Merge(nil, monday, cl), tuesday, cl)

	if len(d.IPs) != 2 || d.IPs[0] != "10.30.1.57" || d.IPs[1] != "10.30.1.11" {
		t.Errorf("IPs = %v, want the new address first and the old kept", d.IPs)
	}
	if len(d.Hostnames) != 1 {
		t.Errorf("hostnames = %v", d.Hostnames)
	}
	if !d.FirstSeen.Equal(t0) || !d.LastSeen.Equal(t0.Add(25*time.Hour)) {
		t.Errorf("seen %v to %v", d.FirstSeen, d.LastSeen)
	}
	if len(d.Services) != 2 {
		t.Errorf("services = %v", d.Services)
	}
	// Only the two captures together say: a Siemens CT on Windows 7.
	if d.Category != cordon.CategoryImagingModality || d.Modality != "CT" || d.Manufacturer != "Siemens Healthineers" || d.OS.Name != "Windows 7" {
		t.Errorf("classified as %s/%s %s on %q", d.Category, d.Modality, d.Manufacturer, d.OS.Name)
	}
	for _, e := range d.Evidence {
		if e.Fact == "hostname" && (e.Count != 2 || !e.FirstSeen.Equal(t0) || !e.LastSeen.Equal(t0.Add(24*time.Hour))) {
			t.Errorf("merged hostname evidence = %+v", e)
		}
	}
	if d.DICOM == nil || d.DICOM.ImplementationClassUID != "1.3.12.2.1107.5.1.4" {
		t.Errorf("DICOM summary lost: %+v", d.DICOM)
	}
}

func TestMergeBoundsValuesPerFact(t *testing.T) {
	cl, err := classify.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	var old, cur []cordon.Evidence
	for i := 0; i < maxValuesPerFact; i++ {
		old = append(old, ev("dns.query", fmt.Sprintf("old%d.example", i), t0, 1))
		cur = append(cur, ev("dns.query", fmt.Sprintf("new%d.example", i), t0.Add(time.Hour), 1))
	}
	d := Merge(&cordon.Device{Evidence: old}, &cordon.Device{Evidence: cur}, cl)
	n := 0
	for _, e := range d.Evidence {
		if e.Fact == "dns.query" {
			n++
			if e.FirstSeen.Equal(t0) {
				t.Fatalf("kept an older value %q over a newer one", e.Value)
			}
		}
	}
	if n != maxValuesPerFact {
		t.Errorf("kept %d values, want %d", n, maxValuesPerFact)
	}
}
