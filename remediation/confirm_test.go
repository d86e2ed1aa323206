package remediation

import (
	"reflect"
	"testing"

	"github.com/cordonsec/cordon"
)

func TestConfirm(t *testing.T) {
	applied := day("2025-05-01T10:00:00Z")
	dev := func(state string, lastSeen string, observed ...string) cordon.RemediationDevice {
		d := cordon.RemediationDevice{DeviceID: 1, State: state, Observed: observed}
		if state == cordon.RemediationDeviceApplied {
			d.Applied = applied
		}
		if lastSeen != "" {
			d.LastSeen = day(lastSeen)
		}
		return d
	}
	tests := []struct {
		name     string
		d        cordon.RemediationDevice
		approved string
		want     string
	}{
		{"Confirmed", dev("applied", "2025-05-03T00:00:00Z", "Windows 10 10.0.19045", "cpe:2.3:a:siemens:syngo:va50a:*:*:*:*:*:*:*"), "VA50A", Confirmed},
		{"SameDayCounts", dev("applied", "2025-05-01T08:00:00Z", "VA50A"), "va50a", Confirmed},
		{"NotYetSeen", dev("applied", "2025-04-30T23:00:00Z", "VA40B"), "VA50A", NotYetSeen},
		{"NotYetSeenNoVersions", dev("applied", "2025-04-20T23:00:00Z"), "VA50A", NotYetSeen},
		{"NotConfirmed", dev("applied", "2025-05-09T00:00:00Z", "VA40B"), "VA50A", NotConfirmed},
		{"NeverObserved", dev("applied", ""), "VA50A", Unknown},
		{"NoApprovedVersion", dev("applied", "2025-05-09T00:00:00Z", "VA40B"), "", Unknown},
		{"PendingShowsIt", dev("pending", "2025-05-09T00:00:00Z", "VA50A"), "VA50A", SeenUnrecorded},
		{"PendingOld", dev("pending", "2025-05-09T00:00:00Z", "VA40B"), "VA50A", Unknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Confirm(tt.d, tt.approved); got != tt.want {
				t.Errorf("Confirm = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestObservedVersions(t *testing.T) {
	d := &cordon.Device{OS: cordon.OS{Name: "Windows", Version: "7 SP1"},
		Software: []cordon.Software{{CPE: "cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*"}},
		DICOM:    &cordon.DICOMInfo{ImplementationVersion: "SIEMENS_VA40B"},
		Evidence: []cordon.Evidence{{Fact: "smb.os_build", Value: "7601"}, {Fact: "dhcp.hostname", Value: "ct01"}, {Fact: "lldp.software_revision", Value: "7601"}}}
	want := []string{"Windows 7 SP1", "cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*", "SIEMENS_VA40B", "7601"}
	if got := cordon.ObservedVersions(d); !reflect.DeepEqual(got, want) {
		t.Errorf("ObservedVersions = %q, want %q", got, want)
	}
	if cordon.ObservedVersions(nil) != nil {
		t.Error("nil device has versions")
	}
}
