package proto

import (
	"encoding/hex"
	"strings"
	"testing"
)

// hl7Frame wraps HL7 segments in MLLP framing, with CR after each segment.
func hl7Frame(segs ...string) string {
	return "\x0b" + strings.Join(segs, "\r") + "\r\x1c\r"
}

// hl7Hex is hex.EncodeToString for the conversation helpers.
func hl7Hex(s string) string { return hex.EncodeToString([]byte(s)) }

// The fictional patient of pcaps/ndpi/hl7.pcap, and the patient planted in
// the hand-built messages: none of it may appear in a fact.
var hl7PatientWords = []string{
	"MOUSE", "MICKEY", "MINNIE", "135769", "19281118", "Main St", "939-5555",
	"notdisney", "999999999", "MOUSETOWN", "Penicillin", "Anaphylactic", "Cat dander",
	"9434765919", "SMITH", "JANE", "19700101", "SW1A", "Flat 2", "HAEMOGLOBIN", "135",
	"WIFE", "DOE",
}

// hl7Planted is a hand-built exchange: an ADT with PID, PV1 and NK1 full of
// made-up patient data, an ORU with OBX results, and the receiver's ACKs.
var hl7Planted = []convSeg{
	{false, hl7Hex(hl7Frame(
		`MSH|^~\&|EPR^1.2.826.0.1.1^ISO|RAJ^Royal Hospital^L|PAS|RAJ|20260101120000||ADT^A01^ADT_A01|MSG0001|P|2.4`,
		`EVN|A01|20260101120000`,
		`PID|1||9434765919^^^NHS^NH||SMITH^JANE^^^MRS||19700101|F|||Flat 2^1 High St^London^^SW1A 1AA`,
		`NK1|1|DOE^JOHN|WIFE`,
		`PV1|1|I|WARD1^BED2`))},
	{true, hl7Hex(hl7Frame(`MSH|^~\&|PAS|RAJ|EPR|RAJ|20260101120001||ACK^A01|ACK0001|P|2.4`, `MSA|AA|MSG0001`))},
	{false, hl7Hex(hl7Frame(
		`MSH|^~\&|^2.16.840.1.113883.3.1^ISO|LAB||RAJ|20260101120100||ORU^R01|MSG0002|P|2.5.1^GBR`,
		`PID|1||9434765919^^^NHS^NH||SMITH^JANE`,
		`OBR|1|||HB^HAEMOGLOBIN`,
		`OBX|1|NM|HB^HAEMOGLOBIN||135|g/L|115-165|N|||F`))},
	{true, hl7Hex(hl7Frame(`MSH|^~\&|PAS|RAJ|LIS|LAB|20260101120101||ACK|ACK0002|P|2.5.1`, `MSA|AA|MSG0002`))},
}

func TestHL7(t *testing.T) {
	tests := []struct {
		name  string
		conv  []convSeg
		want  []smbWant
		lacks []string
	}{
		{
			// tshark: ADT^A01 v2.3 from SENDING_APPLICATION /
			// SENDING_FACILITY with PID, NK1, PV1, AL1; the ACK names
			// RECEIVING_APPLICATION / RECEIVING_FACILITY as its sender.
			name: "NDPI",
			conv: []convSeg{{false, hl7ADT}, {true, hl7ACK}},
			want: []smbWant{
				{false, "hl7.sending_application", "SENDING_APPLICATION"},
				{false, "hl7.sending_facility", "SENDING_FACILITY"},
				{false, "hl7.receiving_application", "RECEIVING_APPLICATION"},
				{false, "hl7.receiving_facility", "RECEIVING_FACILITY"},
				{false, "hl7.message_type", "ADT^A01"},
				{false, "hl7.version", "2.3"},
				{true, "hl7.sending_application", "RECEIVING_APPLICATION"},
				{true, "hl7.sending_facility", "RECEIVING_FACILITY"},
				{true, "hl7.message_type", "ACK"},
				{true, "hl7.version", "2.3"},
				{false, "patient_data", "hl7.PID"},
				{true, "patient_data", "hl7.PID"},
			},
			lacks: []string{"hl7.OBX"},
		},
		{
			name: "Planted",
			conv: hl7Planted,
			want: []smbWant{
				{false, "hl7.sending_application", "EPR"},
				{false, "hl7.sending_facility", "RAJ"},
				{false, "hl7.receiving_application", "PAS"},
				{false, "hl7.message_type", "ADT^A01"},
				{false, "hl7.version", "2.4"},
				// Empty namespace ID: the universal ID instead.
				{false, "hl7.sending_application", "2.16.840.1.113883.3.1"},
				{false, "hl7.message_type", "ORU^R01"},
				{false, "hl7.version", "2.5.1"},
				{true, "hl7.sending_application", "PAS"},
				{true, "hl7.message_type", "ACK^A01"},
				{true, "hl7.message_type", "ACK"},
				{false, "patient_data", "hl7.PID"},
				{true, "patient_data", "hl7.OBX"},
			},
		},
		{
			// Other delimiters (declared in MSH-1 and MSH-2), v2.7's
			// fifth encoding character, LF segment ends, no CR before
			// the end byte.
			name: "OddDelimiters",
			conv: []convSeg{{false, hl7Hex("\x0bMSH*#~\\&^*MONITOR#GE*ICU*ADT*RAJ*20260101**ORU#R01#ORU_R01*1*P*2.7\nPID*1**9434765919##SMITH\x1c\r")}},
			want: []smbWant{
				{false, "hl7.sending_application", "MONITOR"},
				{false, "hl7.sending_facility", "ICU"},
				{false, "hl7.message_type", "ORU^R01"},
				{false, "hl7.version", "2.7"},
				{false, "patient_data", "hl7.PID"},
			},
		},
		{
			// A header without valid delimiters yields no MSH facts, but
			// its PID is still seen.
			name:  "BadDelimiters",
			conv:  []convSeg{{false, hl7Hex(hl7Frame("MSHAB1CAPP", "PID|1||9434765919"))}},
			want:  []smbWant{{false, "patient_data", "hl7.PID"}},
			lacks: []string{"hl7.sending_application", "hl7.message_type"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, st := parseWhole(t, HL7, tt.conv)
			if st != Mine {
				t.Errorf("status = %v, want Mine", st)
			}
			hl7Check(t, c, tt.want, tt.lacks)
			// Messages cut at arbitrary points, down to single bytes.
			for _, chunk := range []int{1, 2, 9, 50, 4096} {
				c, st := parseChunked(t, HL7, tt.conv, chunk)
				if st != Mine {
					t.Fatalf("chunk %d: status %v", chunk, st)
				}
				hl7Check(t, c, tt.want, tt.lacks)
			}
		})
	}
}

// hl7Check asserts the wanted and absent facts, that only MSH and
// patient_data facts were emitted, and that no value holds patient data.
func hl7Check(tb testing.TB, c *collector, want []smbWant, lacks []string) {
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
	for _, f := range c.facts {
		if f.Fact == "patient_data" && f.Value != "hl7.PID" && f.Value != "hl7.OBX" {
			tb.Errorf("patient_data = %q", f.Value)
		}
	}
	c.none(tb, hl7PatientWords...)
}

func TestHL7Recognise(t *testing.T) {
	tests := []struct {
		name         string
		client, serv string
		want         Status
	}{
		{"Empty", "", "", Undecided},
		{"Prefix", "\x0bMS", "", Undecided},
		{"MLLP", "\x0bMSH|^~\\&|", "", Mine},
		{"ServerSends", "", "\x0bMSH|^~\\&|", Mine},
		{"NoStartByte", "MSH|^~\\&|", "", NotMine},
		{"OtherSegment", "\x0bPID|1", "", NotMine},
		{"HTTP", "GET / HTTP/1.1\r\n", "", NotMine},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Stream{Client: replayClient, Server: replayServer,
				ClientData: []byte(tt.client), ServerData: []byte(tt.serv)}
			if got := HL7.Parse(&s, &collector{}); got != tt.want {
				t.Errorf("status = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestHL7Corpus replays pcaps/ndpi/hl7.pcap as the sensor would.
func TestHL7Corpus(t *testing.T) {
	c := &collector{}
	sts := replayTCP(t, sharedPcap(t, "ndpi/hl7.pcap"), HL7, c)
	if len(sts) != 1 || sts[0] != Mine {
		t.Errorf("statuses %v, want [Mine]", sts)
	}
	c.checkValues(t)
	c.has(t, "hl7.message_type", "ADT^A01")
	c.has(t, "hl7.sending_application", "RECEIVING_APPLICATION")
	c.has(t, "patient_data", "hl7.PID")
	c.none(t, hl7PatientWords...)
}

func FuzzHL7(f *testing.F) {
	f.Add(fuzzSeed(f, []convSeg{{false, hl7ADT}, {true, hl7ACK}}))
	f.Add(fuzzSeed(f, hl7Planted))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzStream(t, HL7, data)
	})
}

func BenchmarkHL7(b *testing.B) { benchStream(b, HL7, hl7Planted) }
