package proto

import (
	"testing"
)

// smbWant is one expected fact, about the client or the server.
type smbWant struct {
	server      bool
	fact, value string
}

var (
	smbv1Conv = []convSeg{
		{false, smbv1NegReq}, {true, smbv1NegResp},
		{false, smbv1SetupReq}, {true, smbv1SetupResp},
	}
	smbFragsConv = []convSeg{
		{false, smbFragsNegReq}, {true, smbFragsNegResp},
		{false, smbFragsSetupReq1}, {false, smbFragsSetupReq2}, {true, smbFragsSetupResp},
	}
	samba3Conv = []convSeg{
		{false, samba3NegReq1}, {true, samba3NegResp1},
		{false, samba3NegReq2}, {true, samba3NegResp2},
		{false, samba3SetupReq1}, {true, samba3SetupResp1},
		{false, samba3SetupReq2}, {true, samba3SetupResp2},
		{false, samba3TreeReq},
	}
	samba1Conv = []convSeg{
		{false, samba1NegReq}, {true, samba1NegResp},
		{false, samba1SetupReq1}, {true, samba1SetupResp1},
		{false, samba1SetupReq2}, {true, samba1SetupResp2},
	}
	samba1aConv = []convSeg{
		{false, samba1aNegReq}, {true, samba1aNegResp},
		{false, samba1aSetupReq1}, {true, samba1aSetupResp1},
		{false, samba1aSetupReq2}, {true, samba1aSetupResp2},
	}
)

// sambaNTLM are the NTLMSSP facts of the Samba captures: tshark shows
// version 6.1 build 0 in all three messages, target info NetBIOS computer
// and domain PACS-ARCHIVE and DNS computer "vm" (the capture host) in the
// CHALLENGE, host CT-SCAN-01 and domain CORDONLAB in the AUTHENTICATE.
var sambaNTLM = []smbWant{
	{false, "ntlm.os_version", "6.1.0"},
	{true, "ntlm.os_version", "6.1.0"},
	{true, "ntlm.netbios_computer", "PACS-ARCHIVE"},
	{true, "ntlm.netbios_domain", "PACS-ARCHIVE"},
	{true, "ntlm.dns_computer", "vm"},
	{false, "ntlm.netbios_computer", "CT-SCAN-01"},
	{false, "ntlm.netbios_domain", "CORDONLAB"},
}

func TestSMB(t *testing.T) {
	tests := []struct {
		name   string
		conv   []convSeg
		want   []smbWant
		lacks  []string
		status Status
	}{
		{
			// tshark: dialects as listed, index 5 chosen, NativeOS
			// "Windows 2000 2195" / "Windows 7 Ultimate 7601 Service Pack 1".
			name: "SMB1Unicode",
			conv: smbv1Conv,
			want: []smbWant{
				{false, "smb.dialects_offered", "PC NETWORK PROGRAM 1.0,LANMAN1.0,Windows for Workgroups 3.1a,LM1.2X002,LANMAN2.1,NT LM 0.12"},
				{true, "smb.dialect", "NT LM 0.12"},
				{false, "smb.native_os", "Windows 2000 2195"},
				{false, "smb.native_lanman", "Windows 2000 5.0"},
				{true, "smb.native_os", "Windows 7 Ultimate 7601 Service Pack 1"},
				{true, "smb.native_lanman", "Windows 7 Ultimate 6.1"},
				{false, "smb.version", "1"},
				{true, "smb.version", "1"},
			},
			lacks:  []string{"ntlm.os_version"},
			status: Mine,
		},
		{
			// The session setup request spans two TCP segments; its
			// blob is Kerberos, not NTLMSSP.
			name: "SMB1ExtendedSecurityKerberos",
			conv: smbFragsConv,
			want: []smbWant{
				{false, "smb.dialects_offered", "NT LM 0.12"},
				{true, "smb.dialect", "NT LM 0.12"},
				{false, "smb.native_os", "SpinCifsClient V1"},
				{false, "smb.native_lanman", "SpinCifsClient LanMan"},
				{true, "smb.native_os", "Windows Server 2016 Standard 14393"},
				{true, "smb.native_lanman", "Windows Server 2016 Standard 6.3"},
			},
			lacks:  []string{"ntlm.os_version", "ntlm.netbios_computer"},
			status: Mine,
		},
		{
			// SMB1 multi-protocol negotiate answered by SMB2 0x02ff,
			// then SMB2 negotiate of 5 dialects answered 0x0311,
			// NTLMSSP session setup and a tree connect.
			name: "SMB3NTLMSSP",
			conv: samba3Conv,
			want: append([]smbWant{
				{false, "smb.dialects_offered", "NT LANMAN 1.0,NT LM 0.12,SMB 2.002,SMB 2.???"},
				{false, "smb.dialects_offered", "2.0.2,2.1,3.0,3.0.2,3.1.1"},
				{true, "smb.dialect", "3.1.1"},
				{false, "smb.version", "2"},
				{true, "smb.version", "2"},
			}, sambaNTLM...),
			lacks:  []string{"smb.native_os"},
			status: Done,
		},
		{
			name: "SMB1NTLMSSPUnicode",
			conv: samba1Conv,
			want: append([]smbWant{
				{false, "smb.dialects_offered", "NT LANMAN 1.0,NT LM 0.12"},
				{true, "smb.dialect", "NT LANMAN 1.0"},
				{false, "smb.native_os", "Unix"},
				{false, "smb.native_lanman", "Samba"},
				{true, "smb.native_os", "Windows 6.1"},
				{true, "smb.native_lanman", "Samba 4.17.12-Debian"},
				{false, "smb.version", "1"},
			}, sambaNTLM...),
			status: Mine,
		},
		{
			name: "SMB1NTLMSSPASCII",
			conv: samba1aConv,
			want: append([]smbWant{
				{false, "smb.native_os", "Unix"},
				{false, "smb.native_lanman", "Samba"},
				{true, "smb.native_os", "Windows 6.1"},
				{true, "smb.native_lanman", "Samba 4.17.12-Debian"},
			}, sambaNTLM...),
			status: Mine,
		},
		{
			// Mid-connection: Create;Find;Close compounded both ways.
			name: "SMB2Compound",
			conv: []convSeg{{false, smbDeleteReq}, {true, smbDeleteResp}},
			want: []smbWant{
				{false, "smb.version", "2"},
				{true, "smb.version", "2"},
			},
			lacks:  []string{"smb.dialect", "smb.dialects_offered", "ntlm.os_version"},
			status: Mine,
		},
		{
			// After session setup the client seals its messages (SMB3
			// transform header, hand-made): the dissector is done, and
			// the server's unsealed replies are still read.
			name: "SMB3Encrypted",
			conv: append(append([]convSeg{}, samba3Conv[:8]...),
				convSeg{false, "00000044fd534d42" + repeatHex("00", 64)}),
			want: []smbWant{
				{true, "smb.dialect", "3.1.1"},
				{true, "ntlm.netbios_computer", "PACS-ARCHIVE"},
			},
			status: Done,
		},
		{
			// tshark: selected index 4.
			name: "Win98Negotiate",
			conv: []convSeg{{false, win98NegReq}, {true, win98NegResp}},
			want: []smbWant{
				{false, "smb.dialects_offered", "PC NETWORK PROGRAM 1.0,MICROSOFT NETWORKS 3.0,DOS LM1.2X002,DOS LANMAN2.1,Windows for Workgroups 3.1a"},
				{true, "smb.dialect", "Windows for Workgroups 3.1a"},
			},
			status: Mine,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, st := parseWhole(t, SMB, tt.conv)
			if st != tt.status {
				t.Errorf("status = %v, want %v", st, tt.status)
			}
			smbCheck(t, c, tt.want, tt.lacks)
			for _, chunk := range []int{1, 7, 100} {
				c, st := parseChunked(t, SMB, tt.conv, chunk)
				if st == NotMine {
					t.Fatalf("chunk %d: status NotMine", chunk)
				}
				smbCheck(t, c, tt.want, tt.lacks)
			}
		})
	}
}

// smbCheck asserts the wanted facts, the absent ones, and that nothing about
// the user (the Samba captures authenticate as jsmith) was emitted.
func smbCheck(tb testing.TB, c *collector, want []smbWant, lacks []string) {
	tb.Helper()
	for _, w := range want {
		about := replayClient
		if w.server {
			about = replayServer
		}
		c.hasAbout(tb, about, w.fact, w.value)
	}
	for _, f := range lacks {
		c.lacks(tb, f)
	}
	c.none(tb, "jsmith", "anonymous")
}

func TestSMBRecognise(t *testing.T) {
	session := "81000044" + "20" + repeatHex("43", 32) + "00" + "20" + repeatHex("41", 32) + "00"
	tests := []struct {
		name         string
		client, serv string // hex
		want         Status
	}{
		{"Empty", "", "", Undecided},
		{"Short", "0000", "", Undecided},
		{"SMB1", smbv1NegReq, "", Mine},
		{"SMB2", samba3NegReq2, "", Mine},
		{"ServerOnly", "", smbv1NegResp, Mine},
		{"Port139SessionRequest", session, "", Undecided},
		{"Port139ThenSMB", session + smbv1NegReq, "", Mine},
		{"HTTP", "474554202f20485454502f312e310d0a", "", NotMine},
		{"TLS", "160301020001", "", NotMine},
		{"DICOM", dcmEchoRQ, "", NotMine},
		{"HL7", hl7ADT, "", NotMine},
		{"NBSSNotSMB", "0000001000112233", "", NotMine},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Stream{Client: replayClient, Server: replayServer,
				ClientData: unhex(t, tt.client), ServerData: unhex(t, tt.serv)}
			if got := SMB.Parse(&s, &collector{}); got != tt.want {
				t.Errorf("status = %v, want %v", got, tt.want)
			}
		})
	}
}

// repeatHex repeats a hex byte n times.
func repeatHex(h string, n int) string {
	b := make([]byte, 0, len(h)*n)
	for range n {
		b = append(b, h...)
	}
	return string(b)
}

func TestSMB2Dialect(t *testing.T) {
	tests := []struct {
		in   uint16
		want string
	}{
		{0x0202, "2.0.2"}, {0x0210, "2.1"}, {0x0300, "3.0"}, {0x0302, "3.0.2"},
		{0x0311, "3.1.1"}, {0x02ff, ""}, {0xffff, ""}, {0x0100, ""},
	}
	for _, tt := range tests {
		if got := string(smb2Dialect(tt.in, nil)); got != tt.want {
			t.Errorf("smb2Dialect(%#04x) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestSMBCorpus replays the shared captures as the sensor would.
func TestSMBCorpus(t *testing.T) {
	tests := []struct {
		file string
		want []smbWant
	}{
		{"ndpi/smbv1.pcap", []smbWant{
			{true, "smb.native_os", "Windows 7 Ultimate 7601 Service Pack 1"},
			{false, "smb.native_os", "Windows 2000 2195"},
			{true, "smb.dialect", "NT LM 0.12"},
		}},
		{"ndpi/smb_frags.pcap", []smbWant{
			{true, "smb.native_os", "Windows Server 2016 Standard 14393"},
			{false, "smb.native_os", "SpinCifsClient V1"},
		}},
		{"ndpi/smb_deletefile.pcap", []smbWant{{true, "smb.version", "2"}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			c := &collector{}
			sts := replayTCP(t, sharedPcap(t, tt.file), SMB, c)
			if len(sts) == 0 || sts[0] == NotMine {
				t.Fatalf("statuses %v", sts)
			}
			c.checkValues(t)
			for _, w := range tt.want {
				c.has(t, w.fact, w.value)
			}
		})
	}
}

func FuzzSMB(f *testing.F) {
	for _, conv := range [][]convSeg{smbv1Conv, smbFragsConv, samba3Conv, samba1Conv, samba1aConv,
		{{false, smbDeleteReq}, {true, smbDeleteResp}}, {{false, win98NegReq}, {true, win98NegResp}}} {
		f.Add(fuzzSeed(f, conv))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzStream(t, SMB, data)
	})
}

func BenchmarkSMB(b *testing.B) { benchStream(b, SMB, samba3Conv) }
