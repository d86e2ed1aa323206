// Package capture reads network captures: pcap (microsecond and nanosecond
// timestamps, either byte order) and pcapng (any number of sections and
// interfaces), plain or gzip-compressed. It hands out raw link-layer records;
// package sensor/decode turns them into layers.
//
// Errors name the file and the byte offset (in the decompressed stream) where
// the problem lies. A file whose tail is cut short yields every whole record
// before the cut and then an error wrapping ErrTruncated, so callers can warn
// and keep what was read.
package capture

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// LinkType is a LINKTYPE_ value from the tcpdump.org link-layer header types
// registry.
type LinkType uint32

// Link types Cordon decodes.
const (
	LinkNull      LinkType = 0   // BSD loopback: 4-byte host-order address family
	LinkEthernet  LinkType = 1   // Ethernet II and 802.3, with 802.1Q/QinQ tags
	LinkRaw       LinkType = 101 // raw IPv4 or IPv6, version from the first nibble
	LinkLoop      LinkType = 108 // OpenBSD loopback: 4-byte network-order family
	LinkLinuxSLL  LinkType = 113 // Linux cooked capture v1
	LinkIPv4      LinkType = 228
	LinkIPv6      LinkType = 229
	LinkLinuxSLL2 LinkType = 276 // Linux cooked capture v2
)

// Packet is one captured record. Data is valid only until the next call to
// Next on the same Reader: the reader reuses its buffer so that reading a
// file allocates nothing per packet.
type Packet struct {
	Time      time.Time
	Link      LinkType
	Data      []byte
	OrigLen   int   // length on the wire; len(Data) may be smaller (snaplen)
	Interface int   // pcapng interface index within its section; 0 for pcap
	Offset    int64 // byte offset of the record in the decompressed file
}

// Reader reads packets from a capture.
type Reader interface {
	// Next fills p with the next packet. It returns io.EOF at a clean end,
	// an error wrapping ErrTruncated when the file ends inside a record, and
	// a *FormatError for anything else malformed.
	Next(p *Packet) error
}

// ErrTruncated marks a capture that ends in the middle of a record.
var ErrTruncated = errors.New("file ends in the middle of a record")

// FormatError describes malformed capture content and where it is.
type FormatError struct {
	File   string // file name as given by the caller
	Offset int64  // byte offset in the decompressed stream
	Err    error  // what is wrong
}

func (e *FormatError) Error() string {
	return fmt.Sprintf("%s: byte %d: %v", e.File, e.Offset, e.Err)
}

func (e *FormatError) Unwrap() error { return e.Err }

// Link types that some systems wrote for raw IP before LINKTYPE_RAW existed
// (DLT_RAW is 12 on most BSDs and 14 on OpenBSD). Readers report both as
// LinkRaw.
const (
	linkRawBSD     LinkType = 12
	linkRawOpenBSD LinkType = 14
)

// normalize maps historical aliases onto the constants above.
func (l LinkType) normalize() LinkType {
	if l == linkRawBSD || l == linkRawOpenBSD {
		return LinkRaw
	}
	return l
}

// Supported reports whether Cordon's decoder understands the link type.
func (l LinkType) Supported() bool {
	switch l.normalize() {
	case LinkNull, LinkEthernet, LinkRaw, LinkLoop, LinkLinuxSLL, LinkIPv4, LinkIPv6, LinkLinuxSLL2:
		return true
	}
	return false
}

// String returns the LINKTYPE_ name without its prefix, or the number.
func (l LinkType) String() string {
	switch l {
	case LinkNull:
		return "NULL"
	case LinkEthernet:
		return "ETHERNET"
	case LinkRaw, linkRawBSD, linkRawOpenBSD:
		return "RAW"
	case LinkLoop:
		return "LOOP"
	case LinkLinuxSLL:
		return "LINUX_SLL"
	case LinkIPv4:
		return "IPV4"
	case LinkIPv6:
		return "IPV6"
	case LinkLinuxSLL2:
		return "LINUX_SLL2"
	}
	return strconv.FormatUint(uint64(l), 10)
}

// Sniff reports whether data begins like a capture this package reads:
// pcap in either byte order and timestamp precision, pcapng, or gzip (whose
// content is checked only when it is opened). Four bytes are enough.
func Sniff(head []byte) bool {
	if len(head) >= 2 && head[0] == magicGzip0 && head[1] == magicGzip1 {
		return true
	}
	if len(head) < 4 {
		return false
	}
	for _, m := range []uint32{magicPcapMicro, magicPcapNano, magicPcapng} {
		if binary.BigEndian.Uint32(head) == m || binary.LittleEndian.Uint32(head) == m {
			return true
		}
	}
	return false
}
