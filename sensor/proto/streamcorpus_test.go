package proto

import "testing"

// TestStreamCorpus replays the TCP connections of the shared captures
// (classic pcap over Ethernet and IPv4, what replayTCP reads) through the
// dissectors of claims_test.go: the captures of their protocols must be
// claimed, with the facts tshark shows, and no other capture's connections
// may be. Skipped when the shared data is absent.
func TestStreamCorpus(t *testing.T) {
	tests := []struct {
		file  string
		owner string // the dissector that claims every connection, "" for none
		want  []emitted
	}{
		{"ndpi/ipp.pcap", "http", []emitted{
			{Fact: "http.user_agent", Value: "CUPS/1.3.4"},
			{Fact: "http.host", Value: "10.10.10.251"},
			{Fact: "http.server", Value: "Virata-EmWeb/R6_2_1"},
		}},
		{"ndpi/telnet.pcap", "telnet", []emitted{
			{Fact: "telnet.banner", Value: "OpenBSD/i386 (oof) (ttyp2)"},
		}},
		{"ndpi/tls-rdn-extract.pcap", "tls", []emitted{
			{Fact: "tls.sni", Value: "ads1.msads.net"},
			{Fact: "tls.ja4", Value: "t10d120500_d94e65cdb899_c35b4a14be45"},
			{Fact: "tls.cert_issuer", Value: "CN=Microsoft Secure Server Authority,DC=redmond,DC=corp,DC=microsoft,DC=com"},
			{Fact: "tls.cert_san", Value: "*.manage.microsoft.com"},
		}},
		{"ndpi/hl7.pcap", "", nil},
		{"ndpi/smbv1.pcap", "", nil},
		{"ndpi/smb_deletefile.pcap", "", nil},
		{"ndpi/smb_frags.pcap", "", nil},
		{"ndpi/dcerpc.pcap", "", nil},
		{"ndpi/kerberos.pcap", "", nil},
		{"ndpi/mssql_tds.pcap", "", nil},
		{"ndpi/teamviewer.pcap", "", nil},
		{"ndpi/s7comm.pcap", "", nil},
		{"ndpi/modbus.pcap", "", nil},
		{"ndpi/IEC104.pcap", "", nil},
		{"generated/dicom-echo-store.pcap", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := sharedPcap(t, tt.file)
			for _, d := range claimDissectors {
				c := &collector{}
				sts := replayTCP(t, path, d, c)
				c.checkValues(t)
				for i, st := range sts {
					mine := st == Mine || st == Done
					switch {
					case d.Name == tt.owner && st != Done:
						t.Errorf("%s: connection %d: %s, want Done", d.Name, i, statusName(st))
					case d.Name != tt.owner && mine:
						t.Errorf("%s claims connection %d: %s", d.Name, i, statusName(st))
					}
				}
				if d.Name != tt.owner && len(c.facts) > 0 {
					t.Errorf("%s emitted %v", d.Name, c.facts)
				}
				if d.Name == tt.owner {
					for _, w := range tt.want {
						c.has(t, w.Fact, w.Value)
					}
				}
			}
		})
	}
}
