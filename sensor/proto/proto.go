// Package proto holds Cordon's passive dissectors, one protocol per file.
//
// A dissector reads bytes that the sensor hands it and emits identity facts
// about the endpoints through an Emitter. Dissectors are pure and read-only:
// they never send anything, never panic on any input, never keep a reference
// to the bytes they are given after they return (copy what you keep: the
// sensor reuses its buffers), and never emit patient data. A dissector that
// sees patient-identifiable content (an HL7 PID segment, a DICOM patient
// module) emits only the fact "patient_data" with the kind of content as the
// value, never the content itself.
//
// There are three shapes of dissector:
//
//   - Frame dissectors read a link-layer payload by EtherType or LLC (ARP,
//     LLDP, CDP).
//   - Datagram dissectors read one UDP payload and are chosen by port (DHCP,
//     DNS, mDNS, LLMNR, NBNS, SSDP, SNMP, DHCPv6).
//   - Stream dissectors read the reassembled, in-order bytes of both
//     directions of a TCP connection and recognise their protocol by content,
//     on any port (HTTP, TLS, SMB, DICOM, HL7/MLLP, RDP, banners …).
//
// Fact names are "protocol.field" in snake_case and are listed in
// docs/facts.md. Values are trimmed, printable UTF-8 and at most MaxValue
// bytes; use Clean.
package proto

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cordonsec/cordon"
)

// MaxValue bounds the length of an emitted fact value.
const MaxValue = 256

// Emitter receives the facts a dissector finds. about names the endpoint the
// fact describes: usually d.Src or s.Client/s.Server, but for ARP, DHCP and
// LLDP an endpoint built from addresses inside the payload.
type Emitter interface {
	Emit(about cordon.Endpoint, fact, value string)
}

// Frame is one link-layer payload: the bytes after the Ethernet (or 802.2 LLC
// / SNAP) header.
type Frame struct {
	Src, Dst cordon.MAC
	Payload  []byte
}

// FrameDissector decodes one frame.
type FrameDissector struct {
	Name      string
	EtherType uint16 // 0 when matched by LLC/SNAP instead
	// SNAP is the OUI<<16|protocol ID of an 802.2 SNAP frame (CDP is
	// 0x00000c2000); 0 when matched by EtherType.
	SNAP  uint64
	Parse func(f *Frame, e Emitter) bool
}

// Datagram is one UDP payload with both endpoints.
type Datagram struct {
	Src, Dst cordon.Endpoint
	Payload  []byte
}

// DatagramDissector decodes UDP datagrams to or from one of Ports. Parse
// returns whether the payload was the dissector's protocol.
type DatagramDissector struct {
	Name  string
	Ports []uint16
	Parse func(d *Datagram, e Emitter) bool
}

// Stream is the in-order reassembled payload of a TCP connection so far.
// Client is the endpoint that sent the SYN (or, when the handshake was not
// captured, the one that sent first or used the higher port). ClientData and
// ServerData start at the first payload byte of each direction and grow
// between calls, up to a cap (MaxStream). Gap is true when a direction lost
// bytes the capture never saw: data after the gap is not delivered. Closed is
// true on the last call for the connection (FIN, RST, idle eviction or end of
// capture).
type Stream struct {
	Client, Server         cordon.Endpoint
	ClientData, ServerData []byte
	Gap                    bool
	Closed                 bool
}

// MaxStream is how many bytes of each direction the sensor keeps for stream
// dissectors. Identity lives in the first messages of a connection (hellos,
// negotiations, associations); bulk transfers after them are not read.
const MaxStream = 32 << 10

// Status is what a stream dissector says after reading a Stream.
type Status uint8

const (
	// Undecided: not enough bytes yet to tell whether this is the protocol.
	Undecided Status = iota
	// NotMine: this is not the protocol; do not call again for this stream.
	NotMine
	// Mine: this is the protocol; call again when more data arrives.
	Mine
	// Done: this is the protocol and everything of interest has been read.
	Done
)

// StreamDissector recognises and decodes one protocol on TCP connections.
// Parse is called with the whole stream so far each time either direction
// grows, so it re-reads from the start and may emit the same fact more than
// once; the inventory merges duplicates. Ports are hints used to try likely
// dissectors first and to label banner protocols that cannot be recognised
// by content alone; recognition must still look at the bytes.
type StreamDissector struct {
	Name  string
	Ports []uint16
	Parse func(s *Stream, e Emitter) Status
}

// Clean returns b as a fact value: invalid UTF-8 and control characters
// replaced by spaces, runs of spaces folded, trimmed, and cut to MaxValue
// bytes on a rune boundary. It always returns a fresh string, so the caller
// may reuse b.
func Clean(b []byte) string {
	var sb strings.Builder
	sb.Grow(min(len(b), MaxValue))
	space := false
	for len(b) > 0 && sb.Len() < MaxValue {
		r, size := utf8.DecodeRune(b)
		b = b[size:]
		if r == utf8.RuneError || unicode.IsControl(r) || unicode.IsSpace(r) {
			space = sb.Len() > 0
			continue
		}
		need := utf8.RuneLen(r)
		if space {
			need++
		}
		if sb.Len()+need > MaxValue {
			break
		}
		if space {
			sb.WriteByte(' ')
			space = false
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

// CleanString is Clean for a string.
func CleanString(s string) string { return Clean([]byte(s)) }
