package mds2

import "testing"

func TestForm_Declared(t *testing.T) {
	d := mustParse(t, "acme.xlsx", nemaBook().bytes(t)).Declared()
	for _, tt := range []struct {
		name  string
		c     Claim
		id    string
		value Value
	}{
		{"RemoteService", d.RemoteService, "RMOT-1", No},
		{"ExternalComms", d.ExternalComms, "CONN-4", No},
		{"InternalComms", d.InternalComms, "CONN-3", Yes},
		{"TLS", d.TLS, "CONN-7", Yes},
		{"HandlesPII", d.HandlesPII, "MPII-1", Yes},
		{"PIIExternal", d.PIIExternal, "MPII-3.7", No},
		{"PIIEncrypted", d.PIIEncrypted, "TXCF-2", Yes},
		{"SecureProtocols", d.SecureProtocols, "TXCF-5", Yes},
		{"TransmissionIntegrity", d.TransmissionIntegrity, "TXIG-1", NA},
		{"AccessControl", d.AccessControl, "AUTH-1", Yes},
		{"AntiMalware", d.AntiMalware, "MLDP-2", Yes},
		{"SBOM", d.SBOM, "SBOM-1", SeeNote},
		{"HasOS", d.HasOS, "CSUP-2", Yes},
		{"ServicesDisabled", d.ServicesDisabled, "SAHD-9", Yes},
		{"MFA", d.MFA, "PAUT-8", Unknown},
		{"NotInForm", d.Firewall, "", Unknown},
	} {
		if tt.c.QuestionID != tt.id || tt.c.Value != tt.value {
			t.Errorf("%s = %s %q; want %s %q", tt.name, tt.c.QuestionID, tt.c.Value, tt.id, tt.value)
		}
	}
	if d.RemoteService.Where != `sheet "MDS2" cell C27` || !d.RemoteService.No() || d.RemoteService.Yes() {
		t.Errorf("RemoteService = %+v", d.RemoteService)
	}
	if d.OS.Raw != "Windows 10 IoT Enterprise LTSC 2019" || d.OS.QuestionID != "CSUP-2" {
		t.Errorf("OS = %+v, want Windows 10 IoT Enterprise LTSC 2019 from CSUP-2", d.OS)
	}
}

func TestForm_DeclaredOS(t *testing.T) {
	for _, tt := range []struct {
		name    string
		answers []Answer
		os, id  string
	}{
		{"CSUP2Note", []Answer{{ID: "DOC-2", Raw: "Runs Linux"}, {ID: "CSUP-2", Raw: "Yes", Note: "Microsoft Windows 7 Embedded Standard SP1"}}, "Microsoft Windows 7 Embedded Standard SP1", "CSUP-2"},
		{"DocBeforeOthers", []Answer{{ID: "SBOM-1", Section: "SBOM", Note: "VxWorks 6.9"}, {ID: "DOC-2", Section: "DOC", Raw: "Workstation on Red Hat Enterprise Linux 8"}}, "Red Hat Enterprise Linux 8", "DOC-2"},
		{"AnyNote", []Answer{{ID: "SAHD-1", Section: "SAHD", Note: "CIS benchmark for Ubuntu 20.04 LTS"}}, "Ubuntu 20.04 LTS", "SAHD-1"},
		{"QNX", []Answer{{ID: "CSUP-2", Raw: "Yes", Note: "QNX Neutrino 7.0"}}, "QNX Neutrino 7.0", "CSUP-2"},
		{"None", []Answer{{ID: "CSUP-2", Raw: "No", Note: "Firmware only"}, {ID: "MLDP-1", Note: "Integrity checks of the windowsill"}}, "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := (&Form{Answers: tt.answers}).declaredOS()
			if c.Raw != tt.os || c.QuestionID != tt.id {
				t.Errorf("declaredOS = %q from %q; want %q from %q", c.Raw, c.QuestionID, tt.os, tt.id)
			}
		})
	}
}

func TestOSIdentity(t *testing.T) {
	for _, tt := range []struct{ in, family, version string }{
		{"Windows 10 IoT Enterprise LTSC 2019", "windows", "10"},
		{"Microsoft Windows 7 Embedded Standard SP1", "windows", "7"},
		{"Windows Server 2008 R2", "windows", "2008 r2"},
		{"Windows XP", "windows", "xp"},
		{"Windows", "windows", ""},
		{"Red Hat Enterprise Linux 8", "linux", ""},
		{"Linux 3.10", "linux", ""},
		{"VxWorks 6.9", "vxworks", "6"},
		{"QNX Neutrino 7.0", "qnx", "7"},
		{"Plan 9", "", ""},
	} {
		f, v := osIdentity(tt.in)
		if f != tt.family || v != tt.version {
			t.Errorf("osIdentity(%q) = %q, %q; want %q, %q", tt.in, f, v, tt.family, tt.version)
		}
	}
}
