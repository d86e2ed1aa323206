package cordon

import (
	"net/netip"
	"time"
)

// Observation is one identity fact seen in traffic about one endpoint: "the
// host with this MAC and IP sent DHCP vendor class MSFT 5.0". Facts are the
// raw material of classification; nothing in one ever holds patient data.
type Observation struct {
	MAC   MAC        // zero when the subject's hardware address is not known
	IP    netip.Addr // invalid when the fact is about a MAC alone (LLDP, CDP)
	Fact  string     // dotted name, e.g. "dhcp.vendor_class"; see docs/facts.md
	Value string
	Time  time.Time
}

// FlowRecord aggregates the packets between two endpoints on one transport
// port: who talks to whom, how much, with what application.
type FlowRecord struct {
	Client, Server Endpoint // Client opened the connection (or sent first)
	Proto          string   // "tcp" or "udp"
	App            string   // application recognised by a dissector, "" if none
	Packets        uint64
	Bytes          uint64
	First, Last    time.Time
	// Answered is true when packets went both ways: a service that answered,
	// not a probe into the void.
	Answered bool
	// A live sensor reports a flow while it lasts, as NetFlow's active
	// timeout does, so that a link held open for weeks (an HL7 feed, a
	// vendor's tunnel) reaches the register and the checks before it ends.
	// Open marks such a record: the flow was still going on.
	Open bool
	// Since is zero on the first record of a flow. On a later one it is
	// when the previous record was taken: Packets and Bytes count from
	// then, while First stays the start of the flow.
	Since time.Time
}

// Start is when the counts of f begin: Since, or First on a flow's first
// record.
func (f *FlowRecord) Start() time.Time {
	if f.Since.IsZero() {
		return f.First
	}
	return f.Since
}

// Endpoint is one side of a conversation.
type Endpoint struct {
	MAC  MAC
	IP   netip.Addr
	Port uint16
}
