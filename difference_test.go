package cordon_test

import (
	"testing"

	"github.com/cordonsec/cordon"
)

func TestDifferences(t *testing.T) {
	observed := &cordon.Device{
		MAC: cordon.MAC{0x98, 0xe7, 0x43, 1, 2, 3}, IPs: []string{"10.30.1.57", "10.30.1.11"},
		Hostnames: []string{"CT-SCAN-01"}, Manufacturer: "Siemens Healthineers",
		Category: cordon.CategoryImagingModality, OS: cordon.OS{Name: "Windows 7"},
	}
	tests := []struct {
		name     string
		recorded cordon.Recorded
		want     []string // fields that differ
	}{
		{"Agree", cordon.Recorded{OS: "windows 7", IP: "10.30.1.11", Hostname: "ct-scan-01", MAC: "98-E7-43-01-02-03"}, nil},
		{"NothingRecorded", cordon.Recorded{}, nil},
		{"OS", cordon.Recorded{OS: "Windows 10"}, []string{"os"}},
		{"IPNotAmongObserved", cordon.Recorded{IP: "10.30.9.9"}, []string{"ip"}},
		{"MAC", cordon.Recorded{MAC: "00:11:22:33:44:55"}, []string{"mac"}},
		{"Several", cordon.Recorded{Manufacturer: "GE HealthCare", Category: "patient_monitor"}, []string{"manufacturer", "category"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cordon.Differences(&cordon.DeviceRecord{Observed: observed, Recorded: tt.recorded})
			if len(got) != len(tt.want) {
				t.Fatalf("got %+v, want fields %v", got, tt.want)
			}
			for i, f := range tt.want {
				if got[i].Field != f {
					t.Errorf("difference %d is %q, want %q", i, got[i].Field, f)
				}
			}
		})
	}
	if d := cordon.Differences(&cordon.DeviceRecord{Recorded: cordon.Recorded{OS: "x"}}); len(d) != 0 {
		t.Errorf("a device never observed has differences %v", d)
	}
}
