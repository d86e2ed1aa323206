package sqlite

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
)

// The slim decoding of a stored device (observedVersions) gives the
// remediation board what decoding the whole cordon.Device gives: the same
// observed versions from the OS, software, DICOM and version evidence, and
// the same last-seen time.
func TestObservedVersions_SameAsDevice(t *testing.T) {
	seen := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	for name, dev := range map[string]*cordon.Device{
		"Full": {OS: cordon.OS{Name: "Windows", Version: "10 1809"},
			Software: []cordon.Software{{CPE: "cpe:2.3:a:siemens:syngo:VB20A:*:*:*:*:*:*:*", Source: "dicom.impl"}},
			DICOM:    &cordon.DICOMInfo{ImplementationVersion: "SYNGO_VB20A"},
			Evidence: []cordon.Evidence{{Fact: "http.server", Value: "nginx", Count: 2, FirstSeen: seen},
				{Fact: "snmp.firmware_version", Value: "4.2.1", LastSeen: seen}, {Fact: "smb.os_build", Value: "17763"}},
			LastSeen: seen},
		"Empty":   {},
		"NoDICOM": {OS: cordon.OS{Name: "Linux"}, Evidence: []cordon.Evidence{{Fact: "Firmware Revision", Value: "r7"}}},
	} {
		t.Run(name, func(t *testing.T) {
			data, err := json.Marshal(dev)
			if err != nil {
				t.Fatal(err)
			}
			var full cordon.Device
			var slim observedVersions
			if err := json.Unmarshal(data, &full); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(data, &slim); err != nil {
				t.Fatal(err)
			}
			want, got := cordon.ObservedVersions(&full), cordon.ObservedVersions(slim.device())
			if !reflect.DeepEqual(got, want) || !slim.LastSeen.Equal(full.LastSeen) {
				t.Fatalf("slim %q, %v; full %q, %v", got, slim.LastSeen, want, full.LastSeen)
			}
		})
	}
}
