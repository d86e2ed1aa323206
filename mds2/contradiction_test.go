package mds2

import (
	"fmt"
	"strings"
	"testing"
)

// declare builds declarations from "ID=answer" pairs, through a Form, the
// way the lead's import will.
func declare(pairs ...string) Declarations {
	f := &Form{}
	for _, p := range pairs {
		id, raw, _ := strings.Cut(p, "=")
		raw, note, _ := strings.Cut(raw, "|")
		v, _ := parseValue(raw)
		sec, _, _ := strings.Cut(id, "-")
		f.Answers = append(f.Answers, Answer{ID: id, Section: sec, Value: v, Raw: raw, Note: note, Where: "cell of " + id})
	}
	return f.Declared()
}

func summary(cs []Contradiction) string {
	var parts []string
	for _, c := range cs {
		parts = append(parts, c.QuestionID+":"+string(c.Severity))
	}
	return strings.Join(parts, " ")
}

func TestContradictions(t *testing.T) {
	rdpOutside := Session{App: "rdp", Peer: "203.0.113.9", External: true}
	vncInside := Session{App: "vnc", Peer: "10.1.2.3"}
	hl7Clear := DataFlow{Protocol: "hl7", Peer: "10.20.0.5", Port: 2575}
	dicomTLS := DataFlow{Protocol: "dicom", Peer: "10.20.0.9", Port: 2762, Encrypted: true}
	dicomOut := DataFlow{Protocol: "dicom", Peer: "198.51.100.7", Port: 104, External: true}

	for _, tt := range []struct {
		name string
		decl Declarations
		obs  Observation
		want string   // "QUESTION:severity …" in result order
		text []string // substrings of the first explanation
	}{
		{
			name: "NoRemoteServiceYetRDPFromOutside",
			decl: declare("RMOT-1=No"),
			obs:  Observation{RemoteAccess: []Session{vncInside, rdpOutside}},
			want: "RMOT-1:high",
			text: []string{"permits no remote service connections", "RDP from 203.0.113.9 (outside the network)", "VNC from 10.1.2.3", "including from outside"},
		},
		{
			name: "NoRemoteServiceYetVNCInside",
			decl: declare("RMOT-1=No"),
			obs:  Observation{RemoteAccess: []Session{vncInside}},
			want: "RMOT-1:medium",
			text: []string{"from inside the hospital network"},
		},
		{
			name: "RemoteServiceDeclared",
			decl: declare("RMOT-1=Yes"),
			obs:  Observation{RemoteAccess: []Session{rdpOutside}},
		},
		{
			name: "EncryptedInTransitYetHL7InClear",
			decl: declare("TXCF-2=Yes", "TXCF-5=Yes"),
			obs:  Observation{PatientData: []DataFlow{hl7Clear, dicomTLS}},
			want: "TXCF-2:high",
			text: []string{"encrypted before transmission", "HL7 in clear text with 10.20.0.5 port 2575"},
		},
		{
			name: "SecureProtocolsSupportedButUnused",
			decl: declare("TXCF-2=No", "TXCF-5=Yes"),
			obs:  Observation{PatientData: []DataFlow{hl7Clear}},
			want: "TXCF-5:low",
		},
		{
			name: "AllEncrypted",
			decl: declare("TXCF-2=Yes", "TXIG-1=Yes"),
			obs:  Observation{PatientData: []DataFlow{dicomTLS}},
		},
		{
			name: "IntegrityClaimUncertain",
			decl: declare("TXIG-1=Yes"),
			obs:  Observation{PatientData: []DataFlow{hl7Clear}},
			want: "TXIG-1:low",
		},
		{
			name: "NoExternalCommsYetInternetPeers",
			decl: declare("CONN-4=No"),
			obs:  Observation{InternetPeers: []string{"192.0.2.44"}, RemoteAccess: []Session{rdpOutside}, PatientData: []DataFlow{dicomOut}},
			want: "CONN-4:high",
			text: []string{"cannot communicate with systems outside the hospital", "192.0.2.44", "203.0.113.9", "198.51.100.7"},
		},
		{
			name: "NoInternalCommsYetPeers",
			decl: declare("CONN-3=No"),
			obs:  Observation{InternalPeers: []string{"10.0.0.1", "10.0.0.1"}, PatientData: []DataFlow{hl7Clear}},
			want: "CONN-3:medium",
			text: []string{"10.0.0.1, 10.20.0.5."},
		},
		{
			name: "NoPIIYetHL7",
			decl: declare("MPII-1=No", "MPII-3=No"),
			obs:  Observation{PatientData: []DataFlow{dicomTLS}},
			want: "MPII-1:high",
			text: []string{"handles no patient data", "DICOM encrypted with 10.20.0.9 port 2762"},
		},
		{
			name: "NoPIITransmissionYetHL7",
			decl: declare("MPII-1=Yes", "MPII-3=No"),
			obs:  Observation{PatientData: []DataFlow{hl7Clear}},
			want: "MPII-3:high",
		},
		{
			name: "PIIExternalAndPointToPoint",
			decl: declare("MPII-3.7=No", "TXCF-1=Yes"),
			obs:  Observation{PatientData: []DataFlow{dicomOut}},
			want: "MPII-3.7:high TXCF-1:high",
		},
		{
			name: "NoTLSYetTLS",
			decl: declare("CONN-7=No"),
			obs:  Observation{TLS: true},
			want: "CONN-7:low",
		},
		{
			name: "NoWirelessYetOnWiFi",
			decl: declare("CONN-1.1=No", "MPII-3.6=No"),
			obs:  Observation{Wireless: true, PatientData: []DataFlow{hl7Clear}},
			want: "CONN-1.1:medium MPII-3.6:medium",
		},
		{
			name: "NoWiFiOnly",
			decl: declare("CONN-1.1=Yes", "CONN-1.1.1=No"),
			obs:  Observation{Wireless: true},
			want: "CONN-1.1.1:medium",
		},
		{
			name: "AccessControlYetOpenVNC",
			decl: declare("AUTH-1=Yes"),
			obs:  Observation{OpenAccess: []Session{{App: "vnc", Peer: "10.1.2.3"}}},
			want: "AUTH-1:high",
			text: []string{"without authentication: VNC from 10.1.2.3"},
		},
		{
			name: "ServicesDisabledYetTelnet",
			decl: declare("SAHD-9=Yes", "SAHD-7=Yes"),
			obs: Observation{Services: []Service{
				{Proto: "tcp", Port: 23}, {Proto: "tcp", Port: 21, App: "ftp"}, {Proto: "tcp", Port: 443, App: "https"},
				{Proto: "tcp", Port: 445},
			}},
			want: "SAHD-9:medium SAHD-7:low",
			text: []string{"offers port on 23/tcp, FTP on 21/tcp"},
		},
		{
			name: "HardenedYetSMBv1",
			decl: declare("SAHD-1=Yes"),
			obs:  Observation{SMBv1: true},
			want: "SAHD-1:medium",
		},
		{
			name: "PortsDisabledYetSMBv1",
			decl: declare("SAHD-1=No", "SAHD-8=Yes"),
			obs:  Observation{SMBv1: true},
			want: "SAHD-8:medium",
		},
		{
			name: "NoOSYetWindows",
			decl: declare("CSUP-2=No"),
			obs:  Observation{OS: "Windows 7"},
			want: "CSUP-2:medium",
		},
		{
			name: "OSFamilyDiffers",
			decl: declare("CSUP-2=Yes|Red Hat Enterprise Linux 8"),
			obs:  Observation{OS: "Windows 10"},
			want: "CSUP-2:medium",
			text: []string{"The form names Red Hat Enterprise Linux 8", "shows Windows 10"},
		},
		{
			name: "OSVersionDiffers",
			decl: declare("CSUP-2=Yes|Windows 7 Embedded Standard"),
			obs:  Observation{OS: "Windows 10"},
			want: "CSUP-2:low",
		},
		{
			name: "OSSame",
			decl: declare("CSUP-2=Yes|Windows 10 IoT Enterprise"),
			obs:  Observation{OS: "Windows 10"},
		},
		{
			name: "NAAndSeeNoteContradictNothing",
			decl: declare("RMOT-1=N/A", "TXCF-2=See Note", "CONN-4=", "AUTH-1=Maybe"),
			obs:  Observation{RemoteAccess: []Session{rdpOutside}, PatientData: []DataFlow{hl7Clear}, InternetPeers: []string{"192.0.2.1"}, OpenAccess: []Session{vncInside}},
		},
		{
			name: "NothingObserved",
			decl: declare("RMOT-1=No", "TXCF-2=Yes", "CONN-4=No", "CONN-3=No", "MPII-1=No", "AUTH-1=Yes", "SAHD-9=Yes", "CSUP-2=No", "CONN-7=No"),
		},
		{
			name: "OrderedBySeverity",
			decl: declare("CONN-7=No", "SAHD-1=Yes", "RMOT-1=No", "TXCF-2=Yes"),
			obs:  Observation{TLS: true, SMBv1: true, RemoteAccess: []Session{rdpOutside}, PatientData: []DataFlow{hl7Clear}},
			want: "RMOT-1:high TXCF-2:high SAHD-1:medium CONN-7:low",
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := Contradictions(tt.decl, tt.obs)
			if s := summary(got); s != tt.want {
				t.Fatalf("contradictions = %q, want %q\n%+v", s, tt.want, got)
			}
			for _, c := range got {
				if c.Declared == "" || c.Observed == "" || !strings.HasSuffix(c.Explanation, ".") ||
					!strings.HasPrefix(c.Declared, c.QuestionID+": ") {
					t.Errorf("incomplete contradiction %+v", c)
				}
			}
			for _, s := range tt.text {
				if !strings.Contains(got[0].Explanation, s) {
					t.Errorf("explanation %q does not contain %q", got[0].Explanation, s)
				}
			}
		})
	}
}

// Long peer lists are cut, not dumped into a finding.
func TestContradictions_ManyPeers(t *testing.T) {
	var obs Observation
	for i := range 12 {
		obs.InternetPeers = append(obs.InternetPeers, fmt.Sprintf("192.0.2.%d", i+1))
	}
	got := Contradictions(declare("CONN-4=No"), obs)
	if len(got) != 1 || !strings.Contains(got[0].Observed, "and 7 more") {
		t.Fatalf("got %+v", got)
	}
}

// The end-to-end case of issue 5: a workbook the tests build is read, and
// the traffic contradicts it.
func TestContradictions_FromWorkbook(t *testing.T) {
	f := mustParse(t, "acme.xlsx", nemaBook().bytes(t))
	obs := Observation{
		RemoteAccess: []Session{{App: "rdp", Peer: "203.0.113.9", External: true}},
		PatientData:  []DataFlow{{Protocol: "hl7", Peer: "10.20.0.5", Port: 2575}},
		OS:           "Windows 10",
	}
	got := Contradictions(f.Declared(), obs)
	// RMOT-1 No vs RDP; CONN-4 No vs a peer outside; TXCF-2 Yes vs HL7 in
	// clear. TXCF-5 is not raised as TXCF-2 already is; TXIG-1 is N/A.
	if s := summary(got); s != "CONN-4:high RMOT-1:high TXCF-2:high" {
		t.Fatalf("contradictions = %q\n%+v", s, got)
	}
	if got[1].Declared != "RMOT-1: No (permits remote service connections)" {
		t.Errorf("Declared = %q", got[1].Declared)
	}
	if got[1].Observed != "RDP from 203.0.113.9 (outside the network)" {
		t.Errorf("Observed = %q", got[1].Observed)
	}
}
