package decode

import (
	"fmt"
	"maps"
	"time"

	"github.com/cordonsec/cordon/capture"
)

// Config tunes a Decoder. Zero fields take the defaults.
type Config struct {
	// MaxFragmentBytes bounds the memory held by incomplete IP datagrams,
	// all together; when a new fragment would exceed it the oldest
	// datagrams are dropped. Default 4 MiB.
	MaxFragmentBytes int
	// FragmentTimeout is how long, in capture time, a datagram may wait
	// for its missing fragments. Default 30 s.
	FragmentTimeout time.Duration
}

// Defaults for Config.
const (
	DefaultMaxFragmentBytes = 4 << 20
	DefaultFragmentTimeout  = 30 * time.Second
)

// DecodeStats counts what a Decoder has seen.
type DecodeStats struct {
	Packets     uint64 // calls to Decode
	NonIP       uint64 // frames that decoded fine but carry no IP (ARP, LLDP …)
	Fragments   uint64 // IPv4 and IPv6 fragments seen
	Reassembled uint64 // datagrams completed from fragments
	// Fragments thrown away, by reason: overlapping IPv6 fragments (RFC
	// 5722) and inconsistent ends, datagrams that waited too long, that
	// were evicted to stay within MaxFragmentBytes, that grew past 65535
	// bytes, or fragments cut short by the snaplen.
	DroppedOverlap, DroppedTimeout, DroppedEvicted, DroppedOversize, DroppedTruncated uint64
	PendingDatagrams                                                                  int // datagrams awaiting fragments now
	PendingBytes                                                                      int // memory they are charged for
	// Errors counts malformed packets by the Layer of their *Error.
	Errors map[string]uint64
}

// Error describes a malformed packet: the layer where decoding stopped and
// what was wrong there.
type Error struct {
	Layer   string // "link", "ethernet", "vlan", "llc", "sll", "ipv4", "ipv6", "tcp", "udp" …
	Problem string
}

// Error implements the error interface.
func (e *Error) Error() string { return e.Layer + ": " + e.Problem }

// NewDecoder returns a Decoder configured by cfg.
func NewDecoder(cfg Config) *Decoder {
	if cfg.MaxFragmentBytes <= 0 {
		cfg.MaxFragmentBytes = DefaultMaxFragmentBytes
	}
	if cfg.FragmentTimeout <= 0 {
		cfg.FragmentTimeout = DefaultFragmentTimeout
	}
	d := &Decoder{cfg: cfg, errors: make(map[string]uint64)}
	d.frag.init(cfg.MaxFragmentBytes, cfg.FragmentTimeout, &d.stats)
	return d
}

// Decode parses one captured frame of the given link type into p, which it
// resets first. ts is the capture time, used to time out fragments. It
// returns a *Error for malformed headers and for link types it does not
// know; a frame that is not IP is not an error (p.IPVersion is 0 and
// p.L2Payload holds the body). A fragment that does not complete its
// datagram returns nil with p.Fragment and p.Incomplete set; the one that
// completes it is decoded from the reassembled datagram.
//
// p's slices point into data or into the Decoder's reassembly buffer and
// are valid until the next call to Decode.
func (d *Decoder) Decode(link capture.LinkType, ts time.Time, data []byte, p *Packet) error {
	*p = Packet{}
	d.stats.Packets++
	d.frag.expire(ts)
	err := d.decodeLink(link, ts, data, p)
	if err != nil {
		if e, ok := err.(*Error); ok {
			d.errors[e.Layer]++
		}
		return err
	}
	if p.IPVersion == 0 {
		d.stats.NonIP++
	}
	return nil
}

// Stats returns the counters so far.
func (d *Decoder) Stats() DecodeStats {
	s := d.stats
	s.PendingDatagrams = d.frag.count
	s.PendingBytes = d.frag.bytes
	s.Errors = maps.Clone(d.errors)
	return s
}

// errf builds an *Error. Only malformed packets pay for the formatting.
func errf(layer, format string, args ...any) *Error {
	return &Error{Layer: layer, Problem: fmt.Sprintf(format, args...)}
}
