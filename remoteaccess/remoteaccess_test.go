package remoteaccess_test

import (
	"strings"
	"testing"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/remoteaccess"
)

// suppliers: Siemens serves model 7 through the trust's jump host by RDP
// and device 42 by a VPN from its gateway range; Philips serves device 43
// by SSH only.
func suppliers() []*cordon.Supplier {
	return []*cordon.Supplier{
		{ID: 1, Name: "Siemens Healthineers", ModelIDs: []int64{7}, DeviceIDs: []int64{42}, Access: []cordon.RemoteAccess{
			{Method: "rdp", Mode: cordon.AccessOnDemand, MFA: true, Sources: []string{"10.50.0.10"}},
			{Method: "vpn", Mode: cordon.AccessOnDemand, MFA: true, Sources: []string{"198.51.100.0/24"}},
		}},
		{ID: 2, Name: "Philips", DeviceIDs: []int64{43}, Access: []cordon.RemoteAccess{
			{Method: "ssh", Mode: cordon.AccessAlwaysOn, Sources: []string{"10.50.0.10", "bad source"}},
		}},
		{ID: 3, Name: "No access", DeviceIDs: []int64{44}},
	}
}

func session(device, model int64, method string, sources ...string) *cordon.RemoteSession {
	return &cordon.RemoteSession{Device: cordon.FindingDevice{ID: device}, ModelID: model, Method: method,
		SourceKey: "mac:02:00:00:00:00:01", Sources: sources}
}

func TestDecide(t *testing.T) {
	ix := remoteaccess.NewIndex(suppliers())
	tests := []struct {
		name     string
		s        *cordon.RemoteSession
		explains string // supplier name, "" for unexplained
		reason   string
	}{
		{"ExplainedByModel", session(100, 7, "rdp", "10.50.0.10"), "Siemens Healthineers", "rdp access"},
		{"ExplainedByDevice", session(42, 0, "rdp", "10.50.0.10"), "Siemens Healthineers", "rdp access"},
		{"ExplainedByCarrier", session(42, 0, "vnc", "198.51.100.77"), "Siemens Healthineers", "vpn access"},
		{"ExplainedByAnyAddress", session(100, 7, "rdp", "10.9.9.9", "10.50.0.10"), "Siemens Healthineers", ""},
		{"ExplainedOtherSupplier", session(43, 0, "ssh", "10.50.0.10"), "Philips", "ssh access"},
		{"WrongSource", session(100, 7, "rdp", "10.50.0.11"), "", "10.50.0.11 is in no remote access record"},
		{"WrongMethod", session(100, 7, "ssh", "10.50.0.10"), "", "by rdp, not ssh"},
		{"WrongMethodOtherSupplier", session(43, 0, "rdp", "10.50.0.10"), "", "by ssh, not rdp"},
		{"OtherModel", session(100, 8, "rdp", "10.50.0.10"), "", "No supplier"},
		{"NoModel", session(100, 0, "rdp", "10.50.0.10"), "", "No supplier"},
		{"SupplierWithoutAccess", session(44, 0, "rdp", "10.50.0.10"), "", "No supplier"},
		{"NoSourceAddress", session(42, 7, "rdp"), "", "mac:02:00:00:00:00:01 is in no"},
		{"BadSourceIgnored", session(43, 0, "ssh", "bad source"), "", "is in no"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := ix.Decide(tt.s)
			if d.Explained != (tt.explains != "") || d.Supplier != tt.explains {
				t.Errorf("Decide = explained %v by %q (%s), want %q", d.Explained, d.Supplier, d.Reason, tt.explains)
			}
			if !strings.Contains(d.Reason, tt.reason) {
				t.Errorf("reason %q does not say %q", d.Reason, tt.reason)
			}
		})
	}
}

func TestUnexplained(t *testing.T) {
	ss := []*cordon.RemoteSession{
		session(100, 7, "rdp", "10.50.0.10"),
		session(100, 7, "rdp", "203.0.113.5"),
		session(55, 0, "teamviewer", "10.1.1.1"),
	}
	got := remoteaccess.Unexplained(ss, suppliers())
	if len(got) != 2 || got[0].Session != ss[1] || got[1].Session != ss[2] {
		t.Fatalf("Unexplained = %+v", got)
	}
	if got := remoteaccess.Unexplained(nil, nil); got == nil || len(got) != 0 {
		t.Errorf("Unexplained(nil) = %#v, want empty", got)
	}
}

func TestRemoteMethod(t *testing.T) {
	for _, tt := range []struct {
		app  string
		port uint16
		want string
	}{
		{"rdp", 3389, "rdp"}, {"", 3389, "rdp"}, {"tls", 3389, "rdp"}, {"RDP", 50000, "rdp"},
		{"", 5900, "vnc"}, {"", 5903, "vnc"}, {"", 5904, ""}, {"rfb", 6000, "vnc"},
		{"ssh", 22, "ssh"}, {"", 22, "ssh"}, {"http", 22, ""}, {"telnet", 23, "telnet"},
		{"", 5938, "teamviewer"}, {"", 7070, "anydesk"}, {"dicom", 104, ""}, {"", 443, ""},
	} {
		if got := cordon.RemoteMethod(tt.app, tt.port); got != tt.want {
			t.Errorf("RemoteMethod(%q, %d) = %q, want %q", tt.app, tt.port, got, tt.want)
		}
	}
}
