package classify

import (
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
)

func mustClassifier(tb testing.TB, extra []Profile) *Classifier {
	tb.Helper()
	c, err := New(extra)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func evidence(pairs ...string) []cordon.Evidence {
	var ev []cordon.Evidence
	for i := 0; i+1 < len(pairs); i += 2 {
		ev = append(ev, cordon.Evidence{Fact: pairs[i], Value: pairs[i+1], Count: 1})
	}
	return ev
}

func TestClassify(t *testing.T) {
	c := mustClassifier(t, nil)
	tests := []struct {
		name                             string
		device                           cordon.Device
		category, manufacturer, modality string
		os                               string
	}{
		{"SiemensCTOnDellConsole", cordon.Device{Evidence: evidence(
			"mac.vendor", "Dell Inc.",
			"dicom.implementation_class_uid", "1.3.12.2.1107.5.1.4",
			"dicom.sop_class", "1.2.840.10008.5.1.4.1.1.2",
			"dicom.sop_class", "1.2.840.10008.5.1.4.1.1.7",
			"smb.native_os", "Windows 7 Professional 7601 Service Pack 1",
		)}, cordon.CategoryImagingModality, "Siemens Healthineers", "CT", "Windows 7"},
		{"UnknownModalityByBehaviour", cordon.Device{Evidence: evidence(
			"dicom.implementation_class_uid", "1.2.3.4.5.6.7",
			"dicom.sop_class", "1.2.840.10008.5.1.4.1.1.4", // MR Image Storage
		)}, cordon.CategoryImagingModality, "", "MR", ""},
		{"PACSAcceptsStorage", cordon.Device{
			Services: []cordon.Service{{Proto: "tcp", Port: 104, App: "dicom", Role: "server"}},
			Evidence: evidence(
				"dicom.sop_class", "1.2.840.10008.5.1.4.1.1.2",
				"dicom.sop_class", "1.2.840.10008.5.1.4.1.1.4",
				"dicom.sop_class", "1.2.840.10008.5.1.4.1.1.1",
				"service", "tcp/104/dicom/server",
			)}, cordon.CategoryMedicalServer, "", "", ""},
		{"WindowsWorkstationByOS", cordon.Device{Evidence: evidence(
			"dhcp.vendor_class", "MSFT 5.0",
			"ntlm.os_version", "10.0.19045",
		)}, cordon.CategoryWorkstation, "", "", "Windows 10"},
		{"PrinterByMDNS", cordon.Device{Evidence: evidence("mdns.service", "_ipp._tcp")}, cordon.CategoryPrinter, "", "", ""},
		{"RouterByForwarding", cordon.Device{Evidence: evidence("ip.forwards", "42")}, cordon.CategoryNetwork, "", "", ""},
		{"NothingKnown", cordon.Device{Evidence: evidence("ip.ttl", "64")}, cordon.CategoryUnknown, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := tt.device
			c.Classify(&d)
			if d.Category != tt.category || d.Manufacturer != tt.manufacturer || d.Modality != tt.modality || d.OS.Name != tt.os {
				t.Errorf("got category=%q manufacturer=%q modality=%q os=%q; want %q %q %q %q\nreasons: %+v",
					d.Category, d.Manufacturer, d.Modality, d.OS.Name, tt.category, tt.manufacturer, tt.modality, tt.os, d.Reasons)
			}
			if d.Medical != cordon.IsMedicalCategory(tt.category) {
				t.Errorf("medical = %v", d.Medical)
			}
			if len(d.Reasons) == 0 || d.Reasons[0].Field != "category" {
				t.Fatalf("no category reason: %+v", d.Reasons)
			}
			if tt.category != cordon.CategoryUnknown && len(d.Reasons[0].Facts) == 0 {
				t.Error("category conclusion cites no facts")
			}
		})
	}
}

func TestUserProfileOverrides(t *testing.T) {
	extra, err := ParseProfiles("mine.json", []byte(`{"profiles": [{
		"id": "acme-infusor-9", "category": "infusion_pump", "manufacturer": "Acme Medical", "model": "Infusor 9",
		"rules": [{"fact": "dhcp.vendor_class", "op": "prefix", "value": "ACME-INF9", "weight": 0.9, "required": true}],
		"source": "test"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	c := mustClassifier(t, extra)
	d := cordon.Device{Evidence: evidence("dhcp.vendor_class", "acme-inf9 v2.1")}
	c.Classify(&d)
	if d.Category != cordon.CategoryInfusionPump || d.Model != "Infusor 9" || d.Profile != "acme-infusor-9" {
		t.Errorf("got %+v", d)
	}
}

func TestParseProfilesErrors(t *testing.T) {
	tests := []struct{ name, json, want string }{
		{"Syntax", `{"profiles": [`, "mine.json"},
		{"UnknownField", `{"profiles": [{"id": "x", "colour": "red"}]}`, "colour"},
		{"UnknownCategory", `{"profiles": [{"id": "x", "category": "toaster", "rules": [{"fact": "a", "op": "equals", "value": "b", "weight": 0.5}]}]}`, "toaster"},
		{"BadRegex", `{"profiles": [{"id": "x", "category": "iot", "rules": [{"fact": "a", "op": "regex", "value": "(", "weight": 0.5}]}]}`, "rule 0"},
		{"BadWeight", `{"profiles": [{"id": "x", "category": "iot", "rules": [{"fact": "a", "op": "equals", "value": "b", "weight": 1.5}]}]}`, "weight"},
		{"Duplicate", `{"profiles": [{"id": "x", "category": "iot", "rules": [{"fact": "a", "op": "equals", "value": "b", "weight": 0.5}]}, {"id": "x", "category": "iot", "rules": [{"fact": "a", "op": "equals", "value": "b", "weight": 0.5}]}]}`, "twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseProfiles("mine.json", []byte(tt.json))
			if err == nil || !strings.Contains(cordon.ErrorMessage(err), tt.want) {
				t.Errorf("error = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

// FuzzParseProfiles feeds arbitrary bytes to the parser of users' profile
// files (--profiles): an error or profiles that compile, never a panic.
func FuzzParseProfiles(f *testing.F) {
	f.Add([]byte(`{"profiles": [{"id": "x", "category": "iot", "rules": [{"fact": "a", "op": "regex", "value": "^a+$", "weight": 0.5}]}]}`))
	f.Add([]byte(`{"profiles": [{"id": "x", "category": "toaster"}]}`))
	f.Add([]byte(`{"profiles": [`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ps, err := ParseProfiles("fuzz.json", data)
		if err != nil {
			if cordon.ErrorCode(err) != cordon.EINVALID {
				t.Fatalf("error %v is not EINVALID", err)
			}
			return
		}
		for _, p := range ps {
			for i := range p.Rules {
				p.Rules[i].Match("value") // compiled rules must be usable
			}
		}
	})
}
