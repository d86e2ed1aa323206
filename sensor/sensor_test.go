package sensor

import (
	"bytes"
	"net/netip"
	"testing"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/sensor/decode"
	"github.com/cordonsec/cordon/sensor/proto"
)

// recorder is a Sink that keeps everything.
type recorder struct {
	obs   []cordon.Observation
	flows []cordon.FlowRecord
}

func (r *recorder) Observe(o cordon.Observation) { r.obs = append(r.obs, o) }
func (r *recorder) Flow(f cordon.FlowRecord)     { r.flows = append(r.flows, f) }

var (
	clientIP  = netip.MustParseAddr("10.30.1.11")
	serverIP  = netip.MustParseAddr("10.40.0.5")
	clientMAC = cordon.MAC{0x98, 0xe7, 0x43, 0x10, 0x20, 0x30}
	serverMAC = cordon.MAC{0x00, 0x50, 0x56, 0x01, 0x02, 0x03}
	t0        = time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)
)

// tcp builds a decoded TCP packet from the client (fromClient) or server.
func tcp(fromClient bool, flags uint8, seq uint32, payload string) *decode.Packet {
	p := &decode.Packet{HasMAC: true, IPVersion: 4, Proto: decode.ProtoTCP, TTL: 128, TCPFlags: flags, Seq: seq, Payload: []byte(payload)}
	p.SrcMAC, p.DstMAC, p.SrcIP, p.DstIP, p.SrcPort, p.DstPort = clientMAC, serverMAC, clientIP, serverIP, 50000, 104
	if !fromClient {
		p.SrcMAC, p.DstMAC, p.SrcIP, p.DstIP, p.SrcPort, p.DstPort = serverMAC, clientMAC, serverIP, clientIP, 104, 50000
	}
	p.IPLen = 40 + len(payload)
	return p
}

// wholeMessage is a stream dissector for a toy protocol: the client sends
// "HELLO <name>\n"; it reports the name once the line is complete.
var wholeMessage = proto.StreamDissector{
	Name: "toy",
	Parse: func(s *proto.Stream, e proto.Emitter) proto.Status {
		b := s.ClientData
		if len(b) < 6 {
			if bytes.HasPrefix([]byte("HELLO "), b) {
				return proto.Undecided
			}
			return proto.NotMine
		}
		if !bytes.HasPrefix(b, []byte("HELLO ")) {
			return proto.NotMine
		}
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			return proto.Mine
		}
		e.Emit(s.Client, "toy.name", proto.Clean(b[6:i]))
		return proto.Done
	},
}

func names(r *recorder) []string {
	var out []string
	for _, o := range r.obs {
		if o.Fact == "toy.name" {
			out = append(out, o.Value)
		}
	}
	return out
}

func TestReassembly(t *testing.T) {
	const isn = 1000
	tests := []struct {
		name    string
		packets []*decode.Packet
		want    []string
	}{
		{"InOrder", []*decode.Packet{
			tcp(true, decode.TCPSyn, isn, ""),
			tcp(false, decode.TCPSyn|decode.TCPAck, 5000, ""),
			tcp(true, decode.TCPAck, isn+1, "HELLO CT01\n"),
		}, []string{"CT01"}},
		{"SplitAcrossSegments", []*decode.Packet{
			tcp(true, decode.TCPSyn, isn, ""),
			tcp(true, decode.TCPAck, isn+1, "HEL"),
			tcp(true, decode.TCPAck, isn+4, "LO CT"),
			tcp(true, decode.TCPAck, isn+9, "01\n"),
		}, []string{"CT01"}},
		{"OutOfOrder", []*decode.Packet{
			tcp(true, decode.TCPSyn, isn, ""),
			tcp(true, decode.TCPAck, isn+9, "01\n"),
			tcp(true, decode.TCPAck, isn+4, "LO CT"),
			tcp(true, decode.TCPAck, isn+1, "HEL"),
		}, []string{"CT01"}},
		{"Retransmission", []*decode.Packet{
			tcp(true, decode.TCPSyn, isn, ""),
			tcp(true, decode.TCPAck, isn+1, "HELLO C"),
			tcp(true, decode.TCPAck, isn+1, "HELLO C"),
			tcp(true, decode.TCPAck, isn+4, "LO CT01\n"), // overlaps what is held
		}, []string{"CT01"}},
		{"NoHandshake", []*decode.Packet{
			tcp(true, decode.TCPAck|decode.TCPPsh, 77, "HELLO MR2\n"),
		}, []string{"MR2"}},
		{"NotMine", []*decode.Packet{
			tcp(true, decode.TCPSyn, isn, ""),
			tcp(true, decode.TCPAck, isn+1, "GET / HTTP/1.1\r\n"),
		}, nil},
		{"CompletedOnlyAtClose", []*decode.Packet{
			tcp(true, decode.TCPSyn, isn, ""),
			tcp(true, decode.TCPAck, isn+1, "HELLO X"),
			tcp(true, decode.TCPFin|decode.TCPAck, isn+8, ""),
			tcp(false, decode.TCPFin|decode.TCPAck, 5001, ""),
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			s := New(Config{Streams: []proto.StreamDissector{wholeMessage}}, rec)
			for i, p := range tt.packets {
				s.Packet(t0.Add(time.Duration(i)*time.Millisecond), p)
			}
			s.Flush()
			got := names(rec)
			if len(got) != len(tt.want) || (len(got) > 0 && got[0] != tt.want[0]) {
				t.Fatalf("names = %q, want %q", got, tt.want)
			}
			if len(rec.flows) != 1 {
				t.Fatalf("got %d flows, want 1", len(rec.flows))
			}
			f := rec.flows[0]
			if f.Client.IP != clientIP || f.Server.Port != 104 || f.Packets != uint64(len(tt.packets)) {
				t.Errorf("flow = %+v", f)
			}
			if len(tt.want) > 0 && f.App != "toy" {
				t.Errorf("flow app = %q, want toy", f.App)
			}
		})
	}
}

func TestOrientationFromSynAck(t *testing.T) {
	rec := &recorder{}
	s := New(Config{}, rec)
	// The capture starts at the SYN-ACK: the receiver is the client even
	// though it uses the lower port.
	p := tcp(false, decode.TCPSyn|decode.TCPAck, 1, "")
	p.SrcPort, p.DstPort = 55000, 104
	s.Packet(t0, p)
	s.Flush()
	if got := rec.flows[0].Client.IP; got != clientIP {
		t.Errorf("client = %v, want %v", got, clientIP)
	}
}

func TestIdleEviction(t *testing.T) {
	rec := &recorder{}
	s := New(Config{IdleTimeout: time.Minute, MaxFlows: 100}, rec)
	for i := 0; i < 10; i++ {
		p := tcp(true, decode.TCPSyn, 1, "")
		p.SrcPort = uint16(40000 + i)
		s.Packet(t0.Add(time.Duration(i)*time.Second), p)
	}
	if got := s.Stats().ActiveFlows; got != 10 {
		t.Fatalf("active flows = %d, want 10", got)
	}
	// A packet two minutes later finds every earlier flow idle.
	s.Packet(t0.Add(3*time.Minute), tcp(true, decode.TCPSyn, 1, ""))
	if got := s.Stats().ActiveFlows; got != 1 {
		t.Errorf("active flows after idle period = %d, want 1", got)
	}
	if len(rec.flows) != 10 {
		t.Errorf("flows reported = %d, want 10", len(rec.flows))
	}
}

func TestMaxFlows(t *testing.T) {
	rec := &recorder{}
	s := New(Config{MaxFlows: 5}, rec)
	for i := 0; i < 50; i++ {
		p := tcp(true, decode.TCPSyn, 1, "")
		p.SrcPort = uint16(40000 + i)
		s.Packet(t0, p)
	}
	if got := s.Stats().ActiveFlows; got > 6 {
		t.Errorf("active flows = %d, want at most 6", got)
	}
}

func TestStreamBufferCapped(t *testing.T) {
	rec := &recorder{}
	undecided := proto.StreamDissector{Name: "slow", Parse: func(s *proto.Stream, e proto.Emitter) proto.Status {
		if len(s.ClientData) > proto.MaxStream {
			t.Fatalf("client data %d bytes exceeds the cap", len(s.ClientData))
		}
		return proto.Undecided
	}}
	s := New(Config{Streams: []proto.StreamDissector{undecided}}, rec)
	s.Packet(t0, tcp(true, decode.TCPSyn, 0, ""))
	chunk := string(bytes.Repeat([]byte("x"), 1460))
	seq := uint32(1)
	for i := 0; i < 100; i++ {
		s.Packet(t0, tcp(true, decode.TCPAck, seq, chunk))
		seq += 1460
	}
	s.Flush()
}

func TestReassemblyHostileSequenceNumbers(t *testing.T) {
	rec := &recorder{}
	s := New(Config{Streams: []proto.StreamDissector{wholeMessage}}, rec)
	chunk := string(bytes.Repeat([]byte("y"), 1460))
	s.Packet(t0, tcp(true, decode.TCPSyn, 0, ""))
	// Out-of-order segments, then the hole fills past the cap while they
	// are being drained, then sequence numbers from far away.
	for i := 30; i >= 1; i-- {
		s.Packet(t0, tcp(true, decode.TCPAck, uint32(1+i*1460), chunk))
	}
	s.Packet(t0, tcp(true, decode.TCPAck, 1, chunk))
	s.Packet(t0, tcp(true, decode.TCPAck, 1<<31, chunk))
	s.Packet(t0, tcp(true, decode.TCPAck, 1<<31+1, chunk))
	s.Flush()
}

// TestReportOpenFlows holds a connection open across two reports and
// requires each record to count only what came since the last, a flow not
// yet answered to wait for its answer, the first record to mark nothing
// as continued, a flow idle since a report to be
// left alone, and the end of a flow that carried nothing after its last
// report to add no record.
func TestReportOpenFlows(t *testing.T) {
	rec := &recorder{}
	s := New(Config{IdleTimeout: time.Hour}, rec)
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	quiet := tcp(true, decode.TCPSyn, 1, "") // a second flow, silent after its first packet
	quiet.SrcPort = 40001
	s.Packet(at(0), tcp(true, decode.TCPSyn, 1, ""))
	s.Report() // not answered yet: it waits
	s.Packet(at(0), tcp(false, decode.TCPSyn|decode.TCPAck, 9, ""))
	s.Packet(at(0), quiet)
	quietAck := tcp(false, decode.TCPSyn|decode.TCPAck, 9, "")
	quietAck.DstPort = 40001
	s.Packet(at(0), quietAck)
	s.Packet(at(1), tcp(true, decode.TCPAck, 2, "HELLO"))
	s.Report()
	if len(rec.flows) != 2 {
		t.Fatalf("first report: %d records, want 2: %+v", len(rec.flows), rec.flows)
	}
	long := rec.flows[0]
	// Had the lone SYN been reported, this would be the flow's second record.
	if !long.Open || !long.Since.IsZero() || long.Packets != 3 || !long.Answered || !long.Last.Equal(at(1)) {
		t.Errorf("first record of the open flow: %+v", long)
	}
	s.Packet(at(30), tcp(true, decode.TCPAck, 7, "x"))
	s.Packet(at(31), tcp(false, decode.TCPAck, 10, "y"))
	s.Report()
	if len(rec.flows) != 3 {
		t.Fatalf("second report: %d records, want 3 (the quiet flow carried nothing since)", len(rec.flows))
	}
	if r := rec.flows[2]; !r.Open || !r.Since.Equal(at(1)) || r.Packets != 2 || r.Bytes != 82 ||
		!r.First.Equal(at(0)) || !r.Last.Equal(at(31)) || r.Start() != at(1) {
		t.Errorf("second record: %+v", r)
	}
	s.Packet(at(32), tcp(true, decode.TCPFin|decode.TCPAck, 8, ""))
	s.Flush()
	final := rec.flows[3:]
	if len(final) != 1 {
		t.Fatalf("flush: %d records, want the long flow's last packet only: %+v", len(final), final)
	}
	if r := final[0]; r.Open || !r.Since.Equal(at(31)) || r.Packets != 1 {
		t.Errorf("final record: %+v", r)
	}
	var packets uint64
	for _, r := range rec.flows {
		if r.Client.Port == 50000 {
			packets += r.Packets
		}
	}
	if packets != 6 {
		t.Errorf("the long flow's records count %d packets, it carried 6", packets)
	}
}
