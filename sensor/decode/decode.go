// Package decode parses link, network and transport headers of captured
// packets into a preallocated Packet without allocating, and reassembles IPv4
// and IPv6 fragments.
package decode

import (
	"net/netip"

	"github.com/cordonsec/cordon"
)

// IP protocol numbers Cordon cares about.
const (
	ProtoICMP   = 1
	ProtoTCP    = 6
	ProtoUDP    = 17
	ProtoICMPv6 = 58
)

// TCP flags.
const (
	TCPFin = 0x01
	TCPSyn = 0x02
	TCPRst = 0x04
	TCPPsh = 0x08
	TCPAck = 0x10
)

// Packet is a decoded packet. Slices point into the captured data (or into
// the defragmenter's buffer) and are valid until the next Decode.
type Packet struct {
	// Link layer. HasMAC is false on links without hardware addresses (raw
	// IP, loopback); SLL and SLL2 carry only the source address.
	SrcMAC, DstMAC cordon.MAC
	HasMAC         bool
	VLAN           uint16 // innermost 802.1Q VLAN ID, 0 if untagged
	EtherType      uint16 // 0 for an 802.3 length frame (see SNAP)
	// SNAP is OUI<<16|PID of an 802.2 LLC/SNAP frame (CDP: 0x00000c2000),
	// 0 otherwise.
	SNAP uint64
	// L2Payload is what follows the link header (and any LLC/SNAP header):
	// the ARP or LLDP or CDP body, or the IP packet without Ethernet
	// padding. PPPoE sessions carrying IP are unwrapped: EtherType is then
	// 0x0800 or 0x86dd and L2Payload the IP packet.
	L2Payload []byte

	// Network layer; IPVersion is 0 for non-IP frames.
	IPVersion    uint8
	SrcIP, DstIP netip.Addr
	TTL          uint8 // or IPv6 hop limit
	Proto        uint8 // IPv4 protocol / IPv6 final next header
	Fragment     bool  // this record was a fragment; L4 fields are set only once reassembled
	// Incomplete is true when this record was a fragment that did not
	// complete its datagram (or was dropped): Proto is set, the transport
	// fields are zero and Payload is nil.
	Incomplete bool
	IPLen      int // total length of the IP packet (reassembled if it was fragmented)

	// Transport layer.
	SrcPort, DstPort uint16
	TCPFlags         uint8
	Seq, Ack         uint32
	Window           uint16
	// Payload is the transport payload (after TCP/UDP headers), or the IP
	// payload for other protocols.
	Payload []byte
}

// Decoder decodes packets of any supported link type. Its zero value is not
// usable; make one with NewDecoder. A Decoder is not safe for concurrent use:
// give each packet loop its own.
type Decoder struct {
	cfg    Config
	frag   defragmenter
	stats  DecodeStats
	errors map[string]uint64
}
