package proto

import (
	"encoding/binary"
	"testing"
	"unicode/utf16"
)

// ntlmFrom returns the NTLMSSP message inside a captured SMB segment.
func ntlmFrom(tb testing.TB, hex string) []byte {
	tb.Helper()
	b := unhex(tb, hex)
	i := ntlmIndex(b)
	if i < 0 {
		tb.Fatalf("no NTLMSSP signature in sample")
	}
	return b[i:]
}

// ntlmUTF16 encodes s as UTF-16LE.
func ntlmUTF16(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = binary.LittleEndian.AppendUint16(b, u)
	}
	return b
}

// ntlmBuild assembles an NTLMSSP message: the fixed part (signature, type,
// then fixed, whose field descriptors the caller fills with offsets
// relative to the message start) followed by payload.
func ntlmBuild(typ uint32, fixed, payload []byte) []byte {
	b := append([]byte("NTLMSSP\x00"), binary.LittleEndian.AppendUint32(nil, typ)...)
	b = append(b, fixed...)
	return append(b, payload...)
}

// ntlmDesc writes a field descriptor (length, maximum length, offset) at b[at:].
func ntlmDesc(b []byte, at, length, offset int) {
	binary.LittleEndian.PutUint16(b[at:], uint16(length))
	binary.LittleEndian.PutUint16(b[at+2:], uint16(length))
	binary.LittleEndian.PutUint32(b[at+4:], uint32(offset))
}

// ntlmWindowsChallenge is a hand-built CHALLENGE shaped like a Windows 10
// server's: version 10.0.19041 and all five name AV pairs.
func ntlmWindowsChallenge() []byte {
	var info []byte
	for _, p := range []struct {
		id uint16
		v  string
	}{{2, "TRUST"}, {1, "PACS01"}, {4, "trust.nhs.uk"}, {3, "pacs01.trust.nhs.uk"}, {5, "nhs.uk"}, {7, "\x00\x00\x00\x00\x00\x00\x00\x00"}} {
		v := ntlmUTF16(p.v)
		if p.id == 7 { // timestamp: binary
			v = make([]byte, 8)
		}
		info = binary.LittleEndian.AppendUint16(info, p.id)
		info = binary.LittleEndian.AppendUint16(info, uint16(len(v)))
		info = append(info, v...)
	}
	info = append(info, 0, 0, 0, 0) // MsvAvEOL
	target := ntlmUTF16("TRUST")
	fixed := make([]byte, 56-12)
	ntlmDesc(fixed, 12-12, len(target), 56)
	binary.LittleEndian.PutUint32(fixed[20-12:], ntlmFlagUnicode|ntlmFlagTargetInfo|ntlmFlagVersion)
	ntlmDesc(fixed, 40-12, len(info), 56+len(target))
	copy(fixed[48-12:], []byte{10, 0, 0x61, 0x4a, 0, 0, 0, 15}) // 10.0.19041, revision 15
	return ntlmBuild(ntlmChallenge, fixed, append(target, info...))
}

// ntlmOEMNegotiate is a hand-built NEGOTIATE that supplies its domain and
// workstation in OEM characters and has no VERSION (as Windows XP sends).
func ntlmOEMNegotiate(version bool) []byte {
	fixed := make([]byte, 32-12)
	flags := uint32(ntlmFlagDomainOEM | ntlmFlagWorkstaOEM)
	if version {
		flags |= ntlmFlagVersion
	}
	binary.LittleEndian.PutUint32(fixed[0:], flags)
	ntlmDesc(fixed, 16-12, 5, 32)
	ntlmDesc(fixed, 24-12, 7, 37)
	// With the payload right after the fixed part, a VERSION flag cannot
	// be honoured: those bytes are the domain name.
	return ntlmBuild(ntlmNegotiate, fixed, []byte("TRUSTXRAY-07"))
}

func TestParseNTLMSSP(t *testing.T) {
	tests := []struct {
		name  string
		msg   func(testing.TB) []byte
		want  [][2]string
		lacks []string
	}{
		{
			// tshark: NTLMSSP_NEGOTIATE, version 6.1 build 0.
			name: "SambaNegotiate",
			msg:  func(tb testing.TB) []byte { return ntlmFrom(tb, samba3SetupReq1) },
			want: [][2]string{{"ntlm.os_version", "6.1.0"}},
		},
		{
			// tshark: NTLMSSP_CHALLENGE, nb_computer_name PACS-ARCHIVE,
			// nb_domain_name PACS-ARCHIVE, dns_computer_name vm.
			name: "SambaChallenge",
			msg:  func(tb testing.TB) []byte { return ntlmFrom(tb, samba3SetupResp1) },
			want: [][2]string{
				{"ntlm.os_version", "6.1.0"},
				{"ntlm.netbios_computer", "PACS-ARCHIVE"},
				{"ntlm.netbios_domain", "PACS-ARCHIVE"},
				{"ntlm.dns_computer", "vm"},
			},
		},
		{
			// tshark: NTLMSSP_AUTH, User: CORDONLAB\jsmith, auth.hostname
			// CT-SCAN-01, auth.domain CORDONLAB.
			name: "SambaAuthenticate",
			msg:  func(tb testing.TB) []byte { return ntlmFrom(tb, samba3SetupReq2) },
			want: [][2]string{
				{"ntlm.os_version", "6.1.0"},
				{"ntlm.netbios_computer", "CT-SCAN-01"},
				{"ntlm.netbios_domain", "CORDONLAB"},
			},
		},
		{
			name: "SMB1AuthenticateASCII",
			msg:  func(tb testing.TB) []byte { return ntlmFrom(tb, samba1aSetupReq2) },
			want: [][2]string{
				{"ntlm.netbios_computer", "CT-SCAN-01"},
				{"ntlm.netbios_domain", "CORDONLAB"},
			},
		},
		{
			name: "WindowsChallenge",
			msg:  func(testing.TB) []byte { return ntlmWindowsChallenge() },
			want: [][2]string{
				{"ntlm.os_version", "10.0.19041"},
				{"ntlm.netbios_computer", "PACS01"},
				{"ntlm.netbios_domain", "TRUST"},
				{"ntlm.dns_computer", "pacs01.trust.nhs.uk"},
				{"ntlm.dns_domain", "trust.nhs.uk"},
				{"ntlm.dns_tree", "nhs.uk"},
			},
		},
		{
			name: "OEMNegotiate",
			msg:  func(testing.TB) []byte { return ntlmOEMNegotiate(false) },
			want: [][2]string{{"ntlm.netbios_domain", "TRUST"}, {"ntlm.netbios_computer", "XRAY-07"}},
		},
		{
			name:  "VersionFlagOverPayload",
			msg:   func(testing.TB) []byte { return ntlmOEMNegotiate(true) },
			want:  [][2]string{{"ntlm.netbios_computer", "XRAY-07"}},
			lacks: []string{"ntlm.os_version"},
		},
		{
			name: "TruncatedChallenge",
			msg:  func(testing.TB) []byte { return ntlmWindowsChallenge()[:60] },
			// The VERSION is whole; the target info is not there.
			want:  [][2]string{{"ntlm.os_version", "10.0.19041"}},
			lacks: []string{"ntlm.netbios_computer", "ntlm.dns_tree"},
		},
		{
			name: "CutAVPair",
			msg: func(testing.TB) []byte {
				b := ntlmWindowsChallenge()
				binary.LittleEndian.PutUint16(b[40:], 20) // info ends inside the 2nd pair
				return b
			},
			want:  [][2]string{{"ntlm.netbios_domain", "TRUST"}},
			lacks: []string{"ntlm.netbios_computer", "ntlm.dns_tree"},
		},
		{
			name: "OffsetBeyondEnd",
			msg: func(testing.TB) []byte {
				b := ntlmFrom(t, samba3SetupReq2)
				binary.LittleEndian.PutUint32(b[48:], 0xfffffff0) // workstation
				return b
			},
			want:  [][2]string{{"ntlm.netbios_domain", "CORDONLAB"}},
			lacks: []string{"ntlm.netbios_computer"},
		},
		{
			name:  "NotNTLMSSP",
			msg:   func(testing.TB) []byte { return []byte("NTLMSSX\x00\x01\x00\x00\x00") },
			lacks: []string{"ntlm.os_version"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &collector{}
			parseNTLMSSP(tt.msg(t), replayClient, c)
			c.checkValues(t)
			for _, w := range tt.want {
				c.hasAbout(t, replayClient, w[0], w[1])
			}
			for _, f := range tt.lacks {
				c.lacks(t, f)
			}
			if len(tt.want) == 0 && len(c.facts) > 0 {
				t.Errorf("unexpected facts %v", c.facts)
			}
			c.none(t, "jsmith")
		})
	}
}

func TestCleanUTF16LE(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"ASCII", ntlmUTF16("CT-SCAN-01"), "CT-SCAN-01"},
		{"StopsAtNUL", append(ntlmUTF16("PACS"), 0, 0, 'X', 0), "PACS"},
		{"Surrogates", ntlmUTF16("Röntgen 🩻"), "Röntgen 🩻"},
		{"LoneSurrogate", []byte{0x00, 0xd8, 'A', 0}, "A"},
		{"OddLength", append(ntlmUTF16("AB"), 'C'), "AB"},
		{"Empty", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cleanUTF16LE(tt.in); got != tt.want {
				t.Errorf("cleanUTF16LE = %q, want %q", got, tt.want)
			}
		})
	}
}

func FuzzNTLMSSP(f *testing.F) {
	for _, h := range []string{samba3SetupReq1, samba3SetupResp1, samba3SetupReq2, samba1aSetupReq2} {
		f.Add(ntlmFrom(f, h))
	}
	f.Add(ntlmWindowsChallenge())
	f.Add(ntlmOEMNegotiate(true))
	f.Fuzz(func(t *testing.T, data []byte) {
		c := &collector{}
		parseNTLMSSP(data, replayClient, c)
		c.checkValues(t)
	})
}
