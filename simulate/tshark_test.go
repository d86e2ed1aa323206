package simulate

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestTsharkDecodesCleanly writes a small capture and has Wireshark's
// dissectors check it: no malformed packets, no expert errors (checksum
// validation on), and the identity evidence reads back as the builders
// meant it.
func TestTsharkDecodesCleanly(t *testing.T) {
	tshark, err := exec.LookPath("tshark")
	if err != nil {
		t.Skip("tshark not installed")
	}
	if testing.Short() {
		t.Skip("slow: runs tshark several times")
	}
	raw, _ := MustGenerate(t, Config{Seed: 21, Devices: 140, Duration: 12 * time.Minute})
	file := filepath.Join(t.TempDir(), "sim.pcap")
	if err := os.WriteFile(file, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) string {
		t.Helper()
		base := []string{"-r", file, "-d", "tcp.port==104,dicom", "-d", "tcp.port==2575,hl7",
			"-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE"}
		out, err := exec.Command(tshark, append(base, args...)...).Output()
		if err != nil {
			t.Fatalf("tshark %v: %v", args, err)
		}
		return string(out)
	}
	if out := run("-q", "-z", "expert,error"); strings.Contains(out, "Errors (") {
		t.Errorf("tshark reports expert errors:\n%s", out)
	}
	if out := run("-Y", "_ws.malformed"); strings.TrimSpace(out) != "" {
		t.Errorf("tshark finds malformed packets:\n%s", firstLines(out, 20))
	}
	checks := []struct {
		name, field, want string
	}{
		{"SMB1NativeOS", "smb.native_os", "Windows 7 Professional 7601 Service Pack 1"},
		{"SMB1ServerNativeOS", "smb.native_os", "Windows Server 2008 R2 Standard 7601 Service Pack 1"},
		{"NTLMWindows10", "ntlmssp.version.build_number", "19045"},
		{"NTLMServer2019", "ntlmssp.version.build_number", "17763"},
		{"DICOMCallingAE", "dicom.assoc.ae.calling", "SOMCT01"},
		{"DICOMImplUID", "dicom.userinfo.uid", "1.2.752.24.3.3.24"},
		{"HL7MessageType", "hl7.message.type", "ORU"},
		{"HL7EventType", "hl7.event.type", "R01"},
		{"TLSServerName", "tls.handshake.extensions_server_name", "login.microsoftonline.com"},
		{"DHCPVendorClass", "dhcp.option.vendor_class_id", "MSFT 5.0"},
		{"DHCPv6VendorClass", "dhcpv6.vendorclass.data", "MSFT 5.0"},
		{"CDPPlatform", "cdp.platform", "cisco C9500-48Y4C"},
		{"LLDPMEDManufacturer", "lldp.media.manufacturer", "Cisco Systems, Inc."},
		{"NetBIOSName", "nbns.name", "<00>"},
		{"MDNSTxt", "dns.txt", "ty="},
		{"HTTPServer", "http.server", "Microsoft-IIS/10.0"},
		{"RDPCookie", "rdp.rt_cookie", "mstshash=svc_"},
		{"SSHBanner", "ssh.protocol", "SSH-2.0-Cisco-1.25"},
	}
	// One pass over the file: every field as a column, all occurrences.
	args := []string{"-T", "fields", "-E", "occurrence=a", "-E", "separator=/t"}
	var fields []string // tshark drops repeated -e fields, so list each once
	for _, c := range checks {
		if !slices.Contains(fields, c.field) {
			fields = append(fields, c.field)
			args = append(args, "-e", c.field)
		}
	}
	args = append(args, "-Y", strings.Join(fields, " || "))
	cols := make([]strings.Builder, len(fields))
	for _, line := range strings.Split(run(args...), "\n") {
		for i, v := range strings.Split(line, "\t") {
			if i < len(cols) && v != "" {
				cols[i].WriteString(v)
				cols[i].WriteByte('\n')
			}
		}
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if got := cols[slices.Index(fields, c.field)].String(); !strings.Contains(got, c.want) {
				t.Errorf("tshark field %s never shows %q; first values:\n%s", c.field, c.want, firstLines(got, 5))
			}
		})
	}
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	return strings.Join(lines[:min(n, len(lines))], "\n")
}
