package capture

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/hex"
	"strings"
	"testing"
	"time"
)

// byteOrder is binary.LittleEndian or binary.BigEndian.
type byteOrder interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

// rec is one record for the fixture writers.
type rec struct {
	ts   time.Time
	data []byte
	orig int // 0 means len(data)
}

func (r rec) origLen() uint32 {
	if r.orig == 0 {
		return uint32(len(r.data))
	}
	return uint32(r.orig)
}

// pcapFile writes a classic pcap file with the given header fields.
func pcapFile(order byteOrder, nano bool, network, snaplen uint32, recs ...rec) []byte {
	var b []byte
	magic := uint32(magicPcapMicro)
	if nano {
		magic = magicPcapNano
	}
	b = order.AppendUint32(b, magic)
	b = order.AppendUint16(b, 2)
	b = order.AppendUint16(b, 4)
	b = order.AppendUint32(b, 0) // thiszone
	b = order.AppendUint32(b, 0) // sigfigs
	b = order.AppendUint32(b, snaplen)
	b = order.AppendUint32(b, network)
	for _, r := range recs {
		frac := r.ts.Nanosecond()
		if !nano {
			frac /= 1000
		}
		b = order.AppendUint32(b, uint32(r.ts.Unix()))
		b = order.AppendUint32(b, uint32(frac))
		b = order.AppendUint32(b, uint32(len(r.data)))
		b = order.AppendUint32(b, r.origLen())
		b = append(b, r.data...)
	}
	return b
}

// ngFile builds pcapng files block by block; each section header sets the
// byte order of the blocks after it.
type ngFile struct {
	order byteOrder
	b     []byte
}

// block appends a block with the body padded to 32 bits.
func (f *ngFile) block(typ uint32, body []byte) *ngFile {
	pad := (4 - len(body)%4) % 4
	n := uint32(12 + len(body) + pad)
	f.b = f.order.AppendUint32(f.b, typ)
	f.b = f.order.AppendUint32(f.b, n)
	f.b = append(f.b, body...)
	f.b = append(f.b, make([]byte, pad)...)
	f.b = f.order.AppendUint32(f.b, n)
	return f
}

// shb starts a section in the given byte order.
func (f *ngFile) shb(order byteOrder) *ngFile {
	f.order = order
	var body []byte
	body = order.AppendUint32(body, bomMagic)
	body = order.AppendUint16(body, 1)
	body = order.AppendUint16(body, 0)
	body = order.AppendUint64(body, ^uint64(0)) // section length unknown
	return f.block(blockSHB, body)
}

// opt encodes one option, padded.
func (f *ngFile) opt(code uint16, v ...byte) []byte {
	var b []byte
	b = f.order.AppendUint16(b, code)
	b = f.order.AppendUint16(b, uint16(len(v)))
	b = append(b, v...)
	return append(b, make([]byte, (4-len(v)%4)%4)...)
}

// idb declares an interface; opts come from opt.
func (f *ngFile) idb(link uint16, snaplen uint32, opts ...[]byte) *ngFile {
	var body []byte
	body = f.order.AppendUint16(body, link)
	body = f.order.AppendUint16(body, 0)
	body = f.order.AppendUint32(body, snaplen)
	for _, o := range opts {
		body = append(body, o...)
	}
	if len(opts) > 0 {
		body = append(body, 0, 0, 0, 0) // opt_endofopt
	}
	return f.block(blockIDB, body)
}

// epb appends an enhanced packet block with a timestamp in raw ticks.
func (f *ngFile) epb(iface uint32, ticks uint64, data []byte, orig uint32) *ngFile {
	var body []byte
	body = f.order.AppendUint32(body, iface)
	body = f.order.AppendUint32(body, uint32(ticks>>32))
	body = f.order.AppendUint32(body, uint32(ticks))
	body = f.order.AppendUint32(body, uint32(len(data)))
	body = f.order.AppendUint32(body, orig)
	body = append(body, data...)
	return f.block(blockEPB, body)
}

// pb appends an obsolete packet block.
func (f *ngFile) pb(iface uint16, ticks uint64, data []byte) *ngFile {
	var body []byte
	body = f.order.AppendUint16(body, iface)
	body = f.order.AppendUint16(body, 0) // drops
	body = f.order.AppendUint32(body, uint32(ticks>>32))
	body = f.order.AppendUint32(body, uint32(ticks))
	body = f.order.AppendUint32(body, uint32(len(data)))
	body = f.order.AppendUint32(body, uint32(len(data)))
	body = append(body, data...)
	return f.block(blockPB, body)
}

// spb appends a simple packet block.
func (f *ngFile) spb(orig uint32, data []byte) *ngFile {
	body := f.order.AppendUint32(nil, orig)
	return f.block(blockSPB, append(body, data...))
}

// gz compresses b.
func gz(tb testing.TB, b []byte) []byte {
	tb.Helper()
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	if _, err := w.Write(b); err != nil {
		tb.Fatal(err)
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// unhex decodes hex that may contain white space.
func unhex(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		tb.Fatalf("unhex: %v", err)
	}
	return b
}

// frame returns n bytes of a recognisable pattern.
func frame(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = seed + byte(i)
	}
	return b
}

// readAll reads every packet, copying the data, until an error.
func readAll(r Reader) ([]Packet, error) {
	var out []Packet
	for {
		var p Packet
		if err := r.Next(&p); err != nil {
			return out, err
		}
		p.Data = bytes.Clone(p.Data)
		out = append(out, p)
	}
}
