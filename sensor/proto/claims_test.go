package proto

import (
	"slices"
	"testing"

	"github.com/cordonsec/cordon"
)

// Other protocols' first bytes, for checking that the dissectors of this
// package's TCP banner, web and remote-access protocols never claim them.
// Each is the start of a real TCP payload; the dissectors see no further.
const (
	// smbv1.pcap frame 1, 50927 → 445: NetBIOS session, SMB Negotiate Protocol Request.
	claimSMBRequest = "00000085ff534d4272000000001853c00000000000000000000000000000fffe00004000006200025043204e4554574f"
	// smbv1.pcap frame 2, 445 → 50927: SMB Negotiate Protocol Response.
	claimSMBResponse = "00000071ff534d4272000000009853c00000000000000000000000000000fffe00004000110500033200010004110000"
	// generated/dicom-echo-store.pcap frame 4, 56428 → 11112: DICOM A-ASSOCIATE-RQ MODALITY1 → PACS_SCP.
	claimDICOMRequest = "0100000000cd00010000504143535f53435020202020202020204d4f44414c4954593120202020202020" +
		"000000000000000000000000000000000000000000000000"
	// generated/dicom-echo-store.pcap frame 6: DICOM A-ASSOCIATE-AC.
	claimDICOMAccept = "0200000000b800010000504143535f53435020202020202020204d4f44414c4954593120202020202020" +
		"000000000000000000000000000000000000000000000000"
	// mssql_tds.pcap frames 1 and 2, 1111 → 1433: TDS SQL batch and its response.
	claimTDSRequest  = "010100be0000010016000000120000000200000000000000000001000000200073006500740020007400720061006e00"
	claimTDSResponse = "0401002200350100fd0100f9000000000000000000fd0000ba000000000000000000"
	// teamviewer.pcap frames 4 and 12, 35732 ↔ 5938: TeamViewer's own framing (0x17 0x24 …, 0x11 0x30 …).
	claimTeamViewerClient = "17240a200000000000000000004800800001000000148000006fb78c804805532216142004"
	claimTeamViewerServer = "113036001800000001000000000000001b000000180000008c0067fc71b09880d95938c589a6c18cc7919eea283d28cd"
)

// claimHL7 are the MSH segments only (no PID) of hl7.pcap frames 4 and 5,
// 49242 ↔ 6661: MLLP start block 0x0b, then "MSH|^~\&|".
const (
	claimHL7Message = "\x0bMSH|^~\\&|SENDING_APPLICATION|SENDING_FACILITY|RECEIVING_APPLICATION|RECEIVING_FACILITY|20110613083617||ADT^A01|934576120110613083617|P|2.3||||\r"
	claimHL7Ack     = "\x0bMSH|^~\\&|RECEIVING_APPLICATION|RECEIVING_FACILITY|SENDING_APPLICATION|SENDING_FACILITY|"
)

// claimSample is one conversation and the dissector it belongs to ("" for
// none of this package's).
type claimSample struct {
	name, proto    string
	port           uint16
	client, server []byte
}

func claimSamples(tb testing.TB) []claimSample {
	return []claimSample{
		{"HTTPGoogle", "http", 80, []byte(httpGoogleRequest), unhex(tb, httpGoogleResponse)},
		{"HTTPIPP", "http", 631, unhex(tb, httpIPPRequest), unhex(tb, httpIPPResponse)},
		{"TLSRDN", "tls", 443, unhex(tb, tlsRDNClient), unhex(tb, tlsRDNServer)},
		{"TLS13", "tls", 44333, unhex(tb, openssl13Client), unhex(tb, openssl13Server)},
		{"SSH", "ssh", 22, []byte(sshClientIdent), []byte(sshServerIdent)},
		{"Telnet", "telnet", 23, unhex(tb, telnetClient), unhex(tb, telnetServer)},
		{"FTP", "ftp", 21, []byte(ftpUser), []byte(ftpGreeting)},
		{"SMTP", "smtp", 25, []byte(smtpEHLO), []byte(smtpGreeting)},
		{"POP3", "pop3", 110, []byte("CAPA\r\n"), []byte(pop3Greeting)},
		{"IMAP", "imap", 143, []byte("a001 CAPABILITY\r\n"), []byte(imapGreeting)},
		{"RDP", "rdp", 3389, unhex(tb, rdpNegRequest), unhex(tb, rdpNegResponse)},
		{"SMB", "", 445, unhex(tb, claimSMBRequest), unhex(tb, claimSMBResponse)},
		{"DICOM", "", 104, unhex(tb, claimDICOMRequest), unhex(tb, claimDICOMAccept)},
		{"HL7", "", 2575, []byte(claimHL7Message), []byte(claimHL7Ack)},
		{"TDS", "", 1433, unhex(tb, claimTDSRequest), unhex(tb, claimTDSResponse)},
		{"TeamViewer", "", 5938, unhex(tb, claimTeamViewerClient), unhex(tb, claimTeamViewerServer)},
		{"S7comm", "", 102, unhex(tb, s7commCR), unhex(tb, s7commCC)},
	}
}

// claimDissectors are the dissectors of this file's concern.
var claimDissectors = []StreamDissector{HTTP, TLS, SSH, Telnet, FTP, SMTP, POP3, IMAP, RDP}

// TestStreamsClaimOnlyTheirOwn runs every dissector over every sample, on
// the sample's port and on each of the dissector's own port hints: a
// dissector claims its own protocol's sample (on the sample's port) and
// says NotMine or Undecided, emitting nothing, for every other, whatever
// the port.
func TestStreamsClaimOnlyTheirOwn(t *testing.T) {
	for _, sm := range claimSamples(t) {
		for _, d := range claimDissectors {
			ports := append([]uint16{sm.port}, d.Ports...)
			for _, port := range ports {
				for _, steps := range [][][2]int{
					stepsWhole(len(sm.client), len(sm.server)),
					stepsSplit(7, len(sm.client), len(sm.server)),
				} {
					c, st := streamFeed(t, d, port, sm.client, sm.server, steps)
					mine := st == Mine || st == Done
					switch {
					case d.Name == sm.proto && port == sm.port && !mine:
						t.Errorf("%s on %s port %d: %s, want Mine or Done", d.Name, sm.name, port, statusName(st))
					case d.Name != sm.proto && mine:
						t.Errorf("%s claims %s on port %d: %s", d.Name, sm.name, port, statusName(st))
					case d.Name != sm.proto && len(c.facts) > 0:
						t.Errorf("%s emitted facts for %s on port %d: %v", d.Name, sm.name, port, c.facts)
					}
				}
			}
		}
	}
}

// TestStreamsPortHints checks that every dissector of this file has the
// port hints its protocol's registry entry names.
func TestStreamsPortHints(t *testing.T) {
	want := map[string][]uint16{
		"http": {80, 8080, 8000, 8008, 8888, 591},
		"tls":  {443, 8443, 636, 993, 995, 465, 5061},
		"ssh":  {22}, "telnet": {23}, "ftp": {21}, "smtp": {25, 587},
		"pop3": {110}, "imap": {143}, "rdp": {3389},
	}
	for _, d := range claimDissectors {
		if !slices.Equal(d.Ports, want[d.Name]) {
			t.Errorf("%s ports = %v, want %v", d.Name, d.Ports, want[d.Name])
		}
	}
}

// dropFacts is an Emitter that discards facts.
type dropFacts struct{}

func (dropFacts) Emit(cordon.Endpoint, string, string) {}

// TestStreamsNotMineAllocs checks that turning down another protocol's
// stream, the commonest call on a busy sensor, allocates nothing.
func TestStreamsNotMineAllocs(t *testing.T) {
	for _, sm := range claimSamples(t) {
		for _, d := range claimDissectors {
			if d.Name == sm.proto {
				continue
			}
			s := &Stream{Client: testClientEP, ClientData: sm.client, ServerData: sm.server}
			s.Server.Port = sm.port
			var e Emitter = dropFacts{}
			if n := testing.AllocsPerRun(10, func() { d.Parse(s, e) }); n != 0 {
				t.Errorf("%s on %s: %v allocations, want 0", d.Name, sm.name, n)
			}
		}
	}
}

// BenchmarkStreams measures one Parse of each sample's whole conversation
// by its own dissector: the cost of a claimed stream, facts included.
func BenchmarkStreams(b *testing.B) {
	for _, sm := range claimSamples(b) {
		for _, d := range claimDissectors {
			if d.Name != sm.proto {
				continue
			}
			b.Run(sm.name, func(b *testing.B) {
				s := &Stream{Client: testClientEP, ClientData: sm.client, ServerData: sm.server}
				s.Server.Port = sm.port
				var e Emitter = dropFacts{}
				b.ReportAllocs()
				b.SetBytes(int64(len(sm.client) + len(sm.server)))
				for b.Loop() {
					d.Parse(s, e)
				}
			})
		}
	}
}
