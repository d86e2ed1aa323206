package capture

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

var (
	le byteOrder = binary.LittleEndian
	be byteOrder = binary.BigEndian
	t0           = time.Unix(1700000000, 123456000)
)

// realNsecPcap is frame 7 of a capture made with `tcpdump -i lo
// --time-stamp-precision=nano` in a private network namespace, rewritten
// with `editcap -F nsecpcap -r frag_lo.pcap out 7`. Wireshark: nanosecond
// pcap, Ethernet, 74 bytes, 127.0.0.1:38850 → 127.0.0.1:8080 TCP SYN,
// frame.time_epoch 1795873162.674420658.
const realNsecPcap = `4d3cb2a102000400000000000000000000000400010000008ad90a6bb2d732284a000000
4a00000000000000000000000000000008004500003cbe86400040067e337f0000017f00000197c21f90ba290d03
00000000a002fbe0fe300000020404d80402080abcd0a035000000000103030a`

// want is the expected outcome of reading a capture.
type want struct {
	packets []Packet // Data compared; Time, Link, OrigLen, Interface, Offset too
	err     string   // substring of the final error; "" means io.EOF
	trunc   bool     // the final error wraps ErrTruncated
	offset  int64    // FormatError offset of the final error
}

// check reads data through NewReader and compares with w.
func check(t *testing.T, data []byte, w want) {
	t.Helper()
	r, err := NewReader(bytes.NewReader(data), "test.pcap")
	var got []Packet
	if err == nil {
		got, err = readAll(r)
	}
	if len(got) != len(w.packets) {
		t.Fatalf("read %d packets, want %d (err %v)", len(got), len(w.packets), err)
	}
	for i, g := range got {
		wp := w.packets[i]
		if !g.Time.Equal(wp.Time) || g.Link != wp.Link || !bytes.Equal(g.Data, wp.Data) ||
			g.OrigLen != wp.OrigLen || g.Interface != wp.Interface || (wp.Offset != 0 && g.Offset != wp.Offset) {
			t.Errorf("packet %d = {%v %v %x orig %d if %d off %d}, want {%v %v %x orig %d if %d off %d}", i,
				g.Time, g.Link, g.Data, g.OrigLen, g.Interface, g.Offset,
				wp.Time, wp.Link, wp.Data, wp.OrigLen, wp.Interface, wp.Offset)
		}
	}
	if w.err == "" {
		if err != io.EOF {
			t.Fatalf("final error = %v, want io.EOF", err)
		}
		return
	}
	if err == nil || !strings.Contains(err.Error(), w.err) {
		t.Fatalf("final error = %v, want one containing %q", err, w.err)
	}
	if errors.Is(err, ErrTruncated) != w.trunc {
		t.Errorf("errors.Is(%v, ErrTruncated) = %v, want %v", err, !w.trunc, w.trunc)
	}
	var fe *FormatError
	if !errors.As(err, &fe) {
		t.Fatalf("error %v is not a *FormatError", err)
	}
	if fe.Offset != w.offset || fe.File != "test.pcap" {
		t.Errorf("error at %s byte %d, want test.pcap byte %d", fe.File, fe.Offset, w.offset)
	}
	// Errors are sticky.
	if r != nil {
		var p Packet
		if err2 := r.Next(&p); err2 == nil || err2.Error() != err.Error() {
			t.Errorf("second Next after error = %v, want %v", err2, err)
		}
	}
}

func TestPcap(t *testing.T) {
	a, b := frame(60, 1), frame(1514, 2)
	twoRecs := []rec{{ts: t0, data: a}, {ts: t0.Add(time.Second), data: b, orig: 2000}}
	wantTwo := []Packet{
		{Time: t0, Link: LinkEthernet, Data: a, OrigLen: 60, Offset: 24},
		{Time: t0.Add(time.Second), Link: LinkEthernet, Data: b, OrigLen: 2000, Offset: 24 + 16 + 60},
	}
	tNano := time.Unix(1700000000, 123456789)
	good := pcapFile(le, false, 1, 65535, twoRecs...)
	fcsFrame := append(frame(60, 3), 0xde, 0xad, 0xbe, 0xef)
	tests := []struct {
		name string
		data []byte
		want want
	}{
		{"LittleEndianMicro", good, want{packets: wantTwo}},
		{"BigEndianMicro", pcapFile(be, false, 1, 65535, twoRecs...), want{packets: wantTwo}},
		{"BigEndianNano", pcapFile(be, true, 113, 262144, rec{ts: tNano, data: a}),
			want{packets: []Packet{{Time: tNano, Link: LinkLinuxSLL, Data: a, OrigLen: 60}}}},
		{"LittleEndianNano", pcapFile(le, true, 276, 262144, rec{ts: tNano, data: a}),
			want{packets: []Packet{{Time: tNano, Link: LinkLinuxSLL2, Data: a, OrigLen: 60}}}},
		{"Gzip", gz(t, good), want{packets: wantTwo}},
		{"RealNanosecond", unhex(t, realNsecPcap), want{packets: []Packet{{
			Time: time.Unix(1795873162, 674420658), Link: LinkEthernet, OrigLen: 74,
			Data: unhex(t, realNsecPcap)[40:]}}}},
		{"FCSBitsStripped", pcapFile(le, false, 1|linkFCSPresent|2<<28, 65535, rec{ts: t0, data: fcsFrame}),
			want{packets: []Packet{{Time: t0, Link: LinkEthernet, Data: fcsFrame[:60], OrigLen: 64}}}},
		{"FCSCutBySnaplen", pcapFile(le, false, 1|linkFCSPresent|2<<28, 62, rec{ts: t0, data: fcsFrame[:62], orig: 64}),
			want{packets: []Packet{{Time: t0, Link: LinkEthernet, Data: fcsFrame[:60], OrigLen: 64}}}},
		{"RawAlias12", pcapFile(le, false, 12, 65535, rec{ts: t0, data: a}),
			want{packets: []Packet{{Time: t0, Link: LinkRaw, Data: a, OrigLen: 60}}}},
		{"NoRecords", pcapFile(le, false, 0, 65535), want{}},
		{"Empty", nil, want{err: "empty file"}},
		{"ShortMagic", []byte{0xd4, 0xc3}, want{err: "too short", trunc: true}},
		{"Garbage", []byte("<!DOCTYPE html><html>"), want{err: "unknown magic number 3c21444f: expected pcap"}},
		{"TruncatedHeader", good[:20], want{err: "pcap: file header: file ends in the middle", trunc: true}},
		{"TruncatedRecordHeader", good[:24+16+60+8], want{packets: wantTwo[:1], err: "pcap: record header", trunc: true, offset: 100}},
		{"TruncatedRecordData", good[:len(good)-1], want{packets: wantTwo[:1], err: "pcap: record", trunc: true, offset: 100}},
		{"BadVersion", func() []byte { g := bytes.Clone(good); g[4] = 3; return g }(), want{err: "unsupported version 3.4", offset: 4}},
		{"SnaplenZero", pcapFile(le, false, 1, 0), want{err: "snaplen 0 is invalid", offset: 16}},
		{"SnaplenAbsurd", pcapFile(le, false, 1, 1<<30), want{err: "snaplen 1073741824 exceeds the limit", offset: 16}},
		{"UnsupportedLink", pcapFile(le, false, 147, 65535), want{err: "unsupported link type 147", offset: 20}},
		{"RecordTooLong", pcapFile(le, false, 1, 65535, rec{ts: t0, data: a}, rec{ts: t0, data: frame(4000000, 0)}),
			want{packets: wantTwo[:1], err: "record length 4000000 exceeds snaplen 65535", offset: 100}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { check(t, tt.data, tt.want) })
	}
}

// TestPcapBigRecord reads records larger than the read buffer, which take
// the copying path, and checks that a huge declared length in a short file
// fails as truncated.
func TestPcapBigRecord(t *testing.T) {
	big := frame(readBufferBytes+1000, 7)
	data := pcapFile(le, false, 1, 1<<20, rec{ts: t0, data: big}, rec{ts: t0, data: big[:70]}, rec{ts: t0, data: big})
	check(t, data, want{packets: []Packet{
		{Time: t0, Link: LinkEthernet, Data: big, OrigLen: len(big)},
		{Time: t0, Link: LinkEthernet, Data: big[:70], OrigLen: 70},
		{Time: t0, Link: LinkEthernet, Data: big, OrigLen: len(big)},
	}})
	hdr := pcapFile(le, false, 1, maxSnaplen, rec{ts: t0, data: frame(10, 0), orig: 200 << 20})
	binary.LittleEndian.PutUint32(hdr[24+8:], 200<<20) // claim 200 MiB, give 10 bytes
	check(t, hdr, want{err: "pcap: record", trunc: true, offset: 24})
}
